"""Engagement events on the web, for the coordinator: the list (upcoming and held, with
attendance), a new event (invitees matched in the directory by theme and locality, or added
by hand, one a line), and one event's page with each invitee's answer and attendance. The
event itself is `EventWorkflow`; its people answer from their e-mail links."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from models.contract_answers import NewParty
from models.event import KIND_WORDS, EventInput, EventState, Invitee, NewEvent
from models.limits import one_line
from models.tables import Event, EventAttendance
from web.auth import CoordinatorDep
from web.csrf import verify_csrf
from web.delivery_tasks import Refusal, workflow_state
from web.services import ServicesDep
from web.templating import message, render

router = APIRouter(tags=["events"])
EventId = Annotated[str, Path(max_length=100, pattern=r"^event-[A-Za-z0-9._-]+$")]


@router.get("/events", include_in_schema=False)
async def events(request: Request, viewer: CoordinatorDep, services: ServicesDep) -> Response:
    async with services.sessions() as session:
        rows = (await session.scalars(select(Event).order_by(Event.starts_at.desc()))).all()
    return render(request, "events.html", {"rows": rows, "kinds": KIND_WORDS})


def _people(text: str) -> list[NewParty]:
    """'id, name, e-mail' a line."""
    people = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if any(parts):
            keys = ("organisation_id", "name", "email")
            people.append(NewParty.model_validate(dict(zip(keys, parts, strict=False))))
    return people


@router.post("/events", include_in_schema=False)
async def new_event(request: Request, viewer: CoordinatorDep, services: ServicesDep) -> Response:
    await verify_csrf(request)
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    back = ("/events", "Back to the events")
    try:
        event = NewEvent.model_validate(
            {
                **form,
                "themes": [t.strip() for t in form.get("themes", "").split(",") if t.strip()],
                "localities": [
                    t.strip() for t in form.get("localities", "").split(",") if t.strip()
                ],
                "invitees": _people(form.get("invitees", "")),
            }
        )
    except ValidationError as error:
        return message(request, "Please check the event", one_line(error), 422, back)
    if event.ends_at <= event.starts_at or event.starts_at <= await services.now():
        text = "It must start in the future and end after it starts."
        return message(request, "Please check the event", text, 422, back)
    settings = services.settings
    event_id = f"event-{event.starts_at:%Y%m%d}-{uuid.uuid4().hex[:8]}"
    input = EventInput(
        event_id=event_id,
        coordinator_email=settings.coordinator_email,
        invitees=[Invitee(**p.model_dump()) for p in event.invitees],
        **event.model_dump(exclude={"invitees"}),
    )
    client = await services.temporal()
    await client.start_workflow(
        "EventWorkflow", input, id=event_id, task_queue=settings.temporal_task_queue
    )
    return RedirectResponse(f"/events/{event_id}", status_code=303)


@router.get("/events/{event_id}", include_in_schema=False)
async def event_page(
    request: Request, event_id: EventId, viewer: CoordinatorDep, services: ServicesDep
) -> Response:
    state: EventState | None = None
    try:
        state = await workflow_state(await services.temporal(), event_id, EventState)
    except Refusal:
        pass  # over: its rows still tell it
    async with services.sessions() as session:
        row = await session.get(Event, event_id)
        people = (
            await session.scalars(
                select(EventAttendance).where(EventAttendance.event_id == event_id)
            )
        ).all()
    if row is None and state is None:
        return message(request, "No such event", f"There is no event '{event_id}'.", 404)
    return render(request, "event.html", {"row": row, "s": state, "people": people})
