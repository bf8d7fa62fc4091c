"""The audit log says what the bid recorded, no more and no less, even when a workflow task
runs twice: its rows are keyed by what caused them (the Update's id) and written once the
task is committed, in the bid's own order (`seq`)."""

import asyncio

from sqlalchemy import select
from temporalio.api.enums.v1 import EventType
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from models import bid_answers as a
from models.tables import AuditEntry
from tests.helpers import wait_until
from tests.workflows.bid_steps import MEMBERS, to_agreement, to_lead_selection
from tests.workflows.bid_support import bid_worker, start_bid, subjects
from tests.workflows.lost_completion import LoseOneCompletion
from worker import WORKFLOWS, activities_for


async def audit_rows(sessions, bid_id: str) -> list[AuditEntry]:
    async with sessions() as session:
        query = select(AuditEntry).where(AuditEntry.bid_id == bid_id).order_by(AuditEntry.seq)
        return list((await session.scalars(query)).all())


async def test_answers_whose_task_ran_twice_are_audited_once_as_the_bid_recorded_them(
    dev_env, settings, sessions, mailbox, task_queue
):
    env = dev_env
    runner = SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(
            "tests.workflows.lost_completion"
        )
    )
    worker = Worker(
        env.client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        activities=activities_for(settings, sessions),
        interceptors=[LoseOneCompletion()],
        workflow_runner=runner,
    )
    async with worker:
        bid = await start_bid(env, sessions, task_queue, MEMBERS)
        # Two answers at once: the first tasks that take them are each lost once, and the
        # bid takes them again (perhaps in another order).
        await asyncio.gather(
            bid.handle.execute_update(
                "express_interest", a.ExpressionOfInterest(actor=bid.org("alpha"), answer="lead")
            ),
            bid.handle.execute_update(
                "express_interest",
                a.ExpressionOfInterest(actor=bid.org("beta"), answer="partner"),
            ),
        )
        state = await bid.state()
        timeline = [(e.key, e.action, e.organisation_id, e.at) for e in state.timeline]

        async def all_written() -> bool:
            return len(await audit_rows(sessions, bid.handle.id)) >= len(timeline)

        await wait_until(all_written)
        await asyncio.sleep(1)  # nothing more arrives
        rows = await audit_rows(sessions, bid.handle.id)
        events = [e.event_type async for e in bid.handle.fetch_history_events()]
        await bid.handle.terminate("the test is over")
    assert events.count(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED) >= 1  # it did run twice
    assert [(r.key, r.action, r.organisation_id, r.at) for r in rows] == timeline
    assert [r.seq for r in rows] == list(range(1, len(timeline) + 1))
    assert sum(r.action == "expressed_interest" for r in rows) == 2


async def scheduled_activities(handle, after: int) -> list[str]:
    return [
        e.activity_task_scheduled_event_attributes.activity_type.name
        async for e in handle.fetch_history_events()
        if e.event_id > after and e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    ]


async def test_an_answer_that_mails_writes_its_audit_rows_with_its_letters(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    """Choosing the lead records it and e-mails the lead twice (it leads; invite partners):
    one activity writes the rows and sends both letters, so the answer wakes the bid once
    (its letters' completion), not twice (a separate audit write, or a second mailing)."""
    env = time_skipping_env
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(env, sessions, task_queue, MEMBERS)
        await to_lead_selection(bid)  # expressions of interest mail their receipts
        await wait_until(lambda: _has(sessions, bid.handle.id, "bid_decided"), within=30)
        interest = [r for r in await audit_rows(sessions, bid.handle.id)]
        before = len([e async for e in bid.handle.fetch_history_events()])
        await bid.handle.execute_update(
            "choose_lead", a.LeadChoice(actor="coordinator", organisation_id=bid.org("alpha"))
        )
        await wait_until(lambda: _has(sessions, bid.handle.id, "lead_confirmed"), within=30)
        wanted = ("You lead this bid", "Invite your partners")
        await wait_until(
            lambda: all(any(w in s for s in subjects(mailbox, bid.email("alpha"))) for w in wanted)
        )
        after_choice = await scheduled_activities(bid.handle, before)
        rows = await audit_rows(sessions, bid.handle.id)
        state = await bid.state()
    assert sum(r.action == "expressed_interest" for r in interest) == 4
    assert after_choice == ["send_emails"]
    assert [(r.key, r.seq) for r in rows] == [
        (e.key, n) for n, e in enumerate(state.timeline, start=1)
    ][: len(rows)]


async def test_an_answer_that_mails_nobody_has_its_rows_written_by_an_activity_of_their_own(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env = time_skipping_env
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(env, sessions, task_queue, MEMBERS)
        await to_agreement(bid, env)
        before = len([e async for e in bid.handle.fetch_history_events()])
        await bid.handle.execute_update(
            "comment_on_agreement",
            a.AgreementCommentInput(actor=bid.org("beta"), version=1, text="Clause 9: 90 days?"),
        )
        await wait_until(lambda: _has(sessions, bid.handle.id, "agreement_commented"), within=30)
        after_comment = await scheduled_activities(bid.handle, before)
    assert "record_audits" in after_comment and "send_emails" not in after_comment


async def _has(sessions, bid_id: str, action: str) -> bool:
    return action in [r.action for r in await audit_rows(sessions, bid_id)]
