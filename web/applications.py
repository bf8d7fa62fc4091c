"""Applications to join, kept as the applicant fills them in (the `applications` table), and
the e-mail that carries the link to resume one."""

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.email import SendEmailInput
from models.membership import Assessment
from models.tables import Application, Contact, Organisation
from web.join_form import draft_from_proforma
from web.join_links import sign_join_link
from web.services import Services


def new_id() -> str:
    return secrets.token_urlsafe(18)


async def create(
    sessions: async_sessionmaker[AsyncSession],
    email: str,
    draft: dict[str, Any],
    kind: str = "join",
    organisation_id: str | None = None,
) -> Application:
    row = Application(
        id=new_id(), email=email, kind=kind, organisation_id=organisation_id, draft=draft
    )
    async with sessions() as session, session.begin():
        session.add(row)
    return row


async def load(sessions: async_sessionmaker[AsyncSession], application_id: str) -> Application:
    async with sessions() as session:
        row = await session.get(Application, application_id)
    if row is None:
        raise LookupError("This application is no longer here: start a new one.")
    return row


async def save_draft(
    sessions: async_sessionmaker[AsyncSession], application_id: str, draft: dict[str, Any]
) -> None:
    async with sessions() as session, session.begin():
        row = await session.get(Application, application_id, with_for_update=True)
        if row is not None:
            row.draft = draft


async def record_sent(
    sessions: async_sessionmaker[AsyncSession],
    application_id: str,
    organisation_id: str,
    assessment: Assessment,
    now: datetime,
) -> None:
    async with sessions() as session, session.begin():
        row = await session.get(Application, application_id, with_for_update=True)
        if row is not None:
            row.organisation_id = organisation_id
            row.assessment = assessment.model_dump(mode="json")
            row.submitted_at = now


async def renewal_for(
    sessions: async_sessionmaker[AsyncSession], organisation_id: str
) -> Application | None:
    """A new application for a member's renewal (or a signposted applicant's resubmission),
    filled in from the proforma the directory holds and addressed to its primary contact;
    None for an organisation with neither."""
    query = (
        select(Organisation, Contact.email)
        .join(Contact, (Contact.organisation_id == Organisation.id) & Contact.is_primary)
        .where(Organisation.id == organisation_id)
    )
    async with sessions() as session:
        found = (await session.execute(query)).first()
    if found is None:
        return None
    organisation, email = found
    draft = draft_from_proforma(organisation.proforma or {})
    # A signposted applicant resubmits from the same form: only a member "renews".
    kind = "renewal" if organisation.status in ("full", "associate", "suspended") else "join"
    return await create(sessions, email, draft, kind, organisation_id)


def link_for(services: Services, application: Application, now: datetime) -> str:
    secret = services.settings.secret_key.get_secret_value()
    return f"{services.settings.public_url}/join/{sign_join_link(application.id, secret, now)}"


async def send_link(services: Services, application: Application, key: str) -> str:
    """E-mail the link to resume `application` to its address; returns the link. `key` makes
    the e-mail once per purpose (a second ask under the same key sends nothing)."""
    url = link_for(services, application, await services.now())
    await services.send_email(
        SendEmailInput(
            key=key,
            kind="join_link",
            to=application.email,
            context={"url": url, "renewal": application.kind == "renewal"},
        )
    )
    return url
