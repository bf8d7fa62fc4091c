"""Contracts on the web, for the lead body and the coordinator: each contract's returns,
payments (what each party is owed) and documents (subcontracts, combined returns and their
CSV, the final report), with the lead's actions: review a return, record the funder's payment
and each partner's, replace a partner, extend the term, change targets, give a late task more
time. Every action is the contract's Update, from `models.contract_updates`."""

import secrets
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from models.contract import ContractState, pounds
from models.contract_updates import UPDATES
from models.limits import one_line
from models.tables import Contract, ContractDocument
from web.actions import ActionRefused, BidNotFound, update_bid
from web.auth import Viewer, ViewerDep
from web.csrf import verify_csrf
from web.delivery_tasks import Refusal, workflow_state
from web.form_data import action_data
from web.services import ServicesDep
from web.templating import message, render

router = APIRouter(tags=["contracts"])
ContractId = Annotated[str, Path(max_length=100, pattern=r"^contract-[A-Za-z0-9._-]+$")]
DocName = Annotated[str, Path(max_length=120, pattern=r"^[A-Za-z0-9:._-]+$")]


def _may_see(viewer: Viewer, row: Contract) -> bool:
    return viewer.is_coordinator or viewer.organisation_id == row.lead_organisation_id


async def _row(services, contract_id: str, viewer: Viewer) -> Contract:
    async with services.sessions() as session:
        row = await session.get(Contract, contract_id)
    if row is None or not _may_see(viewer, row):
        raise HTTPException(404, "There is no such contract of yours.")
    return row


@router.get("/contracts", include_in_schema=False)
async def contracts(request: Request, viewer: ViewerDep, services: ServicesDep) -> Response:
    query = select(Contract).order_by(Contract.stage.desc(), Contract.next_due)
    if not viewer.is_coordinator:
        query = query.where(Contract.lead_organisation_id == viewer.organisation_id)
    async with services.sessions() as session:
        rows = (await session.scalars(query)).all()
    return render(request, "contracts.html", {"rows": rows, "pounds": pounds})


@router.get("/contracts/{contract_id}", include_in_schema=False)
async def contract_page(
    request: Request, contract_id: ContractId, viewer: ViewerDep, services: ServicesDep
) -> Response:
    row = await _row(services, contract_id, viewer)
    state: ContractState | None = None
    try:
        state = await workflow_state(await services.temporal(), contract_id, ContractState)
    except Refusal:
        pass  # closed: its rows and documents still tell its story
    async with services.sessions() as session:
        documents = (
            await session.execute(
                select(ContractDocument.name, ContractDocument.csv.is_not(None))
                .where(ContractDocument.contract_id == contract_id)
                .order_by(ContractDocument.created_at, ContractDocument.name)
            )
        ).all()
    context = {
        "row": row,
        "s": state,
        "documents": documents,
        "pounds": pounds,
        "nonce": secrets.token_urlsafe(16),
    }
    return render(request, "contract.html", context)


@router.get("/contracts/{contract_id}/documents/{name}", include_in_schema=False)
async def document(
    contract_id: ContractId,
    name: DocName,
    viewer: ViewerDep,
    services: ServicesDep,
    csv: bool = False,
) -> Response:
    """A generated document as text (Markdown), or with `?csv=1` its CSV."""
    await _row(services, contract_id, viewer)
    async with services.sessions() as session:
        doc = await session.get(ContractDocument, (contract_id, name))
    if doc is None or (csv and doc.csv is None):
        raise HTTPException(404, "There is no such document.")
    filename = name.replace(":", "-") + (".csv" if csv else ".md")
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if csv:
        return PlainTextResponse(doc.csv, media_type="text/csv", headers=headers)
    return PlainTextResponse(doc.text, media_type="text/markdown", headers=headers)


@router.post("/contracts/{contract_id}/{action}", include_in_schema=False)
async def contract_action(
    request: Request,
    contract_id: ContractId,
    action: Annotated[str, Path(max_length=40)],
    viewer: ViewerDep,
    services: ServicesDep,
) -> Response:
    await verify_csrf(request)
    await _row(services, contract_id, viewer)
    update = UPDATES.get(action)
    back = (f"/contracts/{contract_id}", "Back to the contract")
    if update is None or not update.allows("coordinator" if viewer.is_coordinator else "lead"):
        return message(request, "No such action", f"'{action}' is not an action here.", 404, back)
    form = await request.form()
    data = action_data(action, form)
    if action == "review_return":
        data["accept"] = data.get("accept") == "yes"
    if action == "replace_partner":
        data["replacement"] = _replacement(data)
    if action == "change_targets":
        data["targets"] = _targets(data.get("targets", ""))
    actor = "coordinator" if viewer.is_coordinator else viewer.organisation_id
    try:
        payload = update.input.model_validate({**data, "actor": actor})
    except ValidationError as error:
        return message(request, "Please check the form", one_line(error), 422, back)
    nonce = form.get("nonce") or secrets.token_urlsafe(16)
    try:
        await update_bid(
            await services.temporal(), contract_id, action, payload, f"web:{action}:{nonce}"
        )
    except ActionRefused as error:
        return message(request, "Not recorded", str(error), 409, back)
    except BidNotFound:
        return message(request, "This contract is closed", "Nothing more can be recorded.", 409)
    return RedirectResponse(f"/contracts/{contract_id}?done={action}", status_code=303)


def _replacement(data: dict) -> dict | None:
    fields = {
        k: data.pop(f"replacement_{k}", "").strip() for k in ("organisation_id", "name", "email")
    }
    return fields if any(fields.values()) else None


def _targets(text: str) -> dict[str, str]:
    """'young people supported = 30' a line."""
    pairs = [line.split("=", 1) for line in text.splitlines() if "=" in line]
    return {name.strip(): value.strip() for name, value in pairs}
