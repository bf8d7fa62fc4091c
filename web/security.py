"""Response headers every page gets. The task link's token is in the URL, so no page may
send it on as a Referer; no page may be framed; scripts and styles come only from here."""

from fastapi import FastAPI, Request, Response

HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
# The development mailbox shows e-mails' own HTML (inline styles) in a frame: no CSP there.
CSP = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"


def add_security_headers(app: FastAPI) -> None:
    @app.middleware("http")
    async def security_headers(request: Request, call_next) -> Response:
        response = await call_next(request)
        response.headers.update(HEADERS)
        if not request.url.path.startswith("/dev/mail"):
            response.headers.setdefault("Content-Security-Policy", CSP)
        return response
