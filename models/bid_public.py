"""What the bid shows outside the workflow: the summary every Update returns (and the read
model keeps), and the public view the JSON API gives. Neither carries members' addresses."""

from datetime import datetime

from pydantic import BaseModel, Field

from models.bid import Escalation, OutstandingTask
from models.bid_schedule import OverdueOption


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


class SectionPublic(BaseModel):
    key: str
    assigned_to: str | None = None
    due: datetime | None = None
    status: str


class BidPublic(BaseModel):
    """A bid for the JSON API: what the lead and the coordinator act on, without addresses."""

    bid_id: str
    title: str
    funder: str
    stage: str
    deadlines: dict[str, datetime | None]
    lead_id: str | None = None
    partners: list[PartnerPublic] = Field(default_factory=list)
    sections: list[SectionPublic] = Field(default_factory=list)
    agreement: AgreementSummary | None = None
    escalation: Escalation | None = None
    overdue: list[OverdueTask] = Field(default_factory=list)
    outstanding: list[OutstandingTask] = Field(default_factory=list)
    closed_reason: str | None = None
