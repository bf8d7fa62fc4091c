"""Throughput with 1, 2 and 3 worker processes (`python worker.py`, as production runs them)
on one task queue, driving the same work each time: bids from notice to award, every stage.

For each count: bids completed per second and Updates per second, against one worker; the
CPU the workers used (in cores) and the machine's CPU, which say where it stops growing:
once the workers, the Temporal server and PostgreSQL together use every core, another worker
only shares them.

`python -m bench.workers [--workers 1,2,3] [--bids N] [--in-flight N] [--partners N]
[--sections N]`
"""

import argparse
import asyncio
import signal
import time
import uuid

import psutil
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest

from bench.drive import Driver, add_cohort
from bench.stack import Stack, bench_stack, machine, spawn


async def pollers(stack: Stack, queue: str) -> int:
    """Distinct worker processes polling the queue for workflow tasks."""
    answer = await stack.client.workflow_service.describe_task_queue(
        DescribeTaskQueueRequest(
            namespace=stack.client.namespace,
            task_queue=TaskQueue(name=queue),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        )
    )
    return len({p.identity for p in answer.pollers})


async def one_count(
    stack: Stack, count: int, bids: int, in_flight: int, partners: int, sections: int
) -> dict:
    queue = f"workers-{count}-{uuid.uuid4().hex[:8]}"
    cohort = await add_cohort(stack, partners)
    processes = [spawn(stack, queue, ["worker.py"]) for _ in range(count)]
    try:
        started = time.perf_counter()
        while await pollers(stack, queue) < count:
            assert all(p.poll() is None for p in processes), "a worker died while starting"
            assert time.perf_counter() - started < 120, "the workers did not start polling"
            await asyncio.sleep(0.5)
        watched = [psutil.Process(p.pid) for p in processes]
        cpu_before = [sum(w.cpu_times()[:2]) for w in watched]
        psutil.cpu_percent()  # starts the machine's count
        drivers = [Driver(stack.client, queue, cohort, sections) for _ in range(bids)]
        limit = asyncio.Semaphore(in_flight)

        async def run(driver: Driver) -> None:
            async with limit:
                await driver.full_lifecycle()

        started = time.perf_counter()
        await asyncio.gather(*(run(d) for d in drivers))
        wall = time.perf_counter() - started
        machine_cpu = psutil.cpu_percent()
        worker_cpu = [sum(w.cpu_times()[:2]) - b for w, b in zip(watched, cpu_before, strict=True)]
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            await asyncio.to_thread(process.wait, 60)
    return {
        "workers": count,
        "bids": bids,
        "wall_s": wall,
        "bids_per_s": bids / wall,
        "updates_per_s": sum(d.round_trips for d in drivers) / wall,
        "worker_cores": sum(worker_cpu) / wall,
        "busiest_worker_cores": max(worker_cpu) / wall,
        "machine_cpu_percent": machine_cpu,
    }


async def measure(
    stack: Stack,
    counts: tuple[int, ...] = (1, 2, 3),
    bids: int = 20,
    in_flight: int = 10,
    partners: int = 3,
    sections: int = 3,
) -> list[dict]:
    return [await one_count(stack, n, bids, in_flight, partners, sections) for n in counts]


def report(rows: list[dict]) -> None:
    first = rows[0]
    print(
        f"workers: {first['bids']} bids notice to award each round, "
        "the same work for every count of `python worker.py` processes"
    )
    print(
        "  workers | bids/s | Updates/s | x first | workers' CPU (cores) | "
        "busiest worker (cores) | machine CPU"
    )
    for r in rows:
        print(
            f"  {r['workers']:7} | {r['bids_per_s']:6.2f} | {r['updates_per_s']:9.1f} | "
            f"{r['bids_per_s'] / first['bids_per_s']:6.2f}x | {r['worker_cores']:20.2f} | "
            f"{r['busiest_worker_cores']:22.2f} | {r['machine_cpu_percent']:5.0f} %"
        )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", default="1,2,3", help="Counts to measure, e.g. 1,2,3.")
    parser.add_argument("--bids", type=int, default=20)
    parser.add_argument("--in-flight", type=int, default=10)
    parser.add_argument("--partners", type=int, default=3)
    parser.add_argument("--sections", type=int, default=3)
    args = parser.parse_args()
    counts = tuple(int(n) for n in args.workers.split(","))
    print(f"machine: {machine()}")
    async with bench_stack() as stack:
        rows = await measure(stack, counts, args.bids, args.in_flight, args.partners, args.sections)
        report(rows)


if __name__ == "__main__":
    asyncio.run(main())
