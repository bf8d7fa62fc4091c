"""Reads for the pages: one bid with its audit trail, e-mails and files, the summary the bid
keeps in its row, the dashboard's filter choices, the open opportunities, a search of the
directory for a lead to invite from. The bid list itself is in `web.bid_list`.

The web never writes bid state: the bid workflow keeps `bids` (and a summary in its `state`
column) up to date, and these functions only read it.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from activities.directory import DirectoryActivities
from models.bid_public import BidSummary
from models.directory import MAY_JOIN_BIDS, DirectorySearch, MemberMatch
from models.tables import (
    Attachment,
    AuditEntry,
    Bid,
    BidPartner,
    Contribution,
    Opportunity,
    Organisation,
    OutboxMessage,
    Section,
    Signature,
)
from web.bid_list import LINE, BidRow, Sessions, bid_row, found_tasks


async def organisation_names(sessions: Sessions) -> dict[str, str]:
    async with sessions() as session:
        rows = (await session.execute(select(Organisation.id, Organisation.name))).all()
    return {row.id: row.name for row in rows}


async def filter_options(sessions: Sessions) -> dict[str, list[str]]:
    """The values the dashboard's filters offer: stages, localities and funders in use."""
    localities = func.jsonb_array_elements_text(Opportunity.localities)
    async with sessions() as session:
        return {
            name: list(await session.scalars(select(column).distinct().order_by(column)))
            for name, column in (
                ("stages", Bid.stage),
                ("funders", Opportunity.funder),
                ("localities", localities),
            )
        }


@dataclass
class BidDetail:
    """One bid's page: the row, partners, sections, contributions, audit trail, e-mails."""

    row: BidRow
    opportunity: Opportunity
    partners: list[BidPartner]
    sections: list[Section]
    contributions: list[Contribution]
    signatures: list[Signature]
    audit: list[AuditEntry]
    emails: list[OutboxMessage]
    names: dict[str, str]
    summary: BidSummary | None  # what the bid last wrote of itself


# The bid's own order: entries of one workflow task share a timestamp, and rows of concurrent
# writes get their ids in either order, so neither the clock nor the id can order them. Rows
# without a `seq` (written before it existed) come first, by the clock.
_IN_THE_BIDS_ORDER = (AuditEntry.seq.asc().nulls_first(), AuditEntry.at, AuditEntry.id)


async def _all(session: AsyncSession, table: Any, bid_id: str, *order: Any) -> list[Any]:
    return list(
        (await session.scalars(select(table).where(table.bid_id == bid_id).order_by(*order))).all()
    )


async def bid_detail(
    sessions: Sessions, bid_id: str, now: datetime | None = None
) -> BidDetail | None:
    async with sessions() as session:
        found = (
            await session.execute(
                select(*LINE, Bid.state.label("summary"), Opportunity)
                .join(Opportunity, Opportunity.id == Bid.opportunity_id)
                .where(Bid.id == bid_id)
            )
        ).first()
        if found is None:
            return None
        partners = await _all(session, BidPartner, bid_id, BidPartner.organisation_id)
        sections = await _all(session, Section, bid_id, Section.key)
        contributions = await _all(session, Contribution, bid_id, Contribution.submitted_at)
        signatures = await _all(session, Signature, bid_id, Signature.signed_at)
        audit = await _all(session, AuditEntry, bid_id, *_IN_THE_BIDS_ORDER)
        emails = await _all(session, OutboxMessage, bid_id, OutboxMessage.created_at)
    names = await organisation_names(sessions)
    tasks = found_tasks(found.outstanding, partners, sections, found.lead_organisation_id)
    row = bid_row(found, tasks, names, now or datetime.now(UTC))
    return BidDetail(
        row,
        found.Opportunity,
        partners,
        sections,
        contributions,
        signatures,
        audit,
        emails,
        names,
        _summary(found.summary),
    )


def _summary(kept: Any) -> BidSummary | None:
    """The summary in a bids row; None for a row written before it kept one whole."""
    try:
        return BidSummary.model_validate(kept)
    except ValidationError:
        return None


async def bid_summary(sessions: Sessions, bid_id: str) -> BidSummary | None:
    async with sessions() as session:
        return _summary(await session.scalar(select(Bid.state).where(Bid.id == bid_id)))


async def lead_of(sessions: Sessions, bid_id: str) -> str | None:
    async with sessions() as session:
        return await session.scalar(select(Bid.lead_organisation_id).where(Bid.id == bid_id))


async def open_opportunities(sessions: Sessions, now: datetime | None = None) -> list[Any]:
    """Opportunities whose deadline is ahead, each with its `deadline`: a bid's own where one
    is under way (the funder may have moved it since the notice), else the notice's."""
    of_its_bid = (
        select(func.max(Bid.deadline)).where(Bid.opportunity_id == Opportunity.id).scalar_subquery()
    )
    deadline = func.coalesce(of_its_bid, Opportunity.submission_deadline).label("deadline")
    query = (
        select(Opportunity.id, Opportunity.title, Opportunity.funder, deadline)
        .where(deadline > (now or datetime.now(UTC)))
        .order_by(deadline, Opportunity.id)
    )
    async with sessions() as session:
        return list((await session.execute(query)).all())


async def attachments_of(sessions: Sessions, bid_id: str) -> list[Any]:
    """The files uploaded with a bid's contributions (without their bytes)."""
    columns = (Attachment.id, Attachment.section_key, Attachment.organisation_id)
    columns += (Attachment.filename, Attachment.size, Attachment.created_at)
    async with sessions() as session:
        rows = await session.execute(
            select(*columns).where(Attachment.bid_id == bid_id).order_by(Attachment.id)
        )
        return list(rows.all())


async def attachment(sessions: Sessions, bid_id: str, attachment_id: int) -> Attachment | None:
    async with sessions() as session:
        return await session.scalar(
            select(Attachment).where(Attachment.bid_id == bid_id, Attachment.id == attachment_id)
        )


# A search shows at most this many members: narrow it to find others.
SEARCH_LIMIT = 50


async def directory_search(
    sessions: Sessions, name: str, theme: str, locality: str
) -> list[MemberMatch]:
    """Members the lead may invite: the directory's own search (as `consortia member list`)
    of the active members, those with a primary contact to write to."""
    search = DirectorySearch(
        name=name or None,
        theme=theme or None,
        locality=locality or None,
        statuses=list(MAY_JOIN_BIDS),
    )
    found = await DirectoryActivities(sessions).search_members(search)
    return [m for m in found if m.email][:SEARCH_LIMIT]
