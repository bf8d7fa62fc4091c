"""In headless Chromium: the coordinator registers an opportunity on a phone-width form,
sees who its notice goes to and starts its bid; a lead follows the "invite your partners"
e-mail through sign-in straight to the invite form; and axe-core finds no serious or
critical accessibility violation on the public pages."""

import uuid
from datetime import timedelta

import pytest

from starter import show_bid
from tests.browser.axe import serious_violations
from tests.browser.test_journeys import links_in_html, task_link
from tests.helpers import wait_until
from tests.web.support import MEMBERS, to_drafting, to_partner_signup
from tests.workflows.bid_support import add_members, start_bid
from web.auth import SESSION_COOKIE, Viewer, session_value

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


async def signed_in_through(page, mailbox, address: str, live) -> None:
    """On the sign-in page: ask for the link, then open the link that really arrived."""
    count = len([u for u in links_in_html(mailbox, address) if "/sign-in/" in u])
    await page.fill("#email", address)
    await page.click("text=Send me a sign-in link")
    await page.wait_for_selector("text=a sign-in link is on its way")

    def links() -> list[str]:
        return [u for u in links_in_html(mailbox, address) if "/sign-in/" in u]

    await wait_until(lambda: len(links()) > count)
    await page.goto(links()[-1])


async def test_the_coordinator_registers_an_opportunity_and_starts_its_bid(
    live, browser, time_skipping_env, sessions, mailbox, task_queue
):
    services = live.app.state.services  # bids it starts go to this test's bid worker
    services.settings = services.settings.model_copy(update={"temporal_task_queue": task_queue})
    tag = uuid.uuid4().hex[:8]
    orgs = await add_members(sessions, tag, "family support", {"alpha": {"lead": True}})
    today = (await time_skipping_env.get_current_time()).date()
    page = await browser.new_page(viewport=PHONE)
    await page.goto(f"{live.url}/sign-in?next=/opportunities/new")
    await signed_in_through(page, mailbox, live.settings.coordinator_email, live)

    await page.get_by_label("Title", exact=True).fill(f"Family support hubs {tag}")
    await page.get_by_label("Funder", exact=True).fill("Durham County Council")
    await page.get_by_label("Value (£)").fill("120000")
    await page.get_by_label("Reference (optional)").fill(f"hubs-{tag}")
    await page.get_by_label("family support", exact=True).check()
    await page.get_by_label("Easington", exact=True).check()
    await page.get_by_label("The local authority must sign the bid off").check()
    await page.get_by_label("The local authority approver's e-mail").fill("la@durham.example")
    await page.get_by_label("Expressions of interest close on").fill(
        (today + timedelta(days=7)).isoformat()
    )
    await page.get_by_label("The funder's submission deadline").fill(
        (today + timedelta(days=40)).isoformat()
    )
    await page.click("text=How many days each stage gets")
    await page.get_by_label("Partners accepting their invitations (days)").fill("12")
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    await page.get_by_role("button", name="Register the opportunity").click()

    await page.wait_for_selector("text=Registered. Check who the notice will go to")
    assert "Alpha Trust" in await page.locator("#circulation").inner_text()
    await page.get_by_role("button", name="Start the bid").click()
    await page.wait_for_selector(f"text=Bid bid-hubs-{tag} started")
    await wait_until(lambda: mailbox.to(f"{orgs['alpha']}@example.org"))
    bid = await show_bid(time_skipping_env.client, f"bid-hubs-{tag}")
    assert bid.local_authority_email == "la@durham.example"
    assert bid.timetable.partner_window == timedelta(days=12)
    await time_skipping_env.client.get_workflow_handle(bid.bid_id).cancel()


async def test_a_lead_follows_the_email_through_sign_in_to_the_invite_form(
    live, browser, time_skipping_env, sessions, mailbox, task_queue
):
    bid = await start_bid(time_skipping_env, sessions, task_queue, MEMBERS)
    await to_partner_signup(bid, invite=())
    address = bid.email("alpha")

    def invite_links() -> list[str]:
        return [u for u in links_in_html(mailbox, address) if "/sign-in?next=" in u]

    await wait_until(invite_links)
    page = await browser.new_page(viewport=PHONE)
    await page.goto(invite_links()[-1])
    await page.wait_for_selector("text=Sign in to continue")
    await signed_in_through(page, mailbox, address, live)

    await page.wait_for_selector("#invite")
    assert page.url == f"{live.url}/console/bids/{bid.handle.id}#invite"
    await page.get_by_label("Beta Trust").check()
    await page.click("button:text-is('Invite')")
    await page.wait_for_selector("text=Done: invite partners")
    assert (await bid.state()).partners[bid.org("beta")].status == "invited"


async def test_the_public_pages_have_no_serious_accessibility_violation(
    live, browser, time_skipping_env, sessions, mailbox, task_queue
):
    bid = await start_bid(time_skipping_env, sessions, task_queue, MEMBERS)
    await to_drafting(bid, await time_skipping_env.get_current_time())
    pages = [
        f"{live.url}/sign-in",
        f"{live.url}/sign-in?next=/console",
        await task_link(mailbox, live, bid.email("delta"), "expression_of_interest"),
        await task_link(mailbox, live, bid.email("beta"), "invitation"),
        await task_link(mailbox, live, bid.email("beta"), "section"),
    ]
    context = await browser.new_context(bypass_csp=True, viewport=PHONE)  # to inject axe
    page = await context.new_page()
    join = await page.goto(f"{live.url}/join")
    if join is not None and join.ok:  # the application form, where it is built
        pages.append(f"{live.url}/join")
    found = {}
    for url in pages:
        await page.goto(url)
        found[url.replace(live.url, "")[:60]] = await serious_violations(page)
    # The signed-in forms too: the lead's bid page and the coordinator's (signing in through
    # the e-mail is shown above; here the session cookie is set directly).
    lead = Viewer(email=bid.email("alpha"), role="lead", organisation_id=bid.org("alpha"))
    coordinator = Viewer(email=live.settings.coordinator_email, role="coordinator")
    signed_in = [
        (lead, [f"/console/bids/{bid.handle.id}"]),
        (coordinator, ["/opportunities/new", "/dashboard", f"/dashboard/bids/{bid.handle.id}"]),
    ]
    for viewer, paths in signed_in:
        cookie = {"name": SESSION_COOKIE, "value": session_value(live.settings, viewer)}
        await context.add_cookies([{**cookie, "url": live.url}])
        for path in paths:
            await page.goto(f"{live.url}{path}")
            found[path[:60]] = await serious_violations(page)
    assert found == {where: [] for where in found}
