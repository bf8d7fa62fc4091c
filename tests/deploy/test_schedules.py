"""`consortia up` runs the newsletter's Temporal Schedule and a poller's for each configured
source (as `temporal schedule list` shows them), and `consortia opportunity import` imports
a package into the running system (imported twice, changing nothing the second time:
tests/activities/test_ocds_import.py)."""

import json
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from deploy.schedules import ensure_schedules
from models.feeds import FeedSourceConfig
from tests.activities.ocds_packages import release_package, tender
from tests.conftest import binary
from tests.deploy.test_local import Up

CONSORTIA = str(Path(sys.executable).parent / "consortia")


def schedules(temporal_port: int) -> str:
    listed = subprocess.run(
        [binary("temporal"), "schedule", "list", "--address", f"127.0.0.1:{temporal_port}"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    return listed.stdout


def cli_env(up: Up) -> dict[str, str]:
    """The exports `consortia up` printed for the command line."""
    line = up.wait_for_line(lambda line: "export TEMPORAL_ADDRESS=" in line, within=10)
    env = {}
    for pair in line.split("export", 1)[1].split():
        name, _, value = pair.partition("=")
        env[name] = value.strip("'")
    return env


def test_up_schedules_the_newsletter_and_each_source_and_imports_a_package(tmp_path, monkeypatch):
    name = f"cf-{uuid.uuid4().hex[:6]}"
    source = {"name": name, "url": "https://www.contractsfinder.example/ocds", "interval": "PT6H"}
    monkeypatch.setenv("FEED_SOURCES", json.dumps([source]))
    up = Up(tmp_path)
    try:
        up.wait_healthy()
        env = {**cli_env(up), "PATH": str(Path(sys.executable).parent)}
        env |= {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(up.smtp)}  # to tell the coordinator
        deadline, listed = time.monotonic() + 60, ""
        while time.monotonic() < deadline:  # the worker creates them as it starts
            listed = schedules(up.temporal)
            if "newsletter" in listed and f"feed-{name}" in listed:
                break
            time.sleep(1)
        assert "newsletter" in listed and f"feed-{name}" in listed, listed

        now = datetime.now(UTC)
        package = tmp_path / "notices.json"
        ocid = f"ocds-cli-{name}"
        package.write_text(json.dumps(release_package(tender(ocid, "1", now, now + timedelta(40)))))
        imported = subprocess.run(
            [CONSORTIA, "opportunity", "import", str(package)],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            cwd=tmp_path,
        )
    finally:
        up.interrupt()
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith("1 imported, 0 already held, 0 refused"), imported.stdout
    assert f"{ocid} 1: " in imported.stdout  # and what it did with it


async def test_a_paused_schedule_stays_paused_when_a_worker_starts_again(dev_client, settings):
    name = f"cf-{uuid.uuid4().hex[:6]}"
    source = FeedSourceConfig(name=name, url="https://example.invalid/", interval="PT1H")
    first = settings.model_copy(update={"feed_sources": [source]})
    assert f"feed-{name}" in await ensure_schedules(dev_client, first)
    handle = dev_client.get_schedule_handle(f"feed-{name}")
    await handle.pause(note="the source is down for maintenance")

    later = source.model_copy(update={"interval": timedelta(hours=6)})
    await ensure_schedules(dev_client, settings.model_copy(update={"feed_sources": [later]}))
    described = await handle.describe()
    assert described.schedule.state.paused
    assert described.schedule.spec.intervals[0].every == timedelta(hours=6)
    await handle.delete()
