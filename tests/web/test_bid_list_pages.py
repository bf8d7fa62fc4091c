"""The bid list as people see it, a page at a time: the dashboard's previous and next links
keep its filters, the lead's console pages its own bids, and the API bounds `limit`."""

import html
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

import database
from settings import Settings
from tests.web.list_support import NOW, add_bid, days, fresh_database, task
from web.app import create_app
from web.auth import SESSION_COOKIE, Viewer, session_value

PAGED = 60  # bids from "Paged Fund", more than a page of 50


@dataclass
class Site:
    """The app on a database of its own, at a fixed time, and a client to sign in with."""

    client: httpx.AsyncClient
    settings: Settings

    def as_viewer(self, viewer: Viewer) -> httpx.AsyncClient:
        self.client.cookies.clear()
        self.client.cookies.set(SESSION_COOKIE, session_value(self.settings, viewer))
        return self.client

    def as_coordinator(self) -> httpx.AsyncClient:
        return self.as_viewer(Viewer(email=self.settings.coordinator_email, role="coordinator"))


@pytest.fixture(scope="module")
async def site(postgres, settings) -> AsyncIterator[Site]:
    own = await fresh_database(postgres, settings)
    engine = database.make_engine(own)
    async with database.make_sessions(engine)() as session, session.begin():
        for n in range(PAGED):
            owed = [task("section", "beta", days(n - 5), key="summary")]  # 5 are overdue
            await add_bid(
                session,
                f"paged-{n:02d}",
                deadline=days(n + 1),
                outstanding=owed,
                funder="Paged Fund",
            )
        await add_bid(session, "other", deadline=days(3), outstanding=[], lead="gamma")
    await engine.dispose()
    app = create_app(own)

    async def now():
        return NOW

    app.state.services.clock = now
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield Site(client, own)
    await app.state.services.engine.dispose()


def link(page: str, rel: str) -> str | None:
    found = re.search(rf'<a rel="{rel}" href="([^"]*)"', page)
    return html.unescape(found.group(1)) if found else None


def listed(page: str) -> list[str]:
    return re.findall(r'data-bid="([^"]+)"', page)


async def test_the_dashboard_pages_through_the_bids_keeping_its_filters(site):
    browser = site.as_coordinator()
    first = (await browser.get("/dashboard", params={"funder": "Paged Fund"})).text
    assert "Showing 1–50 of 60" in first
    assert listed(first) == [f"paged-{n:02d}" for n in range(50)]  # the 5 overdue lead
    assert link(first, "prev") is None
    assert link(first, "next") == "/dashboard?funder=Paged+Fund&offset=50"

    second = (await browser.get(link(first, "next"))).text
    assert "Showing 51–60 of 60" in second
    assert listed(second) == [f"paged-{n:02d}" for n in range(50, 60)]
    assert link(second, "next") is None
    assert link(second, "prev") == "/dashboard?funder=Paged+Fund"

    everything = (await browser.get("/dashboard")).text
    assert "Showing 1–50 of 61" in everything
    assert link(everything, "next") == "/dashboard?offset=50"
    assert (await browser.get("/dashboard", params={"offset": -1})).status_code == 422


async def test_a_lead_sees_only_its_own_bids_in_its_console(site):
    lead = site.as_viewer(Viewer(email="g@example.org", role="lead", organisation_id="gamma"))
    page = (await lead.get("/console")).text
    assert re.findall(r'href="/console/bids/([^"]+)"', page) == ["other"]
    assert "Showing 1–1 of 1" in page and link(page, "next") is None


async def test_the_api_pages_the_list_within_bounds(site):
    api = site.as_coordinator()
    response = await api.get("/api/bids", params={"funder": "Paged Fund", "limit": 5, "offset": 3})
    assert response.status_code == 200
    assert [b["id"] for b in response.json()] == [f"paged-{n:02d}" for n in range(3, 8)]
    assert [b["overdue"] for b in response.json()] == [True, True, False, False, False]
    assert response.headers["X-Total-Count"] == "60"
    assert len((await api.get("/api/bids")).json()) == 50  # the default page
    assert len((await api.get("/api/bids", params={"limit": 200})).json()) == 61

    for bad in ({"limit": 0}, {"limit": 1000}, {"limit": 201}, {"offset": -1}):
        refused = await api.get("/api/bids", params=bad)
        assert refused.status_code == 422, bad
