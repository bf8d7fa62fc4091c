"""Hostile input in paths and query strings: a NUL, an id too long or odd, a number past a
PostgreSQL bigint. Each gets a clear 4xx that says what was wrong; and anything the app did
not foresee is a plain 500 with a reference, logged, never a crash page."""

import logging

import pytest
from fastapi import APIRouter

from tests.web.support import CSRF

HUGE = "9223372036854775758"  # a bigint's largest value, less 49: offset + limit overflows it


async def test_a_nul_in_a_filter_or_a_path_is_a_clear_4xx(web):
    coordinator = web.as_coordinator()
    for url in (
        "/api/bids?stage=%00",
        "/api/bids?funder=a%00b",
        "/api/bids?locality=%00",
        "/api/bids/a%00b",
        "/dashboard?stage=%00",
        "/dashboard?funder=a%00b",
        "/dashboard/bids/a%00b",
        "/console/bids/a%00b/attachments/1",
    ):
        response = await coordinator.get(url)
        assert response.status_code in (400, 422), url
        assert "\x00" not in response.text, url
    bid = await web.start_bid()  # its members are real organisations, one of them a lead
    lead = web.as_lead(bid.org("alpha"))
    assert (await lead.get("/console/bids/a%00b")).status_code == 400
    assert (await lead.get("/api/bids?stage=%00")).status_code == 422
    coordinator = web.as_coordinator()
    posted = await coordinator.post(
        "/api/bids/a%00b/actions/cancel", json={"reason": "x"}, headers={"X-CSRF-Token": CSRF}
    )
    assert posted.status_code in (404, 422)
    page = await coordinator.get("/dashboard", params={"stage": "\x00"})
    assert page.status_code == 422 and "Please check your answer" in page.text


async def test_an_offset_past_a_bigint_is_a_clear_4xx_on_every_list(web):
    coordinator = web.as_coordinator()
    for url in (f"/api/bids?offset={HUGE}", f"/dashboard?offset={HUGE}"):
        response = await coordinator.get(url)
        assert response.status_code == 422, url
        assert "offset" in response.text, url
    bid = await web.start_bid()
    lead = web.as_lead(bid.org("alpha"))
    assert (await lead.get(f"/console?offset={HUGE}")).status_code == 422
    assert (await lead.get(f"/api/bids?offset={HUGE}")).status_code == 422
    coordinator = web.as_coordinator()
    assert (await coordinator.get("/api/bids?limit=0")).status_code == 422
    # The largest offset the list takes still answers, with an empty page.
    last = await coordinator.get("/api/bids", params={"offset": 1_000_000, "limit": 200})
    assert last.status_code == 200 and last.json() == []
    download = f"/console/bids/bid-x/attachments/{HUGE}0"
    assert (await coordinator.get(download)).status_code == 400  # a page: "cannot be used"


async def test_an_id_too_long_or_of_odd_characters_is_refused_before_any_lookup(web):
    coordinator = web.as_coordinator()
    long_id = "b" * 101
    for url in (f"/api/bids/{long_id}", "/api/bids/a%20b", f"/api/bids/{long_id}/actions/cancel"):
        response = await coordinator.get(url)
        assert response.status_code in (405, 422), url  # the action takes a POST only
    # A page's address: the same words as for a link changed or cut short.
    for url in (f"/dashboard/bids/{long_id}", "/console/bids/a%20b", "/task/a%20b"):
        response = await coordinator.get(url)
        assert response.status_code == 400, url
        assert "This link cannot be used" in response.text, url
    start = await coordinator.post(
        "/api/opportunities/" + "o" * 65 + "/bids", headers={"X-CSRF-Token": CSRF}
    )
    assert start.status_code == 422
    task = await web.as_partner().get("/api/tasks/" + "t" * 5000)
    assert task.status_code == 422
    page = await web.as_partner().get("/task/" + "t" * 5000)
    assert page.status_code == 400 and "This link cannot be used" in page.text


@pytest.fixture
def broken_routes(web):
    """Two routes with a bug, added to the real app: the last-resort handler's only callers."""
    router = APIRouter()

    @router.get("/api/test-bug")
    @router.get("/test-bug")
    async def bug() -> None:
        raise RuntimeError("a bug nobody foresaw, with a secret: hunter2")

    web.app.include_router(router)
    return web


async def test_an_unforeseen_error_is_a_plain_500_with_a_reference_and_is_logged(
    broken_routes, caplog
):
    client = broken_routes.as_partner()
    with caplog.at_level(logging.ERROR, logger="web.errors"):
        api = await client.get("/api/test-bug")
        page = await client.get("/test-bug")
    assert api.status_code == 500 and page.status_code == 500
    detail = api.json()["detail"]
    assert "Something went wrong" in detail and "nothing was lost" in detail
    reference = api.json()["reference"]
    assert reference in detail
    assert "Something went wrong" in page.text and "nothing was lost" in page.text
    assert "hunter2" not in api.text and "hunter2" not in page.text  # no internals shown
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and logged[0].exc_info is not None  # the traceback, under the reference
    assert api.headers["x-content-type-options"] == "nosniff"  # the security headers too
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
