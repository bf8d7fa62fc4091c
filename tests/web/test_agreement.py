"""Reading and signing the consortium agreement from the e-mail's link; withdrawing; the
partner's JSON view of its task."""

from datetime import timedelta

from models import bid_answers as a
from models.bid import Timetable
from tests.web.support import CSRF, audit_count, to_drafting, to_partner_signup, token_of_kind

# A one-second comment period: no skipped time needed, so these tests never wait on the
# time-skipping server's clock.
SHORT_COMMENTS = Timetable(comment_window=timedelta(seconds=1))


async def test_a_partner_reads_and_signs_the_agreement_from_its_link(
    web, time_skipping_env, sessions, mailbox
):
    bid = await web.start_bid(timetable=SHORT_COMMENTS)
    await to_drafting(bid, await time_skipping_env.get_current_time())
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
    secret = web.settings.secret_key.get_secret_value()
    # Signing opens when the comment period closes: the signature e-mail says so.
    token = await token_of_kind(mailbox, bid.email("beta"), "signature", secret)

    partner = web.as_partner()
    page = await partner.get(f"/task/{token}")
    assert "Please sign the consortium agreement" in page.text
    assert "Consortium agreement" in page.text and state.agreement.version_hash in page.text
    unsigned = {"csrf_token": CSRF, "version_hash": state.agreement.version_hash}
    missing = await partner.post(f"/task/{token}", data={**unsigned, "signer_name": ""})
    assert missing.status_code == 422
    stale = {**unsigned, "version_hash": "0" * 64, "signer_name": "Bea", "signer_role": "Chair"}
    assert (await partner.post(f"/task/{token}", data=stale)).status_code == 409
    assert await audit_count(sessions, bid.handle.id, "agreement_signed") == 0

    signed = {**unsigned, "nonce": "s1", "signer_name": "Bea Smith", "signer_role": "Chair"}
    assert (await partner.post(f"/task/{token}", data=signed)).status_code == 303
    signature = (await bid.state()).agreement.signatures[bid.org("beta")]
    assert (signature.signer_name, signature.signer_role) == ("Bea Smith", "Chair")


async def test_a_partner_sees_its_task_as_json_and_withdraws_by_the_api(
    web, time_skipping_env, sessions, mailbox
):
    bid = await web.start_bid()
    await to_partner_signup(bid)
    secret = web.settings.secret_key.get_secret_value()
    token = await token_of_kind(mailbox, bid.email("beta"), "invitation", secret)
    client = web.as_partner()

    view = (await client.get(f"/api/tasks/{token}")).json()
    assert view["link"]["organisation_id"] == bid.org("beta")
    assert view["outstanding"]["kind"] == "invitation" and view["stage"] == "partner_signup"

    gone = await client.post(
        f"/api/tasks/{token}", json={"action": "withdraw", "reason": "Too busy"}
    )
    assert gone.status_code == 200
    assert (await bid.state()).partners[bid.org("beta")].status == "withdrawn"
    # Gone from the bid, its link now says only that (web.task_scope), and changes nothing.
    again = await client.post(f"/api/tasks/{token}", json={"action": "withdraw"})
    assert again.status_code == 410 and "no longer" in again.json()["detail"]
    view = await client.get(f"/api/tasks/{token}")
    assert view.status_code == 410 and "outstanding" not in view.json()
    assert await audit_count(sessions, bid.handle.id, "partner_withdrawn") == 1
