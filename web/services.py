"""What the routes share: settings, the database, a Temporal client, the mailer."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from temporalio.client import Client

import database
from activities.email import EmailActivities, Templates
from activities.mailer import Mailer
from models.email import SendEmailInput
from settings import Settings
from starter import connect

EMAILS = Path(__file__).resolve().parent / "templates" / "email"


class Unavailable(Exception):
    """A service the page needs cannot be reached now; nothing was recorded."""


class Services:
    """The engine, sessions, a Temporal client made on first use, the mailer."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = database.make_engine(settings)
        self.sessions = database.make_sessions(self.engine)
        self.mailer = Mailer(settings)
        self._client: Client | None = None
        self.clock: Callable[[], Awaitable[datetime]] | None = None
        self._lock = asyncio.Lock()
        # The web's own e-mails (sign-in links) go through the same outbox as the workflows'.
        self._email = EmailActivities(self.sessions, self.mailer, settings, Templates(EMAILS))

    async def temporal(self) -> Client:
        """The shared client; raises `Unavailable` when Temporal cannot be reached."""
        async with self._lock:
            if self._client is None:
                try:
                    self._client = await connect(self.settings)
                except RuntimeError as error:  # the SDK's "failed client connect", or unset
                    raise Unavailable("Temporal") from error
            return self._client

    async def now(self) -> datetime:
        """The time the pages go by: the wall clock, or a test environment's skipped time."""
        return await self.clock() if self.clock else datetime.now(UTC)

    def use_client(self, client: Client) -> None:
        """Share a client made elsewhere (a test's Temporal environment)."""
        self._client = client

    async def send_email(self, input: SendEmailInput) -> None:
        """Outbox first, then SMTP, at most once per key (the activity's code, called directly)."""
        await self._email.send_email(input)


def get_services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]
