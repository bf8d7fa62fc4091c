"""What the bid shows outside the workflow: the summary every Update returns (and the read
model keeps), and the public view the JSON API gives. Neither carries members' addresses."""

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from models.bid import (
    BidState,
    DecisionRecord,
    Escalation,
    OutcomeRecord,
    OutstandingTask,
    SubmissionRecord,
)
from models.bid_schedule import DueTask, OverdueOption


class AgreementSummary(BaseModel):
    version: int
    version_hash: str
    signed: list[str] = Field(default_factory=list)


class OverdueTask(BaseModel):
    """A task past its due date, waiting on whoever can act (`escalated_to`)."""

    task: str
    kind: str
    owed_by: str
    due: datetime
    escalated_to: str
    options: list[OverdueOption]

    @classmethod
    def of(cls, task: DueTask) -> "OverdueTask":
        return cls(
            task=task.id,
            kind=task.kind,
            owed_by=task.owed_by,
            due=task.due,
            escalated_to=task.escalate_to,
            options=task.options,
        )


class BidSummary(BaseModel):
    """The bid without its long parts: small enough to return from every Update and to keep in
    the bids row."""

    bid_id: str = ""
    stage: str
    title: str = ""
    deadlines: dict[str, datetime | None] = Field(default_factory=dict)
    lead_id: str | None = None
    partners: dict[str, str] = Field(default_factory=dict)  # organisation -> status
    sections: dict[str, str] = Field(default_factory=dict)  # section -> status
    agreement: AgreementSummary | None = None
    escalation: Escalation | None = None
    overdue: list[OverdueTask] = Field(default_factory=list)
    outstanding: list[OutstandingTask] = Field(default_factory=list)  # capped
    outstanding_count: int = 0
    below_minimum: bool = False  # fewer partners than the notice asks for
    problems: list[str] = Field(default_factory=list)
    awarded_value: str | None = None  # the funder's award, when recorded
    closed_reason: str | None = None


class PartnerPublic(BaseModel):
    organisation_id: str
    name: str
    status: str
    budget_share: Decimal | None = None


class SectionPublic(BaseModel):
    key: str
    assigned_to: str | None = None
    due: datetime | None = None
    status: str
    version: int = 0
    comments: str = ""  # the lead's or the local authority's, when it went back


class BidPublic(BaseModel):
    """A bid for the JSON API: what the lead and the coordinator act on, without addresses
    (the state's circulation list, partners and reminder schedule all hold them)."""

    bid_id: str
    title: str
    funder: str
    stage: str
    deadlines: dict[str, datetime | None]
    lead_id: str | None = None
    partners: dict[str, PartnerPublic] = Field(default_factory=dict)  # by organisation id
    sections: dict[str, SectionPublic] = Field(default_factory=dict)  # by key
    decision: DecisionRecord | None = None
    agreement: AgreementSummary | None = None
    la_returns: int = 0
    submission: SubmissionRecord | None = None
    outcome: OutcomeRecord | None = None
    escalation: Escalation | None = None
    overdue: list[OverdueTask] = Field(default_factory=list)
    outstanding: list[OutstandingTask] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)
    closed_reason: str | None = None

    @classmethod
    def of(cls, state: BidState) -> "BidPublic":
        """The public view of a bid's state (as the `state` query returns it)."""
        agreement = state.agreement
        return cls(
            bid_id=state.bid_id,
            title=state.notice.title,
            funder=state.notice.funder,
            stage=state.stage,
            deadlines=state.deadlines.model_dump(),
            lead_id=state.lead_id,
            partners={
                k: PartnerPublic.model_validate(p, from_attributes=True)
                for k, p in state.partners.items()
            },
            sections={
                k: SectionPublic.model_validate(x, from_attributes=True)
                for k, x in state.sections.items()
            },
            decision=state.decision,
            agreement=None
            if agreement is None
            else AgreementSummary(
                version=agreement.version,
                version_hash=agreement.version_hash,
                signed=sorted(agreement.signatures),
            ),
            la_returns=state.la_returns,
            submission=state.submission,
            outcome=state.outcome,
            escalation=state.escalation,
            overdue=[OverdueTask.of(t) for t in state.schedule.values() if t.overdue],
            outstanding=state.outstanding,
            problems=state.problems,
            closed_reason=state.closed_reason,
        )
