"""The largest body any request may send: a section's attachment and the form around it.

ASGI middleware, so that nothing reads past the limit: a body whose Content-Length is over
it is refused before a byte is read, and a body streamed without one (chunked) is refused as
soon as it passes it. Either way the app answers 413 through its error pages.
"""

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.task_forms import MAX_ATTACHMENT_BYTES

FORM_ALLOWANCE = 256 * 1024  # the text fields around an attachment
MAX_BODY_BYTES = MAX_ATTACHMENT_BYTES + FORM_ALLOWANCE


def too_large() -> HTTPException:
    limit = MAX_ATTACHMENT_BYTES // (1024 * 1024)
    return HTTPException(413, f"This is too large: attach a file of at most {limit} MB.")


class BodyLimit:
    """Counts the body as the app reads it; raises `HTTPException(413)` from `receive`, which
    the app's error handlers answer (as JSON under /api, as a page elsewhere)."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        over = declared.isdigit() and int(declared) > self.limit
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            if over:
                raise too_large()
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise too_large()
            return message

        await self.app(scope, counted, send)
