"""Starting a bid from an opportunity: a lead from the console, the coordinator by the API;
once per opportunity; nobody else. The bid keeps every term of the notice."""

import uuid
from datetime import UTC, datetime, timedelta

from activities.bids import BidStoreActivities
from models.opportunity import OpportunityNotice
from models.tables import Opportunity
from tests.helpers import wait_until
from tests.web.support import CSRF
from tests.workflows.bid_support import add_members


async def opportunity(sessions, env, theme: str, cutoff_days: int = 7, **terms) -> str:
    now = await env.get_current_time()
    opp_id = f"opp-{uuid.uuid4().hex[:8]}"
    async with sessions() as session, session.begin():
        session.add(
            Opportunity(
                id=opp_id,
                funder="County Council",
                title=f"Early Help {opp_id}",
                themes=[theme],
                localities=["Easington"],
                submission_deadline=now + timedelta(days=60),
                interest_cutoff=now + timedelta(days=cutoff_days),
                required_sections=["summary"],
                **{"min_partners": 1, **terms},
            )
        )
    return opp_id


async def test_a_lead_starts_a_bid_once_and_the_notice_goes_out(
    web, time_skipping_env, sessions, mailbox
):
    tag = uuid.uuid4().hex[:8]
    orgs = await add_members(sessions, tag, f"theme-{tag}", {"alpha": {"lead": True}, "beta": {}})
    opp_id = await opportunity(sessions, time_skipping_env, f"theme-{tag}")

    beta = web.as_lead(orgs["beta"])  # a member not willing to lead
    refused = await beta.post(f"/console/opportunities/{opp_id}/start", data={"csrf_token": CSRF})
    assert refused.status_code == 403

    lead = web.as_lead(orgs["alpha"])
    started = await lead.post(f"/console/opportunities/{opp_id}/start", data={"csrf_token": CSRF})
    assert started.status_code == 303 and f"bid-{opp_id}" in started.headers["location"]
    await wait_until(lambda: mailbox.to(f"{orgs['beta']}@example.org"))
    twice = await lead.post(f"/console/opportunities/{opp_id}/start", data={"csrf_token": CSRF})
    assert twice.status_code == 409 and "already under way" in twice.text
    # Cancelled, not terminated: a workflow ended mid-activity would hold the time-skipping
    # server's clock for the tests after this one.
    cancel = {"csrf_token": CSRF, "reason": "The test is over."}
    done = await lead.post(f"/console/bids/bid-{opp_id}/cancel", data=cancel)
    assert done.status_code == 403  # alpha is not yet the bid's lead body
    coordinator = web.as_coordinator()
    assert (
        await coordinator.post(f"/console/bids/bid-{opp_id}/cancel", data=cancel)
    ).status_code == 303
    await time_skipping_env.client.get_workflow_handle(f"bid-{opp_id}").result()


async def test_the_coordinator_starts_a_bid_by_the_api_and_bad_requests_fail_clearly(
    web, time_skipping_env, sessions
):
    closed = await opportunity(sessions, time_skipping_env, "none", cutoff_days=-1)
    coordinator = web.as_coordinator()
    headers = {"X-CSRF-Token": CSRF}
    missing = await coordinator.post("/api/opportunities/no-such/bids", headers=headers)
    assert missing.status_code == 404
    late = await coordinator.post(f"/api/opportunities/{closed}/bids", headers=headers)
    assert late.status_code == 409 and "cut-off" in late.json()["detail"]
    anonymous = await web.as_partner().post(f"/api/opportunities/{closed}/bids")
    assert anonymous.status_code == 401


async def test_a_bid_started_from_the_web_keeps_the_notices_allow_fewer_partners(
    web, time_skipping_env, sessions
):
    opp_id = await opportunity(
        sessions, time_skipping_env, "none", min_partners=3, allow_fewer_partners=True
    )
    coordinator = web.as_coordinator()
    started = await coordinator.post(
        f"/console/opportunities/{opp_id}/start", data={"csrf_token": CSRF}
    )
    assert started.status_code == 303
    handle = time_skipping_env.client.get_workflow_handle(f"bid-{opp_id}")
    notice = (await handle.query("state")).get("notice")
    assert notice["min_partners"] == 3 and notice["allow_fewer_partners"] is True
    cancel = {"csrf_token": CSRF, "reason": "The test is over."}
    assert (
        await coordinator.post(f"/console/bids/bid-{opp_id}/cancel", data=cancel)
    ).status_code == 303
    await handle.result()


async def test_an_opportunity_saved_from_a_notice_keeps_allow_fewer_partners(sessions):
    # A bid started by the CLI registers its notice's opportunity (save_opportunity): a bid
    # started from the web later reads the term back from that row.
    tag = uuid.uuid4().hex[:8]
    notice = OpportunityNotice(
        id=f"opp-{tag}",
        funder="County Council",
        title="Early Help",
        interest_cutoff=datetime(2027, 1, 4, 9, tzinfo=UTC),
        submission_deadline=datetime(2027, 3, 4, 9, tzinfo=UTC),
        min_partners=2,
        allow_fewer_partners=True,
    )
    await BidStoreActivities(sessions).save_opportunity(notice)
    async with sessions() as session:
        row = await session.get(Opportunity, notice.id)
    assert row.allow_fewer_partners is True
