"""A partner fills in its quarterly return on a phone, from the link in the e-mail it really
received: every field labelled, nothing wider than the screen, the return recorded."""

from contextlib import suppress
from datetime import timedelta

import pytest
from temporalio.service import RPCError

from models.contract import ContractState
from tests.browser.test_journeys import task_link
from tests.helpers import wait_until
from tests.workflows.bid_support import subjects
from tests.workflows.contract_support import start_contract

pytestmark = pytest.mark.browser


async def test_a_partner_sends_its_quarterly_return_from_the_email_on_a_phone(
    live, browser, time_skipping_env, mailbox, task_queue
):
    env = time_skipping_env
    handle = await start_contract(env, task_queue)
    partner = handle.id.replace("contract-bid-", "partner1-")
    try:
        await env.sleep(timedelta(hours=2))
        address = f"{partner}@example.org"
        await wait_until(
            lambda: any("Your return for period 1" in s for s in subjects(mailbox, address))
        )
        url = await task_link(mailbox, live, address, "quarterly_return")

        page = await browser.new_page(viewport={"width": 390, "height": 844})  # a phone
        await page.goto(url)
        await page.wait_for_selector("text=Your return for the period")
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390
        unlabelled = await page.evaluate(
            """[...document.querySelectorAll(
                   'form input:not([type=hidden]), form textarea, form select')]
               .filter(el => el.labels.length === 0).map(el => el.name)"""
        )
        assert unlabelled == []
        await page.get_by_label("Young people supported (your target: 30)").fill("27")
        await page.get_by_label("Sessions run (your target: 12)").fill("12")
        await page.get_by_label("Outcomes: what changed for people").fill(
            "Nine young people back in school."
        )
        await page.get_by_label("A case study or two").fill("J., 15, now runs the peer group.")
        await page.get_by_label("Spend this period (£)").fill("£4,210.55")
        await page.click("text=Send my return")
        await page.wait_for_selector("text=your answer was recorded")

        state = await handle.query("state", result_type=ContractState)
        sent = state.returns[f"1:{partner}"]
        assert sent.status == "submitted"
        assert sent.outputs == {"young people supported": 27, "sessions run": 12}
        assert sent.spend_pence == 421_055
        assert f"review:1:{partner}" in state.schedule  # the lead is asked to review it
    finally:
        with suppress(RPCError):
            await handle.terminate("the test is over")
