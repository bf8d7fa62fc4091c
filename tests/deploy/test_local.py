"""`consortia up` as a newcomer runs it: the whole stack green, the demo's consortium at work,
Ctrl-C stops it, data survives."""

import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from html import unescape
from pathlib import Path

import httpx
import psutil
import pytest
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.contrib.pydantic import pydantic_data_converter

from deploy.dev_server import DEV_SERVER_CONFIG, dev_server_args
from models.notice import NoticeInput
from settings import Settings
from tests.helpers import free_port, wait_until
from web.auth import Viewer, session_value
from workflows.notice import NoticeWorkflow

CONSORTIA = str(Path(sys.executable).parent / "consortia")
OUTSIDE_SERVICES = ("DATABASE_URL", "TEMPORAL_ADDRESS", "SMTP_HOST", "SMTP_PORT", "DEV_MAIL_DIR")


class Up:
    """One `consortia up` run in a subprocess, on free ports."""

    def __init__(self, state_dir: Path) -> None:
        self.web, self.temporal, self.smtp = free_port(), free_port(), free_port()
        env = {k: v for k, v in os.environ.items() if k not in OUTSIDE_SERVICES}
        self.process = subprocess.Popen(
            [
                CONSORTIA,
                "up",
                "--demo",
                "--state-dir",
                str(state_dir),
                "--port",
                str(self.web),
                "--temporal-port",
                str(self.temporal),
                "--smtp-port",
                str(self.smtp),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.head: list[str] = []  # its output up to the summary, read by wait_healthy

    def wait_healthy(self, within: float = 90) -> dict:
        """Until /healthz is green and `consortia up` has printed its summary: the web app can
        answer before `up` has seen it answer, and a Ctrl-C then falls inside the start."""
        health = self.green(within)
        self._wait_for_summary(within)
        return health

    def _wait_for_summary(self, within: float) -> None:
        self.wait_for_line(lambda line: line.startswith("The system is up"), within)

    def wait_for_line(self, wanted, within: float) -> str:
        """Read its output (kept in `head`) until a line `wanted` accepts; that line."""
        found: list[str] = []

        def read() -> None:
            for line in self.process.stdout:
                self.head.append(line)
                if wanted(line):
                    found.append(line)
                    return

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(within)
        assert found, "".join(self.head)
        return found[0]

    def green(self, within: float) -> dict:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.process.stdout.read()
            try:
                response = httpx.get(f"http://127.0.0.1:{self.web}/healthz", timeout=5)
                if response.status_code == 200:
                    return response.json()
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        pytest.fail(f"/healthz not 200 within {within}s")

    def interrupt(self, within: float = 30) -> str:
        descendants = psutil.Process(self.process.pid).children(recursive=True)
        self.process.send_signal(signal.SIGINT)
        rest, _ = self.process.communicate(timeout=within)
        output = "".join(self.head) + rest
        assert self.process.returncode == 0, output
        gone, alive = psutil.wait_procs(descendants, timeout=5)
        assert not alive, f"left running: {[p.pid for p in alive]}"
        return output


async def run_notice(temporal_port: int, workflow_id: str) -> Client:
    client = await Client.connect(
        f"127.0.0.1:{temporal_port}", data_converter=pydantic_data_converter
    )
    notice = NoticeInput(
        key=workflow_id,
        actor="coordinator",
        recipients=["a@example.org"],
        subject="Welcome",
        body="Welcome to the consortia framework.",
    )
    await client.execute_workflow(
        NoticeWorkflow.run, notice, id=workflow_id, task_queue="consortia"
    )
    return client


async def demo_at_work(up: Up) -> None:
    """`--demo` shows a consortium at work at first sight: bids at different stages on the
    coordinator's list (one overdue), and figures on the framework page that are not zero."""
    played = [line for line in up.head if line.startswith("demo ")]
    assert any("played to their stages" in line for line in played), played
    settings = Settings()  # the same environment, so the same secret and coordinator
    session = session_value(settings, Viewer(email=settings.coordinator_email, role="coordinator"))
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{up.web}", timeout=10) as http:
        bearer = {"Authorization": f"Bearer {session}"}
        listed: list[dict] = []

        async def one_overdue() -> bool:  # Family Hubs' section falls due seconds after loading
            listed[:] = (await http.get("/api/bids", headers=bearer)).json()
            return any(task["overdue"] for bid in listed for task in bid["outstanding"])

        await wait_until(one_overdue, within=60)
        http.cookies.set("session", session)
        framework = await http.get("/framework")
    stages = {bid["stage"] for bid in listed}
    assert len(listed) >= 4 and len(stages) >= 4, stages
    assert {"notice", "drafting", "la_signoff", "awarded"} <= stages
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", framework.text)))
    figures = re.search(r"(\d+) bids started · (\d+) submitted · (\d+) won · £([\d,]+) won", text)
    assert figures is not None, text[:2000]
    assert all(int(n.replace(",", "")) > 0 for n in figures.groups()), figures.group(0)


def test_the_dev_server_settings_are_ones_the_shipped_server_knows():
    """Temporal ignores a dynamic-config key it does not know: each of `consortia up`'s is
    found in the `temporal` binary it runs, and set to one partition a task queue."""
    binary = Path(shutil.which("temporal") or Path(sys.executable).parent / "temporal")
    known = binary.read_bytes()
    assert all(key.encode() in known for key in DEV_SERVER_CONFIG)
    assert b"matching.numTaskqueueReadPartitionz" not in known  # the check can fail
    assert dev_server_args() == [
        "--dynamic-config-value",
        "matching.numTaskqueueReadPartitions=1",
        "--dynamic-config-value",
        "matching.numTaskqueueWritePartitions=1",
    ]


async def test_up_serves_a_green_health_check_stops_on_ctrl_c_and_resumes(tmp_path):
    first = Up(tmp_path)
    started = time.monotonic()
    try:
        health = await asyncio.to_thread(first.wait_healthy)
        assert time.monotonic() - started < 120  # the demo's bids must not hold up `up` long
        await demo_at_work(first)
        # Its Temporal runs with one partition a task queue (deploy/dev_server.py).
        [server] = [
            p
            for p in psutil.Process(first.process.pid).children(recursive=True)
            if "start-dev" in p.cmdline()
        ]
        assert " ".join(dev_server_args()) in " ".join(server.cmdline())
        assert health == {
            "ok": True,
            "postgres": {"ok": True},
            "temporal": {"ok": True},
            "smtp": {"ok": True},
        }
        workflow_id = f"welcome-{uuid.uuid4()}"
        await run_notice(first.temporal, workflow_id)
        async with httpx.AsyncClient() as http:
            mail = await http.get(f"http://127.0.0.1:{first.web}/dev/mail", timeout=5)
        assert mail.status_code == 200 and "Welcome" in mail.text
    finally:
        output = await asyncio.to_thread(first.interrupt)
    assert "The system is up" in output and "web        stopped" in output

    second = Up(tmp_path)  # the same state folder: the same data, the same workflows
    try:
        await asyncio.to_thread(second.wait_healthy)
        client = await Client.connect(f"127.0.0.1:{second.temporal}")
        description = await client.get_workflow_handle(workflow_id).describe()
        assert description.status == WorkflowExecutionStatus.COMPLETED
    finally:
        await asyncio.to_thread(second.interrupt)
