"""The inputs of the contract workflow's Updates. `actor` is who answers: an organisation id
(from the signed task link or the signed-in session), or "coordinator". Every field is
bounded (models/limits.py) before it reaches the contract."""

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field

from models.bid_answers import Answer, TaskExtension
from models.limits import (
    MAX_MONEY,
    Comments,
    Day,
    Digest,
    Email,
    Identifier,
    Label,
    Name,
    Reason,
    Reference,
    Role,
)

Period = Annotated[int, Field(ge=1, le=400)]  # a hundred years of quarters
Output = Annotated[int, Field(ge=0, le=1_000_000)]
Outputs = Annotated[dict[Label, Output], Field(max_length=50)]
# A sum in pounds and pence, more than nothing (a payment) or at least nothing (spend).
Payment = Annotated[Decimal, Field(gt=0, le=MAX_MONEY, decimal_places=2, allow_inf_nan=False)]
Spend = Annotated[Decimal, Field(ge=0, le=MAX_MONEY, decimal_places=2, allow_inf_nan=False)]

__all__ = ["TaskExtension"]  # the bid's: more time for an overdue task


class SubcontractSignature(Answer):
    version_hash: Digest = Field(min_length=64)
    signer_name: Name = Field(min_length=1)
    signer_role: Role = Field(min_length=1)


class ReturnInput(Answer):
    """A partner's return for one period: outputs against its targets, outcomes, case
    studies, spend."""

    period: Period
    outputs: Outputs = Field(default_factory=dict)
    outcomes: Comments = ""
    case_studies: Comments = ""
    spend: Spend = Decimal("0")


class ReturnReview(Answer):
    period: Period
    organisation_id: Identifier
    accept: bool
    comments: Comments = ""  # required when sent back: what must change


class FunderPayment(Answer):
    amount: Payment
    received_on: Day
    reference: Reference = Field(min_length=1)


class PartnerPaid(Answer):
    payment: Annotated[int, Field(ge=1, le=10_000)]
    organisation_id: Identifier
    paid_on: Day


class NewParty(BaseModel):
    organisation_id: Identifier
    name: Name = Field(min_length=1)
    email: Email


class Replacement(Answer):
    """A partner leaves; its outputs and share pass to `replacement`, or, with none, are
    shared among those who stay."""

    leaving: Identifier
    reason: Reason = Field(min_length=1)
    replacement: NewParty | None = None


class TermExtension(Answer):
    periods: Annotated[int, Field(ge=1, le=40)]
    reason: Reason = Field(min_length=1)


class TargetChange(Answer):
    organisation_id: Identifier
    targets: Outputs
    reason: Reason = Field(min_length=1)


class ContractSummary(BaseModel):
    """What an answer returns: where the contract stands."""

    contract_id: str
    stage: str
    period: int
    returns_due: int = 0
    owed_pence: int = 0
