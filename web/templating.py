"""Jinja2 templates for every page, and `render`, which adds the viewer and the CSRF token."""

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from web.auth import current_viewer
from web.csrf import csrf_token, set_csrf_cookie

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")


def _when(value: datetime | None) -> str:
    return value.strftime("%d %b %Y, %H:%M") if value else ""


def _day(value: datetime | None) -> str:
    return value.strftime("%d %b %Y") if value else ""


def _words(value: str | None) -> str:
    return (value or "").replace("_", " ")


def _detail(value: Any) -> str:
    """One value of an audit entry's detail as a person reads it: a moment as a date, yes or
    no, a list joined, a ranked candidate by its name and score; never a Python repr."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return _words(value) if value.isidentifier() else value
        return _when(moment) if "T" in value else value
    if isinstance(value, list):
        return ", ".join(_detail(item) for item in value)
    if isinstance(value, dict):
        if "name" in value and "score" in value:
            return f"{value['name']} (score {float(value['score']):.2f})"
        return "; ".join(f"{_words(str(k))}: {_detail(v)}" for k, v in value.items() if v)
    return str(value)


def _page_url(path: str, filters: dict[str, str], offset: int | None) -> str:
    """Another page of a list, with its filters kept (the empty ones left out)."""
    query: dict[str, str | int] = {name: value for name, value in filters.items() if value}
    if offset:
        query["offset"] = offset
    return f"{path}?{urlencode(query)}" if query else path


TEMPLATES.env.filters["when"] = _when
TEMPLATES.env.filters["day"] = _day
TEMPLATES.env.filters["words"] = _words
TEMPLATES.env.filters["detail"] = _detail
TEMPLATES.env.globals["page_url"] = _page_url


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    """A page, with `viewer` and `csrf_token` in its context and the CSRF cookie set."""
    context = {
        "viewer": current_viewer(request),
        "csrf_token": csrf_token(request),
        **(context or {}),
    }
    response = TEMPLATES.TemplateResponse(request, name, context, status_code=status)
    return set_csrf_cookie(request, response)


def message(
    request: Request,
    title: str,
    text: str,
    status: int,
    action: tuple[str, str] | None = None,
    *,
    unchanged: bool = True,
) -> HTMLResponse:
    """A plain page that says what happened (an invalid link, a refusal, a missing page),
    with an optional (href, label) for what to do next; `unchanged=False` for a page that
    reports something done (a withdrawal), which must not also say "Nothing was changed"."""
    context = {"title": title, "text": text, "action": action, "unchanged": unchanged}
    return render(request, "message.html", context, status)
