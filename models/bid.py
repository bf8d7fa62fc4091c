"""The bid workflow's input and its whole state: what the `state` query returns."""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field

from models.directory import MemberMatch
from models.opportunity import OpportunityNotice

COORDINATOR = "coordinator"
LOCAL_AUTHORITY = "local-authority"

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
PartnerStatus = Literal["lead", "invited", "accepted", "declined", "withdrawn", "removed"]
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
    link_valid_after_due: timedelta = timedelta(days=14)
    management_top_slice: Decimal = Decimal("10")  # the lead's share for managing, in %


class BidInput(BaseModel):
    bid_id: str
    notice: OpportunityNotice
    coordinator_email: str
    local_authority_email: str | None = None
    timetable: Timetable = Field(default_factory=Timetable)


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
    stage: str
    reason: str
    options: list[Literal["extend", "proceed", "abandon"]]
    raised_at: datetime
    resolution: str | None = None


class TimelineEvent(BaseModel):
    at: datetime
    actor: str
    action: str
    detail: dict[str, Any] = Field(default_factory=dict)


class OutstandingTask(BaseModel):
    kind: str
    key: str = ""
    owed_by: str  # an organisation id, "coordinator" or "local-authority"
    due: datetime | None = None


class BidState(BaseModel):
    """Everything about one bid. New fields get defaults: running bids must still load."""

    bid_id: str
    notice: OpportunityNotice
    coordinator_email: str
    local_authority_email: str | None = None
    timetable: Timetable = Field(default_factory=Timetable)
    stage: Stage = "notice"
    deadlines: dict[str, datetime] = Field(default_factory=dict)
    members: dict[str, MemberMatch] = Field(default_factory=dict)  # the circulation list
    interests: dict[str, Interest] = Field(default_factory=dict)
    decision: dict[str, Any] | None = None
    candidates: list[LeadCandidate] = Field(default_factory=list)
    lead_id: str | None = None
    partners: dict[str, PartnerState] = Field(default_factory=dict)
    sections: dict[str, SectionState] = Field(default_factory=dict)
    agreement: AgreementState | None = None
    la_returns: int = 0
    submission: dict[str, Any] | None = None
    outcome: dict[str, Any] | None = None
    escalation: Escalation | None = None
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
            deadlines={"interest": n.interest_cutoff, "submission": n.submission_deadline},
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


class BidOutcome(BaseModel):
    bid_id: str
    stage: Stage
    reason: str | None = None
