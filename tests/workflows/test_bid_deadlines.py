"""The funder moves the deadline (every timer follows, earlier or later); a deadline that
passes with no submission lapses the bid; the award, won or lost, is told to everyone."""

from models import bid_answers as a
from tests.helpers import wait_until
from tests.workflows.bid_steps import MEMBERS, assign, to_drafting, to_submission
from tests.workflows.bid_support import bid_worker, days, keep_history, start_bid, subjects


async def _move(bid, env, by_days: float):
    state = await bid.state()
    new = state.deadlines.submission + days(by_days)
    await bid.handle.execute_update(
        "move_deadline", a.DeadlineMove(actor="coordinator", submission_deadline=new)
    )
    return state, await bid.state()


async def test_a_later_deadline_moves_every_timer_and_the_bid_lapses_only_at_the_new_one(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env = time_skipping_env
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(env, sessions, task_queue, MEMBERS)  # deadline in 60 days
        await to_drafting(bid)
        await assign(bid, env, {"summary": "beta"}, due_days=10)
        before, after = await _move(bid, env, 20)
        assert after.deadlines.submission - before.deadlines.submission == days(20)
        assert after.sections["summary"].due - before.sections["summary"].due == days(20)
        await env.sleep(days(12))  # past the old due date: no reminder, no escalation yet
        assert not any(s.startswith("Reminder") for s in subjects(mailbox, bid.email("beta")))
        await env.sleep(days(17))  # now two days before the new due date
        await wait_until(
            lambda: any(s.startswith("Reminder") for s in subjects(mailbox, bid.email("beta")))
        )
        await env.sleep(days(32))  # past the old deadline
        assert (await bid.state()).stage == "drafting"
        await env.sleep(days(20))  # past the new one
        outcome = await bid.handle.result()
        await keep_history(env, bid.handle.id, "bid_deadline_moved_then_lapsed")
    assert outcome.stage == "lapsed"
    assert "No submission was recorded by the funder's deadline" in outcome.reason
    for address in (bid.email("alpha"), bid.email("beta"), bid.coordinator):
        assert any("The deadline moved" in s for s in subjects(mailbox, address))
        [lapsed] = [m for m in mailbox.to(address) if "The bid lapsed" in str(m["Subject"])]
        assert "funder's deadline" in lapsed.get_body(("plain",)).get_content()


async def test_an_earlier_deadline_brings_reminders_and_the_lapse_forward(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env = time_skipping_env
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(env, sessions, task_queue, MEMBERS)
        await to_drafting(bid)
        await assign(bid, env, {"summary": "beta"}, due_days=20)
        before, after = await _move(bid, env, -10)
        assert after.sections["summary"].due - before.sections["summary"].due == days(-10)
        await env.sleep(days(8.5))  # two days before the new due date (day 10)
        await wait_until(
            lambda: any(s.startswith("Reminder") for s in subjects(mailbox, bid.email("beta")))
        )
        await env.sleep(days(42))  # past the new deadline (day 50), before the old (day 60)
        outcome = await bid.handle.result()
    assert outcome.stage == "lapsed"
    assert any("The bid lapsed" in s for s in subjects(mailbox, bid.email("gamma")))


async def test_a_submitted_bid_that_is_not_awarded_tells_everyone_the_feedback(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env = time_skipping_env
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(env, sessions, task_queue, MEMBERS)
        await to_submission(bid, env)
        await bid.handle.execute_update(
            "record_submission", a.SubmissionInput(actor="coordinator", reference="R-1")
        )
        await bid.reach("award")
        await env.sleep(days(120))  # well past the deadline: a submitted bid does not lapse
        await bid.handle.execute_update(
            "record_outcome",
            a.OutcomeInput(actor="coordinator", awarded=False, feedback="Scored 62; 70 needed"),
        )
        outcome = await bid.handle.result()
    assert outcome.stage == "not_awarded"
    for name in ("alpha", "beta", "gamma"):
        [news] = [
            m for m in mailbox.to(bid.email(name)) if "funder's decision" in str(m["Subject"])
        ]
        assert "Scored 62; 70 needed" in news.get_body(("plain",)).get_content()
