"""The one-click task page from an e-mail: answers reach the bid as Updates; a bad link, a
missing CSRF token, a duplicate or an answer for someone else changes nothing."""

from datetime import timedelta

from activities.task_links import sign_task_link
from models.task import TaskLink
from tests.helpers import wait_until
from tests.web.support import CSRF, audit_count, to_partner_signup, token_for


async def test_partner_accepts_the_invitation_from_the_link_in_the_email(
    web, time_skipping_env, sessions, mailbox, task_queue
):
    bid = await web.start_bid()
    await to_partner_signup(bid)
    token = await token_for(mailbox, bid.email("beta"), count=2)  # interest, then invitation
    client = web.as_partner()

    page = await client.get(f"/task/{token}")
    assert page.status_code == 200
    assert page.headers["referrer-policy"] == "no-referrer"  # the token stays on this page
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "You are invited to join this consortium" in page.text
    assert "Accept the invitation" in page.text
    assert bid.notice.title in page.text

    answer = {"csrf_token": CSRF, "nonce": "n1", "accept": "yes"}
    response = await client.post(f"/task/{token}", data=answer)
    assert response.status_code == 303
    assert (await bid.state()).partners[bid.org("beta")].status == "accepted"
    assert "your answer was recorded" in (await client.get(response.headers["location"])).text


async def test_the_same_form_sent_twice_records_once_and_a_second_answer_is_refused(
    web, time_skipping_env, sessions, mailbox, task_queue
):
    bid = await web.start_bid()
    await to_partner_signup(bid)
    token = await token_for(mailbox, bid.email("beta"), count=2)
    client = web.as_partner()
    answer = {"csrf_token": CSRF, "nonce": "same-form", "accept": "yes"}

    assert (await client.post(f"/task/{token}", data=answer)).status_code == 303
    assert (await client.post(f"/task/{token}", data=answer)).status_code == 303
    timeline = (await bid.state()).timeline
    assert sum(e.action == "invitation_accepted" for e in timeline) == 1
    # The audit log is written once the Update's workflow task is committed, after it returns.
    await wait_until(lambda: audit_count(sessions, bid.handle.id, "invitation_accepted"), within=10)
    assert await audit_count(sessions, bid.handle.id, "invitation_accepted") == 1

    other = await client.post(f"/task/{token}", data={**answer, "nonce": "new", "accept": "no"})
    assert other.status_code == 409
    assert "not recorded" in other.text
    assert (await bid.state()).partners[bid.org("beta")].status == "accepted"
    assert await audit_count(sessions, bid.handle.id, "invitation_declined") == 0


async def test_a_tampered_expired_or_foreign_link_gets_a_clear_page_and_changes_nothing(
    web, time_skipping_env, sessions, mailbox, task_queue
):
    bid = await web.start_bid()
    await to_partner_signup(bid)
    token = await token_for(mailbox, bid.email("beta"), count=2)
    now = await time_skipping_env.get_current_time()
    link = TaskLink(
        bid_id=bid.handle.id, organisation_id=bid.org("beta"), kind="invitation", expires_at=now
    )
    secret = web.settings.secret_key.get_secret_value()
    bad = {
        "tampered": token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"),
        "expired": sign_task_link(
            link.model_copy(update={"expires_at": now - timedelta(days=1)}), secret
        ),
        "foreign": sign_task_link(
            link.model_copy(update={"expires_at": now + timedelta(days=9)}), "another-site"
        ),
    }
    client = web.as_partner()
    for name, token in bad.items():
        page = await client.get(f"/task/{token}")
        assert page.status_code == 400, name
        assert "This link cannot be used" in page.text
        assert ("expired" in page.text) == (name == "expired")
        post = await client.post(f"/task/{token}", data={"csrf_token": CSRF, "accept": "yes"})
        assert post.status_code == 400, name
        api = await client.post(f"/api/tasks/{token}", json={"accept": "yes"})
        assert api.status_code == 400, name
    assert (await bid.state()).partners[bid.org("beta")].status == "invited"


async def test_an_answer_without_the_csrf_token_is_refused(
    web, time_skipping_env, sessions, mailbox, task_queue
):
    bid = await web.start_bid()
    await to_partner_signup(bid)
    token = await token_for(mailbox, bid.email("beta"), count=2)
    client = web.as_partner()
    for form in ({"accept": "yes"}, {"accept": "yes", "csrf_token": "forged"}):
        response = await client.post(f"/task/{token}", data=form)
        assert response.status_code == 403
        assert "reload the page" in response.text
    assert (await bid.state()).partners[bid.org("beta")].status == "invited"


async def test_a_partner_cannot_answer_for_another_organisation(
    web, time_skipping_env, sessions, mailbox, task_queue
):
    bid = await web.start_bid()
    await to_partner_signup(bid, invite=("beta",))
    delta_token = await token_for(mailbox, bid.email("delta"))  # delta's interest link
    client = web.as_partner()
    # The actor comes from the signed link, never from the form.
    form = {"csrf_token": CSRF, "answer": "partner", "accept": "yes", "actor": bid.org("beta")}
    response = await client.post(f"/task/{delta_token}", data=form)
    assert response.status_code == 409
    assert (await bid.state()).partners[bid.org("beta")].status == "invited"
    # A link for delta's invitation, which delta never got, is refused by the bid too.
    now = await time_skipping_env.get_current_time()
    forged_scope = TaskLink(
        bid_id=bid.handle.id,
        organisation_id=bid.org("delta"),
        kind="invitation",
        expires_at=now + timedelta(days=5),
    )
    token = sign_task_link(forged_scope, web.settings.secret_key.get_secret_value())
    response = await client.post(f"/task/{token}", data=form)
    assert response.status_code == 409
    assert bid.org("delta") not in (await bid.state()).partners


async def test_bad_input_gets_a_clear_4xx_and_records_nothing(
    web, time_skipping_env, sessions, mailbox, task_queue
):
    bid = await web.start_bid()
    token = await token_for(mailbox, bid.email("beta"))
    client = web.as_partner()
    response = await client.post(f"/task/{token}", data={"csrf_token": CSRF, "answer": "maybe"})
    assert response.status_code == 422
    assert "Please check your answer" in response.text
    api = await client.post(f"/api/tasks/{token}", json={"answer": "maybe"})
    assert api.status_code == 422
    not_json = await client.post(
        f"/api/tasks/{token}", content=b"{oops", headers={"content-type": "application/json"}
    )
    assert not_json.status_code == 422
    assert bid.org("beta") not in (await bid.state()).interests
    assert await audit_count(sessions, bid.handle.id, "expressed_interest") == 0


async def test_a_page_reached_after_its_deadline_says_so(
    web, time_skipping_env, sessions, mailbox, task_queue
):
    bid = await web.start_bid(interest_days=7)
    token = await token_for(mailbox, bid.email("beta"))
    page = await web.as_partner().get(f"/task/{token}")
    assert "Would you like to take part" in page.text and "passed" not in page.text
    # The page goes by the app's clock: eight days on, the cut-off has passed.
    later = await time_skipping_env.get_current_time() + timedelta(days=8)

    async def eight_days_on():
        return later

    web.app.state.services.clock = eight_days_on
    page = await web.as_partner().get(f"/task/{token}")
    assert page.status_code == 200
    assert "The deadline for this passed" in page.text
    assert 'name="answer"' not in page.text
