"""What the bid tests share: members in the directory, a notice, a worker, a started bid."""

import os
import uuid
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from models.bid import BidInput, BidState, Timetable
from models.opportunity import OpportunityNotice
from models.tables import AuditEntry, Contact, Organisation
from tests.helpers import wait_until
from worker import WORKFLOWS, activities_for
from workflows.bid import BidWorkflow


@dataclass
class Bid:
    """One test's bid: its handle, its people and their addresses."""

    handle: WorkflowHandle
    notice: OpportunityNotice
    coordinator: str
    local_authority: str
    orgs: dict[str, str] = field(default_factory=dict)  # short name -> organisation id

    def org(self, name: str) -> str:
        return self.orgs[name]

    def email(self, name: str) -> str:
        return f"{self.orgs[name]}@example.org"

    async def state(self) -> BidState:
        return await self.handle.query(BidWorkflow.state)

    async def reach(self, stage: str, within: float = 30) -> BidState:
        async def there() -> bool:
            return (await self.state()).stage == stage

        await wait_until(there, within=within)
        return await self.state()


async def add_members(sessions, tag: str, theme: str, specs: dict[str, dict]) -> dict[str, str]:
    """Directory entries (full members, each with a primary contact) for this test only."""
    ids = {}
    async with sessions() as session, session.begin():
        for name, spec in specs.items():
            org_id = f"{name}-{tag}"
            ids[name] = org_id
            session.add(
                Organisation(
                    id=org_id,
                    name=f"{name.capitalize()} Trust",
                    status=spec.get("status", "full"),
                    themes=[theme],
                    localities=["Easington"],
                    willing_to_lead=spec.get("lead", False),
                    staff=spec.get("staff", 2),
                    volunteers=spec.get("volunteers", 4),
                    proforma={"track_record": ["grant"] * spec.get("track", 0)},
                )
            )
            await session.flush()  # the contact's foreign key needs the organisation first
            session.add(
                Contact(
                    organisation_id=org_id,
                    name=f"{name} contact",
                    email=f"{org_id}@example.org",
                    is_primary=True,
                )
            )
    return ids


@asynccontextmanager
async def bid_worker(env: WorkflowEnvironment, settings, sessions, task_queue: str):
    """A worker for one test; bids still running at the end are terminated, so that no
    workflow of this test holds the time-skipping server's clock for the next one."""
    started = _STARTED.setdefault(task_queue, [])
    worker = Worker(
        env.client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        activities=activities_for(settings, sessions),
    )
    async with worker:
        try:
            yield worker
        finally:
            for handle in started:
                await _terminate_tree(env, handle)


_STARTED: dict[str, list[WorkflowHandle]] = {}


async def _terminate_tree(env: WorkflowEnvironment, handle: WorkflowHandle) -> None:
    """Terminate a bid and its children once no task is in flight: the time-skipping server
    never skips time while a task is outstanding, and a task of a workflow nobody polls for
    any more is outstanding forever."""
    with suppress(RPCError, AssertionError):
        await wait_until(lambda: _quiet(env, handle), within=10)
    with suppress(RPCError):
        children = (await handle.describe()).raw_description.pending_children
        # Parent first, so that no child's end wakes it; the time-skipping server does not
        # apply the parent-close policy, so each child is terminated by hand.
        await handle.terminate("the test is over")
        for child in children:
            await _terminate_tree(env, env.client.get_workflow_handle(child.workflow_id))
    # An awarded bid's contract outlives it (ParentClosePolicy.ABANDON): ended here too.
    contract = env.client.get_workflow_handle(f"contract-{handle.id}")
    with suppress(RPCError, AssertionError):
        await wait_until(lambda: _quiet(env, contract), within=10)
    with suppress(RPCError):
        await contract.terminate("the test is over")


async def _quiet(env: WorkflowEnvironment, handle: WorkflowHandle) -> bool:
    """No activity and no workflow task in flight, here or in a child. (The last history
    event tells: the test server leaves `pending_workflow_task` out of its description.)"""
    raw = (await handle.describe()).raw_description
    if raw.workflow_execution_info.status != 1:  # no longer running
        return True
    if raw.pending_activities:
        return False
    events = [event async for event in handle.fetch_history_events()]
    if events and events[-1].event_type in _TASK_IN_FLIGHT:
        return False
    for child in raw.pending_children:
        if not await _quiet(env, env.client.get_workflow_handle(child.workflow_id)):
            return False
    return True


_TASK_IN_FLIGHT = (
    EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
)


async def start_bid(
    env: WorkflowEnvironment,
    sessions,
    task_queue: str,
    members: dict[str, dict],
    *,
    sections: tuple[str, ...] = ("summary", "delivery"),
    min_partners: int = 2,
    la_signoff: bool = True,
    allow_fewer: bool = False,
    interest_days: int = 7,
    deadline_days: int = 60,
    timetable: Timetable | None = None,
    mail_task_queue: str | None = None,
) -> Bid:
    tag = uuid.uuid4().hex[:8]
    theme = f"theme-{tag}"
    orgs = await add_members(sessions, tag, theme, members)
    now = await env.get_current_time()
    notice = OpportunityNotice(
        id=f"opp-{tag}",
        funder="Big Lottery Fund",
        title=f"Healthy Minds Easington {tag}",
        description="Peer support for young people's mental health.",
        value=120000,
        themes=[theme],
        submission_deadline=now + timedelta(days=deadline_days),
        interest_cutoff=now + timedelta(days=interest_days),
        required_sections=list(sections),
        min_partners=min_partners,
        max_partners=max(5, min_partners),
        allow_fewer_partners=allow_fewer,
        la_signoff_required=la_signoff,
    )
    bid_input = BidInput(
        bid_id=f"bid-{tag}",
        notice=notice,
        coordinator_email=f"coordinator-{tag}@example.org",
        local_authority_email=f"la-{tag}@example.org",
        timetable=timetable or Timetable(),
        mail_task_queue=mail_task_queue,
    )
    handle = await env.client.start_workflow(
        BidWorkflow.run, bid_input, id=bid_input.bid_id, task_queue=task_queue
    )
    _STARTED.setdefault(task_queue, []).append(handle)
    bid = Bid(handle, notice, bid_input.coordinator_email, bid_input.local_authority_email, orgs)
    await wait_until(lambda: _circulated(bid))
    return bid


async def _circulated(bid: Bid) -> bool:
    state = await bid.state()
    return any(e.action == "notice_circulated" for e in state.timeline)


async def escalated(bid: Bid, stage: str):
    """The bid's open escalation at `stage`, once it is raised."""

    async def open_escalation() -> bool:
        state = await bid.state()
        return state.escalation is not None and state.escalation.stage == stage

    await wait_until(open_escalation)
    return (await bid.state()).escalation


def subjects(mailbox, address: str) -> list[str]:
    return [str(m["Subject"]).strip() for m in mailbox.to(address)]


async def audit_actions(sessions, bid_id: str) -> list[str]:
    """The bid's audit log in the bid's own order (`seq`, its place in the timeline):
    entries written concurrently may get their ids in either order."""
    async with sessions() as session:
        rows = (await session.scalars(select(AuditEntry).where(AuditEntry.bid_id == bid_id))).all()
    return [row.action for row in sorted(rows, key=lambda row: row.seq or 0)]


def days(n: float) -> timedelta:
    return timedelta(days=n)


def at(now: datetime, n: float) -> datetime:
    return now + timedelta(days=n)


HISTORIES = Path(__file__).resolve().parent.parent / "histories"


async def keep_history(env: WorkflowEnvironment, workflow_id: str, name: str) -> None:
    """With RECORD_HISTORIES=1, store the workflow's history as tests/histories/{name}.json,
    for the replay test: the way to refresh them after an intended, patched change."""
    if os.environ.get("RECORD_HISTORIES") != "1":
        return
    history = await env.client.get_workflow_handle(workflow_id).fetch_history()
    (HISTORIES / f"{name}.json").write_text(history.to_json())
