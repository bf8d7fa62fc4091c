"""Reads of the member directory (the map of VCS expertise): the circulation list for a bid,
the coordinator's search, the counts by theme and locality, and the framework's figures."""

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from activities.errors import classify_errors
from models.directory import (
    MAY_JOIN_BIDS,
    SIGNED_UP,
    SUBMITTED_STAGES,
    WAITING,
    WON_STAGES,
    CountsInput,
    DirectoryCounts,
    DirectorySearch,
    FrameworkFigures,
    MatchInput,
    MemberMatch,
    MembersById,
    count,
    found,
    matches,
    provider_key,
    size_band,
)
from models.tables import Bid, Contact, KnownProvider, Opportunity, Organisation


@classify_errors
class DirectoryActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @activity.defn
    async def match_members(self, input: MatchInput) -> list[MemberMatch]:
        """Active members (full or associate, never suspended) whose themes and localities
        match, with their primary contact; `leads_only` keeps full members willing to lead."""
        members = await self._members(statuses=MAY_JOIN_BIDS, with_contact=True)
        return [m for m in members if matches(m, input)]

    @activity.defn
    async def members_by_id(self, input: MembersById) -> list[MemberMatch]:
        """Active members (full or associate) with a primary contact, of those asked for; an
        id that is not one is left out."""
        wanted = set(input.ids)
        members = await self._members(statuses=MAY_JOIN_BIDS, with_contact=True, ids=wanted)
        return [m for m in members if m.organisation_id in wanted]

    @activity.defn
    async def search_members(self, input: DirectorySearch) -> list[MemberMatch]:
        """The coordinator's search by theme, locality, size, willingness to lead, status."""
        members = await self._members(statuses=tuple(input.statuses) or None)
        return [m for m in members if found(m, input)]

    @activity.defn
    async def count_members(self, input: CountsInput) -> DirectoryCounts:
        """Active members by theme and locality, with the gaps."""
        return count(await self._members(statuses=MAY_JOIN_BIDS), input)

    @activity.defn
    async def figures(self) -> FrameworkFigures:
        """The measures of success: members, waiting, % of known providers, bids and wins."""
        status_counts = select(Organisation.status, func.count()).group_by(Organisation.status)
        signed_up_query = select(Organisation.name, Organisation.charity_number).where(
            Organisation.status.in_(SIGNED_UP)
        )
        bids_query = select(Bid.stage, Bid.state, Opportunity.value).join(
            Opportunity, Opportunity.id == Bid.opportunity_id
        )
        async with self._sessions() as session:
            by_status = {status: n for status, n in (await session.execute(status_counts)).all()}
            signed_up = (await session.execute(signed_up_query)).all()
            known = (await session.scalars(select(KnownProvider))).all()
            bids = (await session.execute(bids_query)).all()
        names = {provider_key(name) for name, _ in signed_up}
        numbers = {number for _, number in signed_up if number}
        on_list = [p for p in known if p.key in names or p.charity_number in numbers]
        return FrameworkFigures(
            members=sum(by_status.get(s, 0) for s in SIGNED_UP),
            by_status=by_status,
            waiting=sum(by_status.get(s, 0) for s in WAITING),
            known_providers=len(known),
            known_providers_signed_up=len(on_list),
            percent_signed_up=round(100 * len(on_list) / len(known), 1) if known else None,
            **_bid_figures([tuple(row) for row in bids]),
        )

    async def _members(
        self,
        statuses: tuple[str, ...] | None,
        with_contact: bool = False,
        ids: set[str] | None = None,
    ) -> list[MemberMatch]:
        primary = (Contact.organisation_id == Organisation.id) & Contact.is_primary
        query = select(Organisation, Contact.email).order_by(Organisation.id)
        query = query.join(Contact, primary, isouter=not with_contact)
        if statuses:
            query = query.where(Organisation.status.in_(statuses))
        if ids is not None:
            query = query.where(Organisation.id.in_(ids))
        async with self._sessions() as session:
            rows = (await session.execute(query)).all()
        return [_to_match(org, email or "") for org, email in rows]


def _bid_figures(bids: list[tuple]) -> dict:
    """Bids started, submitted and won, and the value won, from (stage, state, value) rows."""
    won = [(state, value) for stage, state, value in bids if stage in WON_STAGES]
    return {
        "bids_started": len(bids),
        "bids_submitted": sum(stage in SUBMITTED_STAGES for stage, _, _ in bids),
        "bids_won": len(won),
        "value_won": sum((_award_value(state) for state, _ in won), Decimal(0)),
    }


def _award_value(state: dict) -> Decimal:
    """The value the funder awarded, as the bid recorded it (its summary's `awarded_value`),
    never the advertised value: an award below it counts as what was awarded."""
    recorded = state.get("awarded_value")
    return Decimal(str(recorded)) if recorded is not None else Decimal(0)


def _to_match(org: Organisation, email: str) -> MemberMatch:
    return MemberMatch(
        organisation_id=org.id,
        name=org.name,
        email=email,
        status=org.status,
        locality=org.locality,
        localities=org.localities,
        themes=org.themes,
        willing_to_lead=org.willing_to_lead,
        staff=org.staff,
        volunteers=org.volunteers,
        annual_turnover=org.annual_turnover,
        track_record=len((org.proforma or {}).get("track_record", [])),
        size=size_band(org.annual_turnover),
    )
