"""Who is asking: the coordinator or a lead, signed in by an e-mailed magic link.

A magic link carries a signed, 30-minute token naming an e-mail address and a nonce; the
nonce is marked used on the first click (`sign_in_links`), so a forwarded or replayed link
fails. The session is then a signed cookie (12 hours) naming a random session id, also
accepted by the JSON API as `Authorization: Bearer <value>`. Every request checks that the
session is still live: not signed out (`revoked_sessions`), its organisation not gone, the
coordinator's address unchanged. Partners have no session: their signed task link is enough.
"""

import secrets
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal
from urllib.parse import urlsplit

from fastapi import Depends, HTTPException, Request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.tables import Contact, Organisation, RevokedSession, SignInLink
from settings import Settings
from web.services import Unavailable

SESSION_COOKIE = "session"
SESSION_SECONDS = 12 * 3600
SIGN_IN_SECONDS = 30 * 60
MAX_NEXT = 500  # the longest path a sign-in link may lead back to
# Statuses of an organisation that has left the consortium: its contact cannot sign in.
GONE = ("left",)
# What a database that cannot be reached raises (asyncpg's refusal is a plain OSError).
DATABASE_DOWN = (OSError, SQLAlchemyError)


class Viewer(BaseModel):
    """A signed-in person: the coordinator, or the primary contact of one organisation."""

    email: str
    role: Literal["coordinator", "lead"]
    organisation_id: str | None = None
    organisation_name: str | None = None
    # The session this viewer came with; never shown, only signed into the cookie.
    session_id: str | None = Field(default=None, exclude=True)

    @property
    def is_coordinator(self) -> bool:
        return self.role == "coordinator"


class SignInError(Exception):
    """The sign-in link is not valid, has expired, or was used before."""


def _serializer(settings: Settings, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key.get_secret_value(), salt=salt)


def normalise_email(email: str) -> str:
    return email.strip().lower()


async def viewer_for_email(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, email: str
) -> Viewer | None:
    """The coordinator, or the organisation (not one that left) whose primary contact this
    is; None otherwise. The address is compared whole: `_` and `%` are only characters."""
    email = normalise_email(email)
    if email == normalise_email(settings.coordinator_email):
        return Viewer(email=email, role="coordinator")
    query = (
        select(Organisation.id, Organisation.name)
        .join(Contact, Contact.organisation_id == Organisation.id)
        .where(
            Contact.is_primary,
            func.lower(func.trim(Contact.email)) == email,
            Organisation.status.not_in(GONE),
        )
        .order_by(Organisation.id)
    )
    async with sessions() as session:
        row = (await session.execute(query)).first()
    if row is None:
        return None
    return Viewer(email=email, role="lead", organisation_id=row.id, organisation_name=row.name)


def safe_next(value: str | None) -> str | None:
    """`value` if it is a path on this site to go back to after signing in, else None: an
    absolute or scheme-relative URL (`//evil.example`), a backslash (which browsers read as a
    slash), a control character or an overlong value would let a link send someone elsewhere."""
    if not value or len(value) > MAX_NEXT or not value.startswith("/"):
        return None
    if (
        value.startswith("//")
        or "\\" in value
        or any(ord(c) < 0x21 or ord(c) == 0x7F for c in value)
    ):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path.startswith(("/sign-in", "/sign-out")):
        return None
    return value


async def new_sign_in_link(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    email: str,
    next_path: str | None = None,
) -> tuple[str, str]:
    """A fresh single-use link for `email`: (nonce, url); it leads to `next_path` (a safe
    path on this site, signed into the link) once signed in."""
    nonce = secrets.token_urlsafe(24)
    async with sessions() as session, session.begin():
        session.add(SignInLink(nonce=nonce, email=email))
    data = {"email": email, "nonce": nonce}
    if safe_next(next_path):
        data["next"] = next_path or ""
    token = _serializer(settings, "consortia.sign-in").dumps(data)
    return nonce, f"{settings.public_url}/sign-in/{token}"


def sign_in_next(settings: Settings, token: str) -> str | None:
    """Where a sign-in link leads once redeemed (checked again: never trusted as stored)."""
    try:
        data = _serializer(settings, "consortia.sign-in").loads(token, max_age=SIGN_IN_SECONDS)
    except BadSignature:
        return None
    return safe_next(data.get("next")) if isinstance(data, dict) else None


async def redeem_sign_in_link(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, token: str
) -> Viewer:
    """The viewer the link signs in, with a new session id; raises `SignInError` when it
    cannot be used, `Unavailable` when the database cannot be reached."""
    try:
        data = _serializer(settings, "consortia.sign-in").loads(token, max_age=SIGN_IN_SECONDS)
    except SignatureExpired as error:
        raise SignInError("This sign-in link has expired: ask for a new one.") from error
    except BadSignature as error:
        raise SignInError("This sign-in link is not valid: ask for a new one.") from error
    try:
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
    except DATABASE_DOWN as error:
        raise Unavailable("PostgreSQL") from error
    if viewer is None:
        raise SignInError("This address can no longer sign in.")
    return viewer.model_copy(update={"session_id": secrets.token_urlsafe(24)})


def session_value(settings: Settings, viewer: Viewer) -> str:
    """The signed cookie (or bearer) for `viewer`'s session; a new session if it has none."""
    data = viewer.model_dump() | {"sid": viewer.session_id or secrets.token_urlsafe(24)}
    return _serializer(settings, "consortia.session").dumps(data)


def _signed_viewer(request: Request) -> Viewer | None:
    """The viewer the cookie or bearer header names, if its signature and age are good."""
    settings: Settings = request.app.state.services.settings
    value = request.cookies.get(SESSION_COOKIE)
    if uses_bearer(request):
        value = request.headers["authorization"][7:].strip()
    if not value:
        return None
    try:
        data = _serializer(settings, "consortia.session").loads(value, max_age=SESSION_SECONDS)
        return Viewer.model_validate(data | {"session_id": data["sid"]})
    except (BadSignature, ValidationError, KeyError, TypeError):
        return None


async def _is_live(request: Request, viewer: Viewer) -> bool:
    """Not signed out; a lead's organisation still a member, the coordinator still the one."""
    services = request.app.state.services
    if viewer.is_coordinator and viewer.email != normalise_email(
        services.settings.coordinator_email
    ):
        return False
    revoked = exists().where(RevokedSession.session_id == viewer.session_id)
    member = exists().where(
        Organisation.id == viewer.organisation_id, Organisation.status.not_in(GONE)
    )
    try:
        async with services.sessions() as session:
            row = (await session.execute(select(revoked, member))).one()
    except DATABASE_DOWN as error:
        raise Unavailable("PostgreSQL") from error
    return not row[0] and (viewer.is_coordinator or row[1])


async def load_viewer(request: Request) -> None:
    """Every route's first dependency: the live session's viewer, or None, for
    `current_viewer`. A database that cannot be reached is a 503, never a signed-out page."""
    viewer = _signed_viewer(request)
    if viewer is not None and not await _is_live(request, viewer):
        viewer = None
    request.state.viewer = viewer


async def end_session(request: Request) -> None:
    """Sign out: the session's id is revoked, so a kept copy of the cookie or a bearer made
    from it opens nothing. Ids past their 12 hours are cleared on the way."""
    viewer = current_viewer(request)
    if viewer is None or viewer.session_id is None:
        return
    now = datetime.now(UTC)
    row = {"session_id": viewer.session_id, "expires_at": now + timedelta(seconds=SESSION_SECONDS)}
    try:
        async with request.app.state.services.sessions() as session, session.begin():
            await session.execute(insert(RevokedSession).values(row).on_conflict_do_nothing())
            await session.execute(delete(RevokedSession).where(RevokedSession.expires_at < now))
    except DATABASE_DOWN as error:
        raise Unavailable("PostgreSQL") from error


def current_viewer(request: Request) -> Viewer | None:
    """The viewer of a live session (checked by `load_viewer`); None when signed out."""
    return getattr(request.state, "viewer", None)


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
