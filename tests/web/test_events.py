"""An engagement event from its invitations (matched in the directory, and one added by hand)
to the answers from the e-mail links, attendance recorded on the day, feedback and outputs;
then the framework's figures show its attendance."""

import uuid
from contextlib import suppress
from datetime import timedelta

from sqlalchemy import select
from temporalio.service import RPCError

from models.event import EventInput, EventState, EventSummary, Invitee
from models.tables import EventAttendance
from tests.helpers import wait_until
from tests.web.support import CSRF, token_of_kind
from tests.workflows.bid_support import add_members, subjects
from tests.workflows.contract_support import keep_run


async def test_an_event_goes_from_invitation_to_attendance_outputs_and_the_figures(
    web, sessions, mailbox
):
    env, tag = web.env, uuid.uuid4().hex[:8]
    theme = f"theme-{tag}"
    orgs = await add_members(sessions, tag, theme, {"amber": {}, "birch": {}, "cedar": {}})
    now = await env.get_current_time()
    event = EventInput(
        event_id=f"event-{tag}",
        title=f"Commissioners' workshop {tag}",
        kind="workshop",
        starts_at=now + timedelta(days=10),
        ends_at=now + timedelta(days=10, hours=3),
        place="Darlington Town Hall",
        coordinator_email=web.settings.coordinator_email,
        themes=[theme],
        invitees=[
            Invitee(
                organisation_id=f"walkin-{tag}",
                name="Walk-in CIC",
                email=f"walkin-{tag}@example.org",
            )
        ],
    )
    handle = await env.client.start_workflow(
        "EventWorkflow", event, id=event.event_id, task_queue=web.task_queue
    )
    secret = web.settings.secret_key.get_secret_value()
    client = web.as_partner()

    # Invitations: the directory's matches and the one added by hand, each from its e-mail.
    for address in [f"{o}@example.org" for o in orgs.values()] + [f"walkin-{tag}@example.org"]:
        await wait_until(
            lambda a=address: any("You are invited" in s for s in subjects(mailbox, a))
        )
    amber = await token_of_kind(mailbox, f"{orgs['amber']}@example.org", "event_rsvp", secret)
    page = await client.get(f"/task/{amber}")
    assert "Will you come?" in page.text and "Darlington Town Hall" in page.text
    answer = {"csrf_token": CSRF, "nonce": "r1", "attending": "yes"}
    assert (await client.post(f"/task/{amber}", data=answer)).status_code == 303
    birch = await token_of_kind(mailbox, f"{orgs['birch']}@example.org", "event_rsvp", secret)
    await client.post(f"/task/{birch}", data={"csrf_token": CSRF, "nonce": "r2", "attending": "no"})

    # The day comes and goes: the coordinator records who came (amber, and the walk-in).
    await env.sleep(timedelta(days=10, hours=4))
    coordinator = web.settings.coordinator_email
    day = await token_of_kind(mailbox, coordinator, "event_attendance", secret)
    came = {
        "csrf_token": CSRF,
        "nonce": "a1",
        f"attended:{orgs['amber']}": "yes",
        f"attended:walkin-{tag}": "yes",
    }
    assert (await client.post(f"/task/{day}", data=came)).status_code == 303
    feedback = await token_of_kind(
        mailbox, f"{orgs['amber']}@example.org", "event_feedback", secret
    )
    rated = {"csrf_token": CSRF, "nonce": "f1", "rating": "5", "text": "We met two commissioners."}
    assert (await client.post(f"/task/{feedback}", data=rated)).status_code == 303
    outputs = {
        "csrf_token": CSRF,
        "nonce": "o1",
        "notes": "Peer support came up again and again.",
        "themes": "peer support, transport",
        "proposals": "A consortium bid for the Healthy Minds fund",
        "linked": f"opp-{tag}",
    }
    response = await client.post(f"/task/{day}", data=outputs)
    assert response.status_code == 303, response.text
    state = await handle.query("state", result_type=EventState)
    assert state.outputs is not None and state.outputs.linked == [f"opp-{tag}"]
    assert state.outputs.themes == ["peer support", "transport"]

    await env.sleep(timedelta(days=8))
    summary = EventSummary.model_validate(await handle.result())
    await keep_run(env, handle.id, None, "event_lifecycle")
    assert (summary.status, summary.accepted, summary.attended) == ("closed", 1, 2)
    async with sessions() as session:
        rows = {
            r.organisation_id: r
            for r in (
                await session.scalars(
                    select(EventAttendance).where(EventAttendance.event_id == event.event_id)
                )
            ).all()
        }
    assert rows[orgs["amber"]].attended and rows[orgs["amber"]].rating == 5
    assert rows[orgs["birch"]].rsvp == "no" and rows[orgs["birch"]].attended is False
    assert rows[orgs["cedar"]].rsvp is None  # never answered

    page = await web.as_coordinator().get(f"/events/{event.event_id}")
    assert (
        f'href="/opportunities/opp-{tag}"' in page.text and "We met two commissioners." in page.text
    )
    figures = await web.as_coordinator().get("/framework")
    assert "engagement events held" in figures.text
    row = figures.text.split(f"Commissioners&#39; workshop {tag}")[1].split("</tr>")[0]
    assert [cell.split("<")[0] for cell in row.split("<td>")[2:]] == ["4", "1", "2"]


async def test_the_coordinator_creates_an_event_on_the_web_and_the_directory_is_invited(
    web, sessions, mailbox
):
    tag = uuid.uuid4().hex[:8]
    orgs = await add_members(sessions, tag, f"theme-{tag}", {"aspen": {}})
    now = await web.env.get_current_time()
    form = {
        "csrf_token": CSRF,
        "title": f"Listening event {tag}",
        "kind": "listening_event",
        "starts_at": (now + timedelta(days=5)).isoformat(),
        "ends_at": (now + timedelta(days=5, hours=2)).isoformat(),
        "place": "https://meet.example.org/listening",
        "themes": f"theme-{tag}",
        "invitees": f"byhand-{tag}, By Hand Trust, byhand-{tag}@example.org",
    }
    client = web.as_coordinator()
    past = {**form, "starts_at": (now - timedelta(days=1)).isoformat()}
    assert (await client.post("/events", data=past)).status_code == 422
    created = await client.post("/events", data=form)
    assert created.status_code == 303
    event_id = created.headers["location"].rsplit("/", 1)[1]
    try:
        for address in (f"{orgs['aspen']}@example.org", f"byhand-{tag}@example.org"):
            await wait_until(lambda a=address: any(tag in s for s in subjects(mailbox, a)))
        assert f"Listening event {tag}" in (await client.get("/events")).text
        assert (await web.as_lead(orgs["aspen"]).get("/events")).status_code == 403
    finally:
        with suppress(RPCError):
            await web.env.client.get_workflow_handle(event_id).terminate("the test is over")
