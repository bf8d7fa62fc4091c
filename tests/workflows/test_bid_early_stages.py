"""Notice, bid / no-bid, lead and partners when things go wrong: escalations, extensions,
abandonment and no-go, each told to the people concerned."""

from models import bid_answers as a
from tests.helpers import wait_until
from tests.workflows.bid_steps import MEMBERS, to_lead_selection, to_partner_signup
from tests.workflows.bid_support import (
    audit_actions,
    bid_worker,
    days,
    escalated,
    keep_history,
    start_bid,
    subjects,
)


async def test_no_expression_of_interest_escalates_and_the_coordinator_abandons(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env = time_skipping_env
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(env, sessions, task_queue, {"alpha": {}, "beta": {}})
        await env.sleep(days(6))  # the reminder goes two days before the cut-off
        await wait_until(lambda: len(subjects(mailbox, bid.email("beta"))) == 2)
        assert subjects(mailbox, bid.email("beta"))[1].startswith("Reminder: Will you lead")
        await env.sleep(days(1.5))
        escalation = await escalated(bid, "notice")
        assert escalation.options == ["extend", "abandon"]
        assert "No member expressed interest" in escalation.reason
        await wait_until(lambda: subjects(mailbox, bid.coordinator))
        assert "Needs your decision: The notice is stuck" in subjects(mailbox, bid.coordinator)[0]
        await bid.handle.execute_update(
            "resolve_escalation",
            a.EscalationDecision(actor="coordinator", action="abandon", reason="No takers"),
        )
        outcome = await bid.handle.result()
    assert (outcome.stage, outcome.reason) == ("abandoned", "No takers")
    assert "The bid is abandoned" in subjects(mailbox, bid.coordinator)[-1]
    assert (await audit_actions(sessions, bid.handle.id))[-3:] == [
        "escalated",
        "escalation_abandon",
        "bid_closed",
    ]


async def test_no_go_closes_the_bid_and_tells_the_interested_members_why(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env = time_skipping_env
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(env, sessions, task_queue, MEMBERS)
        for name, answer in {"alpha": "lead", "beta": "partner", "gamma": "not_this_time"}.items():
            await bid.handle.execute_update(
                "express_interest",
                a.ExpressionOfInterest(actor=bid.org(name), answer=answer),
            )
        await env.sleep(days(7))
        await bid.reach("decision")
        await bid.handle.execute_update(
            "decide_bid",
            a.BidDecision(
                actor="coordinator",
                go=False,
                eligibility=1,
                reasons="The funder wants a county-wide service",
            ),
        )
        outcome = await bid.handle.result()
        await keep_history(env, bid.handle.id, "bid_no_go")
    assert outcome.stage == "no_go"
    for name in ("alpha", "beta"):
        [closing] = [m for m in mailbox.to(bid.email(name)) if "We will not bid" in m["Subject"]]
        assert "county-wide service" in closing.get_body(("plain",)).get_content()
    assert not any("We will not bid" in s for s in subjects(mailbox, bid.email("gamma")))


async def test_no_lead_escalates_at_once_and_the_coordinator_picks_one(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env = time_skipping_env
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(env, sessions, task_queue, MEMBERS)
        await to_lead_selection(bid, {n: "partner" for n in MEMBERS})
        escalation = await escalated(bid, "lead_selection")
        assert escalation.reason == "No member offered to lead this bid."
        now = await env.get_current_time()
        await bid.handle.execute_update(
            "resolve_escalation",
            a.EscalationDecision(actor="coordinator", action="extend", until=now + days(3)),
        )
        await env.sleep(days(3.5))
        assert (await escalated(bid, "lead_selection")).raised_at > escalation.raised_at
        await bid.handle.execute_update(
            "choose_lead",
            a.LeadChoice(actor="coordinator", organisation_id=bid.org("gamma")),
        )
        state = await bid.reach("partner_signup")
    assert state.lead_id == bid.org("gamma") and state.escalation is None
    assert any("You lead this bid" in s for s in subjects(mailbox, bid.email("gamma")))


async def _too_few(env, bid, mailbox):
    await to_partner_signup(bid)
    await bid.handle.execute_update(
        "invite_partners",
        a.Invitations(actor=bid.org("alpha"), organisation_ids=[bid.org("beta"), bid.org("gamma")]),
    )
    await bid.handle.execute_update(
        "answer_invitation", a.InvitationAnswer(actor=bid.org("beta"), accept=True)
    )
    await bid.handle.execute_update(
        "answer_invitation", a.InvitationAnswer(actor=bid.org("gamma"), accept=False)
    )
    await env.sleep(days(10.5))
    escalation = await escalated(bid, "partner_signup")
    assert escalation.reason.startswith("Only 1 of 2 partners accepted")
    assert escalation.options == ["extend", "abandon"]  # the notice allows no fewer
    await wait_until(
        lambda: any("Partner sign-up is stuck" in s for s in subjects(mailbox, bid.email("alpha")))
    )


async def test_too_few_partners_the_coordinator_extends_and_the_lead_finds_another(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env = time_skipping_env
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(env, sessions, task_queue, MEMBERS)
        await _too_few(env, bid, mailbox)
        now = await env.get_current_time()
        await bid.handle.execute_update(
            "resolve_escalation",
            a.EscalationDecision(actor="coordinator", action="extend", until=now + days(5)),
        )
        await bid.handle.execute_update(
            "invite_partners",
            a.Invitations(actor=bid.org("alpha"), organisation_ids=[bid.org("delta")]),
        )
        await bid.handle.execute_update(
            "answer_invitation", a.InvitationAnswer(actor=bid.org("delta"), accept=True)
        )
        state = await bid.reach("drafting")
        await bid.handle.execute_update(
            "cancel", a.Cancellation(actor=bid.org("alpha"), reason="Test over")
        )
        await bid.handle.result()
    assert {k: p.status for k, p in state.partners.items()} == {
        bid.org("alpha"): "lead",
        bid.org("beta"): "accepted",
        bid.org("gamma"): "declined",
        bid.org("delta"): "accepted",
    }


async def test_too_few_partners_the_coordinator_abandons_and_everyone_is_told(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env = time_skipping_env
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(env, sessions, task_queue, MEMBERS)
        await _too_few(env, bid, mailbox)
        await bid.handle.execute_update(
            "resolve_escalation",
            a.EscalationDecision(
                actor="coordinator", action="abandon", reason="Not enough partners to deliver"
            ),
        )
        outcome = await bid.handle.result()
    assert outcome.stage == "abandoned"
    for name in ("alpha", "beta"):
        [closing] = [m for m in mailbox.to(bid.email(name)) if "abandoned" in m["Subject"]]
        assert "Not enough partners" in closing.get_body(("plain",)).get_content()


async def test_too_few_partners_may_proceed_where_the_notice_allows_it(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env = time_skipping_env
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(env, sessions, task_queue, MEMBERS, allow_fewer=True)
        await to_partner_signup(bid)
        await bid.handle.execute_update(
            "invite_partners",
            a.Invitations(actor=bid.org("alpha"), organisation_ids=[bid.org("beta")]),
        )
        await bid.handle.execute_update(
            "answer_invitation", a.InvitationAnswer(actor=bid.org("beta"), accept=True)
        )
        await env.sleep(days(10.5))
        escalation = await escalated(bid, "partner_signup")
        assert escalation.options == ["extend", "proceed", "abandon"]
        await bid.handle.execute_update(
            "resolve_escalation",
            a.EscalationDecision(actor="coordinator", action="proceed", reason="One is enough"),
        )
        state = await bid.reach("drafting")
    assert [p.organisation_id for p in state.active_partners()] == [
        bid.org("alpha"),
        bid.org("beta"),
    ]


async def test_the_lead_cancels_and_everyone_is_told_why(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env = time_skipping_env
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(env, sessions, task_queue, MEMBERS)
        await to_partner_signup(bid)
        await bid.handle.execute_update(
            "invite_partners",
            a.Invitations(actor=bid.org("alpha"), organisation_ids=[bid.org("beta")]),
        )
        await bid.handle.execute_update(
            "cancel", a.Cancellation(actor=bid.org("alpha"), reason="Our board said no")
        )
        outcome = await bid.handle.result()
    assert (outcome.stage, outcome.reason) == ("cancelled", "Our board said no")
    for address in (bid.email("beta"), bid.email("gamma"), bid.coordinator):
        [news] = [m for m in mailbox.to(address) if "The bid is cancelled" in str(m["Subject"])]
        assert "Our board said no" in news.get_body(("plain",)).get_content()


async def test_a_silent_invitee_is_reminded_then_escalated_to_the_lead_who_gives_more_time(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env = time_skipping_env
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(env, sessions, task_queue, MEMBERS)
        await to_partner_signup(bid)
        await bid.handle.execute_update(
            "invite_partners",
            a.Invitations(
                actor=bid.org("alpha"), organisation_ids=[bid.org("beta"), bid.org("gamma")]
            ),
        )
        await bid.handle.execute_update(
            "answer_invitation", a.InvitationAnswer(actor=bid.org("beta"), accept=True)
        )
        await env.sleep(days(10.5))  # gamma says nothing: reminded, then past the cut-off
        overdue = "Gamma Trust has not answered in time"
        await wait_until(lambda: any(overdue in s for s in subjects(mailbox, bid.email("alpha"))))
        assert any(s.startswith("Reminder: Join") for s in subjects(mailbox, bid.email("gamma")))
        [letter] = [m for m in mailbox.to(bid.email("alpha")) if overdue in str(m["Subject"])]
        text = " ".join(letter.get_body(("plain",)).get_content().split())
        assert "you may give more time, or drop the partner" in text
        state = await bid.state()
        task = state.schedule[f"invitation:{bid.org('gamma')}"]
        assert task.overdue and task.options == ["extend", "drop"]
        now = await env.get_current_time()
        await bid.handle.execute_update(
            "extend_task",
            a.TaskExtension(actor=bid.org("alpha"), task=task.id, until=now + days(3)),
        )
        await wait_until(
            lambda: any("More time: Join" in s for s in subjects(mailbox, bid.email("gamma")))
        )
        await bid.handle.execute_update(
            "answer_invitation", a.InvitationAnswer(actor=bid.org("gamma"), accept=True)
        )
        state = await bid.reach("drafting")
    assert state.partners[bid.org("gamma")].status == "accepted"
    actions = await audit_actions(sessions, bid.handle.id)
    assert actions.index("task_overdue") < actions.index("task_extended")
