"""The JSON API's view of a bid is `BidPublic`: what the lead and the coordinator act on,
without anyone's e-mail address (the bid's state holds every member's, in the circulation
list, the partners, the schedule of reminders). The lead's console shows no addresses, so
neither does the API; the coordinator reads them on the dashboard, not here."""

from datetime import timedelta

from tests.web.support import CSRF, MEMBERS, to_drafting


def _addresses(bid) -> list[str]:
    return [bid.email(name) for name in MEMBERS] + [bid.coordinator, bid.local_authority]


async def test_the_api_bid_view_gives_no_addresses_to_the_lead_or_the_coordinator(
    web, time_skipping_env
):
    bid = await web.start_bid()
    now = await time_skipping_env.get_current_time()
    await to_drafting(bid, now)
    state = await bid.state()
    assert state.members and state.schedule  # the state holds the addresses the view leaves out
    url = f"/api/bids/{bid.handle.id}"

    for viewer in (web.as_lead(bid.org("alpha")), web.as_coordinator()):
        response = await viewer.get(url)
        assert response.status_code == 200, response.text
        for address in _addresses(bid):
            assert address not in response.text
        assert "@" not in response.text
        view = response.json()
        assert view["title"] == bid.notice.title and view["stage"] == "drafting"
        assert view["partners"][bid.org("beta")]["status"] == "accepted"
        assert view["partners"][bid.org("beta")]["name"] == "Beta Trust"
        assert view["sections"]["summary"]["assigned_to"] == bid.org("beta")
        assert view["deadlines"]["submission"]
        owed = {(t["kind"], t["key"]) for t in view["outstanding"]}
        assert {("section", "summary"), ("section", "delivery")} <= owed

    # An action's result is the bid's summary: no addresses either.
    lead = web.as_lead(bid.org("alpha"))
    due = (now + timedelta(days=12)).isoformat()
    body = {"assignments": [{"section": "summary", "organisation_id": bid.org("beta"), "due": due}]}
    done = await lead.post(
        f"{url}/actions/assign_sections", json=body, headers={"X-CSRF-Token": CSRF}
    )
    assert done.status_code == 200, done.text
    assert done.json()["result"]["sections"]["summary"] == "assigned"
    assert "@" not in done.text


async def test_the_openapi_schema_names_bid_public_and_not_the_state(web):
    schema = (await web.as_partner().get("/openapi.json")).json()
    ok = schema["paths"]["/api/bids/{bid_id}"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["$ref"].endswith("/BidPublic")
    components = schema["components"]["schemas"]
    assert "BidPublic" in components and "BidState" not in components
    assert not any("email" in field for field in components["BidPublic"]["properties"])
