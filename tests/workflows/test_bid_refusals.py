"""Wrong, late, duplicate and unauthorised answers are refused with a reason a person
understands, and record nothing: no timeline entry, no audit row, no e-mail."""

import pytest
from temporalio.client import WorkflowUpdateFailedError

from models import bid_answers as a
from tests.helpers import wait_until
from tests.workflows.bid_steps import MEMBERS, PLAN, assign, to_drafting
from tests.workflows.bid_support import audit_actions, bid_worker, days, start_bid


async def refused(bid, sessions, update, answer, reason: str) -> None:
    """The answer is refused with `reason`, and nothing about the bid changes."""
    before = (await bid.state(), await _audited(bid, sessions))
    with pytest.raises(WorkflowUpdateFailedError) as error:
        await bid.handle.execute_update(update, answer)
    assert reason in str(error.value.cause)
    after = (await bid.state(), await _audited(bid, sessions))
    assert after[0].timeline == before[0].timeline and after[1] == before[1]


async def _audited(bid, sessions) -> list[str]:
    """The audit log once it has caught up with the bid's timeline (its rows are written
    after each workflow task, in the background)."""
    timeline = [e.action for e in (await bid.state()).timeline]

    async def caught_up() -> bool:
        return await audit_actions(sessions, bid.handle.id) == timeline

    await wait_until(caught_up)
    return await audit_actions(sessions, bid.handle.id)


async def test_duplicate_late_and_unauthorised_answers_are_refused_and_record_nothing(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env = time_skipping_env
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(env, sessions, task_queue, {**MEMBERS, "epsilon": {}})
        interest = "express_interest"
        await bid.handle.execute_update(
            interest, a.ExpressionOfInterest(actor=bid.org("beta"), answer="partner")
        )
        await refused(
            bid,
            sessions,
            interest,
            a.ExpressionOfInterest(actor=bid.org("beta"), answer="lead"),
            "You have already answered (partner).",
        )
        await refused(
            bid,
            sessions,
            interest,
            a.ExpressionOfInterest(actor="stranger-org", answer="partner"),
            "Your organisation was not sent this opportunity.",
        )
        await refused(
            bid,
            sessions,
            interest,
            a.ExpressionOfInterest(actor=bid.org("gamma"), answer="lead"),
            "not say you are willing to lead",
        )
        await refused(
            bid,
            sessions,
            "decide_bid",
            a.BidDecision(actor=bid.org("alpha"), go=True),
            "not taking that answer now: it is at notice",
        )
        await env.sleep(days(7.5))
        await refused(
            bid,
            sessions,
            interest,
            a.ExpressionOfInterest(actor=bid.org("epsilon"), answer="partner"),
            "not taking that answer now",
        )  # the cut-off passed: the stage moved on
        await bid.reach("decision")
        await refused(
            bid,
            sessions,
            "decide_bid",
            a.BidDecision(actor=bid.org("alpha"), go=True),
            "Only the coordinator may do this.",
        )
        await refused(
            bid,
            sessions,
            "decide_bid",
            a.BidDecision(actor="coordinator", go=False),
            "Give the reasons for a no-go",
        )
        await bid.handle.terminate("next scenario")


async def test_answers_out_of_turn_in_partner_signup_and_drafting_are_refused(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env = time_skipping_env
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(env, sessions, task_queue, MEMBERS)
        await to_drafting(bid)
        await refused(
            bid,
            sessions,
            "answer_invitation",
            a.InvitationAnswer(actor=bid.org("beta"), accept=False),
            # Late invitations (to make up the numbers) are answered in drafting too.
            "You have already answered (accepted).",
        )
        await assign(bid, env, PLAN)
        await refused(
            bid,
            sessions,
            "submit_contribution",
            a.ContributionInput(actor=bid.org("gamma"), section="summary", body="x"),
            "This section is not assigned to your organisation.",
        )
        await refused(
            bid,
            sessions,
            "review_contribution",
            a.ReviewInput(actor=bid.org("alpha"), section="summary", approve=True),
            "No contribution to 'summary' is waiting for review.",
        )
        await bid.handle.execute_update(
            "submit_contribution",
            a.ContributionInput(actor=bid.org("beta"), section="summary", body="Our summary"),
        )
        await refused(
            bid,
            sessions,
            "submit_contribution",
            a.ContributionInput(actor=bid.org("beta"), section="summary", body="again"),
            "You have already sent this section",
        )
        await refused(
            bid,
            sessions,
            "review_contribution",
            a.ReviewInput(actor=bid.org("beta"), section="summary", approve=True),
            "Only the lead body (or the coordinator) may do this.",
        )
        await refused(
            bid,
            sessions,
            "review_contribution",
            a.ReviewInput(actor=bid.org("alpha"), section="summary", approve=False),
            "Say what needs to change",
        )
        await refused(
            bid,
            sessions,
            "local_authority_decision",
            a.LocalAuthorityDecision(actor="local-authority", approve=True),
            "it is at drafting",
        )
        await refused(
            bid,
            sessions,
            "withdraw",
            a.Withdrawal(actor=bid.org("alpha")),
            "The lead cannot withdraw",
        )
        await refused(
            bid,
            sessions,
            "move_deadline",
            a.DeadlineMove(
                actor=bid.org("alpha"),
                submission_deadline=(await env.get_current_time()) + days(90),
            ),
            "Only the coordinator may do this.",
        )
        now = await env.get_current_time()
        await refused(
            bid,
            sessions,
            "assign_sections",
            a.SectionAssignments(
                actor=bid.org("alpha"),
                assignments=[
                    a.SectionAssignment(
                        section="delivery", organisation_id=bid.org("delta"), due=now + days(5)
                    )
                ],
            ),
            "is not in the consortium",
        )
        await refused(
            bid,
            sessions,
            "assign_sections",
            a.SectionAssignments(
                actor=bid.org("alpha"),
                assignments=[
                    a.SectionAssignment(
                        section="delivery", organisation_id=bid.org("gamma"), due=now + days(500)
                    )
                ],
            ),
            "due date between now and the deadline",
        )
