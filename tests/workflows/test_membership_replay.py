"""Replay recorded membership histories: today's MembershipWorkflow must make the same
decisions, or running memberships would fail on deploy. Signposted, resubmitted, reminded,
suspended at expiry, reinstated, overridden, (the second recording) framework adopted, left.

To record it again after a deliberate change: RECORD_HISTORIES=1 pytest this file.
"""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from models.membership import Leave, Override
from tests.helpers import wait_until
from tests.workflows.test_membership import membership_worker, new_org, ready_proforma, today
from workflows.membership import MembershipWorkflow


@pytest.fixture
def env(time_skipping_env):
    """This module's own time-skipping server (see conftest)."""
    return time_skipping_env


HISTORIES = Path(__file__).resolve().parents[1] / "histories"
# Each recording is kept: today's code must replay the older ones too.
RECORDED = {path.name: path.read_text() for path in sorted(HISTORIES.glob("membership_*.json"))}
LATEST = HISTORIES / "membership_lifecycle_2.json"


@pytest.mark.parametrize("name", list(RECORDED))
async def test_a_recorded_membership_replays_without_nondeterminism(name: str):
    history = WorkflowHistory.from_json("membership-recorded", RECORDED[name])
    replayer = Replayer(workflows=[MembershipWorkflow], data_converter=pydantic_data_converter)

    result = await replayer.replay_workflow(history)

    assert result.replay_failure is None
    assert len(history.events) > 50


def test_both_recordings_are_there():
    assert list(RECORDED) == ["membership_lifecycle.json", LATEST.name]


@pytest.mark.skipif(not os.environ.get("RECORD_HISTORIES"), reason="records on request only")
async def test_record_the_membership_history(env, settings, sessions, task_queue, mailbox):
    org = new_org()
    async with membership_worker(env, settings, sessions, task_queue) as members:
        day = await today(env)
        short = ready_proforma(org, day, dbs_checks=False)
        ready = ready_proforma(org, day, insurance_expires=day + timedelta(days=45))
        assert (await members.submit(org, short)).outcome == "signposted"
        await env.sleep(timedelta(days=29))  # the reminder to resubmit
        assert (await members.submit(org, ready)).outcome == "full"
        await env.sleep(timedelta(days=20))  # renewal reminders, then the lapse
        await wait_until(lambda: _status(members, org, "suspended"))
        renewed = ready.model_copy(update={"insurance_expires": day + timedelta(days=400)})
        assert (await members.update(org, renewed)).outcome == "full"
        await members.override(org, Override(status="associate", reason="lead bid went wrong"))
        await members.adopt_framework(org)
        await members.leave(org, Leave(reason="closing down"))
        await members.handle(org).result()
        history = await members.handle(org).fetch_history()
    LATEST.write_text(history.to_json())


async def _status(members, org: str, status: str) -> bool:
    return (await members.state(org)).status == status
