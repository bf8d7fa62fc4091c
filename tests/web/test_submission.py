"""The last stages through the web: the local authority signs off from its link, the lead
records the submission and the award in the console, and the dashboard shows it won."""

from datetime import timedelta

from models import bid_answers as a
from models.bid import Timetable
from tests.helpers import wait_until
from tests.web.support import CSRF, to_drafting, token_of_kind

# A one-second comment period: no skipped time needed, so these tests never wait on the
# time-skipping server's clock.
SHORT_COMMENTS = Timetable(comment_window=timedelta(seconds=1))


async def _to_la_signoff(bid, mailbox, secret: str) -> None:
    for name, section in (("beta", "summary"), ("gamma", "delivery")):
        await bid.handle.execute_update(
            "submit_contribution",
            a.ContributionInput(actor=bid.org(name), section=section, body=f"{section} text"),
        )
        await bid.handle.execute_update(
            "review_contribution",
            a.ReviewInput(actor=bid.org("alpha"), section=section, approve=True),
        )
    state = await bid.reach("agreement")
    await token_of_kind(mailbox, bid.email("alpha"), "signature", secret)  # signing is open
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
    await bid.reach("la_signoff")


async def test_sign_off_submission_and_award_through_the_pages(
    web, time_skipping_env, sessions, mailbox
):
    bid = await web.start_bid(timetable=SHORT_COMMENTS)
    await to_drafting(bid, await time_skipping_env.get_current_time())
    secret = web.settings.secret_key.get_secret_value()
    await _to_la_signoff(bid, mailbox, secret)
    token = await token_of_kind(mailbox, bid.local_authority, "la_signoff", secret)

    approver = web.as_partner()
    page = await approver.get(f"/task/{token}")
    assert "Please sign off this bid" in page.text
    returned_blank = {"csrf_token": CSRF, "approve": "no", "comments": ""}
    assert (await approver.post(f"/task/{token}", data=returned_blank)).status_code == 409
    approve = {"csrf_token": CSRF, "nonce": "la1", "approve": "yes"}
    assert (await approver.post(f"/task/{token}", data=approve)).status_code == 303
    await bid.reach("submission")

    lead = web.as_lead(bid.org("alpha"))
    url = f"/console/bids/{bid.handle.id}"
    assert "Record the submission" in (await lead.get(url)).text
    submitted = {"csrf_token": CSRF, "nonce": "s1", "reference": "BLF-2027-001"}
    assert (await lead.post(f"{url}/record_submission", data=submitted)).status_code == 303
    await bid.reach("award")

    no_date = {"csrf_token": CSRF, "awarded": "yes", "value": "95000", "start_date": ""}
    refused = await lead.post(f"{url}/record_outcome", data=no_date)
    assert refused.status_code == 409 and "start date" in refused.text
    won = {**no_date, "nonce": "o1", "start_date": "2027-04-01"}
    assert (await lead.post(f"{url}/record_outcome", data=won)).status_code == 303
    state = await bid.reach("awarded")
    assert state.outcome.awarded is True
    await bid.handle.result()  # finished: a query still replays its last state

    async def shown_won() -> bool:  # the read model follows by an activity
        page = await web.as_coordinator().get("/dashboard", params={"stage": "awarded"})
        return bid.handle.id in page.text

    await wait_until(shown_won)
    page = (await web.as_coordinator().get(f"/dashboard/bids/{bid.handle.id}")).text
    assert "awarded" in page and "outcome recorded" in page
