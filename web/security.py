"""Response headers every response gets, error pages and crashes included. The task link's
token is in the URL, so no page may send it on as a Referer; no page may be framed; scripts
and styles come only from here. When people reach the app over https (PUBLIC_URL), cookies
are `Secure` and browsers are told to keep to https, even if a proxy speaks http to the app."""

import inspect

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse

HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
# The development mailbox shows e-mails' own HTML (inline styles) in a frame: no CSP there.
CSP = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
HSTS = "max-age=31536000"  # a year; without includeSubDomains, which is the domain's choice
CRASH = "Something went wrong on our side: please try again in a minute."


def secure_cookies(request: Request) -> bool:
    """Cookies are `Secure` when people reach the app over https, whatever the proxy says."""
    return request.app.state.services.settings.served_over_https


def _add_headers(request: Request, response: Response) -> Response:
    response.headers.update(HEADERS)
    if not request.url.path.startswith("/dev/mail"):
        response.headers.setdefault("Content-Security-Policy", CSP)
    if secure_cookies(request):
        response.headers["Strict-Transport-Security"] = HSTS
    return response


def add_security_headers(app: FastAPI) -> None:
    """The headers on every response. Call it after the error pages are added: it wraps
    their last-resort handler, so that a crash's page gets the headers too."""

    @app.middleware("http")
    async def security_headers(request: Request, call_next) -> Response:
        return _add_headers(request, await call_next(request))

    # An error no handler took is answered outside every middleware, by the handler for
    # `Exception` (or Starlette's bare 500): the headers are added to its page here. The
    # error itself still reaches the server's log, and no detail reaches the page.
    last_resort = app.exception_handlers.get(Exception)

    async def crashed(request: Request, error: Exception) -> Response:
        if last_resort is not None:
            response = last_resort(request, error)
            response = await response if inspect.isawaitable(response) else response
        elif request.url.path.startswith("/api"):
            response = JSONResponse({"detail": CRASH}, 500)
        else:
            response = PlainTextResponse(CRASH, 500)
        return _add_headers(request, response)

    app.add_exception_handler(Exception, crashed)
