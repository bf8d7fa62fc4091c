"""Drafting and sign-off when things go wrong: a partner withdraws, a contribution is
returned and resubmitted, a section runs late, the local authority returns the bid."""

from sqlalchemy import select

from models import bid_answers as a
from models.tables import Contribution
from tests.helpers import wait_until
from tests.workflows.bid_steps import (
    MEMBERS,
    PLAN,
    assign,
    sign_all,
    to_agreement,
    to_drafting,
    write_and_approve,
)
from tests.workflows.bid_support import (
    bid_worker,
    days,
    escalated,
    keep_history,
    start_bid,
    subjects,
)


def body_of(mailbox, address: str, subject_part: str) -> list[str]:
    return [
        m.get_body(("plain",)).get_content()
        for m in mailbox.to(address)
        if subject_part in str(m["Subject"])
    ]


async def test_a_partner_who_withdraws_mid_drafting_has_its_sections_reassigned_to_the_lead(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env = time_skipping_env
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(env, sessions, task_queue, MEMBERS)
        await to_drafting(bid)
        await assign(bid, env, PLAN)
        await bid.handle.execute_update(
            "withdraw", a.Withdrawal(actor=bid.org("gamma"), reason="Lost our worker")
        )
        state = await bid.state()
        assert state.partners[bid.org("gamma")].status == "withdrawn"
        assert state.sections["delivery"].assigned_to == bid.org("alpha")
        await wait_until(lambda: body_of(mailbox, bid.email("alpha"), "Write the 'delivery'"))
        assert (
            "who has withdrawn" in body_of(mailbox, bid.email("alpha"), "Write the 'delivery'")[0]
        )
        await write_and_approve(bid, {"summary": "beta", "delivery": "alpha"})
        # One partner left where the notice asks for two: the agreement waits, the lead and
        # the coordinator are told, and the lead invites another member.
        stuck = await escalated(bid, "below_minimum")
        assert stuck.options == ["abandon"]  # the notice does not allow fewer partners
        assert "The consortium has 1 partners; the notice asks for 2" in stuck.reason
        for address in (bid.email("alpha"), bid.coordinator):
            await wait_until(
                lambda a=address: any(
                    "The consortium is below its minimum" in s for s in subjects(mailbox, a)
                )
            )
        assert (await bid.state()).agreement is None
        await bid.handle.execute_update(
            "invite_partners",
            a.Invitations(actor=bid.org("alpha"), organisation_ids=[bid.org("delta")]),
        )
        await bid.handle.execute_update(
            "answer_invitation", a.InvitationAnswer(actor=bid.org("delta"), accept=True)
        )
        state = await bid.reach("agreement")
        await keep_history(env, bid.handle.id, "bid_below_minimum")
    assert state.agreement.parties == [bid.org("alpha"), bid.org("beta"), bid.org("delta")]
    assert "Gamma Trust" not in state.agreement.text
    assert any("Gamma Trust has withdrawn" in s for s in subjects(mailbox, bid.email("alpha")))
    [news] = [
        m for m in mailbox.to(bid.coordinator) if "Gamma Trust has withdrawn" in str(m["Subject"])
    ]
    assert "the notice asks for 2" in news.get_body(("plain",)).get_content()


async def test_a_returned_contribution_goes_back_with_comments_and_its_resubmission_is_approved(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env = time_skipping_env
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(env, sessions, task_queue, MEMBERS)
        await to_drafting(bid)
        await assign(bid, env, PLAN)
        h = bid.handle
        await h.execute_update(
            "submit_contribution",
            a.ContributionInput(actor=bid.org("beta"), section="summary", body="First go"),
        )
        returned = await h.execute_update(
            "review_contribution",
            a.ReviewInput(
                actor=bid.org("alpha"),
                section="summary",
                approve=False,
                comments="Add the outcomes you will measure",
            ),
        )
        assert returned["sections"]["summary"] == "returned"
        await wait_until(
            lambda: len(body_of(mailbox, bid.email("beta"), "Write the 'summary'")) == 2
        )
        assert "Add the outcomes" in body_of(mailbox, bid.email("beta"), "Write the 'summary'")[1]
        await h.execute_update(
            "submit_contribution",
            a.ContributionInput(actor=bid.org("beta"), section="summary", body="With outcomes"),
        )
        await h.execute_update(
            "review_contribution",
            a.ReviewInput(actor=bid.org("alpha"), section="summary", approve=True),
        )
        state = await bid.state()
    assert (state.sections["summary"].status, state.sections["summary"].version) == ("approved", 2)
    async with sessions() as session:
        rows = (
            await session.scalars(
                select(Contribution)
                .where(Contribution.bid_id == h.id)
                .order_by(Contribution.version)
            )
        ).all()
    assert [(r.version, r.body, r.review) for r in rows] == [
        (1, "First go", "returned"),
        (2, "With outcomes", "approved"),
    ]
    assert rows[0].review_comments == "Add the outcomes you will measure"


async def test_an_overdue_section_is_chased_then_escalated_to_the_lead_with_its_choices(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env = time_skipping_env
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(env, sessions, task_queue, MEMBERS)
        await to_drafting(bid)
        await assign(bid, env, {"summary": "beta"}, due_days=4)
        await env.sleep(days(3.5))  # reminders at 2 and 3 days before... then daily
        sent = lambda: [s for s in subjects(mailbox, bid.email("beta")) if s.startswith("Reminder")]  # noqa: E731
        await wait_until(lambda: len(sent()) >= 2)  # e-mails go after the bid moves on
        assert len(sent()) == 2, subjects(mailbox, bid.email("beta"))
        await env.sleep(days(1))
        # The lead can act on a partner's section (more time, or another writer): it hears;
        # the coordinator sees it on the dashboard (the summary's overdue list).
        overdue = "Needs your decision: Beta Trust has not answered in time"
        await wait_until(lambda: any(overdue in s for s in subjects(mailbox, bid.email("alpha"))))
        [letter] = [m for m in mailbox.to(bid.email("alpha")) if overdue in str(m["Subject"])]
        assert "give more time, or give the section to someone else" in letter.get_body(
            ("plain",)
        ).get_content().replace("\r\n", " ")
        assert not any(overdue in s for s in subjects(mailbox, bid.coordinator))
        state = await bid.state()
        await keep_history(env, bid.handle.id, "bid_overdue_escalated")
        summary = await bid.handle.execute_update(
            "extend_task",
            a.TaskExtension(
                actor=bid.org("alpha"),
                task="section:summary",
                until=state.sections["summary"].due + days(5),
            ),
        )
    assert any(
        e.action == "task_overdue" and e.detail["task"] == "section:summary" for e in state.timeline
    )
    [late] = [t for t in state.schedule.values() if t.overdue]
    assert (late.id, late.escalate_to, late.options) == (
        "section:summary",
        "lead",
        ["extend", "reassign"],
    )
    assert state.sections["summary"].status == "assigned"  # still owed: the lead decides
    assert summary["overdue"] == []  # given more time, it is no longer overdue


async def test_the_local_authority_returns_the_bid_to_drafting_and_then_approves(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env = time_skipping_env
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(env, sessions, task_queue, MEMBERS)
        await to_agreement(bid, env)
        await sign_all(bid, env)
        await bid.reach("la_signoff")
        await bid.handle.execute_update(
            "local_authority_decision",
            a.LocalAuthorityDecision(
                actor="local-authority",
                approve=False,
                comments="Name the safeguarding lead",
                sections=["delivery"],
            ),
        )
        state = await bid.reach("drafting")
        assert state.sections["delivery"].status == "returned"
        assert state.sections["summary"].status == "approved"
        await wait_until(
            lambda: len(body_of(mailbox, bid.email("gamma"), "Write the 'delivery'")) == 2
        )
        assert (
            "Name the safeguarding lead"
            in body_of(mailbox, bid.email("gamma"), "Write the 'delivery'")[1]
        )
        await write_and_approve(bid, {"delivery": "gamma"})
        state = await bid.reach("la_signoff")
        assert state.agreement.version == 1  # the parties did not change: the signatures stand
        await bid.handle.execute_update(
            "local_authority_decision",
            a.LocalAuthorityDecision(actor="local-authority", approve=True),
        )
        await bid.reach("submission")
    assert len([s for s in subjects(mailbox, bid.local_authority) if "Sign off the bid" in s]) == 2


async def test_the_local_authority_returns_chosen_sections_each_with_its_own_comment(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env = time_skipping_env
    plan = {"summary": "beta", "delivery": "gamma", "budget": "beta"}
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(env, sessions, task_queue, MEMBERS, sections=tuple(plan))
        await to_drafting(bid)
        await assign(bid, env, plan)
        await write_and_approve(bid, plan)
        await bid.reach("agreement")
        await sign_all(bid, env)
        await bid.reach("la_signoff")
        await bid.handle.execute_update(
            "local_authority_decision",
            a.LocalAuthorityDecision(
                actor="local-authority",
                approve=False,
                returns=[
                    a.SectionReturn(section="budget", comment="Show the management fee"),
                    a.SectionReturn(section="delivery", comment="Name the safeguarding lead"),
                ],
            ),
        )
        state = await bid.reach("drafting")
        await keep_history(env, bid.handle.id, "bid_la_returned")
    assert {k: s.status for k, s in state.sections.items()} == {
        "summary": "approved",
        "delivery": "returned",
        "budget": "returned",
    }
    await wait_until(lambda: len(body_of(mailbox, bid.email("beta"), "Write the 'budget'")) == 2)
    await wait_until(lambda: len(body_of(mailbox, bid.email("gamma"), "Write the 'delivery'")) == 2)
    budget = body_of(mailbox, bid.email("beta"), "Write the 'budget'")[1]
    delivery = body_of(mailbox, bid.email("gamma"), "Write the 'delivery'")[1]
    assert "Show the management fee" in budget and "safeguarding" not in budget
    assert "Name the safeguarding lead" in delivery and "management fee" not in delivery
    assert len(body_of(mailbox, bid.email("beta"), "Write the 'summary'")) == 1  # not returned
