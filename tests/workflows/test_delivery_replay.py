"""Recorded contract and event histories replay on today's code: a change that would break a
running contract (they run for years) or event fails here. Refresh them after an intended,
patched change with `RECORD_HISTORIES=1 pytest tests/workflows/test_contract.py
tests/web/test_events.py` (README, "Changing a running workflow")."""

import asyncio
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from workflows.contract import ContractWorkflow
from workflows.event import EventWorkflow

FOLDER = Path(__file__).resolve().parent.parent / "histories"
HISTORIES = sorted([*FOLDER.glob("contract_*.json"), *FOLDER.glob("event_*.json")])


def test_histories_are_recorded_for_a_contract_and_an_event():
    names = {path.stem for path in HISTORIES}
    assert {"contract_first_period", "contract_close_out", "event_lifecycle"} <= names


@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: p.stem)
async def test_a_recorded_contract_or_event_history_replays(path: Path):
    replayer = Replayer(
        workflows=[ContractWorkflow, EventWorkflow], data_converter=pydantic_data_converter
    )
    history = WorkflowHistory.from_json(path.stem, await asyncio.to_thread(path.read_text))
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, result.replay_failure
