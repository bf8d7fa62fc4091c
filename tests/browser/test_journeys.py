"""End to end in headless Chromium: a partner opens the link in the e-mail it really received
and accepts; a contribution is submitted, returned by the lead and resubmitted; the
coordinator's dashboard shows the change."""

import html
import re

import pytest

from activities.task_links import verify_task_link
from tests.helpers import wait_until
from tests.web.support import MEMBERS, to_drafting, to_partner_signup
from tests.workflows.bid_support import start_bid

pytestmark = pytest.mark.browser
HREF = re.compile(r'href="([^"]+)"')


def links_in_html(mailbox, address: str) -> list[str]:
    """Every link in the HTML part of the e-mails `address` received, oldest first."""
    found = []
    for message in mailbox.to(address):
        part = message.get_body(("html",))
        found += [html.unescape(h) for h in HREF.findall(part.get_content() if part else "")]
    return found


async def task_link(mailbox, live, address: str, kind: str) -> str:
    secret = live.settings.secret_key.get_secret_value()

    def of_kind() -> list[str]:
        return [
            u
            for u in links_in_html(mailbox, address)
            if "/task/" in u and verify_task_link(u.rsplit("/", 1)[1], secret).kind == kind
        ]

    await wait_until(of_kind)
    return of_kind()[-1]


async def sign_in(browser, mailbox, live, address: str):
    """A browser page signed in through the real magic-link e-mail."""
    page = await browser.new_page()
    await page.goto(f"{live.url}/sign-in")
    await page.fill("#email", address)
    await page.click("text=Send me a sign-in link")
    await page.wait_for_selector("text=a sign-in link is on its way")
    await wait_until(lambda: [u for u in links_in_html(mailbox, address) if "/sign-in/" in u])
    link = [u for u in links_in_html(mailbox, address) if "/sign-in/" in u][-1]
    await page.goto(link)
    return page


async def test_a_partner_accepts_the_invitation_from_the_email_it_received(
    live, browser, time_skipping_env, sessions, mailbox, task_queue
):
    bid = await start_bid(time_skipping_env, sessions, task_queue, MEMBERS)
    await to_partner_signup(bid)
    url = await task_link(mailbox, live, bid.email("beta"), "invitation")
    assert url.startswith(live.url)

    page = await browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    await page.goto(url)
    await page.wait_for_selector("text=You are invited to join this consortium")
    # Made for a phone: nothing wider than the screen.
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await page.click("text=Accept the invitation")
    await page.wait_for_selector("text=your answer was recorded")
    assert (await bid.state()).partners[bid.org("beta")].status == "accepted"


async def test_a_contribution_is_returned_and_resubmitted_and_the_dashboard_shows_it(
    live, browser, time_skipping_env, sessions, mailbox, task_queue
):
    bid = await start_bid(time_skipping_env, sessions, task_queue, MEMBERS)
    await to_drafting(bid, await time_skipping_env.get_current_time())
    url = await task_link(mailbox, live, bid.email("beta"), "section")

    partner = await browser.new_page(viewport={"width": 390, "height": 844})
    await partner.goto(url)
    await partner.fill("#body", "Summary: peer support in every Easington school.")
    await partner.click("text=Submit my section")
    await partner.wait_for_selector("text=your answer was recorded")

    lead = await sign_in(browser, mailbox, live, bid.email("alpha"))
    await lead.click(f"text={bid.notice.title}")
    await lead.fill("#comments-summary", "Please say how many young people you will reach.")
    await lead.click("text=Return with comments")
    await lead.wait_for_selector("text=Done: review contribution")

    await partner.goto(url)
    await partner.wait_for_selector("text=Please say how many young people you will reach.")
    await partner.fill("#body", "Summary: peer support for 400 young people in Easington.")
    await partner.click("text=Resubmit my section")
    await partner.wait_for_selector("text=your answer was recorded")
    section = (await bid.state()).sections["summary"]
    assert (section.status, section.version) == ("submitted", 2)

    coordinator = await sign_in(browser, mailbox, live, live.settings.coordinator_email)
    row = coordinator.locator(f'tr[data-bid="{bid.handle.id}"]')

    async def shows_review() -> bool:  # the read model follows by an activity
        await coordinator.goto(f"{live.url}/dashboard?stage=drafting")
        return "review" in (await row.inner_text())

    await wait_until(shows_review)
    await row.locator("a").click()
    await coordinator.wait_for_selector("text=contribution submitted")
    assert "Beta Trust" in await coordinator.content()
