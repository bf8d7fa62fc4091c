"""Three workers on one task queue, and the one holding a live bid killed (SIGKILL) while
answers are in flight: every bid goes on with the other two, every answer is recorded and
every e-mail is delivered exactly once.

The workers run as production runs them, `python worker.py` in processes of their own, and as
deploy/compose.yaml lays them out: `WORKER_ROLE=workflows` workers, the bids' e-mail on
`MAIL_TASK_QUEUE` with a mail worker of its own; the bids are driven through the public client
side (`starter.start_bid`, `starter.send_answer` with the command line's Update names). The
kill falls while the bids record answers, not while an e-mail is with the relay (every
answer's receipt goes out the moment it is recorded, so on the killed worker it could be):
that window (accepted, not yet marked sent) is the one documented resend, tested in
tests/activities/test_email.py.
"""

import asyncio
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

import starter
from deploy.worker_health import fresh
from models.bid import BidInput
from models.opportunity import OpportunityNotice
from models.tables import AuditEntry, OutboxMessage
from tests.deploy.worker_process import WorkerProcess
from tests.helpers import wait_until
from tests.workflows.bid_support import add_members

BIDS = 3
MEMBERS = {"alpha": {"lead": True, "staff": 12, "track": 4}, "beta": {}, "gamma": {}, "delta": {}}
INTEREST = {"alpha": "lead", "beta": "partner", "gamma": "partner", "delta": "not_this_time"}


async def start_bids(
    client, sessions, task_queue: str, mail_task_queue: str
) -> list[tuple[str, dict[str, str]]]:
    """`BIDS` bids, each with its own four members; (bid id, short name -> organisation id)."""
    bids = []
    for _ in range(BIDS):
        tag = uuid.uuid4().hex[:8]
        orgs = await add_members(sessions, tag, f"theme-{tag}", MEMBERS)
        now = datetime.now(UTC)
        notice = OpportunityNotice(
            id=f"opp-{tag}",
            funder="Big Lottery Fund",
            title=f"Improving Futures {tag}",
            themes=[f"theme-{tag}"],
            submission_deadline=now + timedelta(days=60),
            interest_cutoff=now + timedelta(days=7),
            required_sections=["summary"],
            min_partners=2,
        )
        bid = BidInput(
            bid_id=f"bid-{tag}", notice=notice, coordinator_email=f"coordinator-{tag}@example.org"
        )
        await starter.start_bid(client, bid, task_queue, mail_task_queue)
        bids.append((bid.bid_id, orgs))
    return bids


async def quiet(client, workflow_id: str) -> bool:
    """No activity in flight in the workflow or its children: a kill now cuts off no e-mail."""
    raw = (await client.get_workflow_handle(workflow_id).describe()).raw_description
    if raw.pending_activities:
        return False
    for child in raw.pending_children:
        if not await quiet(client, child.workflow_id):
            return False
    return True


async def circulated_and_quiet(client, bid_ids: list[str]) -> bool:
    for bid_id in bid_ids:
        state = await starter.show_bid(client, bid_id)
        if not any(e.action == "notice_circulated" for e in state.timeline):
            return False
        if not await quiet(client, bid_id):
            return False
    return True


async def answer(client, bid_id: str, update: str, **payload) -> dict:
    return await starter.send_answer(client, bid_id, update, payload)


async def test_three_workers_one_killed_under_live_bids_lose_no_answer_and_send_no_email_twice(
    dev_env, settings, sessions, mailbox, task_queue, tmp_path
):
    client = dev_env.client
    address = client.service_client.config.target_host
    mail_queue = f"{task_queue}-mail"
    workers = [
        WorkerProcess(
            settings,
            address,
            task_queue,
            tmp_path / f"worker-{n}.log",
            WORKER_HEALTH_FILE=str(tmp_path / f"worker-{n}.alive"),
            WORKER_ROLE="workflows",
            MAIL_TASK_QUEUE=mail_queue,
        )
        for n in range(3)
    ]
    mailer = WorkerProcess(
        settings,
        address,
        task_queue,
        tmp_path / "worker-mail.log",
        WORKER_HEALTH_FILE=str(tmp_path / "worker-mail.alive"),
        WORKER_ROLE="mail",
        MAIL_TASK_QUEUE=mail_queue,
    )
    ids: list[str] = []
    try:
        await asyncio.gather(*(w.polling() for w in [*workers, mailer]))
        bids = await start_bids(client, sessions, task_queue, mail_queue)
        ids += [bid_id for bid_id, _ in bids]
        await wait_until(lambda: circulated_and_quiet(client, ids), within=30)
        for bid_id, orgs in bids:
            await answer(client, bid_id, "express-interest", actor=orgs["alpha"], answer="lead")

        # The victim is the worker that holds the first bid now (its last workflow task).
        held_by = await last_task_identity(client, ids[0])
        [victim] = [w for w in workers if held_by.startswith(f"{w.pid}@")]
        # Two answers a bid in flight; the victim dies as soon as one of them is recorded.
        in_flight = [
            asyncio.create_task(
                answer(client, bid_id, "express-interest", actor=orgs[name], answer=INTEREST[name])
            )
            for bid_id, orgs in bids
            for name in ("beta", "gamma")
        ]
        await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
        victim.kill()
        await asyncio.wait_for(asyncio.gather(*in_flight), timeout=40)

        for bid_id, orgs in bids:
            await answer(
                client, bid_id, "express-interest", actor=orgs["delta"], answer="not_this_time"
            )
            await wait_until(lambda b=bid_id: stage_is(client, b, "decision"))
            await answer(client, bid_id, "decide-bid", actor="coordinator", go=True, reasons="Fit")
            await wait_until(lambda b=bid_id: stage_is(client, b, "lead_selection"))
            await answer(
                client, bid_id, "choose-lead", actor="coordinator", organisation_id=orgs["alpha"]
            )
            await wait_until(lambda b=bid_id: stage_is(client, b, "partner_signup"))
            partners = [orgs["beta"], orgs["gamma"]]
            await answer(
                client, bid_id, "invite-partners", actor=orgs["alpha"], organisation_ids=partners
            )
            for org in partners:
                await answer(client, bid_id, "answer-invitation", actor=org, accept=True)
        for bid_id in ids:
            await wait_until(lambda b=bid_id: stage_is(client, b, "drafting"))
        await wait_until(lambda: circulated_and_quiet(client, ids), within=30)
        # The victim's bid went on with another worker.
        assert not (await last_task_identity(client, ids[0])).startswith(f"{victim.pid}@")
        await check_every_answer_recorded(client, sessions, bids)
        await check_every_email_delivered_once(sessions, mailbox, bids)
        survivor = next(w for w in workers if w is not victim)
        assert fresh(tmp_path / f"worker-{workers.index(survivor)}.alive", within=30)
    finally:
        for worker in [*workers, mailer]:
            worker.kill()
        for bid_id in ids:
            await client.get_workflow_handle(bid_id).terminate("the test is over")


async def last_task_identity(client, workflow_id: str) -> str:
    """Which worker (pid@host) completed the workflow's latest workflow task."""
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    completed = [
        e.workflow_task_completed_event_attributes.identity
        for e in history.events
        if e.HasField("workflow_task_completed_event_attributes")
    ]
    return completed[-1]


async def stage_is(client, bid_id: str, wanted: str) -> bool:
    return (await starter.show_bid(client, bid_id)).stage == wanted


async def check_every_answer_recorded(client, sessions, bids) -> None:
    for bid_id, orgs in bids:
        state = await starter.show_bid(client, bid_id)
        assert {i.organisation_id: i.answer for i in state.interests.values()} == {
            orgs[name]: a for name, a in INTEREST.items()
        }
        assert {p: state.partners[p].status for p in (orgs["beta"], orgs["gamma"])} == {
            orgs["beta"]: "accepted",
            orgs["gamma"]: "accepted",
        }
        async with sessions() as session:
            rows = (
                await session.execute(
                    select(AuditEntry.action, AuditEntry.organisation_id).where(
                        AuditEntry.bid_id == bid_id
                    )
                )
            ).all()
        audit = Counter(rows)
        for name in MEMBERS:  # each answer once in the audit log, whichever worker took it
            assert audit[("expressed_interest", orgs[name])] == 1, (name, audit)
        for name in ("beta", "gamma"):
            assert audit[("partner_invited", orgs[name])] == 1, (name, audit)
            assert audit[("invitation_accepted", orgs[name])] == 1, (name, audit)
        assert audit[("lead_confirmed", orgs["alpha"])] == 1, audit


async def check_every_email_delivered_once(sessions, mailbox, bids) -> None:
    ids = [bid_id for bid_id, _ in bids]
    async with sessions() as session:
        outbox = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.bid_id.in_(ids)))
        ).all()
    delivered = Counter(str(m["Message-ID"]) for m in list(mailbox.messages))
    assert outbox and all(row.status == "sent" for row in outbox)
    assert {row.key: delivered[row.message_id] for row in outbox} == {row.key: 1 for row in outbox}
    for bid_id, orgs in bids:  # what each stage sent, among them
        addresses = Counter(row.to_address for row in outbox if row.bid_id == bid_id)
        assert addresses[f"{orgs['beta']}@example.org"] >= 2  # the notice, the invitation
        assert addresses[f"{orgs['alpha']}@example.org"] >= 2  # the notice, "you lead"
