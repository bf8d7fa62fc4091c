"""What playing a whole bid through the pages showed: the lead's "invite your partners" link,
a withdrawal's confirmation, refusals with a way back, the coordinator's bid page without
repeated cards, and an audit list that reads as words."""

import re
from datetime import timedelta
from html import unescape

from activities.task_links import sign_task_link
from models import bid_answers as a
from models.task import TaskLink
from tests.helpers import wait_until
from tests.web.support import CSRF, to_drafting, to_partner_signup, token_for


async def test_the_leads_invite_partners_link_sends_it_to_the_console_not_nothing_asked(
    web, time_skipping_env, mailbox
):
    bid = await web.start_bid()
    await to_partner_signup(bid, invite=())
    # The e-mail now links through sign-in to the console (tests/web/test_sign_in_next.py);
    # a task link of this kind (an older e-mail's) still sends the lead there.
    secret = web.settings.secret_key.get_secret_value()
    until = await time_skipping_env.get_current_time() + timedelta(days=30)
    link = TaskLink(
        bid_id=bid.handle.id,
        organisation_id=bid.org("alpha"),
        kind="invite_partners",
        expires_at=until,
    )
    token = sign_task_link(link, secret)

    page = unescape((await web.as_partner().get(f"/task/{token}")).text)
    assert "Nothing is asked of you on this page now" not in page
    assert "This is for the lead body" in page
    assert f'href="/console/bids/{bid.handle.id}"' in page
    assert f"· bid {bid.handle.id}" not in page  # the bid's name, not its id


async def test_a_withdrawal_is_confirmed_without_saying_nothing_was_changed(
    web, time_skipping_env, mailbox
):
    bid = await web.start_bid()
    await to_partner_signup(bid)
    token = await token_for(mailbox, bid.email("beta"), count=2)  # interest, then invitation
    client = web.as_partner()
    form = {"csrf_token": CSRF, "nonce": "w1", "action": "withdraw", "reason": "No capacity"}

    response = await client.post(f"/task/{token}", data=form)
    assert response.status_code == 303
    page = unescape((await client.get(response.headers["location"])).text)
    assert "Your organisation withdrew from the bid" in page
    assert "Nothing was changed" not in page


async def test_a_refused_answer_offers_the_way_back_to_the_task_and_to_the_bid(
    web, time_skipping_env, mailbox
):
    bid = await web.start_bid()
    await to_partner_signup(bid)
    token = await token_for(mailbox, bid.email("beta"), count=2)
    answer = {"csrf_token": CSRF, "nonce": "n1", "accept": "no", "note": "x" * 10_000}

    refused = await web.as_partner().post(f"/task/{token}", data=answer)
    assert refused.status_code == 422
    assert f'href="/task/{token}">Back to your task</a>' in refused.text

    coordinator = web.as_coordinator()
    url = f"/console/bids/{bid.handle.id}/cancel"
    refused = await coordinator.post(url, data={"csrf_token": CSRF, "nonce": "c1"})
    assert refused.status_code in (409, 422)
    assert f'href="/dashboard/bids/{bid.handle.id}">Back to the bid</a>' in refused.text
    assert "contact the coordinator" not in refused.text  # said to the coordinator


async def test_the_coordinators_bid_page_shows_partners_and_timeline_once_in_words(
    web, time_skipping_env
):
    bid = await web.start_bid()
    await to_drafting(bid, await time_skipping_env.get_current_time())
    later = bid.notice.submission_deadline + timedelta(days=14)
    await bid.handle.execute_update(
        "move_deadline", a.DeadlineMove(actor="coordinator", submission_deadline=later)
    )

    async def page() -> str:
        url = f"/dashboard/bids/{bid.handle.id}"
        return unescape((await web.as_coordinator().get(url)).text)

    async def moved() -> bool:
        return "deadline moved" in await page()

    await wait_until(moved, within=10)
    text = await page()
    assert len(re.findall(r"<h2>Partners</h2>", text)) == 1
    assert len(re.findall(r"<h2>Timeline</h2>", text)) == 1
    assert "[{" not in text and "{'" not in text  # no Python reprs in the audit list
    assert "not_this_time" not in text and "go: True" not in text
    assert "+00:00" not in text  # moments as dates
    assert "go: yes" in text and "answer: not this time" in text
