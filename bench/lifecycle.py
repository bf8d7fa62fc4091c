"""What a full bid costs on Temporal: 10 partners, 6 sections, every stage, award.

Reports Temporal events per bid (the bid and its children), round trips against the minimum
the stages need, wall time per bid against that many bare Update round trips (the baseline,
measured in the same run), and bids completed per second with many in flight.

`python -m bench.lifecycle [--partners N] [--sections N] [--bids N] [--in-flight N]`
"""

import argparse
import asyncio
import time
import uuid

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.worker import Worker

from bench import baseline
from bench.drive import Driver, add_cohort, minimum_round_trips
from bench.stack import Stack, bench_stack, machine
from worker import WORKFLOWS, activities_for

CHILD_EVENTS = {
    EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
    EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED,
    EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED,
}


async def history_events(client: Client, workflow_id: str) -> tuple[int, int]:
    """Events of a workflow and of every child it started (recursively), and its child count."""
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    children = [
        e.child_workflow_execution_started_event_attributes.workflow_execution.workflow_id
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED
    ]
    total = len(history.events)
    for child in children:
        events, _ = await history_events(client, child)
        total += events
    return total, len(children)


async def measure(
    stack: Stack,
    partners: int = 10,
    sections: int = 6,
    bids: int = 20,
    in_flight: int = 10,
    base: dict | None = None,
) -> dict:
    base = base or await baseline.measure(stack.client, workflows=100, updates=200)
    queue = f"lifecycle-{uuid.uuid4()}"
    cohort = await add_cohort(stack, partners)
    async with Worker(
        stack.client,
        task_queue=queue,
        workflows=WORKFLOWS,
        activities=activities_for(stack.settings, stack.sessions),
        max_concurrent_activities=100,
    ):
        single = Driver(stack.client, queue, cohort, sections)
        started = time.perf_counter()
        await single.full_lifecycle()
        one_bid_s = time.perf_counter() - started
        own = (await stack.client.get_workflow_handle(single.ids[0]).fetch_history()).events
        parent_events = len(own)
        child_events_in_bid = sum(1 for e in own if e.event_type in CHILD_EVENTS)
        all_events, children = await history_events(stack.client, single.ids[0])

        many = [Driver(stack.client, queue, cohort, sections) for _ in range(bids)]
        limit = asyncio.Semaphore(in_flight)

        async def run(driver: Driver) -> None:
            async with limit:
                await driver.full_lifecycle()

        started = time.perf_counter()
        await asyncio.gather(*(run(d) for d in many))
        many_s = time.perf_counter() - started
    minimum = minimum_round_trips(partners, sections)
    floor_s = minimum * base["update_p50_ms"] / 1000
    return {
        **base,
        "partners": partners,
        "sections": sections,
        "round_trips": single.round_trips,
        "minimum_round_trips": minimum,
        "polls": single.polls,
        "events_bid": parent_events,
        "events_with_children": all_events,
        "child_events_in_bid": child_events_in_bid,
        "children": children,
        "one_bid_s": one_bid_s,
        "floor_s": floor_s,
        "bids": bids,
        "in_flight": in_flight,
        "bids_per_s": bids / many_s,
    }


def report(f: dict) -> None:
    baseline.report(f)
    print(f"lifecycle: {f['partners']} partners, {f['sections']} sections, every stage, award")
    children = f["children"]
    per_child = (f["events_with_children"] - f["events_bid"]) / children if children else 0
    print(
        f"  history: {f['events_bid']} events in the bid's own history, "
        f"{f['events_with_children']} with its {children} child workflows (the mailings: "
        f"{per_child:.1f} events each in their own histories; {f['child_events_in_bid']} "
        "events in the bid's history start them and hear they ended, besides the workflow "
        "tasks they wake)"
    )
    print(
        f"  round trips: {f['round_trips']} Updates/starts/results (minimum the stages need: "
        f"{f['minimum_round_trips']}), plus {f['polls']} state queries while waiting for stages"
    )
    print(
        f"  one bid alone: {f['one_bid_s']:.2f} s; floor = {f['minimum_round_trips']} x "
        f"Update p50 = {f['floor_s']:.2f} s; ratio {f['one_bid_s'] / f['floor_s']:.2f}x "
        f"(includes the 1 s agreement comment window)"
    )
    print(
        f"  {f['bids']} bids, {f['in_flight']} in flight: {f['bids_per_s']:.2f} bids/s; "
        f"ratio to trivial workflows/s {f['bids_per_s'] / f['trivial_workflows_per_s']:.3f}"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--partners", type=int, default=10)
    parser.add_argument("--sections", type=int, default=6)
    parser.add_argument("--bids", type=int, default=20)
    parser.add_argument("--in-flight", type=int, default=10)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    async with bench_stack() as stack:
        report(await measure(stack, args.partners, args.sections, args.bids, args.in_flight))


if __name__ == "__main__":
    asyncio.run(main())
