"""`consortia contract` and `consortia event`: the client side of the contract and event
workflows. Their Updates are the tables in `models/contract_updates.py` and
`models/event.py`; an answer is given as JSON (a file, or `-` for standard input) and checked
against its model before it is sent."""

import json
import sys
import uuid
from pathlib import Path
from typing import Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from temporalio.client import Client

from models.contract import ContractState, pounds
from models.contract_updates import UPDATES as CONTRACT_UPDATES
from models.event import EVENT_UPDATES, EventInput, EventState, Invitee, NewEvent
from models.limits import one_line
from settings import Settings
from starter import _fail, _run  # the bid's client side: connect, and say why it failed

contract_app = typer.Typer(help="Contracts after the award.", no_args_is_help=True)
event_app = typer.Typer(help="Engagement events.", no_args_is_help=True)
JSON_OUT = typer.Option(False, "--json", help="machine-readable output")
EVENT_INPUTS = {u.name: u.input for u in EVENT_UPDATES}
M = TypeVar("M", bound=BaseModel)


def _read(path: str) -> Any:
    text = sys.stdin.read() if path == "-" else Path(path).read_text()
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        _fail(f"{path}: not JSON ({error.msg}, line {error.lineno})")


def _checked(model: type[M], path: str) -> M:
    """The JSON at `path` read as `model`; a bad one is refused in one line."""
    try:
        return model.model_validate(_read(path))
    except ValidationError as error:
        return _fail(one_line(error))  # exits


def _answer(workflow_id: str, update: str, payload: BaseModel) -> None:
    async def send(client: Client) -> Any:
        handle = client.get_workflow_handle(workflow_id)
        return await handle.execute_update(update, payload, id=f"cli:{uuid.uuid4()}")

    result = _run(send)
    typer.echo(json.dumps(result if isinstance(result, dict) else str(result), default=str))


@contract_app.command("show")
def contract_show(contract_id: str, as_json: bool = JSON_OUT) -> None:
    """Where a contract stands: its period, returns and what each party is owed."""

    async def read(client: Client) -> ContractState:
        return await client.get_workflow_handle(contract_id).query(
            "state", result_type=ContractState
        )

    s: ContractState = _run(read)
    if as_json:
        typer.echo(s.model_dump_json(exclude={"timeline"}))
        return
    typer.echo(f"{s.title} ({s.funder}): {s.stage}, period {s.period} of {s.term_periods}")
    for r in sorted(s.returns.values(), key=lambda r: (r.period, r.organisation_id)):
        typer.echo(f"  period {r.period}: {s.name_of(r.organisation_id)}: {r.status}")
    for p in s.payments:
        owed = ", ".join(f"{s.name_of(o)} {pounds(v)}" for o, v in p.owed(s.lead_id).items())
        typer.echo(
            f"  payment {p.number}: {pounds(p.split.received_pence)}; owed: {owed or 'none'}"
        )


@contract_app.command("answer")
def contract_answer(contract_id: str, update: str, answer: str = typer.Argument("-")) -> None:
    """Send UPDATE (one of models/contract_updates.py) with ANSWER, a JSON file or -."""
    found = CONTRACT_UPDATES.get(update)
    if found is None:
        _fail(f"no such update: {update} (one of {', '.join(CONTRACT_UPDATES)})")
        return
    _answer(contract_id, update, _checked(found.input, answer))


@event_app.command("start")
def event_start(event: str = typer.Argument("-")) -> None:
    """Create an event from a JSON file (title, kind, starts_at, ends_at, place, themes,
    localities, invitees) and send its invitations."""
    new = _checked(NewEvent, event)
    settings = Settings()
    event_id = f"event-{new.starts_at:%Y%m%d}-{uuid.uuid4().hex[:8]}"
    input = EventInput(
        event_id=event_id,
        coordinator_email=settings.coordinator_email,
        invitees=[Invitee(**p.model_dump()) for p in new.invitees],
        **new.model_dump(exclude={"invitees"}),
    )

    async def start(client: Client) -> None:
        await client.start_workflow(
            "EventWorkflow", input, id=event_id, task_queue=settings.temporal_task_queue
        )

    _run(start)
    typer.echo(event_id)


@event_app.command("show")
def event_show(event_id: str, as_json: bool = JSON_OUT) -> None:
    """An event: who was invited, who answered, who came."""

    async def read(client: Client) -> EventState:
        return await client.get_workflow_handle(event_id).query("state", result_type=EventState)

    s: EventState = _run(read)
    if as_json:
        typer.echo(s.model_dump_json(exclude={"timeline"}))
        return
    typer.echo(f"{s.title}: {s.status}, {s.starts_at:%d %b %Y %H:%M} at {s.place}")
    for i in s.invitees.values():
        came = {True: "came", False: "did not come", None: ""}[i.attended]
        typer.echo(f"  {i.name}: {i.rsvp or 'no answer'} {came}".rstrip())


@event_app.command("answer")
def event_answer(event_id: str, update: str, answer: str = typer.Argument("-")) -> None:
    """Send UPDATE (one of models/event.py's EVENT_UPDATES) with ANSWER, a JSON file or -."""
    model = EVENT_INPUTS.get(update)
    if model is None:
        _fail(f"no such update: {update} (one of {', '.join(EVENT_INPUTS)})")
        return
    _answer(event_id, update, _checked(model, answer))
