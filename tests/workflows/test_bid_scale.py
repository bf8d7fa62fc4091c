"""History sizes: a 50-partner bid through every stage, and six months of daily reminders
inside the bid, stay far inside Temporal's limits (51,200 events, 2,000 Updates, 2,000
pending children)."""

import asyncio

from temporalio.api.enums.v1 import EventType

from models import bid_answers as a
from models.bid import Timetable
from tests.helpers import wait_until
from tests.workflows.bid_steps import MEMBERS, assign, to_drafting
from tests.workflows.bid_support import bid_worker, days, keep_history, start_bid, subjects

PARTNERS = 50


async def event_types(handle) -> list[int]:
    return [event.event_type async for event in handle.fetch_history_events()]


async def together(calls) -> None:
    """Answers arriving at the same time, as they do from fifty inboxes."""
    await asyncio.gather(*calls)


async def test_a_fifty_partner_bid_keeps_its_history_far_inside_the_limits(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env = time_skipping_env
    names = [f"p{n:02d}" for n in range(PARTNERS)]
    sections = tuple(f"section_{n:02d}" for n in range(20))  # a notice names at most 20
    members = {"lead": {"lead": True, "staff": 30, "track": 5}, **{n: {} for n in names}}
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(
            env,
            sessions,
            task_queue,
            members,
            sections=sections,
            min_partners=PARTNERS,
            la_signoff=True,
        )
        h, lead = bid.handle, bid.org("lead")
        await h.execute_update(
            "express_interest", a.ExpressionOfInterest(actor=lead, answer="lead")
        )
        await together(
            h.execute_update(
                "express_interest",
                a.ExpressionOfInterest(actor=bid.org(n), answer="partner"),
            )
            for n in names
        )
        # 51 members: the notice goes out through a mailing child, out of the bid's history.
        await keep_history(env, f"{h.id}/mail/circulate", "bid_mailing_circulate")
        await bid.reach("decision")
        await h.execute_update(
            "decide_bid", a.BidDecision(actor="coordinator", go=True, reasons="Fits")
        )
        await bid.reach("lead_selection")
        await h.execute_update(
            "choose_lead", a.LeadChoice(actor="coordinator", organisation_id=lead)
        )
        await bid.reach("partner_signup")
        for batch in (names[:25], names[25:]):
            await h.execute_update(
                "invite_partners",
                a.Invitations(actor=lead, organisation_ids=[bid.org(n) for n in batch]),
            )
        await together(
            h.execute_update("answer_invitation", a.InvitationAnswer(actor=bid.org(n), accept=True))
            for n in names
        )
        await bid.reach("drafting")
        now = await env.get_current_time()
        await h.execute_update(
            "assign_sections",
            a.SectionAssignments(
                actor=lead,
                assignments=[
                    a.SectionAssignment(section=s, organisation_id=bid.org(n), due=now + days(20))
                    for s, n in zip(sections, names, strict=False)
                ],
            ),
        )
        await together(
            h.execute_update(
                "submit_contribution",
                a.ContributionInput(actor=bid.org(n), section=s, body="Draft"),
            )
            for s, n in zip(sections, names, strict=False)
        )
        await together(
            h.execute_update(
                "review_contribution", a.ReviewInput(actor=lead, section=s, approve=True)
            )
            for s in sections
        )
        state = await bid.reach("agreement")
        await env.sleep(days(3))
        await together(
            h.execute_update(
                "sign_agreement",
                a.SignatureInput(
                    actor=org,
                    version_hash=state.agreement.version_hash,
                    signer_name="Chair",
                    signer_role="Chair",
                ),
            )
            for org in state.agreement.parties
        )
        await bid.reach("la_signoff")
        await h.execute_update(
            "local_authority_decision",
            a.LocalAuthorityDecision(actor="local-authority", approve=True),
        )
        await bid.reach("submission")
        await h.execute_update(
            "record_submission", a.SubmissionInput(actor=lead, reference="BIG-50")
        )
        await bid.reach("award")
        await h.execute_update(
            "record_outcome",
            a.OutcomeInput(
                actor="coordinator", awarded=True, value=500000, start_date="2027-10-01"
            ),
        )
        assert (await h.result()).stage == "awarded"
        events = await event_types(h)
    updates = events.count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
    children = events.count(EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED)
    print(f"\n50-partner bid: {len(events)} events, {updates} updates, {children} children")
    assert updates >= 3 * PARTNERS + 2 * len(sections)  # every answer went through the bid
    assert len(events) < 51_200 // 4  # far inside the limit, with room for returns and retries
    assert updates < 2_000 // 4
    assert children < 2_000 // 4


async def test_six_months_of_daily_reminders_stay_inside_the_bids_own_small_history(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env = time_skipping_env
    slow = Timetable(remind_before=days(180), remind_every=days(1))
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(
            env, sessions, task_queue, MEMBERS, deadline_days=200, timetable=slow, la_signoff=False
        )
        await to_drafting(bid)
        await assign(bid, env, {"summary": "beta", "delivery": "alpha"}, due_days=180)
        await env.sleep(days(181))  # the time-skipping server runs the six months through
        state = await bid.state()
        events = await event_types(bid.handle)
    writer = bid.email("beta")
    reminders = lambda: [  # noqa: E731
        s for s in subjects(mailbox, writer) if s.startswith("Reminder: Write the 'summary'")
    ]
    await wait_until(lambda: len(reminders()) >= 179)  # daily, after the prompt, until due
    assert len(reminders()) == 179, subjects(mailbox, writer)
    overdue = "section:summary"
    assert state.schedule[overdue].overdue and state.schedule[overdue].reminders_sent == 179
    await wait_until(lambda: any("overdue" in s for s in subjects(mailbox, bid.email("alpha"))))
    print(f"\n179 daily reminders: {len(events)} events in the bid's history")
    assert len(events) < 10_000
