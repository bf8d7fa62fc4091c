"""Drive bids through their stages with the same Updates a person's answers send.

Shared by the lifecycle and scale benchmarks. Every call is counted, so a benchmark can set
the round trips it made against the minimum the stages need.
"""

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.service import RPCError, RPCStatusCode

from bench.stack import ReadModelWatch, Stack
from models import bid_answers as a
from models.bid import BidInput, BidState, Timetable
from models.opportunity import OpportunityNotice
from models.tables import Bid, Contact, Organisation
from workflows.bid import BidWorkflow

# Short windows, so a whole lifecycle runs in seconds on the real (not time-skipping) server.
FAST = Timetable(comment_window=timedelta(seconds=1))
POLL_SECONDS = 0.02
GIVE_UP_SECONDS = 900  # an Update still unanswered after this fails the bid's drive


@dataclass
class Cohort:
    """The members one benchmark's bids circulate to: a lead and its partners."""

    theme: str
    lead: str
    partners: list[str]

    @property
    def everyone(self) -> list[str]:
        return [self.lead, *self.partners]


async def add_cohort(stack: Stack, partners: int) -> Cohort:
    tag = uuid.uuid4().hex[:8]
    cohort = Cohort(f"bench-{tag}", f"lead-{tag}", [f"p{i:02d}-{tag}" for i in range(partners)])
    async with stack.sessions() as session, session.begin():
        for org in cohort.everyone:
            await session.execute(
                insert(Organisation).values(
                    id=org,
                    name=org,
                    status="full",
                    themes=[cohort.theme],
                    localities=["Easington"],
                    willing_to_lead=org == cohort.lead,
                    staff=5,
                    volunteers=5,
                    proforma={"track_record": ["grant"]},
                )
            )
            await session.execute(
                insert(Contact).values(
                    organisation_id=org, name=org, email=f"{org}@example.org", is_primary=True
                )
            )
    return cohort


@dataclass
class Driver:
    client: Client
    task_queue: str
    cohort: Cohort
    sections: int = 6
    round_trips: int = 0
    queries: int = 0  # state queries while waiting for a stage
    resends: int = 0  # Updates sent again after the client's wait ran out
    longest_update_s: float = 0.0
    longest_by_update: dict[str, float] = field(default_factory=dict)  # seconds, by Update
    ids: list[str] = field(default_factory=list)
    # Given, stages are awaited in the read model (as the dashboard sees them), which spares
    # a worker with hundreds of bids the state queries; else by the bid's `state` query.
    read_model: async_sessionmaker[AsyncSession] | None = None
    read_model_poll: float = 0.25
    mail_task_queue: str | None = None  # the bids' e-mail queue, if a mail worker serves one
    _stages: ReadModelWatch[tuple[str, str]] | None = None

    @property
    def polls(self) -> int:
        """Looks at a bid's stage: state queries, and read-model polls (each for every bid)."""
        return self.queries + (self._stages.polls if self._stages else 0)

    async def start(self, interest_window: timedelta = timedelta(days=14)) -> WorkflowHandle:
        now = datetime.now(UTC)
        bid_id = f"bench-bid-{uuid.uuid4().hex[:12]}"
        notice = OpportunityNotice(
            id=f"opp-{bid_id}",
            funder="Big Lottery Fund",
            title="Improving Futures",
            themes=[self.cohort.theme],
            submission_deadline=now + timedelta(days=60),
            interest_cutoff=now + interest_window,
            required_sections=[f"section-{i}" for i in range(self.sections)],
            min_partners=1,
            max_partners=len(self.cohort.partners),
            la_signoff_required=True,
        )
        handle = await self.client.start_workflow(
            BidWorkflow.run,
            BidInput(
                bid_id=bid_id,
                notice=notice,
                coordinator_email="coordinator@example.org",
                local_authority_email="la@example.org",
                timetable=FAST,
                mail_task_queue=self.mail_task_queue,
            ),
            id=bid_id,
            task_queue=self.task_queue,
        )
        self.round_trips += 1
        self.ids.append(bid_id)
        return handle

    async def update(self, handle: WorkflowHandle, update: str, answer) -> None:
        """As a person's form does: the Update carries an id, and when the client's wait runs
        out (the web app answers 503, try again) the same Update is sent again; Temporal
        records it once. Each resend is counted, and the longest wait kept."""
        update_id, started = str(uuid.uuid4()), time.perf_counter()
        while True:
            try:
                await handle.execute_update(update, answer, id=update_id)
                break
            except WorkflowUpdateRPCTimeoutOrCancelledError:
                if time.perf_counter() - started > GIVE_UP_SECONDS:
                    raise
                self.resends += 1
        self.round_trips += 1
        name, took = update, time.perf_counter() - started
        self.longest_update_s = max(self.longest_update_s, took)
        self.longest_by_update[name] = max(self.longest_by_update.get(name, 0.0), took)

    async def reach(
        self, handle: WorkflowHandle, stage: str, after: str | None = None
    ) -> BidState | None:
        """Poll until the bid is at `stage` (and, if given, has recorded the action `after`)."""
        if self.read_model is not None:
            return await self._reach_in_read_model(handle, stage)
        while True:
            try:
                state = await handle.query(BidWorkflow.state)
            except RPCError as error:  # a worker busy with many bids: ask again
                if error.status not in (RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED):
                    raise
                continue
            finally:
                self.queries += 1
            if state.stage == stage and (
                after is None or any(e.action == after for e in state.timeline)
            ):
                return state
            await asyncio.sleep(POLL_SECONDS)

    async def _reach_in_read_model(self, handle: WorkflowHandle, stage: str) -> None:
        """The read model is written as each stage opens, after what opened it is recorded."""
        assert self.read_model is not None
        if self._stages is None:
            self._stages = ReadModelWatch(self.read_model, _at_stage, self.read_model_poll)
        await self._stages.until((handle.id, stage))

    async def to_partner_signup(self, handle: WorkflowHandle, everyone_answers: bool) -> None:
        c = self.cohort
        await self.reach(handle, "notice", after="notice_circulated")
        await self.update(
            handle,
            "express_interest",
            a.ExpressionOfInterest(actor=c.lead, answer="lead"),
        )
        if everyone_answers:
            for org in c.partners:
                await self.update(
                    handle,
                    "express_interest",
                    a.ExpressionOfInterest(actor=org, answer="partner"),
                )
        await self.reach(handle, "decision")
        await self.update(
            handle,
            "decide_bid",
            a.BidDecision(actor="coordinator", go=True, reasons="Good fit"),
        )
        await self.reach(handle, "lead_selection")
        await self.update(
            handle,
            "choose_lead",
            a.LeadChoice(actor="coordinator", organisation_id=c.lead),
        )
        await self.reach(handle, "partner_signup")
        await self.update(
            handle,
            "invite_partners",
            a.Invitations(actor=c.lead, organisation_ids=c.partners),
        )

    async def full_lifecycle(self) -> None:
        """Notice to award: every stage, every partner answering."""
        c = self.cohort
        handle = await self.start()
        await self.to_partner_signup(handle, everyone_answers=True)
        for org in c.partners:
            await self.update(
                handle, "answer_invitation", a.InvitationAnswer(actor=org, accept=True)
            )
        await self.reach(handle, "drafting")
        await self._draft(handle)
        state = await self.reach(handle, "agreement", after="agreement_generated")
        assert state is not None and state.agreement is not None
        wait = (state.agreement.comment_until - datetime.now(UTC)).total_seconds()
        await asyncio.sleep(max(wait, 0) + 0.05)
        for org in c.everyone:
            await self.update(
                handle,
                "sign_agreement",
                a.SignatureInput(
                    actor=org,
                    version_hash=state.agreement.version_hash,
                    signer_name="Chair",
                    signer_role="Chair",
                ),
            )
        await self.reach(handle, "la_signoff")
        await self.update(
            handle,
            "local_authority_decision",
            a.LocalAuthorityDecision(actor="local-authority", approve=True),
        )
        await self.reach(handle, "submission")
        await self.update(
            handle,
            "record_submission",
            a.SubmissionInput(actor=c.lead, reference="IF-2026-001"),
        )
        await self.reach(handle, "award")
        await self.update(
            handle,
            "record_outcome",
            a.OutcomeInput(
                actor="coordinator", awarded=True, value=500000, start_date=date(2027, 4, 1)
            ),
        )
        await handle.result()
        self.round_trips += 1

    async def _draft(self, handle: WorkflowHandle) -> None:
        c = self.cohort
        due = datetime.now(UTC) + timedelta(days=10)
        plan = {f"section-{i}": c.partners[i % len(c.partners)] for i in range(self.sections)}
        await self.update(
            handle,
            "assign_sections",
            a.SectionAssignments(
                actor=c.lead,
                assignments=[
                    a.SectionAssignment(section=s, organisation_id=o, due=due)
                    for s, o in plan.items()
                ],
            ),
        )
        for section, org in plan.items():
            await self.update(
                handle,
                "submit_contribution",
                a.ContributionInput(actor=org, section=section, body="Our part."),
            )
            await self.update(
                handle,
                "review_contribution",
                a.ReviewInput(actor=c.lead, section=section, approve=True),
            )


async def _at_stage(session: AsyncSession, waiting: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Of (bid, stage) pairs, those whose bid stands at that stage in the read model."""
    rows = await session.execute(
        select(Bid.id, Bid.stage).where(Bid.id.in_({bid_id for bid_id, _ in waiting}))
    )
    return {tuple(row) for row in rows} & waiting


def minimum_round_trips(partners: int, sections: int) -> int:
    """What the stages need at least: start; every member's interest; decision; lead; invite;
    every acceptance; assignment; a contribution and a review per section; every signature;
    sign-off; submission; outcome; the result."""
    members = partners + 1
    return 1 + members + 1 + 1 + 1 + partners + 1 + 2 * sections + members + 1 + 1 + 1 + 1
