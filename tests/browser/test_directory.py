"""In headless Chromium: the coordinator searches the directory by theme, locality and
willingness to lead, opens a member's page and reads its history, then the map of expertise."""

import uuid
from datetime import UTC, datetime

import pytest

from models.tables import AuditEntry
from tests.browser.test_join import UNLABELLED
from tests.web.test_directory import SPECS, add
from web.auth import SESSION_COOKIE, Viewer, session_value

pytestmark = pytest.mark.browser


async def test_the_coordinator_searches_the_directory_and_reads_a_members_history(
    live, browser, sessions
):
    tag = uuid.uuid4().hex[:8]
    ids = await add(sessions, tag, SPECS)
    async with sessions() as session, session.begin():
        session.add(
            AuditEntry(
                key=f"test:{ids['acorn']}:joined",
                at=datetime(2027, 1, 4, 9, tzinfo=UTC),
                actor="ann@example.org",
                action="proforma_submitted",
                organisation_id=ids["acorn"],
                detail={"outcome": "full", "previous": "signposted"},
            )
        )
    coordinator = Viewer(email=live.settings.coordinator_email, role="coordinator")
    context = await browser.new_context()
    cookie = session_value(live.settings, coordinator)
    await context.add_cookies([{"name": SESSION_COOKIE, "value": cookie, "url": live.url}])
    page = await context.new_page()

    await page.goto(f"{live.url}/dashboard")
    await page.click("text=Directory")
    assert await page.evaluate(UNLABELLED) == []  # every field of the search has a label
    await page.select_option("#theme", "family support")
    await page.select_option("#locality", "Easington")
    await page.fill("#name", tag)
    await page.click("button:has-text('Search')")
    await page.wait_for_selector("#found")
    rows = page.locator("#members tr[data-member]")
    assert sorted(await rows.evaluate_all("rs => rs.map(r => r.dataset.member)")) == sorted(
        [ids["acorn"], ids["cedar"], ids["fir"]]
    )

    await page.select_option("#lead", "yes")
    await page.click("button:has-text('Search')")
    await page.wait_for_selector("text=1 member found")
    await page.click(f"text=Acorn {tag}")
    await page.wait_for_selector("h2:has-text('History')")
    history = await page.locator("#history").inner_text()
    assert "proforma submitted" in history
    assert "outcome: full" in history

    await page.goto(f"{live.url}/directory/map")
    await page.wait_for_selector("#map")
    assert await page.locator("#map td.gap").count() > 0  # the framework has its gaps
    await page.goto(f"{live.url}/framework/vocabulary")
    assert await page.evaluate(UNLABELLED) == []
    await context.close()
