"""Role boundaries: the coordinator sees every bid, a lead only its own, a partner only its
task; anyone else gets a clear 401/403/404 and nothing is recorded."""

from datetime import timedelta

from models import bid_answers as a
from tests.helpers import wait_until
from tests.web.support import CSRF, audit_count, to_drafting, to_partner_signup
from tests.workflows.bid_steps import ANSWERS
from web.auth import SESSION_COOKIE


async def test_a_lead_acts_on_its_own_bid_but_cannot_touch_another(web, time_skipping_env):
    bid_a = await web.start_bid()
    bid_b = await web.start_bid()
    await to_partner_signup(bid_a, invite=())
    await to_partner_signup(bid_b, invite=())
    lead_a = web.as_lead(bid_a.org("alpha"))

    own = await lead_a.get(f"/console/bids/{bid_a.handle.id}")
    assert own.status_code == 200 and "Invite partners from the directory" in own.text
    invite = {"csrf_token": CSRF, "nonce": "i1", "organisation_id": bid_a.org("beta")}
    done = await lead_a.post(f"/console/bids/{bid_a.handle.id}/invite_partners", data=invite)
    assert done.status_code == 303
    assert (await bid_a.state()).partners[bid_a.org("beta")].status == "invited"

    other = await lead_a.get(f"/console/bids/{bid_b.handle.id}")
    assert other.status_code == 403
    invite_b = {**invite, "organisation_id": bid_b.org("beta")}
    refused = await lead_a.post(f"/console/bids/{bid_b.handle.id}/invite_partners", data=invite_b)
    assert refused.status_code == 403 and "Only the lead body of this bid" in refused.text
    api = await lead_a.post(
        f"/api/bids/{bid_b.handle.id}/actions/invite_partners",
        json={"organisation_ids": [bid_b.org("beta")]},
        headers={"X-CSRF-Token": CSRF},
    )
    assert api.status_code == 403
    assert (await lead_a.get(f"/api/bids/{bid_b.handle.id}")).status_code == 403
    assert (await bid_b.state()).partners.keys() == {bid_b.org("alpha")}
    assert await audit_count(web.sessions, bid_b.handle.id, "partner_invited") == 0


async def test_only_the_coordinator_may_take_coordinator_actions(web):
    bid = await web.start_bid()
    await to_partner_signup(bid, invite=())
    lead = web.as_lead(bid.org("alpha"))
    form = {"csrf_token": CSRF, "submission_deadline": "2030-01-01"}
    response = await lead.post(f"/console/bids/{bid.handle.id}/move_deadline", data=form)
    assert response.status_code == 403 and "Only the coordinator" in response.text
    assert (await lead.get("/dashboard")).status_code == 403
    assert (await web.as_partner().get("/dashboard")).status_code == 401
    partner = web.as_lead(bid.org("beta"))  # a member who leads nothing
    assert (await partner.get(f"/console/bids/{bid.handle.id}")).status_code == 403

    coordinator = web.as_coordinator()
    cancel = {"csrf_token": CSRF, "nonce": "c1", "reason": "The funder withdrew the call."}
    done = await coordinator.post(f"/console/bids/{bid.handle.id}/cancel", data=cancel)
    assert done.status_code == 303
    assert (await bid.state()).stage == "cancelled"


async def test_the_api_enforces_roles_csrf_and_input(web):
    bid = await web.start_bid()
    await to_partner_signup(bid, invite=())
    url = f"/api/bids/{bid.handle.id}/actions/invite_partners"
    body = {"organisation_ids": [bid.org("beta")]}

    assert (await web.as_partner().get("/api/bids")).status_code == 401
    assert (await web.as_partner().post(url, json=body)).status_code == 401
    lead = web.as_lead(bid.org("alpha"))
    assert (await lead.post(url, json=body)).status_code == 403  # a cookie and no CSRF header
    listed = await lead.get("/api/bids")
    assert [b["id"] for b in listed.json()] == [bid.handle.id]

    headers = {"X-CSRF-Token": CSRF}
    assert (
        await lead.post(url, json={"organisation_ids": "x"}, headers=headers)
    ).status_code == 422
    assert (await lead.post(url[:-7] + "nonsense", json={}, headers=headers)).status_code == 404
    missing = "/api/bids/no-such-bid/actions/invite_partners"
    assert (await lead.post(missing, json=body, headers=headers)).status_code == 404
    assert await audit_count(web.sessions, bid.handle.id, "partner_invited") == 0

    # A bearer session needs no CSRF header: another site cannot make a browser send one.
    mine = (await lead.get("/api/session")).json()
    assert mine["viewer"]["organisation_id"] == bid.org("alpha")
    bearer = {"Authorization": f"Bearer {mine['bearer']}"}
    client = web.as_partner()
    done = await client.post(url, json=body, headers={**bearer, "Idempotency-Key": "k1"})
    assert done.status_code == 200, done.text
    again = await client.post(url, json=body, headers={**bearer, "Idempotency-Key": "k1"})
    assert again.status_code == 200
    assert await audit_count(web.sessions, bid.handle.id, "partner_invited") == 1
    refused = await client.post(url, json={"organisation_ids": ["nobody"]}, headers=bearer)
    assert refused.status_code == 409 and refused.json()["detail"]
    state = (await client.get(f"/api/bids/{bid.handle.id}", headers=bearer)).json()
    assert state["partners"][bid.org("beta")]["status"] == "invited"


async def test_a_forged_session_cookie_is_no_session(web):
    web.as_partner().cookies.set(SESSION_COOKIE, "eyJlbWFpbCI6ImNvb3JkaW5hdG9yIn0.forged")
    assert (await web.client.get("/dashboard")).status_code == 401
    assert (await web.client.get("/api/bids")).status_code == 401


async def test_the_openapi_schema_lists_the_api(web):
    schema = (await web.as_partner().get("/openapi.json")).json()
    assert {"/api/bids", "/api/bids/{bid_id}", "/api/bids/{bid_id}/actions/{action}"} <= set(
        schema["paths"]
    )
    assert "/api/tasks/{token}" in schema["paths"]


async def test_the_dashboard_lists_overdue_bids_first_and_filters(web, time_skipping_env):
    overdue = await web.start_bid(deadline_days=90)
    waiting = await web.start_bid(deadline_days=60)
    await to_drafting(overdue, await time_skipping_env.get_current_time())
    # At the decision: the coordinator owes it, with no date (a lead in partner sign-up owes
    # its invitations by the sign-up's cut-off, and eleven days on that is overdue too).
    for name, answer in ANSWERS.items():
        await waiting.handle.execute_update(
            "express_interest", a.ExpressionOfInterest(actor=waiting.org(name), answer=answer)
        )
    await waiting.reach("decision")
    later = await time_skipping_env.get_current_time() + timedelta(days=11)

    async def eleven_days_on():
        return later

    web.app.state.services.clock = eleven_days_on
    coordinator = web.as_coordinator()

    async def shown() -> bool:  # the read model follows the workflow by an activity
        page = (await coordinator.get("/dashboard", params={"stage": "drafting"})).text
        return "OVERDUE: section" in page

    await wait_until(shown)
    # Other tests' bids share the database: the whole list, not only its first page.
    every = (await coordinator.get("/api/bids", params={"limit": 200})).json()
    listed = [b["id"] for b in every]
    assert listed.index(overdue.handle.id) < listed.index(waiting.handle.id)
    assert every[listed.index(overdue.handle.id)]["overdue"]
    drafting = (await coordinator.get("/dashboard", params={"stage": "drafting"})).text
    api = (await coordinator.get("/api/bids", params={"stage": "drafting"})).json()
    assert overdue.handle.id in [b["id"] for b in api]
    assert waiting.handle.id not in [b["id"] for b in api]
    assert overdue.handle.id in drafting and waiting.handle.id not in drafting
    by_funder = (await coordinator.get("/dashboard", params={"funder": "Big Lottery Fund"})).text
    assert overdue.handle.id in by_funder and waiting.handle.id in by_funder
    elsewhere = {"funder": "Big Lottery Fund", "locality": "Teesdale"}
    assert "No bids match" in (await coordinator.get("/dashboard", params=elsewhere)).text

    one = await coordinator.get(f"/dashboard/bids/{overdue.handle.id}")
    assert one.status_code == 200
    assert "partner invited" in one.text and "Review" not in one.text
    assert "E-mails sent" in one.text and "Join the consortium led by" in one.text
    assert "Beta Trust" in one.text and "Invite" in one.text
    ui = f"http://temporal-ui.test/namespaces/default/workflows/{overdue.handle.id}"
    assert ui in one.text
    assert (await coordinator.get("/dashboard/bids/no-such-bid")).status_code == 404


async def test_the_coordinator_decides_and_confirms_the_lead_from_the_dashboard(web):
    bid = await web.start_bid()
    for name, answer in (("alpha", "lead"), ("beta", "partner"), ("gamma", "partner")):
        await bid.handle.execute_update(
            "express_interest", a.ExpressionOfInterest(actor=bid.org(name), answer=answer)
        )
    await bid.handle.execute_update(
        "express_interest",
        a.ExpressionOfInterest(actor=bid.org("delta"), answer="not_this_time"),
    )
    await bid.reach("decision")
    coordinator = web.as_coordinator()
    page = await coordinator.get(f"/dashboard/bids/{bid.handle.id}")
    assert "Bid or no bid?" in page.text
    url = f"/console/bids/{bid.handle.id}"
    scores = {"fit": "4", "capacity": "4", "value_for_effort": "3", "eligibility": "5"}
    bad = {"csrf_token": CSRF, "go": "yes", **scores, "fit": "9"}
    assert (await coordinator.post(f"{url}/decide_bid", data=bad)).status_code == 422
    go = {"csrf_token": CSRF, "nonce": "d1", "go": "yes", **scores, "reasons": "Good fit"}
    assert (await coordinator.post(f"{url}/decide_bid", data=go)).status_code == 303
    await bid.reach("lead_selection")
    page = await coordinator.get(f"/dashboard/bids/{bid.handle.id}")
    assert "Confirm lead body" in page.text and "Alpha Trust (score" in page.text
    lead = {"csrf_token": CSRF, "nonce": "l1", "organisation_id": bid.org("alpha")}
    assert (await coordinator.post(f"{url}/choose_lead", data=lead)).status_code == 303
    assert (await bid.reach("partner_signup")).lead_id == bid.org("alpha")
