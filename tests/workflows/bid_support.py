"""What the bid tests share: members in the directory, a notice, a worker, a started bid."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from temporalio.client import WorkflowHandle
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


def bid_worker(env: WorkflowEnvironment, settings, sessions, task_queue: str) -> Worker:
    return Worker(
        env.client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        activities=activities_for(settings, sessions),
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
    search_attributes: bool = False,
    timetable: Timetable | None = None,
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
        max_partners=5,
        allow_fewer_partners=allow_fewer,
        la_signoff_required=la_signoff,
    )
    bid_input = BidInput(
        bid_id=f"bid-{tag}",
        notice=notice,
        coordinator_email=f"coordinator-{tag}@example.org",
        local_authority_email=f"la-{tag}@example.org",
        timetable=timetable or Timetable(),
        search_attributes=search_attributes,
    )
    handle = await env.client.start_workflow(
        BidWorkflow.run, bid_input, id=bid_input.bid_id, task_queue=task_queue
    )
    bid = Bid(handle, notice, bid_input.coordinator_email, bid_input.local_authority_email, orgs)
    await wait_until(lambda: _circulated(bid))
    return bid


async def _circulated(bid: Bid) -> bool:
    state = await bid.state()
    return any(e.action == "notice_circulated" for e in state.timeline)


def subjects(mailbox, address: str) -> list[str]:
    return [str(m["Subject"]) for m in mailbox.to(address)]


async def audit_actions(sessions, bid_id: str) -> list[str]:
    async with sessions() as session:
        rows = await session.scalars(
            select(AuditEntry).where(AuditEntry.bid_id == bid_id).order_by(AuditEntry.id)
        )
        return [row.action for row in rows]


def days(n: float) -> timedelta:
    return timedelta(days=n)


def at(now: datetime, n: float) -> datetime:
    return now + timedelta(days=n)
