"""The bid workflow's input and its whole state: what the `state` query returns."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field

from models.bid_schedule import DueTask
from models.bid_tasks import TaskQueue
from models.directory import MemberMatch
from models.opportunity import OpportunityNotice

COORDINATOR = "coordinator"
LOCAL_AUTHORITY = "local-authority"
# Actors a bid knows by role, not by organisation: no organisation may take one as its id,
# or a lead signed in for it would answer as the coordinator or the local authority.
RESERVED_ACTORS = frozenset({COORDINATOR, LOCAL_AUTHORITY})

Stage = Literal[
    "notice",
    "decision",
    "lead_selection",
    "partner_signup",
    "drafting",
    "agreement",
    "la_signoff",
    "submission",
    "award",
    # closed:
    "awarded",
    "not_awarded",
    "no_go",
    "abandoned",
    "cancelled",
    "lapsed",
]
CLOSED_STAGES = ("awarded", "not_awarded", "no_go", "abandoned", "cancelled", "lapsed")
PartnerStatus = Literal[
    "lead", "invited", "accepted", "declined", "expired", "withdrawn", "removed"
]
SectionStatus = Literal["unassigned", "assigned", "submitted", "returned", "approved"]


class Timetable(BaseModel):
    """How long each stage gets, and when reminders go; every deadline moves with the funder's."""

    decision_window: timedelta = timedelta(days=3)
    lead_window: timedelta = timedelta(days=5)
    partner_window: timedelta = timedelta(days=10)
    comment_window: timedelta = timedelta(days=3)
    signing_window: timedelta = timedelta(days=5)
    la_window: timedelta = timedelta(days=5)
    remind_before: timedelta = timedelta(days=2)  # first reminder this long before a due date
    remind_every: timedelta = timedelta(days=1)  # then this often until it is answered
    assign_window: timedelta = timedelta(days=5)  # for the lead to assign the sections
    review_window: timedelta = timedelta(days=3)  # for the lead to review a contribution
    link_valid_after_due: timedelta = timedelta(days=14)
    management_top_slice: Decimal = Decimal("10")  # the lead's share for managing, in %


class BidInput(BaseModel):
    bid_id: str
    notice: OpportunityNotice
    coordinator_email: str
    local_authority_email: str | None = None
    timetable: Timetable = Field(default_factory=Timetable)
    # The task queue the bid's e-mail activities go to, served by a mail worker of its own
    # (`WORKER_ROLE=mail`): a burst of letters then never holds up the bids' own workflow
    # tasks. None: the bid's own task queue, served by the one worker.
    mail_task_queue: TaskQueue | None = None


class Interest(BaseModel):
    organisation_id: str
    answer: Literal["lead", "partner", "not_this_time"]
    note: str = ""
    at: datetime


class LeadCandidate(BaseModel):
    organisation_id: str
    name: str
    score: float
    criteria: dict[str, float] = Field(default_factory=dict)


class PartnerState(BaseModel):
    organisation_id: str
    name: str
    email: str
    status: PartnerStatus
    round: int = 0  # invitation round, for e-mail keys
    budget_share: Decimal | None = None


class SectionState(BaseModel):
    key: str
    assigned_to: str | None = None
    due: datetime | None = None
    status: SectionStatus = "unassigned"
    version: int = 0  # the latest submitted version
    round: int = 0  # prompts sent, for e-mail and child workflow ids
    body: str = ""
    comments: str = ""  # the lead's or the local authority's, on return


class AgreementComment(BaseModel):
    version: int
    organisation_id: str
    text: str
    at: datetime


class SignatureRecord(BaseModel):
    organisation_id: str
    signer_name: str
    signer_role: str
    version: int
    version_hash: str
    at: datetime


class AgreementState(BaseModel):
    version: int
    version_hash: str
    text: str
    parties: list[str]
    comment_until: datetime
    comments: list[AgreementComment] = Field(default_factory=list)
    signatures: dict[str, SignatureRecord] = Field(default_factory=dict)


class Escalation(BaseModel):
    """A stage that cannot go on by itself: the coordinator decides (the lead may act meanwhile)."""

    stage: str
    reason: str
    options: list[Literal["extend", "proceed", "abandon"]]
    raised_at: datetime
    round: int = 1
    resolution: str | None = None


class TimelineEvent(BaseModel):
    at: datetime
    actor: str
    action: str
    organisation_id: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict)
    key: str = ""  # the audit row's key: what caused it (an Update's id, a stage step)


class OutstandingTask(BaseModel):
    kind: str
    key: str = ""
    owed_by: str  # an organisation id, "coordinator" or "local-authority"
    due: datetime | None = None


class Deadlines(BaseModel):
    """Every date the bid keeps, by name: each page and e-mail reads them here, and they all
    move with the funder's deadline (`moved`)."""

    interest: datetime
    submission: datetime
    lead: datetime | None = None
    partners: datetime | None = None
    agreement_comments: datetime | None = None
    signatures: datetime | None = None
    la_signoff: datetime | None = None

    def moved(self, delta: timedelta, now: datetime, stage: str) -> None:
        """The funder moved the deadline: the cut-offs of the stages still to come (or under
        way) move with it by whole days, keeping their time of day, and none into the past
        (see `shifted`); those of stages already done stay as they were."""
        self.submission += delta
        for name, last in LAST_STAGE.items():
            moment = getattr(self, name)
            if moment is not None and moment > now and STAGES.index(stage) <= STAGES.index(last):
                setattr(self, name, shifted(moment, whole_days(delta), now, self.submission))


# The order of the open stages, and the last stage each cut-off matters to.
STAGES = [
    "notice", "decision", "lead_selection", "partner_signup", "drafting",
    "agreement", "la_signoff", "submission", "award",
]  # fmt: skip
LAST_STAGE = {
    "interest": "notice",
    "lead": "lead_selection",
    "partners": "drafting",  # late invitations are answered in drafting
    "agreement_comments": "agreement",
    "signatures": "agreement",
    "la_signoff": "la_signoff",
}


def whole_days(delta: timedelta) -> timedelta:
    """The funder's move in whole days: a due date set for 17:00 stays at 17:00."""
    return timedelta(days=round(delta / timedelta(days=1)))


MOVE_GRACE = timedelta(days=1)


def shifted(moment: datetime, delta: timedelta, now: datetime, deadline: datetime) -> datetime:
    """A date still ahead, moved with the funder's deadline. An earlier deadline never moves
    it into the past: it becomes a day from now (at most the new deadline), so people are
    told, and have a moment to answer, before anything is overdue."""
    moved = moment + delta
    return moved if moved > now else min(now + MOVE_GRACE, deadline)


class DecisionRecord(BaseModel):
    """The coordinator's bid / no-bid decision, each criterion scored 0-5."""

    go: bool
    fit: int = 0
    capacity: int = 0
    value_for_effort: int = 0
    eligibility: int = 0
    reasons: str = ""


class LeadChoiceRecord(BaseModel):
    organisation_id: str
    reason: str = ""
    overrides_ranking: bool = False  # the choice was not the top-ranked candidate


class SubmissionRecord(BaseModel):
    reference: str
    at: datetime


class OutcomeRecord(BaseModel):
    awarded: bool
    value: Decimal | None = None  # what the funder awarded (not the notice's advertised value)
    start_date: date | None = None
    feedback: str = ""


class BidState(BaseModel):
    """Everything about one bid. New fields get defaults: running bids must still load."""

    bid_id: str
    notice: OpportunityNotice
    coordinator_email: str
    local_authority_email: str | None = None
    timetable: Timetable = Field(default_factory=Timetable)
    stage: Stage = "notice"
    deadlines: Deadlines
    members: dict[str, MemberMatch] = Field(default_factory=dict)  # the circulation list
    interests: dict[str, Interest] = Field(default_factory=dict)
    decision: DecisionRecord | None = None
    candidates: list[LeadCandidate] = Field(default_factory=list)
    lead_id: str | None = None
    lead_choice: LeadChoiceRecord | None = None
    partners: dict[str, PartnerState] = Field(default_factory=dict)
    sections: dict[str, SectionState] = Field(default_factory=dict)
    agreement: AgreementState | None = None
    la_returns: int = 0
    submission: SubmissionRecord | None = None
    outcome: OutcomeRecord | None = None
    escalation: Escalation | None = None
    schedule: dict[str, DueTask] = Field(default_factory=dict)  # what people owe, by task id
    problems: list[str] = Field(default_factory=list)  # data errors a person must look at
    closed_reason: str | None = None
    timeline: list[TimelineEvent] = Field(default_factory=list)
    outstanding: list[OutstandingTask] = Field(default_factory=list)  # filled by the query

    @classmethod
    def new(cls, input: BidInput) -> "BidState":
        n = input.notice
        return cls(
            bid_id=input.bid_id,
            notice=n,
            coordinator_email=input.coordinator_email,
            local_authority_email=input.local_authority_email,
            timetable=input.timetable,
            deadlines=Deadlines(interest=n.interest_cutoff, submission=n.submission_deadline),
            sections={key: SectionState(key=key) for key in n.required_sections},
        )

    def active_partners(self) -> list[PartnerState]:
        """The lead and the partners who accepted: the consortium as it stands."""
        return [p for p in self.partners.values() if p.status in ("lead", "accepted")]

    def accepted_count(self) -> int:
        return sum(p.status == "accepted" for p in self.partners.values())

    def email_of(self, organisation_id: str) -> str:
        if organisation_id in self.partners:
            return self.partners[organisation_id].email
        return self.members[organisation_id].email

    def name_of(self, organisation_id: str) -> str:
        if organisation_id in self.partners:
            return self.partners[organisation_id].name
        member = self.members.get(organisation_id)
        return member.name if member else organisation_id

    def lead_email(self) -> str:
        """The lead's address; the coordinator's while there is no lead."""
        lead = self.partners.get(self.lead_id or "")
        return lead.email if lead else self.coordinator_email


class BidOutcome(BaseModel):
    bid_id: str
    stage: Stage
    reason: str | None = None
