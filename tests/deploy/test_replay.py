"""`consortia replay`, the rollout's gate: the histories of running bids, pulled from a real
Temporal server by query, replay against this code; against a change made without a patch,
they do not, and the gate says which bid."""

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import starter
from deploy.replay import replay_running
from models.bid import BidInput
from models.opportunity import OpportunityNotice
from tests.deploy.changed_bid import UnpatchedBidWorkflow
from tests.deploy.worker_process import ROOT
from tests.helpers import wait_until
from tests.workflows.bid_support import add_members, bid_worker

MEMBERS = {"alpha": {"lead": True}, "beta": {}}


async def test_the_replay_gate_passes_running_bids_on_this_code_and_fails_an_unpatched_change(
    dev_env, settings, sessions, task_queue
):
    client = dev_env.client
    orgs = await add_members(sessions, task_queue[-8:], f"theme-{task_queue}", MEMBERS)
    now = datetime.now(UTC)
    notice = OpportunityNotice(
        id=f"opp-{task_queue[-8:]}",
        funder="Big Lottery Fund",
        title="Improving Futures",
        themes=[f"theme-{task_queue}"],
        submission_deadline=now + timedelta(days=60),
        interest_cutoff=now + timedelta(days=7),
    )
    bid = BidInput(bid_id=f"bid-{task_queue}", notice=notice, coordinator_email="c@example.org")
    async with bid_worker(dev_env, settings, sessions, task_queue):
        handle = await starter.start_bid(client, bid, task_queue)
        await wait_until(lambda: circulated(client, bid.bid_id))
        await starter.send_answer(
            client, bid.bid_id, "express-interest", {"actor": orgs["alpha"], "answer": "lead"}
        )
        # The Temporal UI's list line, set at start: the opportunity, no person.
        described = await handle.describe()
        assert await described.static_summary() == (
            f"Improving Futures (Big Lottery Fund), due {notice.submission_deadline:%d %b %Y}"
        )

    query = f"WorkflowId='{bid.bid_id}'"
    await wait_until(lambda: listed(client, query), within=15)  # visibility catches up
    env = dict(os.environ, TEMPORAL_ADDRESS=client.service_client.config.target_host)
    gate = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "cli", "replay", "--query", query],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert gate.returncode == 0, gate.stderr
    assert "replayed 1 histories" in gate.stdout and "0 failed" in gate.stdout

    report = await replay_running(client, query, workflows=[UnpatchedBidWorkflow])
    assert report.replayed == 1
    assert list(report.failures) == [bid.bid_id]
    assert "nondetermin" in report.failures[bid.bid_id].lower()
    await handle.terminate("the test is over")


async def circulated(client, bid_id: str) -> bool:
    state = await starter.show_bid(client, bid_id)
    return any(e.action == "notice_circulated" for e in state.timeline)


async def listed(client, query: str) -> bool:
    return (await client.count_workflows(query)).count == 1
