"""The funder moves the deadline (every timer follows, earlier or later); a deadline that
passes with no submission lapses the bid; the award, won or lost, is told to everyone."""

from models import bid_answers as a
from tests.helpers import wait_until
from tests.workflows.bid_steps import (
    MEMBERS,
    PLAN,
    assign,
    sign_all,
    to_drafting,
    to_lead_selection,
    to_submission,
    write_and_approve,
)
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


async def test_the_award_goes_to_the_consortium_and_others_who_were_interested_get_a_courtesy(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env = time_skipping_env
    members = {**MEMBERS, "epsilon": {"lead": True}, "zeta": {}}
    interest = {
        "alpha": "lead",
        "epsilon": "lead",  # not chosen to lead
        "beta": "partner",
        "gamma": "partner",
        "delta": "partner",  # invited, declines
        "zeta": "not_this_time",
    }
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(env, sessions, task_queue, members)
        await to_lead_selection(bid, interest)
        await bid.handle.execute_update(
            "choose_lead", a.LeadChoice(actor="coordinator", organisation_id=bid.org("alpha"))
        )
        await bid.reach("partner_signup")
        await bid.handle.execute_update(
            "invite_partners",
            a.Invitations(
                actor=bid.org("alpha"),
                organisation_ids=[bid.org(n) for n in (*PLAN.values(), "delta")],
            ),
        )
        await bid.handle.execute_update(
            "answer_invitation", a.InvitationAnswer(actor=bid.org("delta"), accept=False)
        )
        for name in PLAN.values():
            await bid.handle.execute_update(
                "answer_invitation", a.InvitationAnswer(actor=bid.org(name), accept=True)
            )
        await bid.reach("drafting")
        await assign(bid, env, PLAN)
        await write_and_approve(bid, PLAN)
        await bid.reach("agreement")
        await sign_all(bid, env)
        await bid.reach("la_signoff")
        await bid.handle.execute_update(
            "local_authority_decision",
            a.LocalAuthorityDecision(actor="local-authority", approve=True),
        )
        await bid.reach("submission")
        await bid.handle.execute_update(
            "record_submission", a.SubmissionInput(actor=bid.org("alpha"), reference="R-9")
        )
        await bid.reach("award")
        await bid.handle.execute_update(
            "record_outcome",
            a.OutcomeInput(
                actor="coordinator", awarded=True, value=118000, start_date="2027-09-01"
            ),
        )
        await bid.handle.result()

    def decision(name: str) -> list[str]:
        address = bid.coordinator if name == "coordinator" else bid.email(name)
        return [
            m.get_body(("plain",)).get_content()
            for m in mailbox.to(address)
            if "The funder's decision" in str(m["Subject"])
        ]

    for name in ("coordinator", "alpha", "beta", "gamma"):  # the consortium: the award itself
        await wait_until(lambda n=name: decision(n))
        [news] = decision(name)
        assert "Awarded: GBP 118000" in news
    for name in ("delta", "epsilon"):  # interested, not in the consortium: a courtesy letter
        await wait_until(lambda n=name: decision(n))
        [courtesy] = decision(name)
        assert "was successful" in courtesy and "118000" not in courtesy
    assert decision("zeta") == []  # said "not this time": hears nothing
