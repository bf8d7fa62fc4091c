"""The directory feeding a bid's circulation list: members admitted, made associate,
suspended at their insurance's expiry and signposted through MembershipWorkflow; then a real
BidWorkflow circulates its notice to the active members only."""

import uuid
from contextlib import suppress
from datetime import timedelta

from temporalio.service import RPCError

from models.bid import BidInput
from models.framework import Framework
from models.opportunity import OpportunityNotice
from tests.helpers import wait_until
from tests.workflows.test_membership import membership_worker, new_org, ready_proforma, today
from workflows.bid import BidWorkflow


async def test_a_bids_notice_goes_to_active_members_and_not_to_suspended_or_signposted(
    time_skipping_search_attributes, settings, sessions, task_queue, mailbox
):
    env, tag = time_skipping_search_attributes, uuid.uuid4().hex[:8]
    theme = f"family-support-{tag}"
    framework = Framework(themes=[theme])
    async with membership_worker(env, settings, sessions, task_queue, framework) as members:
        day = await today(env)
        orgs = {name: new_org() for name in ("full", "associate", "lapsing", "signposted")}
        base = {"themes": [theme], "locality": "Easington", "localities_served": ["Easington"]}
        changes = {
            "full": {},
            "associate": {"track_record": []},
            "lapsing": {"insurance_expires": day + timedelta(days=3)},
            "signposted": {"dbs_checks": False},
        }
        for name, org in orgs.items():
            await members.submit(org, ready_proforma(org, day, **base, **changes[name]))
        await env.sleep(timedelta(days=4))  # the lapsing member's insurance expires
        await wait_until(lambda: _status_is(members, orgs["lapsing"], "suspended"))

        bid = await _start_bid(env, task_queue, tag, theme)
        try:
            await wait_until(lambda: _circulated(bid))
            state = await bid.query(BidWorkflow.state)
        finally:
            with suppress(RPCError):
                await bid.terminate("the test is over")

    assert set(state.members) == {orgs["full"], orgs["associate"]}
    assert state.members[orgs["associate"]].status == "associate"
    title = f"Family Hubs {tag}"
    for name in ("full", "associate"):
        subjects = [m["Subject"] for m in mailbox.to(f"ann@{orgs[name]}.example.org")]
        assert any(title in s for s in subjects), subjects
    for name in ("lapsing", "signposted"):
        subjects = [m["Subject"] for m in mailbox.to(f"ann@{orgs[name]}.example.org")]
        assert not any(title in s for s in subjects), subjects


async def _status_is(members, org: str, status: str) -> bool:
    return (await members.state(org)).status == status


async def _start_bid(env, task_queue: str, tag: str, theme: str):
    now = await env.get_current_time()
    notice = OpportunityNotice(
        id=f"opp-{tag}",
        funder="Durham County Council",
        title=f"Family Hubs {tag}",
        themes=[theme],
        localities=["Easington"],
        submission_deadline=now + timedelta(days=60),
        interest_cutoff=now + timedelta(days=14),
    )
    bid_input = BidInput(
        bid_id=f"bid-{tag}", notice=notice, coordinator_email=f"coordinator-{tag}@example.org"
    )
    return await env.client.start_workflow(
        BidWorkflow.run, bid_input, id=bid_input.bid_id, task_queue=task_queue
    )


async def _circulated(bid) -> bool:
    state = await bid.query(BidWorkflow.state)
    return any(e.action == "notice_circulated" for e in state.timeline)
