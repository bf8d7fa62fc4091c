"""The JSON API: the same actions as the pages, roles enforced on every route.

Leads and the coordinator authenticate with their session (cookie plus an `X-CSRF-Token`
header, or `Authorization: Bearer <session>`); partners with the signed task token in the
path, which scopes them to that one task. The schema is at `/openapi.json`.
"""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Request, Response
from pydantic import BaseModel, ValidationError

from models.bid import OutstandingTask
from models.bid_public import BidPublic, BidSummary
from models.task import TaskLink
from web.actions import ActionRefused, BidNotFound, bid_state
from web.auth import Viewer, require_viewer, session_value, uses_bearer
from web.bid_actions import ACTIONS, NotAllowed, may_view, perform
from web.bid_list import PAGE_SIZE, list_bids
from web.bid_start import NOT_A_LEAD, may_start, start_bid
from web.csrf import verify_csrf
from web.params import (
    ActionName,
    BidId,
    IdempotencyKey,
    Limit,
    Offset,
    OpportunityId,
    StageFilter,
    TaskToken,
    TextFilter,
)
from web.routes.tasks import PageError, answer, read_link, read_task
from web.services import ServicesDep
from web.task_forms import FORMS, WITHDRAW, outstanding_for
from web.task_scope import answered, may_withdraw

router = APIRouter(prefix="/api", tags=["api"])


class BidListItem(BaseModel):
    id: str
    title: str
    funder: str
    stage: str
    lead_id: str | None
    lead_name: str
    deadline: datetime | None
    days_left: int | None
    overdue: bool
    outstanding: list[dict[str, Any]]


class TaskView(BaseModel):
    link: TaskLink
    title: str
    stage: str
    outstanding: OutstandingTask | None
    answered: list[tuple[str, str]]  # what a finished task recorded: (what, the answer)
    may_withdraw: bool  # only on a partner's current task's link


class Done(BaseModel):
    ok: bool = True
    result: BidSummary | None = None  # an action's: the bid as it stands after it


async def api_viewer(request: Request) -> Viewer:
    """The signed-in viewer; a cookie-authenticated change must also carry the CSRF header."""
    viewer = require_viewer(request)
    if request.method not in ("GET", "HEAD") and not uses_bearer(request):
        await verify_csrf(request)
    return viewer


ApiViewer = Annotated[Viewer, Depends(api_viewer)]


class Session(BaseModel):
    viewer: Viewer
    bearer: str  # send as `Authorization: Bearer <bearer>` from scripts


@router.get("/session", response_model=Session)
async def session(request: Request, viewer: ApiViewer, services: ServicesDep) -> Session:
    """Who is signed in, and a bearer token for scripts (valid as long as the session)."""
    return Session(viewer=viewer, bearer=session_value(services.settings, viewer))


@router.get("/bids", response_model=list[BidListItem])
async def bids(
    viewer: ApiViewer,
    services: ServicesDep,
    response: Response,
    stage: StageFilter = "",
    locality: TextFilter = "",
    funder: TextFilter = "",
    limit: Limit = PAGE_SIZE,
    offset: Offset = 0,
) -> list[BidListItem]:
    """The coordinator sees every bid; a lead sees the bids it leads. Open before closed,
    overdue first, then by deadline; a page at a time, and how many match in all in the
    `X-Total-Count` header."""
    if not viewer.is_coordinator and not viewer.organisation_id:
        response.headers["X-Total-Count"] = "0"
        return []
    lead = None if viewer.is_coordinator else viewer.organisation_id
    now = await services.now()
    page = await list_bids(
        services.sessions,
        stage,
        locality,
        funder,
        lead_id=lead,
        now=now,
        limit=limit,
        offset=offset,
    )
    response.headers["X-Total-Count"] = str(page.total)
    return [
        BidListItem(
            **{k: getattr(r, k) for k in ("id", "title", "funder", "stage", "lead_id")},
            lead_name=r.lead_name,
            deadline=r.deadline,
            days_left=r.days_left,
            overdue=r.overdue,
            outstanding=[vars(t) for t in r.owed],
        )
        for r in page.rows
    ]


@router.get("/bids/{bid_id}", response_model=BidPublic)
async def bid(bid_id: BidId, viewer: ApiViewer, services: ServicesDep) -> BidPublic:
    """One bid as its lead and the coordinator act on it: for them only. No e-mail
    addresses: the lead's pages show none, and the coordinator has them on the dashboard."""
    try:
        state = await bid_state(await services.temporal(), bid_id)
    except BidNotFound as error:
        raise HTTPException(404, str(error)) from error
    if not may_view(viewer, state):
        raise HTTPException(403, "Only the coordinator and this bid's lead may see it.")
    return BidPublic.of(state)


def _actions_help() -> str:
    lines = ["The body is the action's input without `actor` (taken from the session):", ""]
    for name, action in ACTIONS.items():
        fields = ", ".join(f for f in action.input.model_fields if f != "actor")
        who = "lead or coordinator" if action.allows("lead") else "coordinator"
        lines.append(f"- `{name}` ({who}): {fields}")
    return "\n".join(lines)


@router.post("/bids/{bid_id}/actions/{action}", response_model=Done, description=_actions_help())
async def act(
    bid_id: BidId,
    action: ActionName,
    data: Annotated[dict[str, Any], Body()],
    viewer: ApiViewer,
    services: ServicesDep,
    idempotency_key: IdempotencyKey = None,
) -> Done:
    """A lead's or the coordinator's action (see `ACTIONS`); the body is the Update's input
    without `actor`. The same `Idempotency-Key` twice records once."""
    if action not in ACTIONS:
        raise HTTPException(404, f"No action '{action}'. Actions: {', '.join(ACTIONS)}.")
    update_id = f"api:{viewer.email}:{action}:{idempotency_key}" if idempotency_key else None
    try:
        result = await perform(await services.temporal(), viewer, bid_id, action, data, update_id)
    except BidNotFound as error:
        raise HTTPException(404, str(error)) from error
    except NotAllowed as error:
        raise HTTPException(403, str(error)) from error
    except ValidationError as error:
        raise HTTPException(422, error.errors(include_url=False, include_context=False)) from error
    except ActionRefused as error:
        raise HTTPException(409, str(error)) from error
    return Done(result=None if result is None else BidSummary.model_validate(result))


@router.get("/tasks/{token}", response_model=TaskView)
async def task(token: TaskToken, services: ServicesDep) -> TaskView:
    """What one task link asks for: the partner's view, scoped by the token."""
    try:
        link, state = await read_task(services, token)
    except PageError as error:
        raise HTTPException(error.status, error.text) from error
    outstanding = outstanding_for(link, state)
    return TaskView(
        link=link,
        title=state.notice.title,
        stage=state.stage,
        outstanding=outstanding,
        answered=[] if outstanding else answered(link, state),
        may_withdraw=may_withdraw(link, state),
    )


@router.post("/tasks/{token}", response_model=Done)
async def task_answer(
    token: TaskToken,
    data: Annotated[dict[str, str], Body()],
    services: ServicesDep,
    idempotency_key: IdempotencyKey = None,
) -> Done:
    """Answer the task; the body holds the form's fields (e.g. `{"accept": "yes"}`), and
    `{"action": "withdraw"}` withdraws. No cookie is involved, so no CSRF token either."""
    try:
        link = await read_link(services, token)
        form = WITHDRAW if data.get("action") == "withdraw" else FORMS.get(link.kind)
        if form is None:
            raise PageError("", "This task is answered through the lead's console.", 400)
        await answer(services, link, form, {**data, "nonce": idempotency_key or ""})
    except PageError as error:
        raise HTTPException(error.status, error.text) from error
    return Done()


class Started(BaseModel):
    bid_id: str


@router.post("/opportunities/{opportunity_id}/bids", response_model=Started, status_code=201)
async def start(opportunity_id: OpportunityId, viewer: ApiViewer, services: ServicesDep) -> Started:
    """Start the bid for an opportunity: the coordinator, or a full member willing to lead."""
    if not await may_start(services.sessions, viewer):
        raise HTTPException(403, NOT_A_LEAD)
    try:
        bid_id = await start_bid(
            await services.temporal(),
            services.settings,
            services.sessions,
            opportunity_id,
            await services.now(),
        )
    except BidNotFound as error:
        raise HTTPException(404, str(error)) from error
    except ActionRefused as error:
        raise HTTPException(409, str(error)) from error
    return Started(bid_id=bid_id)
