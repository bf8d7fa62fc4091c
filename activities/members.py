"""The member read model: the organisations and contacts rows the directory reads.

Written only by the membership workflow. Each write carries the workflow's state version
and is skipped when the row already holds a newer one, so a retried or late activity never
puts an old status back.
"""

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from activities.errors import classify_errors
from models.directory import KnownProvider, provider_key
from models.membership import MemberRecord
from models.tables import Contact, Organisation
from models.tables import KnownProvider as KnownProviderRow


@classify_errors
class MemberActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @activity.defn
    async def save_member(self, input: MemberRecord) -> bool:
        """Upsert the organisation and its contacts; False if a newer version is there."""
        async with self._sessions() as session, session.begin():
            await session.execute(
                insert(Organisation)
                .values(id=input.organisation_id, **_columns(input))
                .on_conflict_do_update(
                    index_elements=["id"],
                    set_=_columns(input),
                    where=Organisation.membership_version < input.version,
                )
            )
            stored = await session.scalar(
                select(Organisation.membership_version).where(
                    Organisation.id == input.organisation_id
                )
            )
            if stored != input.version:
                return False
            await self._save_contacts(session, input)
        return True

    @activity.defn
    async def save_known_providers(self, input: list[KnownProvider]) -> int:
        """Add providers to the coordinator's list (by name); returns how many were new."""
        rows = {provider_key(p.name): p for p in input if provider_key(p.name)}
        if not rows:
            return 0
        values = [
            {"key": key, "name": p.name, "charity_number": p.charity_number}
            for key, p in rows.items()
        ]
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                insert(KnownProviderRow)
                .values(values)
                .on_conflict_do_nothing(index_elements=["key"])
                .returning(KnownProviderRow.key)
            )
            return len(result.all())

    async def _save_contacts(self, session: AsyncSession, input: MemberRecord) -> None:
        contacts = input.proforma.contacts
        primary = contacts[0].email if contacts else None
        # Past contacts stay (bids name them) but only the first contact given is primary.
        await session.execute(
            update(Contact)
            .where(Contact.organisation_id == input.organisation_id)
            .values(is_primary=Contact.email == primary)
        )
        for contact in contacts:
            values = {"name": contact.name, "role": contact.role or None}
            await session.execute(
                insert(Contact)
                .values(
                    organisation_id=input.organisation_id,
                    email=contact.email,
                    is_primary=contact.email == primary,
                    **values,
                )
                .on_conflict_do_update(
                    index_elements=["organisation_id", "email"],
                    set_={**values, "is_primary": contact.email == primary},
                )
            )


def _columns(input: MemberRecord) -> dict:
    p = input.proforma
    served = list(dict.fromkeys([*p.localities_served] or [p.locality]))
    return {
        "name": p.name,
        "legal_form": p.legal_form or None,
        "charity_number": p.charity_number,
        "company_number": p.company_number,
        "locality": p.locality or None,
        "localities": served,
        "themes": p.themes,
        "annual_turnover": p.annual_turnover,
        "staff": p.staff,
        "volunteers": p.volunteers,
        "willing_to_lead": p.willing_to_lead,
        "status": input.status,
        "proforma": {
            **p.model_dump(mode="json"),
            "assessment": input.assessment.model_dump(mode="json") if input.assessment else None,
        },
        "renewal_due": input.renewal_due,
        "membership_version": input.version,
    }
