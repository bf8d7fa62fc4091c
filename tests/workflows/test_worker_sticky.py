"""`WORKER_STICKY_TIMEOUT_SECONDS`: how long a bid's workflow task waits for the worker that has
the bid in memory before the server hands it to any worker (which replays the bid). Its effect
under load is measured by `bench.scale`, which counts the bids' timed-out workflow tasks
(bench/RESULTS.md); here, that the worker is built with it and that a bad value is refused."""

import asyncio
import os
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from settings import Settings
from worker import build_worker


async def test_the_worker_waits_for_its_cached_bids_tasks_as_long_as_the_setting_says(
    dev_env, settings, sessions, task_queue
):
    these = settings.model_copy(update={"worker_sticky_timeout_seconds": 45.0})
    worker = build_worker(dev_env.client, these, sessions, task_queue=task_queue)
    assert worker.config()["sticky_queue_schedule_to_start_timeout"] == timedelta(seconds=45)


@pytest.mark.parametrize("value", ["0", "-5", "601", "soon"])
def test_a_sticky_timeout_out_of_range_or_not_a_number_is_refused_by_name(monkeypatch, value):
    monkeypatch.setenv("WORKER_STICKY_TIMEOUT_SECONDS", value)
    with pytest.raises(ValidationError, match="worker_sticky_timeout_seconds"):
        Settings(_env_file=None)  # type: ignore[call-arg]


ROOT = Path(__file__).resolve().parents[2]


async def test_a_worker_started_with_a_bad_sticky_timeout_stops_with_one_line_naming_it():
    env = {
        **os.environ,
        "WORKER_STICKY_TIMEOUT_SECONDS": "0",
        # Refused too; no value is repeated (another setting could hold a password).
        "MAIL_TASK_QUEUE": "bad queue!",
        "DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:9/none",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "worker.py",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 1
    message = err.decode()
    assert message.count("\n") == 1 and "Traceback" not in message, message
    assert message.startswith("worker: a setting is not valid: ")
    assert "WORKER_STICKY_TIMEOUT_SECONDS: Input should be greater than or equal to 1" in message
    assert "MAIL_TASK_QUEUE:" in message and "bad queue!" not in message
