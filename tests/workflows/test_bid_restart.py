"""A worker stopped mid-stage and another started: no answer lost, no e-mail sent twice."""

import asyncio

from sqlalchemy import func, select

from models import bid_answers as a
from models.tables import OutboxMessage
from tests.helpers import wait_until
from tests.workflows.bid_steps import MEMBERS, PLAN, assign, to_drafting
from tests.workflows.bid_support import bid_worker, start_bid, subjects
from worker import build_worker


async def test_a_restarted_worker_loses_no_answer_and_sends_no_email_twice(
    dev_env, settings, sessions, mailbox, task_queue
):
    # The dev server, as in production: the stopped worker's sticky queue times out and the
    # workflow moves to the new worker.
    env = dev_env
    # Built as `python worker.py` builds it: stopping it lets the e-mails in hand finish.
    first = build_worker(env.client, settings, sessions, task_queue)
    async with first:
        bid = await start_bid(env, sessions, task_queue, MEMBERS)
        await to_drafting(bid)
        await assign(bid, env, PLAN)
        await bid.handle.execute_update(
            "submit_contribution",
            a.ContributionInput(actor=bid.org("beta"), section="summary", body="Before the stop"),
        )
    # No worker now: an answer sent meanwhile waits for one.
    pending = asyncio.create_task(
        bid.handle.execute_update(
            "submit_contribution",
            a.ContributionInput(actor=bid.org("gamma"), section="delivery", body="During the stop"),
        )
    )
    await asyncio.sleep(1)
    assert not pending.done()
    async with bid_worker(env, settings, sessions, task_queue):
        summary = await asyncio.wait_for(pending, timeout=30)
        assert summary["sections"] == {"summary": "submitted", "delivery": "submitted"}
        # Review requests go out after the Update returns: the first may have been cut off by
        # the stop and is retried by the new worker.
        for section in ("summary", "delivery"):
            await wait_until(
                lambda section=section: any(
                    f"Review the '{section}'" in s for s in subjects(mailbox, bid.email("alpha"))
                )
            )
        state = await bid.state()
    assert state.sections["summary"].body == "Before the stop"
    assert state.sections["delivery"].body == "During the stop"
    for address, subject in (
        (bid.email("beta"), "Write the 'summary' section"),
        (bid.email("gamma"), "Write the 'delivery' section"),
        (bid.email("alpha"), "Review the 'summary' section"),
        (bid.email("alpha"), "Review the 'delivery' section"),
        (bid.email("alpha"), "You lead this bid"),
        (bid.coordinator, "Bid or no bid?"),
    ):
        assert sum(subject in s for s in subjects(mailbox, address)) == 1, (
            address,
            subject,
            subjects(mailbox, address),
        )
    async with sessions() as session:
        sent = await session.scalar(
            select(func.count()).where(OutboxMessage.bid_id == bid.handle.id)
        )
    assert sent == sum(len(mailbox.to(bid.email(n))) for n in MEMBERS) + len(
        mailbox.to(bid.coordinator)
    ) + len(mailbox.to(bid.local_authority))
