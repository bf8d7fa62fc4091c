"""The client side: connect to Temporal, start workflows, send answers, list and show."""

import asyncio
import json
import sys
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import typer
from pydantic import BaseModel, ValidationError
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter
from temporalio.service import TLSConfig

from codec import CodecKeyError, codec_for, with_codec
from models import bid_answers as answers
from models.bid import BidInput, BidState, Timetable
from models.bid_updates import BID_UPDATES, BidUpdate
from models.limits import BidId, checked, one_line
from models.opportunity import OpportunityNotice
from settings import SettingMissing, Settings
from workflows import search_attributes as sa
from workflows.bid import BidWorkflow


async def connect(settings: Settings) -> Client:
    """A Temporal client for the configured cluster, speaking pydantic, its payloads sealed
    by the codec when CODEC_KEYS is set. Every client and worker is made here."""
    if settings.temporal_address is None:
        raise SettingMissing(
            "TEMPORAL_ADDRESS is not set: point it at Temporal (`consortia up` prints it)"
        )
    settings.require_codec_keys()
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=data_converter(settings),
        **cloud_options(settings),
    )


def data_converter(settings: Settings) -> DataConverter:
    """Pydantic payloads, sealed when the settings name codec keys."""
    codec_keys = settings.codec_keys.get_secret_value() if settings.codec_keys else None
    try:
        codec = codec_for(codec_keys, settings.codec_key_id)
    except CodecKeyError as error:
        raise SettingMissing(str(error)) from None
    return with_codec(pydantic_data_converter, codec)


def cloud_options(settings: Settings) -> dict[str, Any]:
    """TLS for Temporal Cloud or a cluster that asks for it: mTLS with a client certificate,
    or an API key. Neither set: plain gRPC (the dev server, a cluster inside the network)."""
    cert, key = settings.temporal_tls_cert, settings.temporal_tls_key
    if (cert is None) != (key is None):
        raise SettingMissing("set both TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY, or neither")
    if cert is not None and key is not None:
        try:
            tls = TLSConfig(client_cert=cert.read_bytes(), client_private_key=key.read_bytes())
        except OSError as error:
            raise SettingMissing(f"cannot read the Temporal client certificate: {error}") from None
        return {"tls": tls}
    api_key = settings.temporal_api_key.get_secret_value() if settings.temporal_api_key else ""
    if api_key:
        return {"tls": True, "api_key": api_key}
    return {}


# --- bids -----------------------------------------------------------------------------------

# Every Update of the bid workflow, by its command-line name (`decide-bid` for `decide_bid`).
UPDATES: dict[str, BidUpdate] = {u.name.replace("_", "-"): u for u in BID_UPDATES}


def bid_input(bid_id: str, notice: OpportunityNotice, coordinator_email: str) -> BidInput:
    """The bid's input from the notice as registered: its approver (unset, the coordinator is
    asked) and its stage windows become the bid's own."""
    w = notice.stage_windows
    windows = {
        "decision_window": w.decision,
        "lead_window": w.lead,
        "partner_window": w.partner,
        "assign_window": w.assign,
        "review_window": w.review,
        "comment_window": w.comment,
        "signing_window": w.signing,
        "la_window": w.la,
    }
    return BidInput(
        bid_id=bid_id,
        notice=notice,
        coordinator_email=coordinator_email,
        local_authority_email=notice.local_authority_email,
        timetable=Timetable(**{k: timedelta(days=days) for k, days in windows.items()}),
    )


async def start_bid(
    client: Client, input: BidInput, task_queue: str, mail_task_queue: str | None = None
) -> WorkflowHandle:
    """Start one bid; its search attributes are set from the first moment. Its e-mail goes to
    `mail_task_queue` (settings.MAIL_TASK_QUEUE) when one is given."""
    if mail_task_queue is not None:
        input = input.model_copy(update={"mail_task_queue": mail_task_queue})
    n = input.notice
    return await client.start_workflow(
        BidWorkflow.run,
        input,
        id=input.bid_id,
        task_queue=task_queue,
        # The Temporal UI's list and header: what the bid is for, never who is in it.
        static_summary=f"{n.title} ({n.funder}), due {n.submission_deadline:%d %b %Y}",
        static_details=bid_details(n),
        search_attributes=TypedSearchAttributes(
            [
                SearchAttributePair(sa.BID_STAGE, "notice"),
                SearchAttributePair(sa.BID_OPPORTUNITY, n.id),
                SearchAttributePair(sa.BID_DEADLINE, n.submission_deadline),
            ]
        ),
    )


def bid_details(n: OpportunityNotice) -> str:
    """The opportunity, as the Temporal UI shows it under the bid (Markdown)."""
    value = f"{n.currency} {n.value:,}" if n.value is not None else "not given"
    return "\n".join(
        [
            f"**{n.title}** for {n.funder} (opportunity `{n.id}`)",
            f"- value: {value}; submission deadline {n.submission_deadline:%d %B %Y %H:%M %Z}",
            f"- sections: {', '.join(n.required_sections)}",
            f"- partners: at least {n.min_partners}"
            + ("; local-authority sign-off" if n.la_signoff_required else ""),
        ]
    )


async def send_answer(
    client: Client, bid_id: str, update: str, payload: dict | answers.Answer
) -> BaseModel:
    """Send one answer (validated here first; an answer model is taken as it is); returns the
    bid's new summary. A refused answer raises `WorkflowUpdateFailedError`, whose cause says
    why."""
    spec = UPDATES[update]
    answer = spec.input.model_validate(payload)
    handle = client.get_workflow_handle_for(BidWorkflow.run, bid_id)
    return await handle.execute_update(spec.name, answer, result_type=spec.result)


async def show_bid(client: Client, bid_id: str) -> BidState:
    return await client.get_workflow_handle_for(BidWorkflow.run, bid_id).query(BidWorkflow.state)


async def list_bids(client: Client, stage: str | None = None) -> list[dict[str, Any]]:
    """Bids with their stage, lead, opportunity and deadline, from the search attributes."""
    query = "WorkflowType='BidWorkflow'" + (f" AND BidStage='{stage}'" if stage else "")
    rows = []
    async for execution in client.list_workflows(query):
        attributes = execution.typed_search_attributes
        deadline = attributes.get(sa.BID_DEADLINE)
        rows.append(
            {
                "bid_id": execution.id,
                "stage": attributes.get(sa.BID_STAGE),
                "lead": attributes.get(sa.BID_LEAD),
                "opportunity": attributes.get(sa.BID_OPPORTUNITY),
                "deadline": deadline.isoformat() if deadline else None,
                "status": execution.status.name if execution.status else None,
            }
        )
    return rows


# --- `consortia bid ...` -------------------------------------------------------------------

bid_app = typer.Typer(help="Bids: start one, send answers, list and show.", no_args_is_help=True)
PAYLOAD = typer.Argument(..., help="JSON text, @file.json, or - for standard input.")
AS_JSON = typer.Option(False, "--json", help="Print JSON, for scripts.")


def _read(payload: str) -> Any:
    try:
        if payload == "-":
            text = sys.stdin.read()
        elif payload.startswith("@"):
            text = Path(payload[1:]).read_text()
        else:
            text = payload
    except (OSError, UnicodeDecodeError) as error:
        _fail(f"cannot read {payload}: {error}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        _fail(f"not JSON: {error}")


def _fail(message: str) -> Any:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _run(work: Callable[[Client], Any]) -> Any:
    async def main() -> Any:
        return await work(await connect(Settings()))

    try:
        return asyncio.run(main())
    except WorkflowUpdateFailedError as refused:
        cause = refused.cause
        _fail(getattr(cause, "message", None) or str(cause or refused))
    except ValidationError as error:
        _fail(one_line(error))


def _notice(payload: str) -> OpportunityNotice:
    """The notice, checked before anything starts: a bad one is one line naming the field."""
    try:
        return OpportunityNotice.model_validate(_read(payload))
    except ValidationError as error:
        return _fail(f"the notice is not valid: {one_line(error)}")


def _answer(update: str, payload: str) -> answers.Answer:
    try:
        return UPDATES[update].input.model_validate(_read(payload))
    except ValidationError as error:
        return _fail(f"the answer is not valid: {one_line(error)}")


@bid_app.command("opportunity")
def opportunity(payload: str = PAYLOAD) -> None:
    """Check an opportunity notice and print it as the bid will store it."""
    typer.echo(_notice(payload).model_dump_json(indent=2))


@bid_app.command("start")
def start(
    payload: str = PAYLOAD,
    bid_id: str = typer.Option(None, help="Defaults to bid-<opportunity id>-<random>."),
    as_json: bool = AS_JSON,
) -> None:
    """Start a bid on an opportunity notice: it is circulated to the matching members. The
    notice may name the local authority's approver (`local_authority_email`) and the days
    each stage gets (`stage_windows`, e.g. {"partner": 14}); see `consortia bid opportunity`."""
    notice, settings = _notice(payload), Settings()
    if bid_id is not None:
        try:
            bid_id = checked("bid_id", BidId, bid_id)
        except ValidationError as error:
            _fail(one_line(error))
    input = bid_input(
        bid_id or f"bid-{notice.id}-{uuid.uuid4().hex[:6]}", notice, settings.coordinator_email
    )
    _run(
        lambda client: start_bid(
            client, input, settings.temporal_task_queue, settings.mail_task_queue
        )
    )
    typer.echo(json.dumps({"bid_id": input.bid_id}) if as_json else f"started {input.bid_id}")


@bid_app.command("answer")
def answer(
    bid_id: str,
    update: str = typer.Argument(..., help=f"One of: {', '.join(UPDATES)}."),
    payload: str = PAYLOAD,
    as_json: bool = AS_JSON,
) -> None:
    """Send a human answer (or a coordinator override) to a bid."""
    if update not in UPDATES:
        _fail(f"unknown answer {update!r}; one of: {', '.join(UPDATES)}")
    checked_answer = _answer(update, payload)
    summary = _run(lambda client: send_answer(client, bid_id, update, checked_answer))
    if as_json:
        typer.echo(summary.model_dump_json(indent=2))
    else:
        typer.echo(f"{bid_id}: accepted; stage {getattr(summary, 'stage', '?')}")


@bid_app.command("list")
def list_(
    stage: str = typer.Option(None, help="Only bids at this stage, e.g. drafting."),
    as_json: bool = AS_JSON,
) -> None:
    """List bids, newest first (from the search attributes)."""
    rows = _run(lambda client: list_bids(client, stage))
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    typer.echo(f"{'BID':40} {'STAGE':16} {'LEAD':20} DEADLINE")
    for row in rows:
        typer.echo(
            f"{row['bid_id']:40} {row['stage'] or '-':16} {row['lead'] or '-':20} "
            f"{row['deadline'] or '-'}"
        )


@bid_app.command("show")
def show(bid_id: str, as_json: bool = AS_JSON) -> None:
    """One bid's whole state: stage, deadlines, partners, outstanding tasks, timeline."""
    state: BidState = _run(lambda client: show_bid(client, bid_id))
    if as_json:
        typer.echo(state.model_dump_json(indent=2, exclude={"members"}))
        return
    typer.echo(f"{state.bid_id}: {state.notice.title} ({state.notice.funder})")
    typer.echo(f"stage: {state.stage}   lead: {state.lead_id or '-'}")
    for name, moment in state.deadlines.model_dump().items():
        if moment is not None:
            typer.echo(f"  deadline {name:20} {moment:%Y-%m-%d %H:%M}")
    for partner in state.partners.values():
        typer.echo(f"  partner  {partner.organisation_id:20} {partner.status}")
    for task in state.outstanding:
        due = f"{task.due:%Y-%m-%d}" if task.due else "-"
        typer.echo(f"  owes     {task.owed_by:20} {task.kind} {task.key} (due {due})")
    for event in state.timeline:
        typer.echo(f"  {event.at:%Y-%m-%d %H:%M}  {event.actor:20} {event.action}")
