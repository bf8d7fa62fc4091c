"""The coordinator's opportunities: register one on a form, see who its notice will go to
(the directory's match, as the bid's notice stage circulates it), and start its bid."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from activities.directory import DirectoryActivities
from models.directory import MatchInput
from models.framework import load_framework
from web.auth import CoordinatorDep
from web.csrf import verify_csrf
from web.opportunity_form import (
    WINDOW_LABELS,
    AlreadyRegistered,
    OpportunityForm,
    bids_by_opportunity,
    opportunity,
    problems,
    register,
    registered,
)
from web.params import Notice, OpportunityId
from web.services import Services, ServicesDep
from web.templating import message, render

router = APIRouter(tags=["opportunities"])


@router.get("/opportunities", include_in_schema=False)
async def opportunities(
    request: Request, viewer: CoordinatorDep, services: ServicesDep
) -> Response:
    rows = await registered(services.sessions)
    bids = await bids_by_opportunity(services.sessions, [o.id for o in rows])
    return render(request, "opportunities.html", {"rows": rows, "bids": bids})


@router.get("/opportunities/new", include_in_schema=False)
async def new_opportunity(
    request: Request, viewer: CoordinatorDep, services: ServicesDep
) -> Response:
    return _form(request, services, OpportunityForm.blank())


@router.post("/opportunities/new", include_in_schema=False)
async def register_opportunity(
    request: Request, viewer: CoordinatorDep, services: ServicesDep
) -> Response:
    """Register the opportunity (nothing is sent yet); its page then previews the circulation."""
    await verify_csrf(request)
    form = OpportunityForm.read(await request.form())
    try:
        notice = form.notice()
        await register(services.sessions, notice)
    except (ValidationError, ValueError) as error:
        return _form(request, services, form, problems(error), 422)
    except AlreadyRegistered as error:
        return _form(request, services, form, str(error), 409)
    return RedirectResponse(f"/opportunities/{notice.id}?registered=1", status_code=303)


@router.get("/opportunities/{opportunity_id}", include_in_schema=False)
async def opportunity_page(
    request: Request,
    opportunity_id: OpportunityId,
    viewer: CoordinatorDep,
    services: ServicesDep,
    registered: Notice = None,
    started: Notice = None,
) -> Response:
    """The opportunity as registered, the members its notice will go to, and its bid (or the
    button that starts it)."""
    row = await opportunity(services.sessions, opportunity_id)
    if row is None:
        text = f"There is no opportunity '{opportunity_id}'."
        return message(request, "No such opportunity", text, 404)
    match = MatchInput(themes=row.themes, localities=row.localities)
    members = await DirectoryActivities(services.sessions).match_members(match)
    bid = (await bids_by_opportunity(services.sessions, [row.id])).get(row.id)
    context = {
        "o": row,
        "members": members,
        "bid": bid,
        "registered": registered,
        "started": started,
        "open": row.interest_cutoff > await services.now(),
        "window_labels": WINDOW_LABELS,
    }
    return render(request, "opportunity.html", context)


def _form(
    request: Request,
    services: Services,
    form: OpportunityForm,
    error: str = "",
    status: int = 200,
) -> Response:
    framework = load_framework(services.settings.framework_file)
    context = {
        "form": form,
        "error": error,
        "themes": framework.themes,
        "localities": framework.localities,
        "window_labels": WINDOW_LABELS,
    }
    return render(request, "opportunity_new.html", context, status)
