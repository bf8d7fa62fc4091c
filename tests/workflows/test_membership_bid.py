"""The directory feeding a bid's circulation list: members admitted, made associate,
suspended at their insurance's expiry and signposted through MembershipWorkflow; then a real
BidWorkflow circulates its notice to the active members only."""

import uuid
from contextlib import suppress
from datetime import timedelta

import pytest
from temporalio.service import RPCError

from models.bid import BidInput
from models.framework import Framework
from models.opportunity import OpportunityNotice
from tests.helpers import wait_until
from tests.workflows.test_membership import membership_worker, new_org, ready_proforma, today
from workflows.bid import BidWorkflow


@pytest.fixture
def env(time_skipping_env):
    """This module's own time-skipping server (see conftest)."""
    return time_skipping_env


async def test_a_bids_notice_goes_to_active_members_and_not_to_suspended_or_signposted(
    env, settings, sessions, task_queue, mailbox
):
    tag = uuid.uuid4().hex[:8]
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
            for name in ("full", "associate"):  # the notice goes out from a child workflow
                await wait_until(lambda name=name: _got_notice(mailbox, orgs[name], tag))
            await wait_until(lambda: _idle(bid))
        finally:
            await _terminate_tree(env, bid)

    assert set(state.members) == {orgs["full"], orgs["associate"]}
    assert state.members[orgs["associate"]].status == "associate"
    for name in ("lapsing", "signposted"):
        assert not _got_notice(mailbox, orgs[name], tag)


def _got_notice(mailbox, org: str, tag: str) -> bool:
    subjects = [m["Subject"] for m in mailbox.to(f"ann@{org}.example.org")]
    return any(f"Family Hubs {tag}" in s for s in subjects)


async def _idle(handle) -> bool:
    """Waiting on a timer only. The time-skipping server keeps its clock locked for an
    activity that was running when its workflow was terminated, stalling later skips."""
    raw = (await handle.describe()).raw_description
    return not raw.pending_activities and not raw.pending_children


async def _terminate_tree(env, handle) -> None:
    """Children first: one left running with no worker would hold the skipped clock."""
    with suppress(RPCError):
        description = await handle.describe()
        for child in description.raw_description.pending_children:
            await _terminate_tree(env, env.client.get_workflow_handle(child.workflow_id))
        await handle.terminate("the test is over")


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
