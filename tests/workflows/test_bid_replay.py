"""Recorded bid histories replay on today's workflow code: a change that would break a
running bid fails here (guard such changes with `workflow.patched`). Refresh the histories
with `RECORD_HISTORIES=1 pytest tests/workflows/test_bid_*.py` after an intended change, and
keep the old one under a new name: `bid_happy_path_before_award_prompt.json` is a bid recorded
before the `award-prompt` patch, and must still replay (as must the `_before_local_store_writes`
and `_before_prompt_answers` ones)."""

import asyncio
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from workflows.bid import BidWorkflow
from workflows.bid_mailing import MailingWorkflow
from workflows.bid_task import ChaseWorkflow

HISTORIES = sorted((Path(__file__).resolve().parent.parent / "histories").glob("bid_*.json"))


def test_histories_are_recorded_for_the_bid_and_its_children():
    names = {path.stem for path in HISTORIES}
    assert {"bid_happy_path", "bid_chase_section", "bid_mailing_circulate"} <= names


@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: p.stem)
async def test_a_recorded_bid_history_replays_without_nondeterminism(path: Path):
    replayer = Replayer(
        workflows=[BidWorkflow, ChaseWorkflow, MailingWorkflow],
        data_converter=pydantic_data_converter,
    )
    history = WorkflowHistory.from_json(path.stem, await asyncio.to_thread(path.read_text))
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, result.replay_failure
