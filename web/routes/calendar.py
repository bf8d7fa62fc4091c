"""Calendars on the web: an organisation's signed, read-only feed of its deadlines (no sign-in:
a calendar app fetches it), and the page that gives a signed-in lead (or the coordinator, for
any organisation) its URL."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web.auth import ViewerDep
from web.calendar_feed import feed_url, organisation_feed, organisation_of
from web.params import TextFilter
from web.services import ServicesDep
from web.templating import message

router = APIRouter(tags=["calendar"])


@router.get("/calendar/{token}.ics", include_in_schema=False)
async def calendar_feed(token: str, request: Request, services: ServicesDep) -> Response:
    organisation_id = organisation_of(services.settings, token[:500])
    ics = await organisation_feed(services.sessions, services.settings, organisation_id or "")
    if organisation_id is None or ics is None:
        return Response("No such calendar.\n", status_code=404, media_type="text/plain")
    return Response(ics, media_type="text/calendar; charset=utf-8")


@router.get("/calendar", include_in_schema=False)
async def calendar_link(
    request: Request, viewer: ViewerDep, services: ServicesDep, organisation: TextFilter = ""
) -> Response:
    """The feed's URL: the lead's own; the coordinator's for `organisation`."""
    organisation_id = organisation if viewer.is_coordinator else viewer.organisation_id
    if not organisation_id:
        text = "Give the organisation: /calendar?organisation=ID."
        return message(request, "Which organisation?", text, 400)
    url = feed_url(services.settings, organisation_id)
    text = f"Subscribe to this address in your calendar app (keep it private): {url}"
    return message(request, "Calendar of deadlines", text, 200, (url, "Open it"), unchanged=False)
