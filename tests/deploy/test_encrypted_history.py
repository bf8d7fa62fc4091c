"""With CODEC_KEYS set, a bid's history read raw from the Temporal server (as anyone with
access to the server or its database reads it) holds no partner's address and no section
text; the web app's codec endpoint opens it for the coordinator or the codec token (the
real `temporal` CLI decodes the history through it), and refuses everyone else."""

import asyncio
import base64
import re
import subprocess
from collections.abc import Iterator

import httpx
import uvicorn
from google.protobuf import json_format
from google.protobuf.message import Message
from pydantic import SecretStr
from temporalio.api.common.v1 import Payload
from temporalio.api.history.v1 import HistoryEvent
from temporalio.testing import WorkflowEnvironment

import codec
import starter
from models import bid_answers as a
from tests.conftest import binary
from tests.helpers import free_port, wait_until
from tests.workflows.bid_steps import MEMBERS, PLAN, assign, to_drafting
from tests.workflows.bid_support import bid_worker, start_bid
from web.app import create_app
from web.auth import SESSION_COOKIE, Viewer, session_value

SECTION_TEXT = "Peer mentors meet young people weekly at the Seaham youth centre"
TOKEN = "codec-token-for-the-tests"
UI = "http://temporal-ui.test:8233"


def payloads_in(message: Message) -> Iterator[Payload]:
    """Every payload anywhere in a history event (inputs, results, Update arguments, ...)."""
    if isinstance(message, Payload):
        yield message
        return
    for field, value in message.ListFields():
        if field.message_type is None:
            continue
        if isinstance(value, Message):
            items = [value]
        elif field.message_type.GetOptions().map_entry:
            items = list(value.values())
        else:
            items = list(value)  # a repeated field
        for item in items:
            if isinstance(item, Message):
                yield from payloads_in(item)


def sdk_notes(event: HistoryEvent) -> list[Payload]:
    """The SDK's own notes on a marker, written by Temporal's core, not through the codec: a
    local activity's (its type, attempt and times; its "result" is sealed) and a patch's (the
    patch's id from the code, e.g. `{"id":"interest-receipt",...}`)."""
    if not event.HasField("marker_recorded_event_attributes"):
        return []
    details = event.marker_recorded_event_attributes.details
    return [p for key in ("data", "patch-data") if key in details for p in details[key].payloads]


async def test_a_raw_history_holds_no_personal_data_and_the_codec_endpoint_opens_it_for_the_coordinator_only(  # noqa: E501
    dev_env, settings, sessions, task_queue
):
    sealed = settings.model_copy(
        update={
            "codec_keys": SecretStr(codec.new_key("k1")),
            "codec_token": SecretStr(TOKEN),
            "temporal_address": dev_env.client.service_client.config.target_host,
            "temporal_task_queue": task_queue,
            "temporal_ui_url": UI,
        }
    )
    env = WorkflowEnvironment.from_client(await starter.connect(sealed))
    async with bid_worker(env, sealed, sessions, task_queue):
        bid = await start_bid(env, sessions, task_queue, MEMBERS)
        await to_drafting(bid)
        await assign(bid, env, PLAN)
        await bid.handle.execute_update(
            "submit_contribution",
            a.ContributionInput(actor=bid.org("beta"), section="summary", body=SECTION_TEXT),
        )
        assert (await bid.state()).sections["summary"].status == "submitted"  # it reads back

    # Read raw: the server's own bytes, every event, search attributes and failures included.
    history = await dev_env.client.get_workflow_handle(bid.handle.id).fetch_history()
    raw = b"".join(event.SerializeToString() for event in history.events)
    addresses = [bid.email(name) for name in MEMBERS] + [bid.coordinator, bid.local_authority]
    assert [x for x in addresses if x.encode() in raw] == []
    assert SECTION_TEXT.encode() not in raw
    # Every payload sealed, but the search attributes' (the server indexes them; they hold
    # the stage, the opportunity, the deadline and the lead's organisation id, no person)
    # and the SDK's own notes on its markers (`sdk_notes`).
    payloads = [
        p
        for e in history.events
        for p in payloads_in(e)
        if "type" not in p.metadata and p not in sdk_notes(e)
    ]
    assert payloads and all(p.metadata["encoding"] == b"binary/encrypted" for p in payloads)

    app = create_app(sealed)
    body = {"payloads": [json_format.MessageToDict(p) for p in payloads]}
    coordinator = session_value(sealed, Viewer(email=sealed.coordinator_email, role="coordinator"))
    lead = session_value(
        sealed, Viewer(email=bid.email("alpha"), role="lead", organisation_id=bid.org("alpha"))
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as web:
        # Refused: no credentials, a wrong token, a lead's session.
        for headers, status in [
            ({}, 401),
            ({"Authorization": "Bearer not-the-token"}, 401),
            ({"Authorization": f"Bearer {lead}"}, 403),
        ]:
            refused = await web.post("/codec/decode", json=body, headers=headers)
            assert refused.status_code == status, refused.text
            assert "payloads" not in refused.json()

        # The CLI's token opens every payload: the address and the text were there, sealed.
        opened = await web.post(
            "/codec/decode", json=body, headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert opened.status_code == 200, opened.text
        plain = b"".join(
            json_format.ParseDict(p, Payload()).data for p in opened.json()["payloads"]
        )
        assert SECTION_TEXT.encode() in plain and bid.email("beta").encode() in plain

        # The UI, from its own origin, with the coordinator's cookie: preflight, then decode.
        preflight = await web.options(
            "/codec/decode",
            headers={"Origin": UI, "Access-Control-Request-Method": "POST"},
        )
        assert preflight.headers["access-control-allow-origin"] == UI
        assert preflight.headers["access-control-allow-credentials"] == "true"
        web.cookies.set(SESSION_COOKIE, coordinator)
        from_ui = await web.post(
            "/codec/decode", json={"payloads": body["payloads"][:3]}, headers={"Origin": UI}
        )
        assert from_ui.status_code == 200 and len(from_ui.json()["payloads"]) == 3
        assert from_ui.headers["access-control-allow-origin"] == UI
        # Another site's page gets no CORS grant, so its script cannot read the answer.
        elsewhere = await web.post(
            "/codec/decode", json=body, headers={"Origin": "https://evil.example"}
        )
        assert "access-control-allow-origin" not in elsewhere.headers

    # The `temporal` CLI, as an operator runs it, decodes the history through the endpoint.
    address = dev_env.client.service_client.config.target_host
    shown = await shown_by_the_cli(app, address, bid.handle.id)
    assert base64.b64encode(b"binary/encrypted").decode() not in shown  # every one opened
    shown_plain = b"".join(base64.b64decode(d) for d in re.findall(r'"data": "([^"]*)"', shown))
    assert SECTION_TEXT.encode() in shown_plain and bid.email("beta").encode() in shown_plain
    await app.state.services.engine.dispose()


async def shown_by_the_cli(app, temporal_address: str, workflow_id: str) -> str:
    """`temporal workflow show --codec-endpoint ...` against the app served over HTTP."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve())
    try:
        await wait_until(lambda: server.started, within=15)
        shown = await asyncio.to_thread(
            subprocess.run,
            [
                *(binary("temporal"), "workflow", "show", "--workflow-id", workflow_id),
                *("--address", temporal_address, "--output", "json"),
                *("--codec-endpoint", f"http://127.0.0.1:{port}/codec"),
                *("--codec-auth", f"Bearer {TOKEN}"),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert shown.returncode == 0, shown.stderr
        return shown.stdout
    finally:
        server.should_exit = True
        await serving
