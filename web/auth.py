"""Who is asking: the coordinator or a lead, signed in by an e-mailed magic link.

A magic link carries a signed, 30-minute token naming an e-mail address and a nonce; the
nonce is marked used on the first click (`sign_in_links`), so a forwarded or replayed link
fails. The session is then a signed cookie (12 hours), also accepted by the JSON API as
`Authorization: Bearer <value>`. Partners have no session: their signed task link is enough.
"""

import secrets
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import Depends, HTTPException, Request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.tables import Contact, Organisation, SignInLink
from settings import Settings

SESSION_COOKIE = "session"
SESSION_SECONDS = 12 * 3600
SIGN_IN_SECONDS = 30 * 60


class Viewer(BaseModel):
    """A signed-in person: the coordinator, or the primary contact of one organisation."""

    email: str
    role: Literal["coordinator", "lead"]
    organisation_id: str | None = None
    organisation_name: str | None = None

    @property
    def is_coordinator(self) -> bool:
        return self.role == "coordinator"


class SignInError(Exception):
    """The sign-in link is not valid, has expired, or was used before."""


def _serializer(settings: Settings, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key.get_secret_value(), salt=salt)


async def viewer_for_email(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, email: str
) -> Viewer | None:
    """The coordinator, or the organisation whose primary contact this is; None otherwise."""
    email = email.strip().lower()
    if email == settings.coordinator_email.lower():
        return Viewer(email=email, role="coordinator")
    query = (
        select(Organisation.id, Organisation.name)
        .join(Contact, Contact.organisation_id == Organisation.id)
        .where(Contact.is_primary, Contact.email.ilike(email))
        .order_by(Organisation.id)
    )
    async with sessions() as session:
        row = (await session.execute(query)).first()
    if row is None:
        return None
    return Viewer(email=email, role="lead", organisation_id=row.id, organisation_name=row.name)


async def new_sign_in_link(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, email: str
) -> tuple[str, str]:
    """A fresh single-use link for `email`: (nonce, url)."""
    nonce = secrets.token_urlsafe(24)
    async with sessions() as session, session.begin():
        session.add(SignInLink(nonce=nonce, email=email))
    token = _serializer(settings, "consortia.sign-in").dumps({"email": email, "nonce": nonce})
    return nonce, f"{settings.public_url}/sign-in/{token}"


async def redeem_sign_in_link(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, token: str
) -> Viewer:
    """The viewer the link signs in; raises `SignInError` when it cannot be used."""
    try:
        data = _serializer(settings, "consortia.sign-in").loads(token, max_age=SIGN_IN_SECONDS)
    except SignatureExpired as error:
        raise SignInError("This sign-in link has expired: ask for a new one.") from error
    except BadSignature as error:
        raise SignInError("This sign-in link is not valid: ask for a new one.") from error
    async with sessions() as session, session.begin():
        used = await session.execute(
            update(SignInLink)
            .where(SignInLink.nonce == data["nonce"], SignInLink.used_at.is_(None))
            .values(used_at=datetime.now(UTC))
            .returning(SignInLink.email)
        )
        if used.first() is None:
            raise SignInError("This sign-in link was used already: ask for a new one.")
    viewer = await viewer_for_email(sessions, settings, data["email"])
    if viewer is None:
        raise SignInError("This address can no longer sign in.")
    return viewer


def session_value(settings: Settings, viewer: Viewer) -> str:
    return _serializer(settings, "consortia.session").dumps(viewer.model_dump())


def current_viewer(request: Request) -> Viewer | None:
    """The viewer from the session cookie or a bearer header; None when signed out."""
    settings: Settings = request.app.state.services.settings
    value = request.cookies.get(SESSION_COOKIE)
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        value = header[7:].strip()
    if not value:
        return None
    try:
        data = _serializer(settings, "consortia.session").loads(value, max_age=SESSION_SECONDS)
        return Viewer.model_validate(data)
    except (BadSignature, ValueError):
        return None


def uses_bearer(request: Request) -> bool:
    """A bearer header cannot be sent by another site's form, so it needs no CSRF token."""
    return request.headers.get("authorization", "").lower().startswith("bearer ")


def require_viewer(request: Request) -> Viewer:
    viewer = current_viewer(request)
    if viewer is None:
        raise HTTPException(401, "Please sign in.")
    return viewer


def require_coordinator(request: Request) -> Viewer:
    viewer = require_viewer(request)
    if not viewer.is_coordinator:
        raise HTTPException(403, "Only the coordinator may see this.")
    return viewer


ViewerDep = Annotated[Viewer, Depends(require_viewer)]
CoordinatorDep = Annotated[Viewer, Depends(require_coordinator)]
