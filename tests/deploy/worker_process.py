"""`python worker.py` as production runs it: a process of its own, pointed by its environment
at the test's servers and task queue, its output kept in a log file."""

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from settings import Settings

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE = ("DATABASE_URL", "TEMPORAL_ADDRESS", "TEMPORAL_TASK_QUEUE", "SMTP_HOST", "SMTP_PORT")


class WorkerProcess:
    def __init__(
        self,
        settings: Settings,
        temporal_address: str,
        task_queue: str,
        log: Path,
        **more_env: str,
    ) -> None:
        env = {k: v for k, v in os.environ.items() if k not in OUTSIDE}
        env.update(
            DATABASE_URL=settings.database_url.get_secret_value(),
            TEMPORAL_ADDRESS=temporal_address,
            TEMPORAL_TASK_QUEUE=task_queue,
            SMTP_HOST=settings.smtp_host or "",
            SMTP_PORT=str(settings.smtp_port),
            SMTP_TIMEOUT_SECONDS=str(settings.smtp_timeout_seconds),
            PUBLIC_URL=settings.public_url,
            SECRET_KEY=settings.secret_key.get_secret_value(),
            COORDINATOR_EMAIL=settings.coordinator_email,
            PYTHONUNBUFFERED="1",
            **more_env,
        )
        self.log = log
        with log.open("ab") as output:
            self.process = subprocess.Popen(
                [sys.executable, str(ROOT / "worker.py")],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    async def polling(self, within: float = 60) -> None:
        """Until the worker says it polls its task queue."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while "polling task queue" not in self.output():
            assert self.process.poll() is None, self.output()
            assert loop.time() < deadline, f"the worker did not start:\n{self.output()}"
            await asyncio.sleep(0.2)

    async def exit_code(self, within: float) -> int:
        return await asyncio.to_thread(self.process.wait, within)

    def kill(self) -> None:
        """Stop it for good, if it still runs: the end of a test."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
