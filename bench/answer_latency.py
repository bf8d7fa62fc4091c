"""A partner's answer through the HTTP API until the coordinator's read model shows it.

Bids wait in partner sign-up with every partner invited; each partner accepts with
`POST /api/tasks/{token}` on the web app (uvicorn, a separate process, as in production),
and the clock stops when the `bid_partners` row the dashboard reads says "accepted".
p50 and p99 under load (many answers in flight), against the bare Update round trip.
Answering starts once the invitations' background work is done (their prompts are mailed,
as they are before anyone can answer): what is timed is the answer, not the mail queue.

`--direct` sends the same Update from this script instead of the web app (what the HTTP hop
costs); `--profile DIR` samples the worker and the web app with py-spy while the answers run.

`python -m bench.answer_latency [--bids N] [--partners N] [--in-flight N] [--direct]
[--profile DIR]`
"""

import argparse
import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.api.enums.v1 import EventType

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
    until_drained,
)
from models.bid_answers import InvitationAnswer
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


def start_profile(pid: int, out: Path) -> subprocess.Popen:
    """py-spy sampling `pid` (100 Hz, without pausing it) until stopped, as collapsed stacks."""
    out.parent.mkdir(parents=True, exist_ok=True)
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    argv = [spy, "record", "--pid", str(pid), "--rate", "100", "--nonblocking"]
    argv += ["--format", "raw", "--output", str(out)]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def measure(
    stack: Stack,
    bids: int = 10,
    partners: int = 20,
    in_flight: int = 10,
    base: dict | None = None,
    direct: bool = False,
    profile: Path | None = None,
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
            handle = await driver.start(interest_window=timedelta(seconds=10))
            await driver.to_partner_signup(handle, everyone_answers=False)
            return handle.id

        bid_ids = await asyncio.gather(*(prepare() for _ in range(bids)))
        settled = time.perf_counter()
        settle_s = await until_drained(stack, queue, bid_ids, limit=600)
        settle_s = time.perf_counter() - settled if settle_s is not None else None
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
        latencies, posts, bare = [], [], []
        limit = asyncio.Semaphore(in_flight)
        shown = ReadModelWatch(stack.sessions, _accepted, every=0.002)
        async with (
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http,
            baseline.bare_update(stack.client) as bare_update,
        ):
            await _wait_for(http)

            async def answer(bid_id: str, org: str, token: str) -> None:
                async with limit:
                    # A bare Update just before each answer: the baseline under the same load
                    # at the same moment (others' work on this machine comes and goes).
                    bare.append(await bare_update())
                    started = time.perf_counter()
                    if direct:
                        handle = stack.client.get_workflow_handle(bid_id)
                        answer = InvitationAnswer(actor=org, accept=True)
                        await handle.execute_update("answer_invitation", answer)
                    else:
                        response = await http.post(f"/api/tasks/{token}", json={"accept": "yes"})
                        response.raise_for_status()
                    posts.append((time.perf_counter() - started) * 1000)
                    await shown.until((bid_id, org))
                    latencies.append((time.perf_counter() - started) * 1000)

            spies = []
            if profile is not None:
                spies = [
                    start_profile(worker.pid, profile / "worker.txt"),
                    start_profile(web.pid, profile / "web.txt"),
                ]
                await asyncio.sleep(1)  # py-spy attached
            answering = time.perf_counter()
            cpu_before = _cpu(worker.pid), _cpu(web.pid)
            await asyncio.gather(*(answer(*a) for a in answers))
            answering_s = time.perf_counter() - answering
            cpu = [(_cpu(p.pid) - b) for p, b in zip((worker, web), cpu_before, strict=True)]
            for spy in spies:
                spy.send_signal(signal.SIGINT)
                spy.wait(timeout=60)
        tasks = await _answer_tasks(stack, bid_ids)
    finally:
        for process in (web, worker):
            process.terminate()
            process.wait(timeout=30)
    return {
        **tasks,
        **base,
        "answers": len(latencies),
        "in_flight": in_flight,
        "direct": direct,
        "settle_s": settle_s,
        "answering_s": answering_s,
        "worker_cpu_ms_per_answer": cpu[0] * 1000 / max(len(latencies), 1),
        "web_cpu_ms_per_answer": cpu[1] * 1000 / max(len(latencies), 1),
        "post_p50_ms": percentile(posts, 50),
        "post_p99_ms": percentile(posts, 99),
        "bare_p50_ms": percentile(bare, 50),
        "bare_p99_ms": percentile(bare, 99),
        "answer_p50_ms": percentile(latencies, 50),
        "answer_p99_ms": percentile(latencies, 99),
    }


async def _answer_tasks(stack: Stack, bid_ids: list[str]) -> dict:
    """Where an answer's time goes, from the bids' histories: the workflow task that accepted
    each answer's Update waited `queued` in the task queue (scheduled to started) and took
    `worker` in the worker (started to completed: the validator, the handler and the local
    activity writing the read model); then the audit activity, off the answer's path."""
    queued, worked, audit = [], [], []
    for bid_id in bid_ids:
        history = await stack.client.get_workflow_handle(bid_id).fetch_history()
        times: dict[int, float] = {}
        task: tuple[int, int] | None = None  # the last workflow task: (scheduled, started)
        for e in history.events:
            at = e.event_time.ToDatetime().timestamp() * 1000
            times[e.event_id] = at
            kind = e.event_type
            if kind == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
                a = e.workflow_task_completed_event_attributes
                task = (a.scheduled_event_id, a.started_event_id)
            elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED and task:
                update = e.workflow_execution_update_accepted_event_attributes
                name = update.accepted_request.input.name
                if name == "answer_invitation":
                    scheduled, started = task
                    queued.append(times[started] - times[scheduled])
                    worked.append(times[task[1] + 1] - times[started])
            elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
                a = e.activity_task_completed_event_attributes
                audit.append(at - times[a.scheduled_event_id])
    if not queued:
        return {}
    return {
        "task_queued_p50_ms": percentile(queued, 50),
        "task_queued_p99_ms": percentile(queued, 99),
        "task_worker_p50_ms": percentile(worked, 50),
        "task_worker_p99_ms": percentile(worked, 99),
        "audit_p50_ms": percentile(audit, 50) if audit else 0.0,
    }


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
    how = "the Update sent from here" if f["direct"] else "HTTP API"
    alone = "the Update alone" if f["direct"] else "the POST alone"
    print(
        f"answer latency: {f['answers']} partner answers, {f['in_flight']} in flight, "
        f"{how} to the dashboard's read model: p50 {f['answer_p50_ms']:.1f} ms, "
        f"p99 {f['answer_p99_ms']:.1f} ms ({alone}: p50 {f['post_p50_ms']:.1f}, "
        f"p99 {f['post_p99_ms']:.1f} ms)"
    )
    settled = "not within 600 s" if f["settle_s"] is None else f"{f['settle_s']:.1f} s"
    print(
        f"  the invitations' mail done before answering: {settled}; answering took "
        f"{f['answering_s']:.1f} s, CPU per answer: worker {f['worker_cpu_ms_per_answer']:.1f} "
        f"ms, web app {f['web_cpu_ms_per_answer']:.1f} ms"
    )
    if "task_worker_p50_ms" in f:
        print(
            f"  the answer's workflow task: queued p50 {f['task_queued_p50_ms']:.1f} / p99 "
            f"{f['task_queued_p99_ms']:.1f} ms, in the worker (handler and read-model write) "
            f"p50 {f['task_worker_p50_ms']:.1f} / p99 {f['task_worker_p99_ms']:.1f} ms; the "
            f"audit activity after it, scheduled to done, p50 {f['audit_p50_ms']:.1f} ms"
        )
    print(
        f"  ratio to the bare Update round trip: p50 "
        f"{f['answer_p50_ms'] / f['update_p50_ms']:.1f}x, p99 "
        f"{f['answer_p99_ms'] / f['update_p99_ms']:.1f}x (target p99 within 4x; goal 2x)"
    )
    print(
        f"  the bare Update interleaved with the answers (one just before each): p50 "
        f"{f['bare_p50_ms']:.1f} ms, p99 {f['bare_p99_ms']:.1f} ms; the answer is p50 "
        f"{f['answer_p50_ms'] / f['bare_p50_ms']:.1f}x, p99 "
        f"{f['answer_p99_ms'] / f['bare_p99_ms']:.1f}x that"
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
    parser.add_argument(
        "--direct", action="store_true", help="send the Update from here, not through the web app"
    )
    parser.add_argument(
        "--profile", type=Path, default=None, help="py-spy the worker and the web app into DIR"
    )
    args = parser.parse_args()
    print(f"machine: {machine()}")
    async with bench_stack() as stack:
        figures = await measure(
            stack,
            args.bids,
            args.partners,
            args.in_flight,
            direct=args.direct,
            profile=args.profile,
        )
        report(figures)


if __name__ == "__main__":
    asyncio.run(main())
