"""Reads of the member directory that workflows need, such as the circulation list."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from models.directory import MAY_JOIN_BIDS, MatchInput, MemberMatch, matches
from models.tables import Contact, Organisation


class DirectoryActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @activity.defn
    async def match_members(self, input: MatchInput) -> list[MemberMatch]:
        """Active members whose themes and localities match, with their primary contact."""
        query = (
            select(Organisation, Contact.email)
            .join(Contact, (Contact.organisation_id == Organisation.id) & Contact.is_primary)
            .where(Organisation.status.in_(MAY_JOIN_BIDS))
            .order_by(Organisation.id)
        )
        async with self._sessions() as session:
            rows = (await session.execute(query)).all()
        members = [_to_match(org, email) for org, email in rows]
        return [m for m in members if matches(m, input)]


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
        track_record=len(org.proforma.get("track_record", [])),
    )
