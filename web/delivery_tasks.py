"""The one-click task pages of a contract and an event (the `/task/{token}` link in their
e-mails, no account): what each kind of link asks, the form's fields, and the Update it
sends. `web/routes/tasks.py` hands these kinds here; the bid's kinds stay in task_forms.py.
Answers are parsed into the Update's input model at the edge; `actor` comes from the signed
link, never from the form."""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from temporalio.client import Client
from temporalio.service import RPCError

from models import contract_answers as c
from models import event as e
from models.contract import ContractState, pounds, return_key
from models.event import EventState
from models.limits import one_line
from models.tables import ContractDocument
from models.task import TaskLink
from web.actions import ActionRefused, BidNotFound, update_bid
from web.services import Services, Unavailable
from web.templating import message, render

Form = dict[str, str]
State = ContractState | EventState
T = TypeVar("T", ContractState, EventState)


@dataclass(frozen=True)
class DeliveryForm:
    update: str
    heading: str
    build: Callable[[TaskLink, Form, Any], BaseModel]
    owed: Callable[[TaskLink, Any], bool]  # is it asked of this link now?
    then: str = ""  # the coordinator's link after attendance asks for the outputs instead

    def update_for(self, state: Any) -> str:
        return (
            self.then if self.then and getattr(state, "attendance_recorded", False) else self.update
        )


def _yes(form: Form, name: str) -> bool:
    return form.get(name, "").strip().lower() in ("yes", "true", "on", "1")


def _money(text: str) -> Decimal:
    """What a person types for a sum: '1,234.50', '£20', '' (nothing)."""
    cleaned = text.strip().replace(",", "").removeprefix("£").strip() or "0"
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return Decimal("-1")  # refused by the model, in its words


def _return(link: TaskLink, f: Form, s: ContractState) -> c.ReturnInput:
    outputs = {
        name.removeprefix("output:"): value.strip()
        for name, value in f.items()
        if name.startswith("output:") and value.strip()
    }
    return c.ReturnInput.model_validate(
        {
            "actor": link.organisation_id,
            "period": int(link.key or 0),
            "outputs": outputs,
            "outcomes": f.get("outcomes", ""),
            "case_studies": f.get("case_studies", ""),
            "spend": _money(f.get("spend", "")),
        }
    )


def _lines(text: str, sep: str = "\n") -> list[str]:
    return [item.strip() for item in text.split(sep) if item.strip()]


def _attendance_or_outputs(link: TaskLink, f: Form, s: EventState) -> BaseModel:
    if not s.attendance_recorded:
        came = [k.removeprefix("attended:") for k in f if k.startswith("attended:") and _yes(f, k)]
        return e.AttendanceInput(actor=link.organisation_id, attended=came)
    return e.OutputsInput(
        actor=link.organisation_id,
        notes=f.get("notes", ""),
        themes=_lines(f.get("themes", ""), ","),
        proposals=_lines(f.get("proposals", "")),
        linked=_lines(f.get("linked", ""), ","),
    )


def _in_schedule(task_id: Callable[[TaskLink], str]) -> Callable[[TaskLink, Any], bool]:
    return lambda link, s: task_id(link) in s.schedule


FORMS: dict[str, DeliveryForm] = {
    "subcontract": DeliveryForm(
        "sign_subcontract",
        "Please sign your subcontract",
        lambda link, f, s: c.SubcontractSignature(
            actor=link.organisation_id,
            version_hash=f.get("version_hash", ""),
            signer_name=f.get("signer_name", ""),
            signer_role=f.get("signer_role", ""),
        ),
        _in_schedule(lambda link: f"subcontract:{link.organisation_id}"),
    ),
    "quarterly_return": DeliveryForm(
        "submit_return",
        "Your return for the period",
        _return,
        _in_schedule(lambda link: f"return:{return_key(int(link.key or 0), link.organisation_id)}"),
    ),
    "return_review": DeliveryForm(
        "review_return",
        "Review a partner's return",
        lambda link, f, s: c.ReturnReview(
            actor=link.organisation_id,
            period=int(link.key.split(":", 1)[0]),
            organisation_id=link.key.split(":", 1)[1],
            accept=_yes(f, "accept"),
            comments=f.get("comments", ""),
        ),
        _in_schedule(lambda link: f"review:{link.key}"),
    ),
    "event_rsvp": DeliveryForm(
        "rsvp",
        "Will you come?",
        lambda link, f, s: e.RsvpInput(
            actor=link.organisation_id, attending=_yes(f, "attending"), note=f.get("note", "")
        ),
        lambda link, s: s.status == "invited" and link.organisation_id in s.invitees,
    ),
    "event_feedback": DeliveryForm(
        "give_feedback",
        "How did it go?",
        lambda link, f, s: e.FeedbackInput(
            actor=link.organisation_id,
            rating=int(f.get("rating") or 0),
            text=f.get("text", ""),
        ),
        lambda link, s: s.status == "held" and bool(s.invitees[link.organisation_id].attended),
    ),
    "event_attendance": DeliveryForm(
        "record_attendance",
        "Record who came, and what came of it",
        _attendance_or_outputs,
        lambda link, s: s.status == "held" and s.outputs is None,
        then="record_outputs",
    ),
}
KINDS = frozenset(FORMS)


class Refusal(Exception):
    def __init__(self, title: str, text: str, status: int) -> None:
        super().__init__(text)
        self.title, self.text, self.status = title, text, status


async def read_state(client: Client, link: TaskLink) -> State:
    if link.kind.startswith("event_"):
        return await workflow_state(client, link.bid_id, EventState)
    return await workflow_state(client, link.bid_id, ContractState)


async def workflow_state(client: Client, workflow_id: str, kind: type[T]) -> T:
    """A running contract's or event's state (its `state` query)."""
    try:
        return await client.get_workflow_handle(workflow_id).query("state", result_type=kind)
    except RPCError as error:
        text = "It has ended, or the link is for something that never started."
        raise Refusal("This is no longer open", text, 404) from error
    except Exception as error:  # the query failed: try again shortly
        raise Unavailable(f"the state of {workflow_id!r}") from error


async def delivery_page(
    request: Request, link: TaskLink, token: str, services: Services, done: bool
) -> Response:
    try:
        state = await read_state(await services.temporal(), link)
    except Refusal as refusal:
        return message(request, refusal.title, refusal.text, refusal.status)
    form = FORMS[link.kind]
    context = {
        "link": link,
        "s": state,
        "token": token,
        "form": form,
        "owed": form.owed(link, state),
        "done": done,
        "nonce": secrets.token_urlsafe(16),
        "me": _party(link, state),
        "pounds": pounds,
        "document": await _document(services, link, state),
    }
    return render(request, "task_delivery.html", context)


def _party(link: TaskLink, state: State) -> Any:
    if isinstance(state, ContractState):
        return state.parties.get(link.organisation_id)
    return state.invitees.get(link.organisation_id)


async def _document(services: Services, link: TaskLink, state: State) -> str | None:
    """The subcontract's text, for the partner to read before signing."""
    if link.kind != "subcontract" or not isinstance(state, ContractState):
        return None
    sub = state.subcontracts.get(link.organisation_id)
    if sub is None:
        return None
    name = f"subcontract:{link.organisation_id}:v{sub.version}"
    async with services.sessions() as session:
        return await session.scalar(
            select(ContractDocument.text).where(
                ContractDocument.contract_id == state.contract_id, ContractDocument.name == name
            )
        )


async def delivery_answer(
    request: Request, link: TaskLink, token: str, services: Services, fields: Form
) -> Response:
    form = FORMS[link.kind]
    back = (f"/task/{token}", "Back to your task")
    client = await services.temporal()
    try:
        state = await read_state(client, link)
        payload = form.build(link, fields, state)
    except Refusal as refusal:
        return message(request, refusal.title, refusal.text, refusal.status)
    except ValidationError as error:
        return message(request, "Please check your answer", one_line(error), 422, back)
    except ValueError:
        return message(request, "Please check your answer", "Give a whole number.", 422, back)
    nonce = fields.get("nonce") or secrets.token_urlsafe(16)
    update = form.update_for(state)
    update_id = f"web:{link.kind}:{link.organisation_id}:{link.key}:{update}:{nonce}"
    try:
        await update_bid(client, link.bid_id, update, payload, update_id)
    except ActionRefused as error:
        return message(request, "Your answer was not recorded", str(error), 409, back)
    except BidNotFound:
        return message(request, "This is no longer open", "It has ended.", 404)
    return RedirectResponse(f"/task/{token}?done=1", status_code=303)
