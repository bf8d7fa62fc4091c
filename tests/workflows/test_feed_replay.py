"""Replay the recorded histories of a source's poll and a quarter's newsletter: today's
FeedWorkflow and NewsletterWorkflow must make the same decisions, or runs in flight would fail
on deploy. To record them again after a deliberate change:
RECORD_HISTORIES=1 pytest tests/web/test_feeds.py."""

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from workflows.feed import FeedWorkflow
from workflows.newsletter import NewsletterWorkflow

HISTORIES = Path(__file__).resolve().parents[1] / "histories"


@pytest.mark.parametrize("name", ["feed_poll", "newsletter_quarter"])
async def test_a_recorded_poll_and_newsletter_replay_without_nondeterminism(name: str):
    history = WorkflowHistory.from_json(name, (HISTORIES / f"{name}.json").read_text())
    replayer = Replayer(
        workflows=[FeedWorkflow, NewsletterWorkflow], data_converter=pydantic_data_converter
    )
    result = await replayer.replay_workflow(history)
    assert result.replay_failure is None
    assert len(history.events) >= 10
