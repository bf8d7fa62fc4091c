"""1,000 live bids on one machine, each with 20 partners invited and not yet answering.

Reports the worker's peak memory (a separate `python worker.py` process, as in production),
the Temporal event-history size per bid, and the coordinator dashboard's list query time
(p50, p99) over those bids in PostgreSQL; the baseline of the same run is printed with them.

`python -m bench.scale [--bids N] [--partners N] [--in-flight N]`
"""

import argparse
import asyncio
import subprocess
import threading
import time
import uuid
from datetime import timedelta

import psutil
from sqlalchemy import func, select

from bench import baseline
from bench.drive import Driver, add_cohort
from bench.stack import Stack, bench_stack, machine, percentile, spawn
from models.tables import Bid, BidPartner
from web.bid_list import list_bids


class PeakMemory(threading.Thread):
    """Samples a process's resident memory (with its children) every 0.2 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.process, self.peak, self.running = psutil.Process(pid), 0, True

    def run(self) -> None:
        while self.running:
            try:
                rss = self.process.memory_info().rss
            except psutil.Error:
                return
            self.peak = max(self.peak, rss)
            time.sleep(0.2)


def start_worker(stack: Stack, queue: str, cache: int | None) -> subprocess.Popen:
    env = {} if cache is None else {"WORKER_CACHED_WORKFLOWS": str(cache)}
    return spawn(stack, queue, ["worker.py"], **env)


async def measure(
    stack: Stack,
    bids: int = 1000,
    partners: int = 20,
    in_flight: int = 1000,
    window: float = 300,
    base: dict | None = None,
    cache: int | None = None,
) -> dict:
    """`window`: the seconds each bid takes expressions of interest. Every lead must answer
    within it, so it grows with the number of bids started at once."""
    base = base or await baseline.measure(stack.client, workflows=100, updates=200)
    queue = f"scale-{uuid.uuid4()}"
    cohort = await add_cohort(stack, partners)
    worker = start_worker(stack, queue, cache)
    memory = PeakMemory(worker.pid)
    memory.start()
    idle_rss = 0
    try:
        await asyncio.sleep(3)
        idle_rss = memory.peak
        driver = Driver(stack.client, queue, cohort, sections=6, read_model=stack.sessions)
        limit = asyncio.Semaphore(in_flight)

        failures: list[str] = []

        async def one() -> None:
            async with limit:
                handle = await driver.start(interest_window=timedelta(seconds=window))
                try:
                    await driver.to_partner_signup(handle, everyone_answers=False)
                except Exception as error:  # counted and reported: one bid must not end the run
                    failures.append(f"{handle.id}: {type(error).__name__}: {error}")

        started = time.perf_counter()
        progress = asyncio.create_task(_progress(stack, started))
        await asyncio.gather(*(one() for _ in range(bids)))
        drive_s = time.perf_counter() - started
        # The invitations' chases and e-mails run on after the Updates returned: the list is
        # timed over bids at rest, as a coordinator opens the dashboard on an ordinary day
        # (or, if the worker is still busy after 30 minutes, with it busy, and said so).
        settle_s = await asyncio.to_thread(_until_quiet, worker.pid)
        progress.cancel()
        sizes = [
            len((await stack.client.get_workflow_handle(i).fetch_history()).events)
            for i in driver.ids
        ]
        async with stack.sessions() as session:
            outstanding = await session.scalar(
                select(func.count())
                .select_from(BidPartner)
                .where(BidPartner.status == "invited", BidPartner.bid_id.in_(driver.ids))
            )
        samples = []
        for _ in range(200):
            t = time.perf_counter()
            page = await list_bids(stack.sessions)  # the dashboard's first page
            samples.append((time.perf_counter() - t) * 1000)
    finally:
        memory.running = False
        worker.terminate()
        worker.wait(timeout=30)
    return {
        **base,
        "bids": bids,
        "failures": failures,
        "worker_cache": cache,
        "partners": partners,
        "drive_s": drive_s,
        "settle_s": settle_s,
        "resends": driver.resends,
        "longest_update_s": driver.longest_update_s,
        "longest_by_update": driver.longest_by_update,
        "outstanding_invitations": outstanding,
        "listed": page.total,
        "page": len(page.rows),
        "worker_idle_mib": idle_rss / 2**20,
        "worker_peak_mib": memory.peak / 2**20,
        "events_max": max(sizes),
        "events_mean": sum(sizes) / len(sizes),
        "list_p50_ms": percentile(samples, 50),
        "list_p99_ms": percentile(samples, 99),
    }


def _until_quiet(pid: int, limit: float = 1800) -> float | None:
    """Seconds until the worker has used under 5% of a core for 3 s running; None if it was
    still at work after `limit` seconds."""
    process, started, quiet = psutil.Process(pid), time.perf_counter(), 0
    while quiet < 3:
        if time.perf_counter() - started > limit:
            return None
        quiet = quiet + 1 if process.cpu_percent(interval=1) < 5 else 0
    return time.perf_counter() - started


async def _progress(stack: Stack, started: float, every: float = 60) -> None:
    """A line a minute while the bids are driven: how many stand at each stage."""
    while True:
        await asyncio.sleep(every)
        async with stack.sessions() as session:
            rows = await session.execute(select(Bid.stage, func.count()).group_by(Bid.stage))
        stages = ", ".join(f"{stage} {n}" for stage, n in sorted(rows.all()))
        elapsed = time.perf_counter() - started
        print(f"  {elapsed:.0f} s: {stages or 'no bid stored yet'}", flush=True)


def _settled(seconds: float | None) -> str:
    if seconds is None:
        return "the worker was still at work when the list was timed"
    return f"the worker's background work done {seconds:.0f} s later"


def report(f: dict) -> None:
    baseline.report(f)
    if f["failures"]:
        print(f"{len(f['failures'])} bids did not reach partner sign-up; the first:")
        print(f"  {f['failures'][0]}")
    print(
        f"scale: {f['bids']} live bids x {f['partners']} partners invited: "
        f"{f['outstanding_invitations']} outstanding invitations in the read model "
        f"(driven in {f['drive_s']:.0f} s; {_settled(f['settle_s'])})"
    )
    print(
        f"  Updates: the longest took {f['longest_update_s']:.1f} s; {f['resends']} were sent "
        "again after the client's wait ran out (as a person would, on the web app's 503)"
    )
    longest = sorted(f["longest_by_update"].items(), key=lambda item: -item[1])
    print("  longest wait by Update: " + ", ".join(f"{n} {s:.1f} s" for n, s in longest))
    print(
        f"  worker memory: idle {f['worker_idle_mib']:.0f} MiB, peak {f['worker_peak_mib']:.0f} "
        f"MiB ({f['worker_peak_mib'] / 1024:.2f} GiB; target < 1 GiB; workflow cache "
        f"{f['worker_cache'] or 'default'})"
    )
    print(
        f"  history per bid: mean {f['events_mean']:.0f} events, max {f['events_max']} "
        f"(target < 10,000; Temporal's limit 51,200)"
    )
    print(
        f"  dashboard list of {f['listed']} bids ({f['page']} a page): "
        f"p50 {f['list_p50_ms']:.1f} ms, p99 "
        f"{f['list_p99_ms']:.1f} ms (target p99 < 50 ms; "
        f"{f['list_p99_ms'] / f['update_p99_ms']:.1f}x the Update p99)"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bids", type=int, default=1000)
    parser.add_argument("--partners", type=int, default=20)
    parser.add_argument("--in-flight", type=int, default=1000)
    parser.add_argument("--interest-window", type=float, default=300, help="seconds")
    parser.add_argument(
        "--worker-cache", type=int, default=None, help="WORKER_CACHED_WORKFLOWS for the worker"
    )
    args = parser.parse_args()
    print(f"machine: {machine()}")
    async with bench_stack() as stack:
        report(
            await measure(
                stack,
                args.bids,
                args.partners,
                args.in_flight,
                args.interest_window,
                cache=args.worker_cache,
            )
        )


if __name__ == "__main__":
    asyncio.run(main())
