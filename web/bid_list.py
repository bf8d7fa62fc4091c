"""The bid list of the dashboard, the lead's console and the API: one page of bids, filtered,
ordered and paged in SQL, and each line's outstanding tasks and who owes them.

Only the page's rows are read: the order needs no task rows, because the bid workflow keeps
each bid's earliest outstanding due date in `bids.next_due`.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    func,
    literal,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.bid import CLOSED_STAGES
from models.tables import Bid, BidPartner, Opportunity, Organisation, Section

Sessions = async_sessionmaker[AsyncSession]
FAR = datetime.max.replace(tzinfo=UTC)
PAGE_SIZE = 50

# What a line of the list shows: a select of these, from bids joined to their opportunities.
LINE = (
    Bid.id,
    Bid.stage,
    Bid.lead_organisation_id,
    Bid.deadline,
    Bid.state["outstanding"].label("outstanding"),  # the summary's own list, not all of it
    Opportunity.title,
    Opportunity.funder,
    Opportunity.localities,
    Opportunity.submission_deadline,
)


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


@dataclass
class BidPage:
    """One page of the bid list, and how many bids match its filters in all."""

    rows: list[BidRow]
    total: int
    limit: int
    offset: int

    @property
    def first(self) -> int:
        """The first row's place in the whole list, counting from 1 (0 on an empty page)."""
        return self.offset + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.offset + len(self.rows)

    @property
    def previous_offset(self) -> int | None:
        return max(0, min(self.offset, self.total) - self.limit) if self.offset else None

    @property
    def next_offset(self) -> int | None:
        return self.offset + self.limit if self.offset + self.limit < self.total else None


async def list_bids(
    sessions: Sessions,
    stage: str | None = None,
    locality: str | None = None,
    funder: str | None = None,
    lead_id: str | None = None,
    now: datetime | None = None,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> BidPage:
    """One page of the bids matching the filters: open before closed, overdue ones first
    within each, then by deadline (the bid's own, which its workflow always writes), then id."""
    now = now or datetime.now(UTC)
    filters = _Filters.of(stage, locality, funder, lead_id)
    async with sessions() as session:
        lines = (await session.execute(_page(filters, now, limit, offset))).all()
        total = await session.scalar(filters.apply(select(func.count()).select_from(Bid)))
        found = await _found_for(session, lines)
        owers = {owed_by for tasks in found.values() for _, _, owed_by, _ in tasks}
        leads = {x.lead_organisation_id for x in lines if x.lead_organisation_id}
        names = await names_of(session, owers | leads)
    return BidPage(
        [bid_row(line, found[line.id], names, now) for line in lines], total or 0, limit, offset
    )


@dataclass(frozen=True)
class _Filters:
    on_bid: list[ColumnElement[bool]]
    on_opportunity: list[ColumnElement[bool]]

    @classmethod
    def of(
        cls, stage: str | None, locality: str | None, funder: str | None, lead_id: str | None
    ) -> "_Filters":
        on_bid = [Bid.stage == stage] if stage else []
        if lead_id:
            on_bid.append(Bid.lead_organisation_id == lead_id)
        on_opportunity = [Opportunity.funder == funder] if funder else []
        if locality:  # one of the opportunity's localities, a JSON array
            on_opportunity.append(type_coerce(Opportunity.localities, JSONB).contains([locality]))
        return cls(on_bid, on_opportunity)

    def apply(self, query: Select) -> Select:
        """`query`, a select from bids, narrowed to the bids that match."""
        if self.on_opportunity:
            query = query.join(Opportunity, Opportunity.id == Bid.opportunity_id)
        return query.where(*self.on_bid, *self.on_opportunity)


def _page(filters: _Filters, now: datetime, limit: int, offset: int) -> Select:
    """The page's bids and opportunities in the list's order. Overdue is relative to `now`, so
    no index holds the whole order: each group is read in (deadline, id) order, as the index
    ix_bids_deadline_id keeps it, and cut at the page's end; the groups then merge."""
    closed = Bid.stage.in_(CLOSED_STAGES)
    conditions = (
        and_(~closed, Bid.next_due < now),  # open and overdue
        and_(~closed, or_(Bid.next_due.is_(None), Bid.next_due >= now)),  # open
        closed,  # closed: a closed bid owes nothing by a date
    )
    groups = [
        filters.apply(select(literal(rank).label("rank"), Bid.id, Bid.deadline))
        .where(condition)
        .order_by(Bid.deadline, Bid.id)
        .limit(offset + limit)
        .subquery()
        for rank, condition in enumerate(conditions)
    ]
    merged = union_all(*(select(group) for group in groups)).subquery()
    return (
        select(*LINE)
        .join(merged, merged.c.id == Bid.id)
        .join(Opportunity, Opportunity.id == Bid.opportunity_id)
        .order_by(merged.c.rank, merged.c.deadline, merged.c.id)
        .limit(limit)
        .offset(offset)
    )


async def names_of(session: AsyncSession, ids: Iterable[str]) -> dict[str, str]:
    """The names of these organisations, by id."""
    query = select(Organisation.id, Organisation.name).where(Organisation.id.in_(set(ids)))
    return {row.id: row.name for row in await session.execute(query)}


Found = tuple[str, str, str, Any]  # kind, key, owed_by, due (a datetime or its ISO text)


async def _found_for(session: AsyncSession, lines: Sequence[Any]) -> dict[str, list[Found]]:
    """Each bid's outstanding tasks. Partner and section rows are read only for the bids whose
    summary has no list of its own (written before the workflow kept one)."""
    older = [x.id for x in lines if not isinstance(x.outstanding, list)]
    partners: dict[str, list[BidPartner]] = defaultdict(list)
    sections: dict[str, list[Section]] = defaultdict(list)
    if older:
        for partner in await session.scalars(
            select(BidPartner).where(BidPartner.bid_id.in_(older))
        ):
            partners[partner.bid_id].append(partner)
        for section in await session.scalars(select(Section).where(Section.bid_id.in_(older))):
            sections[section.bid_id].append(section)
    return {
        x.id: found_tasks(x.outstanding, partners[x.id], sections[x.id], x.lead_organisation_id)
        for x in lines
    }


def found_tasks(
    outstanding: Any,
    partners: Sequence[BidPartner],
    sections: Sequence[Section],
    lead_id: str | None,
) -> list[Found]:
    """What is outstanding and who owes it: the workflow's own list (`outstanding`, from the
    bid's summary) when it kept one, else worked out from the partner and section rows."""
    if isinstance(outstanding, list):
        return [
            (t.get("kind", ""), t.get("key", ""), t.get("owed_by", ""), t.get("due"))
            for t in outstanding
        ]
    found: list[Found] = [
        ("invitation", "", p.organisation_id, None) for p in partners if p.status == "invited"
    ]
    for section in sections:
        if section.status in ("assigned", "returned") and section.assigned_to:
            found.append(("section", section.key, section.assigned_to, section.due))
        elif section.status == "submitted" and lead_id:
            found.append(("review", section.key, lead_id, None))
    return found


def owed_tasks(found: list[Found], names: dict[str, str], now: datetime) -> list[Owed]:
    """The tasks with the names of who owes them: overdue ones first, then by due date."""
    tasks = []
    for kind, key, owed_by, due in found:
        due = datetime.fromisoformat(due) if isinstance(due, str) else due
        overdue = due is not None and due < now
        tasks.append(Owed(kind, key, owed_by, names.get(owed_by, owed_by), due, overdue))
    return sorted(tasks, key=lambda t: (not t.overdue, t.due or FAR))


def bid_row(line: Any, found: list[Found], names: dict[str, str], now: datetime) -> BidRow:
    """The row of a bid read with the columns of LINE."""
    deadline = line.deadline or line.submission_deadline
    lead = line.lead_organisation_id
    return BidRow(
        id=line.id,
        title=line.title,
        funder=line.funder,
        localities=list(line.localities or []),
        stage=line.stage,
        lead_id=lead,
        lead_name=names.get(lead or "", "not chosen yet"),
        deadline=deadline,
        days_left=(deadline - now).days if deadline else None,
        owed=owed_tasks(found, names, now),
    )
