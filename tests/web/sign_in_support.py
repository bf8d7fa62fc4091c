"""What the sign-in and session tests share: an app of their own on the real servers, the
sign-in link that really arrived, and a wait for the e-mails the app sends after answering."""

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import httpx
from fastapi import FastAPI

from settings import Settings
from tests.helpers import wait_until
from tests.web.support import CSRF
from web.app import create_app
from web.csrf import COOKIE as CSRF_COOKIE

SIGN_IN_URL = re.compile(r"https?://\S+/sign-in/\S+")


def sign_in_links(mailbox, address: str) -> list[str]:
    """Every sign-in link `address` has received (its other e-mails have none)."""
    found = []
    for message in mailbox.to(address):
        found += SIGN_IN_URL.findall(message.get_body(("plain",)).get_content())
    return found


async def sign_in_link(mailbox, address: str, count: int = 1) -> str:
    """The path of the newest sign-in link `address` received, once it has `count` of them."""
    await wait_until(lambda: len(sign_in_links(mailbox, address)) >= count)
    return urlsplit(sign_in_links(mailbox, address)[-1]).path


def own_coordinator(settings: Settings) -> Settings:
    """`settings` with a coordinator address no other test's e-mails go to."""
    return settings.model_copy(
        update={"coordinator_email": f"coord-{uuid.uuid4().hex}@example.org"}
    )


@asynccontextmanager
async def app_client(
    settings: Settings, client: tuple[str, int] = ("127.0.0.1", 123)
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """A fresh app and a client with a CSRF cookie; a 500 comes back as a response."""
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=client)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        http.cookies.set(CSRF_COOKIE, CSRF)
        try:
            yield app, http
        finally:
            await sent(app)
            await app.state.services.engine.dispose()


async def sent(app: FastAPI) -> None:
    """Wait until the sign-in e-mails the app set off after answering are sent (or failed)."""
    requests = getattr(app.state, "sign_in_requests", None)
    if requests is not None:
        await asyncio.wait_for(requests.settled(), 30)
