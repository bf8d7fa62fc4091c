"""What the bid workflow writes to its read model (bids, bid_partners, sections, ...)."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field


class PartnerRow(BaseModel):
    organisation_id: str
    role: str
    status: str
    budget_share: Decimal | None = None


class SectionRow(BaseModel):
    key: str
    title: str
    assigned_to: str | None = None
    due: datetime | None = None
    status: str = "unassigned"


class BidSnapshot(BaseModel):
    """One bid's row and its partners and sections; `version` orders out-of-date writes."""

    bid_id: str
    opportunity_id: str
    lead_organisation_id: str | None = None
    stage: str
    deadline: datetime | None = None
    outstanding_tasks: int = 0
    next_due: datetime | None = None  # the earliest due date among the outstanding tasks
    summary: dict[str, Any] = Field(default_factory=dict)
    version: int
    partners: list[PartnerRow] = Field(default_factory=list)
    sections: list[SectionRow] = Field(default_factory=list)


class ContributionRow(BaseModel):
    bid_id: str
    section_key: str
    organisation_id: str
    version: int
    body: str
    attachment_name: str | None = None
    submitted_at: datetime


class ReviewRow(BaseModel):
    bid_id: str
    section_key: str
    version: int
    review: str  # approved | returned
    comments: str = ""
    reviewed_at: datetime


class SignatureRow(BaseModel):
    bid_id: str
    organisation_id: str
    agreement_version: int
    agreement_hash: str
    signer_name: str
    signer_role: str
    signed_at: datetime


class AgreementInput(BaseModel):
    """What the consortium agreement is generated from."""

    bid_id: str
    version: int
    title: str
    funder: str
    value: Decimal | None = None
    currency: str = "GBP"
    lead: dict[str, Any]
    partners: list[dict[str, Any]] = Field(default_factory=list)  # name, id, sections, share
    management_top_slice: Decimal = Decimal("10")


class AgreementDocument(BaseModel):
    version: int
    version_hash: str
    text: str
