"""The floor this machine allows: a trivial workflow with one activity, and an Update round trip.

`python -m bench.baseline [--workflows N] [--updates N]`
"""

import argparse
import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.worker import Worker

from bench.stack import bench_stack, percentile


@activity.defn
async def ping(n: int) -> int:
    return n


@workflow.defn(sandboxed=False)
class PingWorkflow:
    @workflow.run
    async def run(self, n: int) -> int:
        return await workflow.execute_activity(
            ping, n, start_to_close_timeout=timedelta(seconds=30)
        )


@workflow.defn(sandboxed=False)
class IdleWorkflow:
    def __init__(self) -> None:
        self.touches = 0
        self.done = False

    @workflow.run
    async def run(self) -> int:
        await workflow.wait_condition(lambda: self.done)
        return self.touches

    @workflow.update
    def touch(self) -> int:
        self.touches += 1
        return self.touches

    @touch.validator
    def validate_touch(self) -> None:
        if self.done:
            raise ValueError("closed")

    @workflow.signal
    def finish(self) -> None:
        self.done = True


async def measure(
    client: Client, workflows: int = 200, updates: int = 200, concurrency: int = 50
) -> dict:
    queue = f"baseline-{uuid.uuid4()}"
    async with Worker(
        client,
        task_queue=queue,
        workflows=[PingWorkflow, IdleWorkflow],
        activities=[ping],
        max_concurrent_workflow_tasks=100,
    ):
        limit = asyncio.Semaphore(concurrency)

        async def one(i: int) -> None:
            async with limit:
                await client.execute_workflow(
                    PingWorkflow.run, i, id=f"{queue}-{i}", task_queue=queue
                )

        started = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(workflows)))
        elapsed = time.perf_counter() - started

        handle = await client.start_workflow(IdleWorkflow.run, id=f"{queue}-idle", task_queue=queue)
        samples = []
        for _ in range(updates):
            t = time.perf_counter()
            await handle.execute_update(IdleWorkflow.touch)
            samples.append((time.perf_counter() - t) * 1000)
        await handle.signal(IdleWorkflow.finish)
        await handle.result()
    return {
        "trivial_workflows": workflows,
        "trivial_workflows_per_s": workflows / elapsed,
        "trivial_workflow_ms": elapsed * 1000 / workflows * concurrency,
        "update_p50_ms": percentile(samples, 50),
        "update_p99_ms": percentile(samples, 99),
    }


async def updates_in_flight(client: Client, updates: int = 200, in_flight: int = 10) -> dict:
    """The bare Update round trip under the same load as a benchmark: `in_flight` idle
    workflows, each sent its share of `updates` one after another, all at once."""
    queue = f"baseline-{uuid.uuid4()}"
    samples: list[float] = []
    async with Worker(
        client, task_queue=queue, workflows=[IdleWorkflow], max_concurrent_workflow_tasks=100
    ):
        handles = [
            await client.start_workflow(IdleWorkflow.run, id=f"{queue}-{i}", task_queue=queue)
            for i in range(in_flight)
        ]

        async def send(handle, count: int) -> None:
            for _ in range(count):
                t = time.perf_counter()
                await handle.execute_update(IdleWorkflow.touch)
                samples.append((time.perf_counter() - t) * 1000)

        await asyncio.gather(*(send(h, updates // in_flight) for h in handles))
        for handle in handles:
            await handle.signal(IdleWorkflow.finish)
    return {
        "loaded_in_flight": in_flight,
        "loaded_update_p50_ms": percentile(samples, 50),
        "loaded_update_p99_ms": percentile(samples, 99),
    }


@asynccontextmanager
async def bare_update(client: Client) -> AsyncIterator[Callable[[], Awaitable[float]]]:
    """A bare Update to take between a benchmark's own calls, so that the baseline sees the
    same moment's load (the machine is shared): yields a call returning one round trip, ms."""
    queue = f"baseline-{uuid.uuid4()}"
    async with Worker(
        client, task_queue=queue, workflows=[IdleWorkflow], max_concurrent_workflow_tasks=100
    ):
        handle = await client.start_workflow(IdleWorkflow.run, id=f"{queue}-idle", task_queue=queue)

        async def one() -> float:
            t = time.perf_counter()
            await handle.execute_update(IdleWorkflow.touch)
            return (time.perf_counter() - t) * 1000

        try:
            yield one
        finally:
            await handle.signal(IdleWorkflow.finish)


def report(figures: dict) -> None:
    print(
        f"baseline: {figures['trivial_workflows_per_s']:.1f} trivial workflows/s "
        f"({figures['trivial_workflows']} workflows, 1 activity each)"
    )
    print(
        f"baseline: Update round trip p50 {figures['update_p50_ms']:.1f} ms, "
        f"p99 {figures['update_p99_ms']:.1f} ms"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workflows", type=int, default=200)
    parser.add_argument("--updates", type=int, default=200)
    args = parser.parse_args()
    async with bench_stack() as stack:
        report(await measure(stack.client, args.workflows, args.updates))


if __name__ == "__main__":
    asyncio.run(main())
