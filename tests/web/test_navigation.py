"""Every page a signed-in person can use is one click from the navigation, and opens."""

import re
import uuid

from tests.web.support import Web
from tests.workflows.bid_support import add_members


async def links_in_nav(client, start: str) -> list[str]:
    page = await client.get(start)
    [nav] = re.findall(r"<nav>(.*?)</nav>", page.text, re.S)
    return re.findall(r'href="(/[^"]*)"', nav)


async def test_the_coordinators_navigation_reaches_every_coordinator_page(web: Web):
    coordinator = web.as_coordinator()
    links = await links_in_nav(coordinator, "/dashboard")
    for page in (
        "/dashboard",
        "/opportunities",
        "/framework",
        "/directory",
        "/feeds",
        "/contracts",
        "/events",
    ):
        assert page in links
    for link in links:
        if link.startswith("/sign-out"):
            continue
        opened = await coordinator.get(link)
        assert opened.status_code == 200, (link, opened.status_code)


async def test_a_leads_navigation_reaches_its_bids_contracts_and_calendar(web: Web, sessions):
    tag = uuid.uuid4().hex[:8]
    orgs = await add_members(sessions, tag, "Health", {"alpha": {"lead": True}})
    lead = web.as_lead(orgs["alpha"])
    links = await links_in_nav(lead, "/console")
    assert {"/console", "/contracts", "/calendar"} <= set(links)
    for link in ("/contracts", "/calendar"):
        assert (await lead.get(link)).status_code == 200, link
