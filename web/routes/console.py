"""The lead's console: the bids it leads, and every lead action as a form.

The coordinator uses the same action forms from the dashboard's bid page (the overrides).
Each form goes through `perform`, which checks the role and sends the bid's Update.
"""

import secrets
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from web.actions import ActionRefused, BidNotFound, bid_state
from web.auth import ViewerDep, current_viewer
from web.bid_actions import ACTIONS, NotAllowed, may_view, perform
from web.bid_list import list_bids
from web.bid_page import Search, from_state, invite_choices
from web.bid_start import NOT_A_LEAD, may_start, start_bid
from web.csrf import verify_csrf
from web.form_data import action_data
from web.opportunity_form import bids_by_opportunity
from web.params import (
    ActionName,
    AttachmentId,
    BidId,
    Notice,
    Offset,
    OpportunityId,
    TextFilter,
)
from web.queries import attachment, attachments_of, bid_summary, lead_of, open_opportunities
from web.routes.tasks import errors_text
from web.services import ServicesDep
from web.templating import message, render

router = APIRouter(tags=["console"])


@router.get("/console", include_in_schema=False)
async def console(
    request: Request,
    services: ServicesDep,
    started: Notice = None,
    offset: Offset = 0,
) -> Response:
    viewer = current_viewer(request)
    if viewer is None:
        return RedirectResponse("/sign-in", status_code=303)
    if viewer.is_coordinator:
        return RedirectResponse("/dashboard", status_code=303)
    now = await services.now()
    lead = viewer.organisation_id
    page = await list_bids(services.sessions, lead_id=lead, now=now, offset=offset)
    opportunities = await open_opportunities(services.sessions, now)
    # An opportunity whose bid is under way offers no "Start a bid": a second start would
    # only be refused.
    bids = await bids_by_opportunity(services.sessions, [o.id for o in opportunities])
    context = {"page": page, "opportunities": opportunities, "started": started, "bids": bids}
    return render(request, "console.html", context)


@router.get("/console/bids/{bid_id}", include_in_schema=False)
async def console_bid(
    request: Request,
    bid_id: BidId,
    viewer: ViewerDep,
    services: ServicesDep,
    done: Notice = None,
    name: TextFilter = "",
    theme: TextFilter = "",
    locality: TextFilter = "",
) -> Response:
    """The bid the viewer leads: what holds it up, and every lead action; `name`, `theme`
    and `locality` search the directory for members to invite."""
    try:
        state = await bid_state(await services.temporal(), bid_id)
    except BidNotFound as error:
        return message(request, "No such bid", str(error), 404)
    if not may_view(viewer, state):
        return message(request, "Not allowed", "Only this bid's lead body may open it.", 403)
    search = Search(name, theme, locality)
    invitable, found = await invite_choices(services.sessions, state, search)
    return render(
        request,
        "console_bid.html",
        {
            "state": state,
            "status": from_state(state, await bid_summary(services.sessions, bid_id)),
            "done": done,
            "accepted": state.active_partners(),
            "invitable": invitable,
            "found": found,
            "search": search,
            "nonce": secrets.token_urlsafe(16),
            "attachments": await attachments_of(services.sessions, bid_id),
        },
    )


@router.post("/console/bids/{bid_id}/{action}", include_in_schema=False)
async def console_action(
    request: Request,
    bid_id: BidId,
    action: ActionName,
    viewer: ViewerDep,
    services: ServicesDep,
) -> Response:
    await verify_csrf(request)
    if action not in ACTIONS:
        return message(request, "No such action", f"There is no action '{action}'.", 404)
    form = await request.form()
    nonce = form.get("nonce") or secrets.token_urlsafe(16)
    update_id = f"web:{viewer.email}:{action}:{nonce}"
    back = f"/dashboard/bids/{bid_id}" if viewer.is_coordinator else f"/console/bids/{bid_id}"
    try:
        client = await services.temporal()
        await perform(client, viewer, bid_id, action, action_data(action, form), update_id)
    except BidNotFound as error:
        return message(request, "No such bid", str(error), 404)
    except NotAllowed as error:
        return message(request, "Not allowed", str(error), 403)
    except ValidationError as error:
        text = errors_text(error)
        return message(request, "Please check your answer", text, 422, (back, "Back to the bid"))
    except ActionRefused as error:
        return message(request, "Not recorded", str(error), 409, (back, "Back to the bid"))
    return RedirectResponse(f"{back}?done={action}", status_code=303)


@router.post("/console/opportunities/{opportunity_id}/start", include_in_schema=False)
async def console_start(
    request: Request, opportunity_id: OpportunityId, viewer: ViewerDep, services: ServicesDep
) -> Response:
    """Start the bid for an opportunity: its notice then goes to the matching members, the
    lead's organisation among them, who answers "we would like to lead"."""
    await verify_csrf(request)
    if not await may_start(services.sessions, viewer):
        return message(request, "Not allowed", NOT_A_LEAD, 403)
    try:
        bid_id = await start_bid(
            await services.temporal(),
            services.settings,
            services.sessions,
            opportunity_id,
            await services.now(),
        )
    except BidNotFound as error:
        return message(request, "No such opportunity", str(error), 404)
    except ActionRefused as error:
        return message(request, "The bid was not started", str(error), 409)
    back = f"/opportunities/{opportunity_id}" if viewer.is_coordinator else "/console"
    return RedirectResponse(f"{back}?started={bid_id}", status_code=303)


@router.get("/console/bids/{bid_id}/attachments/{attachment_id}", include_in_schema=False)
async def download(
    request: Request,
    bid_id: BidId,
    attachment_id: AttachmentId,
    viewer: ViewerDep,
    services: ServicesDep,
) -> Response:
    """A file a partner uploaded: for the coordinator and this bid's lead only."""
    lead = await lead_of(services.sessions, bid_id)
    if not viewer.is_coordinator and (lead is None or lead != viewer.organisation_id):
        return message(request, "Not allowed", "Only this bid's lead body may open it.", 403)
    found = await attachment(services.sessions, bid_id, attachment_id)
    if found is None:
        return message(request, "Not found", "There is no such file.", 404)
    disposition = f"attachment; filename*=UTF-8''{quote(found.filename)}"
    return Response(
        found.content,
        media_type="application/octet-stream",  # never rendered inline: it came from outside
        headers={"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff"},
    )
