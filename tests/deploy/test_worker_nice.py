"""`WORKER_NICE`: a worker that shares CPU cores with others (a mail worker beside the bids'
workers and the Temporal server) stands back by the OS's niceness, and still does its work.
What it buys under a burst is measured by `bench.scale --mail-nice` (bench/RESULTS.md)."""

import os
import uuid

import pytest
from pydantic import ValidationError

from models.notice import NoticeInput
from settings import Settings
from tests.deploy.worker_process import WorkerProcess
from tests.helpers import wait_until
from workflows.notice import NoticeWorkflow


async def test_a_worker_given_a_niceness_runs_at_it_says_so_and_still_sends_its_letters(
    dev_env, settings, mailbox, task_queue, tmp_path
):
    address = dev_env.client.service_client.config.target_host
    worker = WorkerProcess(settings, address, task_queue, tmp_path / "worker.log", WORKER_NICE="7")
    key, to = f"notice-{uuid.uuid4()}", f"member-{uuid.uuid4()}@example.org"
    try:
        await worker.polling()
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, worker.pid) == min(ours + 7, 19)
        await wait_until(lambda: "niceness" in worker.output(), within=10)
        handle = await dev_env.client.start_workflow(
            NoticeWorkflow.run,
            NoticeInput(key=key, actor="coordinator", recipients=[to], subject="AGM", body="3 May"),
            id=key,
            task_queue=task_queue,
        )
        await handle.result()
        assert [m["Subject"] for m in mailbox.to(to)] == ["AGM"]
    finally:
        worker.kill()


async def test_a_worker_without_the_setting_keeps_its_parent_s_niceness(
    dev_env, settings, task_queue, tmp_path
):
    address = dev_env.client.service_client.config.target_host
    worker = WorkerProcess(settings, address, task_queue, tmp_path / "worker.log")
    try:
        await worker.polling()
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, worker.pid) == ours
        assert "niceness" not in worker.output()
    finally:
        worker.kill()


@pytest.mark.parametrize("value", ["-1", "20", "low"])
def test_a_niceness_out_of_range_or_not_a_number_is_refused_by_name(monkeypatch, value):
    monkeypatch.setenv("WORKER_NICE", value)
    with pytest.raises(ValidationError, match="worker_nice"):
        Settings(_env_file=None)  # type: ignore[call-arg]
