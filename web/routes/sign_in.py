"""Sign-in by e-mailed magic link, for the coordinator and lead organisations. No passwords.

Asking for a link answers the same page, at once, whoever asks: the address is looked up and
the link sent after the answer, so neither the page, its status nor its timing tells a
stranger which addresses belong to members, and a mail server or database that is down
shows only in the log. Asking is limited per address and per client (`SignInRequests`).
"""

import asyncio
import logging
import math
import time
from collections import deque
from collections.abc import Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.background import BackgroundTask

from models.email import SendEmailInput
from settings import Settings
from web.auth import (
    SESSION_COOKIE,
    SESSION_SECONDS,
    SignInError,
    current_viewer,
    end_session,
    new_sign_in_link,
    normalise_email,
    redeem_sign_in_link,
    safe_next,
    session_value,
    sign_in_next,
    viewer_for_email,
)
from web.csrf import verify_csrf
from web.security import secure_cookies
from web.services import Services, ServicesDep
from web.templating import message, render

router = APIRouter(tags=["sign-in"])
log = logging.getLogger(__name__)


class RateLimit:
    """At most `limit` events per key in any `window` seconds, counted in this process."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._events: dict[str, deque[float]] = {}

    def wait(self, key: str, now: float) -> float:
        """Seconds until `key` may have another event; 0 when it may now."""
        events = self._events.get(key)
        if events is None:
            return 0.0
        while events and events[0] <= now - self.window:
            events.popleft()
        if not events:
            del self._events[key]
            return 0.0
        return events[0] + self.window - now if len(events) >= self.limit else 0.0

    def record(self, key: str, now: float) -> None:
        self._events.setdefault(key, deque()).append(now)
        if len(self._events) > 10_000:  # keys seen once long ago: keep memory bounded
            for stale in [k for k, e in self._events.items() if e[-1] <= now - self.window]:
                del self._events[stale]


class SignInRequests:
    """One app's limits on asking for links, and the links it is sending after answering."""

    def __init__(self, settings: Settings) -> None:
        window = settings.sign_in_window_seconds
        self.per_address = RateLimit(settings.sign_in_per_address, window)
        self.per_client = RateLimit(settings.sign_in_per_client, window)
        self._sending: set[asyncio.Task] = set()

    @classmethod
    def of(cls, request: Request) -> "SignInRequests":
        state = request.app.state
        if getattr(state, "sign_in_requests", None) is None:
            state.sign_in_requests = cls(request.app.state.services.settings)
        return state.sign_in_requests

    def refusal(self, address: str, client: str) -> float:
        """Seconds to wait when either limit is reached (nothing counted); else 0, counted."""
        now = time.monotonic()
        wait = max(self.per_address.wait(address, now), self.per_client.wait(client, now))
        if not wait:
            self.per_address.record(address, now)
            self.per_client.record(client, now)
        return wait

    def send_later(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._sending.add(task)  # a task only weakly referenced could vanish mid-send
        task.add_done_callback(self._sending.discard)

    async def settled(self) -> None:
        """Wait for every link being sent (for tests and shutdown)."""
        while self._sending:
            await asyncio.wait(set(self._sending))


async def _send_link(services: Services, email: str, next_path: str | None = None) -> None:
    """Look the address up and e-mail it a link if it may sign in. Runs after the answer: a
    failure is logged (type only: a driver's message may quote a connection string)."""
    try:
        if await viewer_for_email(services.sessions, services.settings, email) is None:
            return
        nonce, url = await new_sign_in_link(services.sessions, services.settings, email, next_path)
        await services.send_email(
            SendEmailInput(
                key=f"sign-in:{nonce}", kind="sign_in", to=email, context={"sign_in_url": url}
            )
        )
    except Exception as error:  # noqa: BLE001 - nobody is waiting for this answer
        log.warning("sign-in link not sent: %s", type(error).__name__)


@router.get("/", include_in_schema=False)
async def home(request: Request) -> Response:
    viewer = current_viewer(request)
    if viewer is None:
        return RedirectResponse("/sign-in", status_code=303)
    return RedirectResponse("/dashboard" if viewer.is_coordinator else "/console", status_code=303)


# Where to go back to after signing in: a path on this site (`safe_next` judges it).
NextPath = Annotated[str, Query(alias="next", max_length=2_000)]


@router.get("/sign-in", include_in_schema=False)
async def sign_in_page(request: Request, next_path: NextPath = "") -> Response:
    """The form; with `next` (an e-mail's link to an action), a signed-in viewer goes straight
    there, and a link asked for here leads there once signed in. Any other `next` is ignored."""
    back = safe_next(next_path)
    if back and current_viewer(request) is not None:
        return RedirectResponse(back, status_code=303)
    return render(request, "sign_in.html", {"sent": False, "next": back})


@router.post("/sign-in", include_in_schema=False)
async def sign_in_request(
    request: Request,
    services: ServicesDep,
    email: Annotated[str, Form()] = "",
    next_path: Annotated[str, Form(alias="next", max_length=2_000)] = "",
) -> Response:
    """Say a link is on its way, whoever asks; send it afterwards to an address that may
    sign in."""
    await verify_csrf(request)
    email, back = normalise_email(email), safe_next(next_path)
    if "@" not in email or len(email) > 320:
        context = {"sent": False, "error": "Enter an e-mail address.", "next": back}
        return render(request, "sign_in.html", context, 422)
    requests = SignInRequests.of(request)
    client = request.client.host if request.client else "unknown"
    wait = requests.refusal(email, client)
    if wait:
        minutes = math.ceil(wait / 60)
        later = "a minute" if minutes == 1 else f"{minutes} minutes"
        text = f"Too many sign-in links were asked for: please try again in {later}."
        refused = message(request, "Please wait before asking again", text, 429)
        refused.headers["Retry-After"] = str(int(wait) + 1)
        return refused
    sent = render(request, "sign_in.html", {"sent": True, "email": email})
    # Started once the page has gone: nothing the lookup or the send does (a known address's
    # query, its e-mail) can make this answer slower or different for a known address.
    sent.background = BackgroundTask(_start, requests, _send_link(services, email, back))
    return sent


async def _start(requests: "SignInRequests", work: Coroutine[Any, Any, None]) -> None:
    requests.send_later(work)


@router.get("/sign-in/{token}", include_in_schema=False)
async def sign_in_link(request: Request, token: str, services: ServicesDep) -> Response:
    try:
        viewer = await redeem_sign_in_link(services.sessions, services.settings, token)
    except SignInError as error:
        return message(request, "This sign-in link cannot be used", str(error), 400)
    home = "/dashboard" if viewer.is_coordinator else "/console"
    response = RedirectResponse(sign_in_next(services.settings, token) or home, 303)
    response.set_cookie(
        SESSION_COOKIE,
        session_value(services.settings, viewer),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
    )
    return response


@router.post("/sign-out", include_in_schema=False)
async def sign_out(request: Request) -> Response:
    """End the session for good (a kept cookie opens nothing), and forget the cookie."""
    await verify_csrf(request)
    await end_session(request)
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, samesite="lax", secure=secure_cookies(request)
    )
    return response
