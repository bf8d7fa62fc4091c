"""A task link is scoped to its task as it stands: a finished task's page shows the answer
and offers only what the organisation may still do; withdrawing is offered, and taken, only
on a partner's current task's link; an organisation that has left sees only that it has."""

from models import bid_answers as a
from tests.web.support import CSRF, audit_count, to_drafting, token_of_kind

WITHDRAW = "Withdraw from this bid"


async def tokens(web, mailbox, bid, name: str, *kinds: str) -> list[str]:
    secret = web.settings.secret_key.get_secret_value()
    return [await token_of_kind(mailbox, bid.email(name), kind, secret) for kind in kinds]


async def test_a_finished_tasks_link_shows_the_answer_and_cannot_withdraw(
    web, time_skipping_env, sessions, mailbox
):
    bid = await web.start_bid()
    await to_drafting(bid, await time_skipping_env.get_current_time())
    interest, invitation, section = await tokens(
        web, mailbox, bid, "beta", "expression_of_interest", "invitation", "section"
    )
    partner = web.as_partner()

    page = await partner.get(f"/task/{invitation}")
    assert page.status_code == 200
    assert "You accepted the invitation" in page.text
    assert 'name="accept"' not in page.text and WITHDRAW not in page.text
    page = await partner.get(f"/task/{interest}")
    assert "We would like to be a partner" in page.text and WITHDRAW not in page.text

    # Sent anyway, from the finished task's link, a withdrawal is refused and not recorded.
    form = {"csrf_token": CSRF, "nonce": "w1", "action": "withdraw", "reason": "old link"}
    for token in (invitation, interest):
        refused = await partner.post(f"/task/{token}", data=form)
        assert refused.status_code == 409 and "current task" in refused.text
    api = await partner.post(f"/api/tasks/{invitation}", json={"action": "withdraw"})
    assert api.status_code == 409
    assert (await bid.state()).partners[bid.org("beta")].status == "accepted"
    assert await audit_count(sessions, bid.handle.id, "partner_withdrawn") == 0

    # The section is its current task: its link offers the withdrawal, and takes it.
    page = await partner.get(f"/task/{section}")
    assert WITHDRAW in page.text
    done = await partner.post(f"/task/{section}", data={**form, "nonce": "w2"})
    assert done.status_code == 303
    assert (await bid.state()).partners[bid.org("beta")].status == "withdrawn"


async def test_a_submitted_section_is_shown_read_only_with_the_withdrawal_still_offered(
    web, time_skipping_env, mailbox
):
    bid = await web.start_bid()
    await to_drafting(bid, await time_skipping_env.get_current_time())
    (section,) = await tokens(web, mailbox, bid, "beta", "section")
    partner = web.as_partner()
    text = {"csrf_token": CSRF, "nonce": "s1", "body": "Our summary, as sent."}
    assert (await partner.post(f"/task/{section}", data=text)).status_code == 303

    page = await partner.get(f"/task/{section}")
    assert "Your text (version 1)" in page.text and "Our summary, as sent." in page.text
    assert 'name="body"' not in page.text  # nothing to change while the lead reviews it
    assert WITHDRAW in page.text  # still in drafting, and still its section


async def test_an_organisation_that_left_sees_only_that_it_has(
    web, time_skipping_env, sessions, mailbox
):
    bid = await web.start_bid()
    await to_drafting(bid, await time_skipping_env.get_current_time())
    beta = await tokens(web, mailbox, bid, "beta", "expression_of_interest", "invitation")
    gamma = await tokens(web, mailbox, bid, "gamma", "invitation", "section")
    await bid.handle.execute_update(
        "withdraw", a.Withdrawal(actor=bid.org("beta"), reason="No capacity")
    )
    await bid.handle.execute_update(
        "remove_partner",
        a.RemovePartner(actor=bid.org("alpha"), organisation_id=bid.org("gamma")),
    )
    partner = web.as_partner()
    left = [(t, "withdrew from") for t in beta] + [(t, "was removed from") for t in gamma]
    for token, how in left:
        page = await partner.get(f"/task/{token}")
        assert page.status_code == 410
        assert "You are no longer part of this bid" in page.text and how in page.text
        for detail in ("Alpha Trust", "Gamma", "consortium so far", "summary", "delivery"):
            assert detail not in page.text, detail
        api = await partner.get(f"/api/tasks/{token}")
        assert api.status_code == 410 and "no longer" in api.json()["detail"]
        again = await partner.post(
            f"/task/{token}", data={"csrf_token": CSRF, "action": "withdraw", "accept": "yes"}
        )
        assert again.status_code == 410
    assert await audit_count(sessions, bid.handle.id, "partner_withdrawn") == 1
