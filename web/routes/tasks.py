"""`/task/{token}`: the one-click page an e-mail links to, for exactly one task, no account.

The signed token says which organisation may answer what on which bid; a tampered, expired
or foreign token gets a clear page and changes nothing. Answers go to the bid as Updates.
"""

import hashlib
import secrets
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.dialects.postgresql import insert
from starlette.datastructures import UploadFile

from activities.task_links import TaskLinkError, verify_task_link
from models.bid import BidState
from models.tables import Attachment
from models.task import TaskLink
from web.actions import ActionRefused, BidNotFound, bid_state, update_bid
from web.csrf import verify_csrf
from web.delivery_tasks import KINDS as DELIVERY_KINDS
from web.delivery_tasks import delivery_answer, delivery_page
from web.params import TaskToken
from web.services import Services, ServicesDep
from web.task_forms import (
    FORMS,
    MAX_ATTACHMENT_BYTES,
    WITHDRAW,
    TaskForm,
    closed_on,
    is_late,
    outstanding_for,
)
from web.task_scope import answered, has_left, left_text, may_withdraw, sees_consortium
from web.templating import message, render

router = APIRouter(tags=["task pages"])


class PageError(Exception):
    """Stops a request with a plain page: what went wrong, for the person who clicked."""

    def __init__(
        self, title: str, text: str, status: int, *, back: bool = False, unchanged: bool = True
    ) -> None:
        super().__init__(text)
        self.title, self.text, self.status = title, text, status
        self.back = back  # the task's page is still there to go back to and correct
        self.unchanged = unchanged

    def page(self, request: Request, token: str) -> Response:
        action = (f"/task/{token}", "Back to your task") if self.back else None
        return message(
            request, self.title, self.text, self.status, action, unchanged=self.unchanged
        )


async def read_link(services: Services, token: str) -> TaskLink:
    secret, now = services.settings.secret_key.get_secret_value(), await services.now()
    try:
        return verify_task_link(token, secret, now)
    except TaskLinkError as error:
        raise PageError("This link cannot be used", str(error), 400) from error


async def read_bid(services: Services, link: TaskLink) -> BidState:
    try:
        return await bid_state(await services.temporal(), link.bid_id)
    except BidNotFound as error:
        raise PageError("This bid is not open", str(error), 404) from error


async def read_task(services: Services, token: str) -> tuple[TaskLink, BidState]:
    """The link and its bid; a 410 page for an organisation that has left the bid, which
    then sees nothing more of it."""
    link = await read_link(services, token)
    state = await read_bid(services, link)
    check_still_in(link, state)
    return link, state


def check_still_in(link: TaskLink, state: BidState) -> None:
    partner = has_left(link, state)
    if partner is not None:
        text = left_text(partner, state)
        raise PageError("You are no longer part of this bid", text, 410, unchanged=False)


def check_withdrawal(link: TaskLink, state: BidState) -> None:
    """Withdrawing is for a partner's current task's link only (web.task_scope)."""
    check_still_in(link, state)
    if not may_withdraw(link, state):
        text = (
            "This link is for a task that is finished or not yours now: to withdraw, use the "
            "link of your current task, or contact the lead body or the coordinator."
        )
        raise PageError("Your answer was not recorded", text, 409)


def errors_text(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(map(str, e['loc'])) or 'answer'}: {e['msg']}" for e in error.errors()
    )


@router.get("/task/{token}", include_in_schema=False)
async def task_page(
    request: Request, token: TaskToken, services: ServicesDep, done: bool = False
) -> Response:
    try:
        link = await read_link(services, token)
        if link.kind in DELIVERY_KINDS:  # a contract's or an event's task
            return await delivery_page(request, link, token, services, done)
        link, state = await read_task(services, token)
    except PageError as error:
        return error.page(request, token)
    context = task_context(link, state, token, done, await services.now())
    return render(request, "task.html", context)


def task_context(link: TaskLink, state: BidState, token: str, done: bool, now: datetime) -> dict:
    closed = closed_on(link, state, now)
    # Past a closing deadline the bid refuses the answer, so the page offers no form.
    task = None if closed else outstanding_for(link, state)
    return {
        "link": link,
        "state": state,
        "token": token,
        "form": FORMS.get(link.kind),
        "task": task,
        "late": is_late(task, now),
        "closed_on": closed,
        "done": done,
        "may_withdraw": may_withdraw(link, state),
        "answered": [] if task else answered(link, state),
        "sees_consortium": sees_consortium(link, state),
        "section": state.sections.get(link.key),
        "me": state.partners.get(link.organisation_id) or state.members.get(link.organisation_id),
        "nonce": secrets.token_urlsafe(16),
        "max_attachment_mb": MAX_ATTACHMENT_BYTES // (1024 * 1024),
    }


@router.post("/task/{token}", include_in_schema=False)
async def task_answer(request: Request, token: TaskToken, services: ServicesDep) -> Response:
    await verify_csrf(request)
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    upload = form.get("attachment")
    try:
        link = await read_link(services, token)
        if link.kind in DELIVERY_KINDS:  # a contract's or an event's task
            return await delivery_answer(request, link, token, services, fields)
        if link.kind != "section":
            upload = None  # only a section takes a file
        task_form = WITHDRAW if fields.get("action") == "withdraw" else FORMS.get(link.kind)
        if task_form is None:
            raise PageError("Use the console", "Sign in to the console to do this.", 400)
        attachment = await read_upload(upload) if isinstance(upload, UploadFile) else None
        if attachment:
            fields["attachment_name"] = attachment[0]
        await answer(services, link, task_form, fields)
        if attachment:
            await keep_attachment(services, link, *attachment)
    except PageError as error:
        return error.page(request, token)
    return RedirectResponse(f"/task/{token}?done=1", status_code=303)


async def answer(services: Services, link: TaskLink, task_form: TaskForm, fields: dict) -> None:
    """Build the Update's input from the form and send it; the form's nonce makes the Update's
    id, so the same form sent twice is recorded once. The bid's validator is the judge of a
    late, duplicate or foreign answer, so the bid's state is read first only when the answer
    quotes it, or for a withdrawal, which only a current task's link may send: one round trip
    to the bid per answer, not two."""
    withdrawing = task_form is WITHDRAW
    state = await read_bid(services, link) if task_form.needs_state or withdrawing else None
    if withdrawing and state is not None:
        check_withdrawal(link, state)
    try:
        payload = task_form.build(link, fields, state)
    except ValidationError as error:
        raise PageError("Please check your answer", errors_text(error), 422, back=True) from error
    nonce = fields.get("nonce") or secrets.token_urlsafe(16)
    update_id = f"web:{link.kind}:{link.organisation_id}:{link.key}:{task_form.update}:{nonce}"
    try:
        await update_bid(
            await services.temporal(), link.bid_id, task_form.update, payload, update_id
        )
    except ActionRefused as error:
        raise PageError("Your answer was not recorded", str(error), 409, back=True) from error
    except BidNotFound as error:
        raise PageError("This bid is not open", str(error), 404) from error


async def read_upload(upload: UploadFile) -> tuple[str, str, bytes] | None:
    """(name, type, bytes) of an uploaded file, refused over the documented size."""
    if not upload.filename:
        return None
    content = await upload.read(MAX_ATTACHMENT_BYTES + 1)
    if len(content) > MAX_ATTACHMENT_BYTES:
        limit = MAX_ATTACHMENT_BYTES // (1024 * 1024)
        text = f"Attach a file of at most {limit} MB."
        raise PageError("This file is too large", text, 413, back=True)
    name = upload.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    return name, upload.content_type or "application/octet-stream", content


async def keep_attachment(
    services: Services, link: TaskLink, name: str, content_type: str, content: bytes
) -> None:
    async with services.sessions() as session, session.begin():
        await session.execute(
            insert(Attachment)
            .values(
                bid_id=link.bid_id,
                organisation_id=link.organisation_id,
                section_key=link.key,
                sha256=hashlib.sha256(content).hexdigest(),
                filename=name,
                content_type=content_type,
                size=len(content),
                content=content,
            )
            .on_conflict_do_nothing()
        )
