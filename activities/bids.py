"""The bid read model: bids, bid_partners, sections, contributions and signatures.

Every write is an upsert by natural key, so a retried activity changes nothing twice; the
bid row keeps the highest `version`, so an out-of-order write never goes back in time.
"""

import functools

from sqlalchemy import Table, update
from sqlalchemy.dialects.postgresql import Insert, insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.sql.dml import ReturningInsert
from temporalio import activity

from activities.errors import classify_errors
from models.bid_rows import BidSnapshot, ContributionRow, ReviewRow, SignatureRow
from models.opportunity import OpportunityNotice
from models.tables import Bid, BidPartner, Contribution, Opportunity, Section, Signature


@classify_errors
class BidStoreActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @activity.defn
    async def save_opportunity(self, input: OpportunityNotice) -> None:
        """Upsert the opportunity the bid answers, every term of its notice: a bid started
        from the web builds its notice from this row."""
        values = input.model_dump()
        async with self._sessions() as session, session.begin():
            statement = insert(Opportunity).values(**values)
            await session.execute(
                statement.on_conflict_do_update(
                    index_elements=["id"],
                    set_={k: statement.excluded[k] for k in values if k != "id"},
                )
            )

    @activity.defn
    async def save_bid(self, input: BidSnapshot) -> None:
        """Upsert the bid row (if newer), its partners and its sections."""
        row = {
            "id": input.bid_id,
            "opportunity_id": input.opportunity_id,
            "lead_organisation_id": input.lead_organisation_id,
            "stage": input.stage,
            "deadline": input.deadline,
            "outstanding_tasks": input.outstanding_tasks,
            "next_due": input.next_due,
            "state": input.summary,
            "version": input.version,
        }
        async with self._sessions() as session, session.begin():
            newer = await session.scalar(_SAVE_BID, row)
            if newer is None:  # a later snapshot is stored already: its rows are newer too
                return
            # One statement per table, however many partners and sections the bid has.
            if input.partners:
                await _upsert(
                    session,
                    BidPartner,
                    ["bid_id", "organisation_id"],
                    [{"bid_id": input.bid_id, **p.model_dump()} for p in input.partners],
                    ("role", "status", "budget_share"),
                )
            if input.sections:
                await _upsert(
                    session,
                    Section,
                    ["bid_id", "key"],
                    [{"bid_id": input.bid_id, **x.model_dump()} for x in input.sections],
                    ("assigned_to", "due", "status"),
                )

    @activity.defn
    async def record_contribution(self, input: ContributionRow) -> None:
        """One submitted version of a section; the same version twice records once."""
        async with self._sessions() as session, session.begin():
            await session.execute(
                insert(Contribution)
                .values(**input.model_dump())
                .on_conflict_do_nothing(index_elements=["bid_id", "section_key", "version"])
            )

    @activity.defn
    async def record_review(self, input: ReviewRow) -> None:
        """The lead's review of one version; setting the same review again changes nothing."""
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(Contribution)
                .where(
                    Contribution.bid_id == input.bid_id,
                    Contribution.section_key == input.section_key,
                    Contribution.version == input.version,
                )
                .values(
                    review=input.review,
                    review_comments=input.comments,
                    reviewed_at=input.reviewed_at,
                )
            )

    @activity.defn
    async def record_signature(self, input: SignatureRow) -> None:
        """A signature on one exact version; signing the same version twice records once."""
        async with self._sessions() as session, session.begin():
            await session.execute(
                insert(Signature)
                .values(**input.model_dump())
                .on_conflict_do_nothing(
                    index_elements=["bid_id", "organisation_id", "agreement_hash"]
                )
            )


async def _upsert(
    session: AsyncSession, table: type, keys: list[str], rows: list[dict], changed: tuple
) -> None:
    """One statement for many rows. The rows go as parameters ("insertmanyvalues"), not in
    the SQL: a statement with rows in its text compiles anew for every count of rows, and
    that compiling was most of a snapshot's cost (14 ms of CPU for 20 partners)."""
    columns: Table = table.__table__  # type: ignore[attr-defined]
    await session.execute(_upsert_statement(columns, tuple(keys), changed), rows)


@functools.cache
def _upsert_statement(table: Table, keys: tuple[str, ...], changed: tuple[str, ...]) -> Insert:
    """Built once a table: building `excluded` makes a copy of every column, which was 13% of
    a worker's CPU in the 300-bid burst when done for every write (py-spy, bench/RESULTS.md)."""
    statement = insert(table)
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={k: statement.excluded[k] for k in changed}
    )


def _save_bid_statement() -> ReturningInsert[tuple[str]]:
    """The bid row's upsert, kept only if it is not older than the row stored; built once."""
    table = Bid.metadata.tables[Bid.__tablename__]
    statement = insert(table)
    return statement.on_conflict_do_update(
        index_elements=["id"],
        set_={k: statement.excluded[k] for k in _BID_COLUMNS},
        # Equal too: a workflow task that runs again (its completion lost) writes the same
        # version, and the later write is the one that counts.
        where=table.c.version <= statement.excluded.version,
    ).returning(table.c.id)


_BID_COLUMNS = (
    "opportunity_id",
    "lead_organisation_id",
    "stage",
    "deadline",
    "outstanding_tasks",
    "next_due",
    "state",
    "version",
)
_SAVE_BID = _save_bid_statement()
