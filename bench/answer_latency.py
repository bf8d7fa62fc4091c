"""A partner's answer through the HTTP API until the coordinator's read model shows it.

Bids wait in partner sign-up with every partner invited; each partner accepts with
`POST /api/tasks/{token}` on the web app (uvicorn, a separate process, as in production),
and the clock stops when the `bid_partners` row the dashboard reads says "accepted".
p50 and p99 under load (many answers in flight), against the bare Update round trip.

`python -m bench.answer_latency [--bids N] [--partners N] [--in-flight N]`
"""

import argparse
import asyncio
import subprocess
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from activities.task_links import sign_task_link
from bench import baseline
from bench.drive import Driver, add_cohort
from bench.stack import (
    ReadModelWatch,
    Stack,
    bench_stack,
    free_port,
    machine,
    percentile,
    spawn,
)
from models.tables import BidPartner
from models.task import TaskLink

SECRET = "bench-secret-key"


def start_web(stack: Stack, queue: str, port: int) -> subprocess.Popen:
    argv = ["-m", "uvicorn", "web.app:create_app", "--factory", "--port", str(port)]
    return spawn(stack, queue, argv, SECRET_KEY=SECRET)


async def _accepted(session: AsyncSession, waiting: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Of (bid, partner) pairs, those the dashboard's `bid_partners` rows show as accepted."""
    rows = await session.execute(
        select(BidPartner.bid_id, BidPartner.organisation_id).where(
            BidPartner.bid_id.in_({bid_id for bid_id, _ in waiting}),
            BidPartner.status == "accepted",
        )
    )
    return {tuple(row) for row in rows} & waiting


async def measure(
    stack: Stack, bids: int = 10, partners: int = 20, in_flight: int = 10, base: dict | None = None
) -> dict:
    base = base or await baseline.measure(stack.client, workflows=100, updates=200)
    base = {**base, **await baseline.updates_in_flight(stack.client, 200, in_flight)}
    queue, port = f"latency-{uuid.uuid4()}", free_port()
    cohort = await add_cohort(stack, partners)
    # The worker and the web app are processes of their own, as in production: neither shares
    # an event loop (or the interpreter lock) with this script's clients and its polling.
    web = start_web(stack, queue, port)
    worker = spawn(stack, queue, ["worker.py"], SECRET_KEY=SECRET)
    try:
        driver = Driver(stack.client, queue, cohort)

        async def prepare() -> str:
            handle = await driver.start(interest_window=timedelta(seconds=5))
            await driver.to_partner_signup(handle, everyone_answers=False)
            return handle.id

        bid_ids = await asyncio.gather(*(prepare() for _ in range(bids)))
        expires = datetime.now(UTC) + timedelta(days=1)
        answers = [
            (
                b,
                org,
                sign_task_link(
                    TaskLink(bid_id=b, organisation_id=org, kind="invitation", expires_at=expires),
                    SECRET,
                ),
            )
            for org in cohort.partners  # one answer per bid in turn: spread over the bids
            for b in bid_ids
        ]
        latencies, posts = [], []
        limit = asyncio.Semaphore(in_flight)
        shown = ReadModelWatch(stack.sessions, _accepted, every=0.002)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            await _wait_for(http)

            async def answer(bid_id: str, org: str, token: str) -> None:
                async with limit:
                    started = time.perf_counter()
                    response = await http.post(f"/api/tasks/{token}", json={"accept": "yes"})
                    response.raise_for_status()
                    posts.append((time.perf_counter() - started) * 1000)
                    await shown.until((bid_id, org))
                    latencies.append((time.perf_counter() - started) * 1000)

            await asyncio.gather(*(answer(*a) for a in answers))
    finally:
        for process in (web, worker):
            process.terminate()
            process.wait(timeout=30)
    return {
        **base,
        "answers": len(latencies),
        "in_flight": in_flight,
        "post_p50_ms": percentile(posts, 50),
        "post_p99_ms": percentile(posts, 99),
        "answer_p50_ms": percentile(latencies, 50),
        "answer_p99_ms": percentile(latencies, 99),
    }


async def _wait_for(http: httpx.AsyncClient) -> None:
    for _ in range(200):
        try:
            await http.get("/openapi.json")
            return
        except httpx.HTTPError:
            await asyncio.sleep(0.1)
    raise RuntimeError("the web app did not start")


def report(f: dict) -> None:
    baseline.report(f)
    print(
        f"answer latency: {f['answers']} partner answers, {f['in_flight']} in flight, "
        f"HTTP API to the dashboard's read model: p50 {f['answer_p50_ms']:.1f} ms, "
        f"p99 {f['answer_p99_ms']:.1f} ms (the POST alone: p50 {f['post_p50_ms']:.1f}, "
        f"p99 {f['post_p99_ms']:.1f} ms)"
    )
    print(
        f"  ratio to the bare Update round trip: p50 "
        f"{f['answer_p50_ms'] / f['update_p50_ms']:.1f}x, p99 "
        f"{f['answer_p99_ms'] / f['update_p99_ms']:.1f}x (target p99 within 2x)"
    )
    print(
        f"  the bare Update with {f['loaded_in_flight']} in flight too: p50 "
        f"{f['loaded_update_p50_ms']:.1f} ms, p99 {f['loaded_update_p99_ms']:.1f} ms; the answer "
        f"is p50 {f['answer_p50_ms'] / f['loaded_update_p50_ms']:.1f}x, p99 "
        f"{f['answer_p99_ms'] / f['loaded_update_p99_ms']:.1f}x that"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bids", type=int, default=10)
    parser.add_argument("--partners", type=int, default=20)
    parser.add_argument("--in-flight", type=int, default=10)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    async with bench_stack() as stack:
        report(await measure(stack, args.bids, args.partners, args.in_flight))


if __name__ == "__main__":
    asyncio.run(main())
