"""The demo's bids, each driven by its own Updates to a different stage, so that a newcomer's
first look shows a consortium at work: one circulating its notice, one waiting on partners,
one in drafting with a section overdue, one waiting on the local authority, one awarded.

Every step is an Update a person could have sent (the members, the lead, the coordinator,
the local authority), through the same starter as the command line; nothing is written
behind the bids' backs. A bid's clock is Temporal's, so nothing here can be dated in the
past: the awarded bid was awarded when the demo was loaded. A bid that exists already is
left as it is (running `consortia up --demo` again resumes the same bids).
"""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

import starter
from models import bid_answers as a
from models.bid import BidState
from models.opportunity import OpportunityNotice
from settings import Settings

COORDINATOR = "coordinator"
APPROVER = "approver@durham-council.example.org"
# The agreement's comment period for the driven bids: seconds, so that signing opens at once.
SHORT_COMMENTS = timedelta(seconds=2)
STAGE_TIMEOUT = 60.0  # seconds a bid may take to reach the next stage before the demo gives up


def notice(
    key: str, title: str, funder: str, themes: list[str], now: datetime, **terms
) -> OpportunityNotice:
    return OpportunityNotice.model_validate(
        {
            "id": key,
            "title": title,
            "funder": funder,
            "themes": themes,
            "localities": ["County-wide"],
            "interest_cutoff": now + timedelta(days=14),
            "submission_deadline": now + timedelta(days=75),
            "min_partners": 2,
            **terms,
        }
    )


class DemoBid:
    """One bid and the people who answer it, named from its circulation list."""

    def __init__(self, client: Client, bid_id: str) -> None:
        self.client, self.bid_id = client, bid_id
        self.handle = client.get_workflow_handle(bid_id)

    async def state(self) -> BidState:
        return await starter.show_bid(self.client, self.bid_id)

    async def until(self, ready: Callable[[BidState], bool]) -> BidState:
        deadline = asyncio.get_running_loop().time() + STAGE_TIMEOUT
        while True:
            state = await self.state()
            if ready(state):
                return state
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"{self.bid_id} stayed at {state.stage}")
            await asyncio.sleep(0.2)

    async def reach(self, stage: str) -> BidState:
        return await self.until(lambda s: s.stage == stage)

    async def send(self, update: str, answer: a.Answer) -> None:
        await starter.send_answer(self.client, self.bid_id, update, answer)

    async def to_partner_signup(self) -> tuple[str, list[str]]:
        """Every member answers the notice (one would lead, two partner); go; the lead is
        confirmed and invites the two. (lead, partners)"""
        state = await self.until(lambda s: bool(s.members))
        leads = [m for m in state.members.values() if m.willing_to_lead]
        lead = leads[0].organisation_id
        partners = [o for o in state.members if o != lead][:2]
        for org in state.members:
            said = "lead" if org == lead else "partner" if org in partners else "not_this_time"
            await self.send("express-interest", a.ExpressionOfInterest(actor=org, answer=said))
        await self.reach("decision")
        decision = a.BidDecision(actor=COORDINATOR, go=True, fit=4, capacity=4, eligibility=5)
        await self.send("decide-bid", decision)
        await self.reach("lead_selection")
        await self.send("choose-lead", a.LeadChoice(actor=COORDINATOR, organisation_id=lead))
        await self.reach("partner_signup")
        await self.send("invite-partners", a.Invitations(actor=lead, organisation_ids=partners))
        return lead, partners

    async def to_drafting(self) -> tuple[str, list[str]]:
        lead, partners = await self.to_partner_signup()
        for org in partners:
            await self.send("answer-invitation", a.InvitationAnswer(actor=org, accept=True))
        await self.reach("drafting")
        return lead, partners

    async def write(self, lead: str, writers: dict[str, str], due: datetime) -> None:
        """Each section assigned to its writer, written and approved by the lead."""
        assigned = [
            a.SectionAssignment(section=key, organisation_id=org, due=due)
            for key, org in writers.items()
        ]
        await self.send("assign-sections", a.SectionAssignments(actor=lead, assignments=assigned))
        for key, org in writers.items():
            body = f"{key}: what {org} will deliver, and how, for this bid."
            await self.send(
                "submit-contribution", a.ContributionInput(actor=org, section=key, body=body)
            )
            await self.send(
                "review-contribution", a.ReviewInput(actor=lead, section=key, approve=True)
            )

    async def to_signed(self) -> None:
        """Drafted, and the agreement signed by every party once signing opens."""
        lead, partners = await self.to_drafting()
        state = await self.state()
        writers = {key: (partners + [lead])[i % 3] for i, key in enumerate(state.sections)}
        await self.write(lead, writers, datetime.now(UTC) + timedelta(days=10))
        state = await self.until(_signing_open)
        assert state.agreement is not None
        for org in state.agreement.parties:
            signature = a.SignatureInput(
                actor=org,
                version_hash=state.agreement.version_hash,
                signer_name=f"Chair of {state.name_of(org)}",
                signer_role="Chair",
            )
            await self.send("sign-agreement", signature)


def _signing_open(state: BidState) -> bool:
    agreement = state.agreement
    return agreement is not None and agreement.comment_until + timedelta(seconds=1) < datetime.now(
        UTC
    )


async def circulating(bid: DemoBid) -> None:
    """Left as started: the notice is out, and members are answering."""


async def partner_signup(bid: DemoBid) -> None:
    """The lead has invited two partners, who have not answered yet."""
    await bid.to_partner_signup()


async def drafting_overdue(bid: DemoBid) -> None:
    """In drafting: one section approved, one due in a few seconds (then overdue, and chased),
    the rest due in a week."""
    lead, partners = await bid.to_drafting()
    first, soon, *rest = (await bid.state()).sections
    await bid.write(lead, {first: partners[0]}, datetime.now(UTC) + timedelta(days=10))
    now = datetime.now(UTC)
    assigned = [
        a.SectionAssignment(
            section=soon, organisation_id=partners[1], due=now + timedelta(seconds=5)
        )
    ]
    assigned += [
        a.SectionAssignment(section=key, organisation_id=partners[0], due=now + timedelta(days=7))
        for key in rest
    ]
    await bid.send("assign-sections", a.SectionAssignments(actor=lead, assignments=assigned))


async def waiting_on_the_local_authority(bid: DemoBid) -> None:
    await bid.to_signed()
    await bid.reach("la_signoff")


async def awarded(bid: DemoBid) -> None:
    """Signed, submitted, and awarded by the funder: the figures' first win."""
    await bid.to_signed()
    state = await bid.reach("submission")
    lead = state.lead_id or COORDINATOR
    await bid.send("record-submission", a.SubmissionInput(actor=lead, reference="DCC-HAF-0042"))
    await bid.reach("award")
    start = date.today().replace(day=1) + timedelta(days=32)
    outcome = a.OutcomeInput(
        actor=COORDINATOR,
        awarded=True,
        value=Decimal("180000"),
        start_date=start.replace(day=1),
        feedback="Strong local partnership; clear outcomes for families.",
    )
    await bid.send("record-outcome", outcome)
    await bid.reach("awarded")


def bids(now: datetime, improving_futures: OpportunityNotice) -> list[tuple]:
    """(notice, local authority's approver, how far to drive it)."""
    families = ["children and families", "early help"]
    return [
        (improving_futures, APPROVER, circulating),
        (
            notice(
                "warm-spaces",
                "Warm Spaces",
                "Durham Community Foundation",
                ["older people", "rural isolation", "capacity building"],
                now,
                min_partners=1,
                value=Decimal("60000"),
            ),
            None,
            partner_signup,
        ),
        (
            notice(
                "family-hubs",
                "Family Hubs and Start for Life",
                "Durham County Council",
                families,
                now,
                value=Decimal("350000"),
                required_sections=["Need", "Delivery model", "Safeguarding", "Budget"],
            ),
            APPROVER,
            drafting_overdue,
        ),
        (
            notice(
                "youth-mental-health",
                "Young People's Mental Health Early Support",
                "North East and North Cumbria ICB",
                ["mental health", "young people"],
                now,
                value=Decimal("240000"),
                la_signoff_required=True,
                required_sections=["Need", "Delivery model", "Outcomes"],
            ),
            APPROVER,
            waiting_on_the_local_authority,
        ),
        (
            notice(
                "holiday-activities",
                "Holiday Activities and Food",
                "Durham County Council",
                families + ["young people", "sport and physical activity"],
                now,
                value=Decimal("180000"),
                required_sections=["Delivery plan", "Budget"],
            ),
            None,
            awarded,
        ),
    ]


async def play(
    settings: Settings, improving_futures: OpportunityNotice, client: Client | None = None
) -> list[str]:
    """Start the demo's bids that do not exist yet and drive each to its stage, all at once;
    the ids of those started. `client` defaults to one for the configured Temporal."""
    client = client or await starter.connect(settings)
    started = []
    plays: list[Awaitable[None]] = []
    for opportunity, approver, drive in bids(datetime.now(UTC), improving_futures):
        if approver is not None:
            opportunity = opportunity.model_copy(update={"local_authority_email": approver})
        bid_input = starter.bid_input(
            f"bid-{opportunity.id}", opportunity, settings.coordinator_email
        )
        bid_input.timetable.comment_window = SHORT_COMMENTS
        if await _exists(client, bid_input.bid_id):
            continue
        await starter.start_bid(
            client, bid_input, settings.temporal_task_queue, settings.mail_task_queue
        )
        started.append(bid_input.bid_id)
        plays.append(drive(DemoBid(client, bid_input.bid_id)))
    # Each bid is played to its end, whatever another's does; then the first failure is said.
    failed = [e for e in await asyncio.gather(*plays, return_exceptions=True) if e is not None]
    if failed:
        raise failed[0]
    return started


async def _exists(client: Client, bid_id: str) -> bool:
    try:
        await client.get_workflow_handle(bid_id).describe()
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True
