"""In headless Chromium, at a phone's width: an organisation applies to join, saves as it
goes, is signposted (told exactly what is missing and who can help), and resubmits from the
link in the e-mail it really received; every field of the form has a label."""

import uuid
from contextlib import suppress

import pytest
from sqlalchemy import select
from temporalio.service import RPCError

from models.membership import membership_workflow_id
from models.tables import Application
from tests.helpers import wait_until
from tests.web.test_join import join_tokens

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
UNLABELLED = """[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter(e => !e.labels || e.labels.length === 0).map(e => e.name || e.id)"""


@pytest.fixture
def joining(live, task_queue):
    """The live app, sending memberships to this test's worker."""
    services = live.app.state.services
    services.settings = services.settings.model_copy(update={"temporal_task_queue": task_queue})
    return live


async def end_memberships(time_skipping_env, sessions, address: str) -> None:
    async with sessions() as session:
        orgs = await session.scalars(
            select(Application.organisation_id).where(Application.email == address)
        )
        for org in [o for o in orgs if o]:
            handle = time_skipping_env.client.get_workflow_handle(membership_workflow_id(org))
            with suppress(RPCError):
                await handle.terminate("test over")


async def test_an_organisation_applies_is_signposted_and_resubmits_from_its_link(
    joining, browser, mailbox, sessions, time_skipping_env
):
    address = f"ann-{uuid.uuid4().hex[:8]}@example.org"
    page = await browser.new_page(viewport=PHONE)
    await page.goto(f"{joining.url}/join")
    assert await page.evaluate(UNLABELLED) == []
    await page.fill("#email", address)
    await page.click("text=Start your application")
    await page.wait_for_selector("text=We have e-mailed you a link to this form")
    assert await page.evaluate(UNLABELLED) == []
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    try:
        await page.fill("#name", "Horden Family Support Group")
        await page.select_option("#legal_form", "charity")
        await page.fill("#charity_number", "1190001")
        await page.select_option("#locality", "Easington")
        await page.fill("#contact_name", "Ann Lee")
        await page.get_by_label("family support", exact=True).check()
        await page.get_by_label("Easington", exact=True).check()
        await page.get_by_label("We have a safeguarding policy").check()
        await page.fill("#safeguarding_review_due", "2030-01-31")
        await page.fill("#insurance_expires", "2030-01-31")
        await page.fill("#track_funder_1", "Durham County Council")
        await page.locator("button", has_text="Save and check").first.click()
        await page.wait_for_selector("text=Your answers are saved.")
        # Explained as it answers: no DBS date yet, and who can help with it.
        unmet = page.locator('li.unmet[data-criterion="dbs_checks"]')
        assert "One Voice Network can help" in await unmet.inner_text()

        await page.get_by_role("button", name="Send my application").click()
        await page.wait_for_selector("text=Not yet: here is what is missing")
        missing = await page.locator("#missing").inner_text()
        assert "DBS checks for staff and volunteers who work with children" in missing
        assert "hello@onevoicenetwork.example.org" in missing
        assert "Durham Community Action" in missing  # no accounts given: the CVS helps
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        # Later, from the link in the e-mail it received.
        await wait_until(lambda: join_tokens(mailbox, address))
        [token] = join_tokens(mailbox, address)
        again = await browser.new_page(viewport=PHONE)
        await again.goto(f"{joining.url}/join/{token}")
        assert await again.input_value("#name") == "Horden Family Support Group"
        await again.fill("#dbs_expires", "2030-01-31")
        await again.fill("#accounts_year_end", "2026-03-31")
        await again.get_by_role("button", name="Send my application").click()
        await again.wait_for_selector("text=You are a full member")

        def subjects() -> list[str]:
            return [m["Subject"] for m in mailbox.to(address)]

        await wait_until(lambda: any("Welcome to the County" in s for s in subjects()))
        [signposted] = [m for m in mailbox.to(address) if "who can help" in m["Subject"]]
        body = signposted.get_body(("plain",)).get_content()
        assert f"{joining.url}/join/renew/" in body  # its proforma, filled in, a click away
    finally:
        await end_memberships(time_skipping_env, sessions, address)
