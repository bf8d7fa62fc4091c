"""Reads for the pages: one bid with its audit trail, e-mails and files, the dashboard's filter
choices, the open opportunities. The bid list itself is in `web.bid_list`.

The web never writes bid state: the bid workflow keeps `bids` (and a summary in its `state`
column) up to date, and these functions only read it.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

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


async def _all(session: AsyncSession, table: Any, bid_id: str, order: Any) -> list[Any]:
    return list(
        (await session.scalars(select(table).where(table.bid_id == bid_id).order_by(order))).all()
    )


async def bid_detail(
    sessions: Sessions, bid_id: str, now: datetime | None = None
) -> BidDetail | None:
    async with sessions() as session:
        found = (
            await session.execute(
                select(*LINE, Opportunity)
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
        audit = await _all(session, AuditEntry, bid_id, AuditEntry.at)
        emails = await _all(session, OutboxMessage, bid_id, OutboxMessage.created_at)
    names = await organisation_names(sessions)
    tasks = found_tasks(found.outstanding, partners, sections, found.lead_organisation_id)
    row = bid_row(found, tasks, names, now or datetime.now(UTC))
    return BidDetail(
        row, found.Opportunity, partners, sections, contributions, signatures, audit, emails, names
    )


async def lead_of(sessions: Sessions, bid_id: str) -> str | None:
    async with sessions() as session:
        return await session.scalar(select(Bid.lead_organisation_id).where(Bid.id == bid_id))


async def open_opportunities(sessions: Sessions, now: datetime | None = None) -> list[Opportunity]:
    now = now or datetime.now(UTC)
    async with sessions() as session:
        rows = await session.scalars(
            select(Opportunity)
            .where(Opportunity.submission_deadline > now)
            .order_by(Opportunity.submission_deadline)
        )
        return list(rows.all())


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
