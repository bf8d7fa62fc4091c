"""A bid driven by its Updates, on the real servers, to the local authority's sign-off or to
the funder's decision: for the tests of the last stages' pages and of the figures."""

from datetime import timedelta

from models import bid_answers as a
from models.bid import BidState, Timetable
from tests.web.support import to_partner_signup, token_of_kind
from tests.workflows.bid_support import Bid, days

# A one-second comment period: no skipped time needed, so these tests never wait on the
# time-skipping server's clock.
SHORT_COMMENTS = Timetable(comment_window=timedelta(seconds=1))
TEXTS = {
    "summary": "We will reach 400 young people in Easington through peer support groups.",
    "delivery": "Gamma runs weekly sessions in three schools; beta trains the peer mentors.",
    "budget": "£40,000 a year for three years: staff £30,000, venues £6,000, training £4,000.",
}
WRITERS = {"summary": "beta", "delivery": "gamma"}  # section -> who writes it


async def to_agreement_signed(
    bid: Bid, mailbox, secret: str, now, writers: dict[str, str] = WRITERS
) -> BidState:
    """Beta and gamma partners; each section written by its writer in `writers` and approved
    by alpha, the lead; the agreement signed by all three. The bid's state once it has moved
    on."""
    await to_partner_signup(bid)
    for name in ("beta", "gamma"):
        await bid.handle.execute_update(
            "answer_invitation", a.InvitationAnswer(actor=bid.org(name), accept=True)
        )
    await bid.reach("drafting")
    assignments = [
        a.SectionAssignment(section=key, organisation_id=bid.org(name), due=now + days(10))
        for key, name in writers.items()
    ]
    await bid.handle.execute_update(
        "assign_sections", a.SectionAssignments(actor=bid.org("alpha"), assignments=assignments)
    )
    for key, name in writers.items():
        await bid.handle.execute_update(
            "submit_contribution",
            a.ContributionInput(actor=bid.org(name), section=key, body=TEXTS[key]),
        )
        await bid.handle.execute_update(
            "review_contribution", a.ReviewInput(actor=bid.org("alpha"), section=key, approve=True)
        )
    state = await bid.reach("agreement")
    await token_of_kind(mailbox, bid.email("alpha"), "signature", secret)  # signing is open
    assert state.agreement is not None
    for name in ("alpha", "beta", "gamma"):
        await bid.handle.execute_update(
            "sign_agreement",
            a.SignatureInput(
                actor=bid.org(name),
                version_hash=state.agreement.version_hash,
                signer_name=f"{name} chair",
                signer_role="Chair",
            ),
        )
    return await bid.state()


async def to_la_signoff(
    bid: Bid, mailbox, secret: str, now, writers: dict[str, str] = WRITERS
) -> BidState:
    await to_agreement_signed(bid, mailbox, secret, now, writers)
    return await bid.reach("la_signoff")


async def to_award(bid: Bid, mailbox, secret: str, now) -> BidState:
    """Signed, submitted (no local-authority sign-off on this bid's notice), and waiting for
    the funder's decision."""
    assert not bid.notice.la_signoff_required
    await to_agreement_signed(bid, mailbox, secret, now)
    await bid.reach("submission")
    await bid.handle.execute_update(
        "record_submission", a.SubmissionInput(actor=bid.org("alpha"), reference="BLF-2027-7")
    )
    return await bid.reach("award")
