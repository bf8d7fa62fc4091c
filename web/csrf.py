"""CSRF protection by double submit: a random cookie echoed in every form (or a header).

A page that shows a form calls `csrf_token(request)`, which reuses the visitor's `csrf`
cookie or makes one; `set_csrf_cookie` stores it on the response. A POST is accepted only
when the form field `csrf_token` (or the `X-CSRF-Token` header) equals the cookie: another
site can make a browser send the cookie, but cannot read it to put it in the form.
"""

import hmac
import secrets

from fastapi import HTTPException, Request, Response

from web.security import secure_cookies

COOKIE = "csrf"
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"


class CsrfError(HTTPException):
    def __init__(self) -> None:
        super().__init__(
            403,
            "This form has expired or did not come from this site: reload the page and try again.",
        )


def csrf_token(request: Request) -> str:
    """The visitor's token: the one in their cookie, or a new one (kept for this request)."""
    token = request.cookies.get(COOKIE) or getattr(request.state, "new_csrf", None)
    if not token:
        token = secrets.token_urlsafe(24)
        request.state.new_csrf = token
    return token


def set_csrf_cookie(request: Request, response: Response) -> Response:
    """Store a token made during this request; `Secure` when PUBLIC_URL is https."""
    token = getattr(request.state, "new_csrf", None)
    if token:
        response.set_cookie(
            COOKIE,
            token,
            httponly=True,
            samesite="lax",
            secure=secure_cookies(request),
            max_age=7 * 24 * 3600,
        )
    return response


async def verify_csrf(request: Request) -> None:
    """Raise `CsrfError` unless the form or header carries the cookie's token."""
    cookie = request.cookies.get(COOKIE)
    sent = request.headers.get(HEADER)
    if sent is None and _is_form(request):
        value = (await request.form()).get(FIELD)
        sent = value if isinstance(value, str) else None
    if not cookie or not sent or not hmac.compare_digest(cookie, sent):
        raise CsrfError()


def _is_form(request: Request) -> bool:
    content_type = request.headers.get("content-type", "")
    return content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))
