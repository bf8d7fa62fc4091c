"""Every error as a clear answer: JSON under /api, a plain page elsewhere.

A refusal is a 4xx that says what was wrong; a service out of reach is a 503, try again; and
an error nobody foresaw is a plain 500 with a reference that is also in the log, so that a
person can quote it and an engineer can find it. No error page shows the app's internals.
"""

import logging
import secrets

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from temporalio.service import RPCError

from web.services import Unavailable
from web.templating import message

log = logging.getLogger(__name__)
UNAVAILABLE = "The system cannot reach one of its services just now: try again in a minute."


def wants_json(path: str) -> bool:
    return path.startswith("/api") or path.startswith("/healthz")


def add_error_pages(app: FastAPI) -> None:
    """The handlers, and the last resort around the whole app (inside the middleware that
    adds the security headers, which `web.security` adds after this)."""
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RPCError, unavailable)
    app.add_exception_handler(Unavailable, unavailable)
    app.add_exception_handler(RequestValidationError, bad_input)
    app.add_middleware(LastResort)
    # Only for an error raised by a middleware outside LastResort: Starlette then answers
    # from its outermost layer, where no other middleware adds headers.
    app.add_exception_handler(Exception, unexpected)


async def http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    if wants_json(request.url.path):
        return JSONResponse({"detail": error.detail}, error.status_code, error.headers)
    titles = {401: "Please sign in", 403: "Not allowed", 404: "Not found", 413: "Too large"}
    title = titles.get(error.status_code, "Sorry")
    action = ("/sign-in", "Sign in") if error.status_code == 401 else None
    return message(request, title, str(error.detail), error.status_code, action)


async def unavailable(request: Request, error: Exception) -> Response:
    """Temporal or another service is unreachable, or the bid cannot be read: say so, and
    that nothing was lost."""
    if wants_json(request.url.path):
        return JSONResponse({"detail": UNAVAILABLE}, 503)
    return message(request, "Please try again shortly", UNAVAILABLE, 503)


async def bad_input(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    if wants_json(request.url.path):
        return JSONResponse({"detail": jsonable_errors(error)}, 422)
    if any(e["loc"][0] == "path" for e in error.errors()):
        # A page's address with an id no bid or link can have: a link changed or cut short.
        text = "The address is not valid: it may have been changed or cut short."
        return message(request, "This link cannot be used", text, 400)
    text = "; ".join(f"{'.'.join(map(str, e['loc'][1:]))}: {e['msg']}" for e in error.errors())
    return message(request, "Please check your answer", text, 422)


def jsonable_errors(error: RequestValidationError) -> list[dict]:
    return [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in error.errors()]


def went_wrong(reference: str) -> str:
    return (
        "Something went wrong on our side; nothing was lost. If it happens again, tell the "
        f"coordinator and quote reference {reference}."
    )


def server_error(path: str, reference: str) -> Response:
    """A plain 500 that needs nothing that might itself have failed (no template, no session)."""
    text = went_wrong(reference)
    if wants_json(path):
        return JSONResponse({"detail": text, "reference": reference}, 500)
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Something went wrong</title></head><body><h1>Something went wrong</h1>"
        f"<p>{text}</p></body></html>"
    )
    return HTMLResponse(page, 500)


async def unexpected(request: Request, error: Exception) -> Response:
    reference = secrets.token_hex(6)
    log.error("unexpected error, reference %s", reference, exc_info=error)
    return server_error(request.url.path, reference)


class LastResort:
    """ASGI middleware: an exception no handler took becomes a plain 500 with a reference,
    logged with its traceback. Once a response has begun, it can only be cut short."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            reference = secrets.token_hex(6)
            method, path = scope.get("method", ""), scope.get("path", "")
            log.exception("unexpected error on %s %r, reference %s", method, path, reference)
            if started:
                raise
            await server_error(path, reference)(scope, receive, send)
