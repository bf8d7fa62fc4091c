"""A bid from notice to award, end to end: every party's e-mails and the audit log."""

from sqlalchemy import select

from activities.directory import DirectoryActivities
from activities.task_links import verify_task_link
from models import bid_answers as a
from models.tables import Bid as BidRow
from models.tables import BidPartner, Contribution, Signature
from tests.helpers import wait_until
from tests.workflows.bid_support import (
    audit_actions,
    bid_worker,
    days,
    keep_history,
    start_bid,
    subjects,
)
from workflows.policies import BACKGROUND

MEMBERS = {
    "alpha": {"lead": True, "staff": 12, "track": 4},
    "beta": {},
    "gamma": {},
    "delta": {},
}


async def test_a_bid_goes_from_notice_to_award_and_everyone_hears(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env = time_skipping_env
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(env, sessions, task_queue, MEMBERS)
        h = bid.handle
        for name in MEMBERS:
            await wait_until(lambda n=name: subjects(mailbox, bid.email(n)))
            assert (
                "Will you lead, partner, or not this time?" in subjects(mailbox, bid.email(name))[0]
            )
        answers = {"alpha": "lead", "beta": "partner", "gamma": "partner", "delta": "not_this_time"}
        for name, answer in answers.items():
            await h.execute_update(
                "express_interest",
                a.ExpressionOfInterest(actor=bid.org(name), answer=answer),
            )
        await bid.reach("decision")
        await h.execute_update(
            "decide_bid",
            a.BidDecision(
                actor="coordinator",
                go=True,
                fit=4,
                capacity=4,
                value_for_effort=3,
                eligibility=5,
                reasons="Strong fit in Easington",
            ),
        )
        state = await bid.reach("lead_selection")
        assert [c.organisation_id for c in state.candidates] == [bid.org("alpha")]
        await h.execute_update(
            "choose_lead",
            a.LeadChoice(actor="coordinator", organisation_id=bid.org("alpha")),
        )
        await bid.reach("partner_signup")
        await h.execute_update(
            "invite_partners",
            a.Invitations(
                actor=bid.org("alpha"), organisation_ids=[bid.org("beta"), bid.org("gamma")]
            ),
        )
        # A small bid's e-mails go out by the bid's own activities (a few letters each), at
        # background priority (behind the bids' own tasks in a backed-up queue): no child
        # workflow per invitee, nor per mailing.
        events = (await h.fetch_history()).events
        started = [
            e
            for e in events
            if e.HasField("start_child_workflow_execution_initiated_event_attributes")
        ]
        assert started == []
        mail = [
            e.activity_task_scheduled_event_attributes
            for e in events
            if e.HasField("activity_task_scheduled_event_attributes")
            and e.activity_task_scheduled_event_attributes.activity_type.name == "send_emails"
        ]
        assert mail and {m.priority.priority_key for m in mail} == {BACKGROUND.priority_key} == {4}
        state = await bid.state()
        assert set(state.schedule) == {
            f"invitation:{bid.org('beta')}",
            f"invitation:{bid.org('gamma')}",
        }
        for name in ("beta", "gamma"):
            await h.execute_update(
                "answer_invitation", a.InvitationAnswer(actor=bid.org(name), accept=True)
            )
        await bid.reach("drafting")
        now = await env.get_current_time()
        await h.execute_update(
            "assign_sections",
            a.SectionAssignments(
                actor=bid.org("alpha"),
                assignments=[
                    a.SectionAssignment(
                        section="summary", organisation_id=bid.org("beta"), due=now + days(10)
                    ),
                    a.SectionAssignment(
                        section="delivery", organisation_id=bid.org("gamma"), due=now + days(10)
                    ),
                ],
            ),
        )
        for name, section in (("beta", "summary"), ("gamma", "delivery")):
            await h.execute_update(
                "submit_contribution",
                a.ContributionInput(actor=bid.org(name), section=section, body=f"{section} text"),
            )
            await h.execute_update(
                "review_contribution",
                a.ReviewInput(actor=bid.org("alpha"), section=section, approve=True),
            )
        state = await bid.reach("agreement")
        assert state.agreement is not None and "Consortium agreement" in state.agreement.text
        await env.sleep(days(3))  # the comment period
        for name in ("alpha", "beta", "gamma"):
            await h.execute_update(
                "sign_agreement",
                a.SignatureInput(
                    actor=bid.org(name),
                    version_hash=state.agreement.version_hash,
                    signer_name=f"{name} chair",
                    signer_role="Chair",
                ),
            )
        await bid.reach("la_signoff")
        await h.execute_update(
            "local_authority_decision",
            a.LocalAuthorityDecision(actor="local-authority", approve=True),
        )
        await bid.reach("submission")
        await h.execute_update(
            "record_submission",
            a.SubmissionInput(actor=bid.org("alpha"), reference="BLF-123"),
        )
        await bid.reach("award")
        figures_before = await DirectoryActivities(sessions).figures()
        await env.sleep(days(90))
        await h.execute_update(
            "record_outcome",
            a.OutcomeInput(
                actor="coordinator", awarded=True, value=118000, start_date="2027-09-01"
            ),
        )
        outcome = await h.result()
        figures_after = await DirectoryActivities(sessions).figures()
        await keep_history(env, h.id, "bid_happy_path")
    assert outcome.stage == "awarded"
    # "Value won" is what the funder awarded (118,000), not the advertised 120,000.
    assert bid.notice.value == 120000
    assert figures_after.bids_won - figures_before.bids_won == 1
    assert figures_after.value_won - figures_before.value_won == 118000

    # What each party saw in their inbox.
    lead = subjects(mailbox, bid.email("alpha"))
    for expected in (
        "You lead this bid",
        "Invite your partners",
        "Assign the bid's sections",
        "Review the 'summary' section",
        "Read the consortium agreement",
        "Sign the consortium agreement",
        "Submit the bid",
        "The funder's decision",
    ):
        assert any(expected in s for s in lead), (expected, lead)
    beta = subjects(mailbox, bid.email("beta"))
    for expected in (
        "Join the consortium",
        "Write the 'summary' section",
        "Read the consortium agreement",
        "The funder's decision",
    ):
        assert any(expected in s for s in beta), (expected, beta)
    assert any("Bid or no bid?" in s for s in subjects(mailbox, bid.coordinator))
    assert any("Confirm the lead body" in s for s in subjects(mailbox, bid.coordinator))
    assert any("Record the funder's decision" in s for s in subjects(mailbox, bid.coordinator))
    assert any("Sign off the bid" in s for s in subjects(mailbox, bid.local_authority))
    # Said "not this time": hears nothing more than the notice and the receipt of the answer.
    delta = subjects(mailbox, bid.email("delta"))
    assert len(delta) == 2 and "We have your answer" in delta[1], delta
    # Every e-mail asking for an answer carries a task link.
    [invitation] = [
        m for m in mailbox.to(bid.email("beta")) if "Join the consortium" in str(m["Subject"])
    ]
    text = invitation.get_body(("plain",)).get_content()
    token = text.split("http://testserver/task/")[1].split()[0]
    link = verify_task_link(token, settings.secret_key.get_secret_value())
    assert (link.bid_id, link.organisation_id, link.kind) == (h.id, bid.org("beta"), "invitation")

    # The audit log, in order, and the read model.
    actions = await audit_actions(sessions, bid.handle.id)
    for expected in (
        "notice_circulated",
        "expressed_interest",
        "bid_decided",
        "lead_confirmed",
        "partner_invited",
        "invitation_accepted",
        "section_assigned",
        "contribution_submitted",
        "contribution_approved",
        "agreement_generated",
        "agreement_signed",
        "la_approved",
        "bid_submitted",
        "outcome_recorded",
        "bid_closed",
    ):
        assert expected in actions, expected
    assert (
        actions.index("bid_decided")
        < actions.index("lead_confirmed")
        < actions.index("bid_submitted")
    )
    async with sessions() as session:
        row = await session.get(BidRow, bid.handle.id)
        assert (row.stage, row.lead_organisation_id) == ("awarded", bid.org("alpha"))
        partners = (
            await session.scalars(select(BidPartner).where(BidPartner.bid_id == row.id))
        ).all()
        assert {p.status for p in partners} == {"lead", "accepted"}
        assert (
            len(
                (
                    await session.scalars(select(Contribution).where(Contribution.bid_id == row.id))
                ).all()
            )
            == 2
        )
        assert (
            len((await session.scalars(select(Signature).where(Signature.bid_id == row.id))).all())
            == 3
        )
