"""`consortia up` keeps the stack up: a worker or Temporal server that dies is started
again, after a backoff that grows while it keeps dying, and `up` says so."""

import asyncio
import re
import signal
import sys
import time
import uuid

import psutil

from deploy import supervisor
from deploy.supervisor import Supervisor
from tests.deploy.test_local import Up, run_notice


def pid_in(line: str) -> int:
    return int(re.search(r"pid (\d+)", line).group(1))


async def kill_and_see_restarted(up: Up, name: str) -> psutil.Process:
    [started] = [line for line in up.head if line.startswith(f"{name:<10} started")]
    psutil.Process(pid_in(started)).send_signal(signal.SIGKILL)
    restarted = await asyncio.to_thread(
        up.wait_for_line, lambda line: line.startswith(f"{name:<10} restarted"), 30
    )
    assert up.process.poll() is None, "".join(up.head)
    assert f"{name:<10} was killed by SIGKILL" in "".join(up.head)
    process = psutil.Process(pid_in(restarted))
    assert process.pid != pid_in(started) and process.is_running()
    return process


async def test_up_restarts_a_killed_worker_and_stays_up(tmp_path):
    up = Up(tmp_path)
    try:
        await asyncio.to_thread(up.wait_healthy)
        worker = await kill_and_see_restarted(up, "worker")
        assert "worker.py" in " ".join(worker.cmdline())
        # The new worker does the work: a notice goes out and its workflow completes.
        await asyncio.wait_for(run_notice(up.temporal, f"after-{uuid.uuid4()}"), timeout=60)

        await kill_and_see_restarted(up, "temporal")  # it resumes from its db file
        await asyncio.to_thread(up.green, 60)
        await asyncio.wait_for(run_notice(up.temporal, f"again-{uuid.uuid4()}"), timeout=60)
    finally:
        output = await asyncio.to_thread(up.interrupt)
    assert "worker     stopped" in output


def test_the_restart_delay_doubles_while_a_child_keeps_dying_and_resets_once_it_ran(
    tmp_path, monkeypatch, capsys
):
    # The policy's times, scaled down a hundredfold: 1 s doubling to 30 s is 0.01 s to 0.3 s.
    monkeypatch.setattr(supervisor, "FIRST_DELAY", 0.01)
    monkeypatch.setattr(supervisor, "MAX_DELAY", 0.04)
    monkeypatch.setattr(supervisor, "STEADY_SECONDS", 1.0)
    flag = tmp_path / "crash-quickly"
    flag.touch()
    # Dies at once while the flag is there; otherwise runs 1.5 s (past STEADY_SECONDS) first.
    crash = f"import os, sys, time; os.path.exists({str(flag)!r}) or time.sleep(1.5); sys.exit(3)"
    children = Supervisor(tmp_path, tmp_path)
    children.spawn("crasher", [sys.executable, "-c", crash], env={})
    delays = []
    try:
        while len(delays) < 6:
            children.supervise()
            out = capsys.readouterr().out
            delays += [float(d) for d in re.findall(r"restarting in ([\d.]+)s", out)]
            if len(delays) == 4:
                flag.unlink(missing_ok=True)  # the next time, it runs a while before it dies
            if len(delays) == 5:
                flag.touch()  # and then it dies at once again
            time.sleep(0.005)
    finally:
        children.stop()
    assert delays == [0.01, 0.02, 0.04, 0.04, 0.01, 0.02]
