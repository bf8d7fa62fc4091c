"""Reads for the pages: the bids read model, its audit trail and e-mails, and the framework.

The web never writes bid state: the bid workflow keeps `bids` (and a summary in its `state`
column) up to date, and these functions only read it.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.bid import CLOSED_STAGES
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

Sessions = async_sessionmaker[AsyncSession]
FAR = datetime.max.replace(tzinfo=UTC)


@dataclass
class Owed:
    """One outstanding task: what, by whom, by when."""

    kind: str
    key: str
    owed_by: str
    owed_by_name: str
    due: datetime | None
    overdue: bool


@dataclass
class BidRow:
    """One line of the coordinator's dashboard."""

    id: str
    title: str
    funder: str
    localities: list[str]
    stage: str
    lead_id: str | None
    lead_name: str
    deadline: datetime | None
    days_left: int | None
    owed: list[Owed] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return any(task.overdue for task in self.owed)

    @property
    def closed(self) -> bool:
        return self.stage in CLOSED_STAGES


async def organisation_names(sessions: Sessions) -> dict[str, str]:
    async with sessions() as session:
        rows = (await session.execute(select(Organisation.id, Organisation.name))).all()
    return {row.id: row.name for row in rows}


def owed_tasks(
    summary: dict[str, Any],
    partners: list[BidPartner],
    sections: list[Section],
    lead_id: str | None,
    names: dict[str, str],
    now: datetime,
) -> list[Owed]:
    """What is outstanding and who owes it: the workflow's own list when its summary has one,
    else worked out from the partner and section rows."""
    raw = summary.get("outstanding")
    if isinstance(raw, list):
        found = [
            (t.get("kind", ""), t.get("key", ""), t.get("owed_by", ""), t.get("due")) for t in raw
        ]
    else:
        found = [
            ("invitation", "", p.organisation_id, None) for p in partners if p.status == "invited"
        ]
        for section in sections:
            if section.status in ("assigned", "returned") and section.assigned_to:
                found.append(("section", section.key, section.assigned_to, section.due))
            elif section.status == "submitted" and lead_id:
                found.append(("review", section.key, lead_id, None))
    tasks = []
    for kind, key, owed_by, due in found:
        due = datetime.fromisoformat(due) if isinstance(due, str) else due
        tasks.append(
            Owed(
                kind, key, owed_by, names.get(owed_by, owed_by), due, due is not None and due < now
            )
        )
    return sorted(tasks, key=lambda t: (not t.overdue, t.due or FAR))


async def list_bids(
    sessions: Sessions,
    stage: str | None = None,
    locality: str | None = None,
    funder: str | None = None,
    lead_id: str | None = None,
    now: datetime | None = None,
) -> list[BidRow]:
    """Bids matching the filters: overdue ones first, then open by deadline, then closed."""
    now = now or datetime.now(UTC)
    query = select(Bid, Opportunity).join(Opportunity, Opportunity.id == Bid.opportunity_id)
    if stage:
        query = query.where(Bid.stage == stage)
    if funder:
        query = query.where(Opportunity.funder == funder)
    if lead_id:
        query = query.where(Bid.lead_organisation_id == lead_id)
    async with sessions() as session:
        rows = (await session.execute(query)).all()
        ids = [bid.id for bid, _ in rows]
        partners = (
            await session.scalars(select(BidPartner).where(BidPartner.bid_id.in_(ids)))
        ).all()
        sections = (await session.scalars(select(Section).where(Section.bid_id.in_(ids)))).all()
    names = await organisation_names(sessions)
    # Grouped once, so the page costs time in proportion to rows, not bids times rows.
    partners_of: dict[str, list[BidPartner]] = defaultdict(list)
    for partner in partners:
        partners_of[partner.bid_id].append(partner)
    sections_of: dict[str, list[Section]] = defaultdict(list)
    for section in sections:
        sections_of[section.bid_id].append(section)
    bids = [
        _row(bid, opportunity, partners_of[bid.id], sections_of[bid.id], names, now)
        for bid, opportunity in rows
    ]
    if locality:
        bids = [b for b in bids if locality in b.localities]
    return sorted(bids, key=lambda b: (b.closed, not b.overdue, b.deadline or FAR, b.id))


def _row(
    bid: Bid,
    opportunity: Opportunity,
    partners: list[BidPartner],
    sections: list[Section],
    names: dict[str, str],
    now: datetime,
) -> BidRow:
    deadline = bid.deadline or opportunity.submission_deadline
    lead = bid.lead_organisation_id
    return BidRow(
        id=bid.id,
        title=opportunity.title,
        funder=opportunity.funder,
        localities=list(opportunity.localities or []),
        stage=bid.stage,
        lead_id=lead,
        lead_name=names.get(lead or "", "not chosen yet"),
        deadline=deadline,
        days_left=(deadline - now).days if deadline else None,
        owed=owed_tasks(bid.state or {}, partners, sections, lead, names, now),
    )


async def filter_options(sessions: Sessions) -> dict[str, list[str]]:
    """The values the dashboard's filters offer: stages, localities and funders in use."""
    async with sessions() as session:
        stages = sorted(set((await session.scalars(select(Bid.stage))).all()))
        opportunities = (await session.scalars(select(Opportunity))).all()
    return {
        "stages": stages,
        "funders": sorted({o.funder for o in opportunities}),
        "localities": sorted({loc for o in opportunities for loc in (o.localities or [])}),
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
                select(Bid, Opportunity)
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
    bid, opportunity = found
    row = _row(bid, opportunity, partners, sections, names, now or datetime.now(UTC))
    return BidDetail(
        row, opportunity, partners, sections, contributions, signatures, audit, emails, names
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
