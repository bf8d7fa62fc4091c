"""Recorded bid histories replay on today's workflow code: a change that would break a
running bid fails here. How to make such a change safely is in the README ("Changing a
running workflow"): guard it with `workflow.patched`, keep the old history beside the new
one, and retire the patch on a schedule. Refresh the histories with
`RECORD_HISTORIES=1 pytest tests/workflows/test_bid_*.py` after an intended change."""

import asyncio
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer, UnsandboxedWorkflowRunner

from settings import Settings
from worker import workflow_runner
from workflows.bid import BidWorkflow
from workflows.mailing import MailingWorkflow

HISTORIES = sorted((Path(__file__).resolve().parent.parent / "histories").glob("bid_*.json"))


def test_histories_are_recorded_for_every_path_of_the_bid_and_its_mailing():
    names = {path.stem for path in HISTORIES}
    assert {
        "bid_happy_path",
        "bid_mailing_circulate",
        "bid_no_go",
        "bid_deadline_moved_then_lapsed",
        "bid_agreement_partner_removed",
        "bid_overdue_escalated",
    } <= names


@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: p.stem)
async def test_a_recorded_bid_history_replays_without_nondeterminism(path: Path):
    replayer = Replayer(
        workflows=[BidWorkflow, MailingWorkflow], data_converter=pydantic_data_converter
    )
    history = WorkflowHistory.from_json(path.stem, await asyncio.to_thread(path.read_text))
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, result.replay_failure


@pytest.mark.parametrize("sandbox", ["strict", "shared", "off"])
async def test_the_happy_path_replays_under_every_worker_sandbox_setting(sandbox: str):
    """Production workers run `WORKER_SANDBOX` (settings.py); the recorded bid replays under
    each runner it can choose, so a setting that broke the bid fails here."""
    settings = Settings(_env_file=None, worker_sandbox=sandbox)  # type: ignore[call-arg]
    runner = workflow_runner(settings)
    assert isinstance(runner, UnsandboxedWorkflowRunner) == (sandbox == "off")
    replayer = Replayer(
        workflows=[BidWorkflow, MailingWorkflow],
        data_converter=pydantic_data_converter,
        workflow_runner=runner,
    )
    path = next(p for p in HISTORIES if p.stem == "bid_happy_path")
    history = WorkflowHistory.from_json(path.stem, await asyncio.to_thread(path.read_text))
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, result.replay_failure
