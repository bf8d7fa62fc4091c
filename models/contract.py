"""The contract workflow's input and state: a consortium's delivery after the award.

Money is whole pence (`int`) in the state; a payment is split by `split_payment`, exactly.
"""

import calendar
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field

from models.bid import TimelineEvent
from models.bid_schedule import DueTask

PartyRole = Literal["lead", "partner"]
ReturnStatus = Literal["due", "submitted", "returned", "accepted"]
ContractStage = Literal["delivery", "closed"]
HISTORY_KEPT = 200  # timeline events carried over a period's continue-as-new


class ContractTimetable(BaseModel):
    period_months: int = 3  # quarterly returns by default
    return_window: timedelta = timedelta(days=14)  # after a period ends, to send its return
    review_window: timedelta = timedelta(days=7)  # for the lead to review a return
    sign_window: timedelta = timedelta(days=14)  # to sign a subcontract
    remind_before: timedelta = timedelta(days=3)
    remind_every: timedelta = timedelta(days=2)
    link_valid_after_due: timedelta = timedelta(days=30)


class ContractParty(BaseModel):
    """The lead or a partner; `share` is its part of what is left after the top-slice."""

    organisation_id: str
    name: str
    email: str
    role: PartyRole = "partner"
    status: Literal["active", "left"] = "active"
    share: Decimal
    services: list[str] = Field(default_factory=list)  # the bid sections it delivers
    targets: dict[str, int] = Field(default_factory=dict)  # outputs owed each period
    joined_period: int = 1
    left_period: int | None = None


class Subcontract(BaseModel):
    """One partner's back-to-back subcontract, at one version of the consortium."""

    organisation_id: str
    version: int
    version_hash: str
    signed_by: str | None = None
    signed_at: datetime | None = None


class ReturnRecord(BaseModel):
    period: int
    organisation_id: str
    due: datetime
    status: ReturnStatus = "due"
    round: int = 1  # sent back and asked again: a new round
    outputs: dict[str, int] = Field(default_factory=dict)
    outcomes: str = ""
    case_studies: str = ""
    spend_pence: int = 0
    comments: str = ""  # the lead's, when sent back
    submitted_at: datetime | None = None
    late: bool = False  # escalated before it came
    # Combined and saved: its text lives on in contract_returns and the combined return, and
    # leaves the state, which continue-as-new carries for the contract's whole term.
    archived: bool = False

    def archive(self) -> None:
        self.outcomes = self.case_studies = self.comments = ""
        self.archived = True

    @property
    def key(self) -> str:
        return return_key(self.period, self.organisation_id)


def return_key(period: int, organisation_id: str) -> str:
    return f"{period}:{organisation_id}"


class PaymentSplit(BaseModel):
    """A funder's payment split to the penny (see `split_payment`)."""

    received_pence: int
    top_slice_pence: int
    remainder_pence: int  # pennies left by rounding each partner's share down: the lead's
    shares: dict[str, int]  # organisation -> pence owed from the pool (the lead's included)


class PaymentRecord(BaseModel):
    number: int
    reference: str
    received_on: date
    split: PaymentSplit
    paid: dict[str, date] = Field(default_factory=dict)  # partner -> the day it was paid

    def owed(self, lead_id: str) -> dict[str, int]:
        """What each party is still to receive from this payment (the lead keeps its own)."""
        return {
            org: pence
            for org, pence in self.split.shares.items()
            if org != lead_id and org not in self.paid
        }


def split_payment(
    received_pence: int, top_slice: Decimal, shares: dict[str, Decimal], lead_id: str
) -> PaymentSplit:
    """The lead's top-slice is `top_slice`% of the payment, rounded half up to the penny; the
    rest is shared by the parties' shares, each rounded *down* to the penny; the pennies that
    rounding leaves over go to the lead, which holds the contract and its risk. So the parts
    always add up to the payment exactly."""
    sliced = (Decimal(received_pence) * top_slice / 100).quantize(Decimal(1), ROUND_HALF_UP)
    pool = received_pence - int(sliced)
    total = sum(shares.values())
    owed = {
        org: int((Decimal(pool) * share / total).to_integral_value(ROUND_DOWN)) if total else 0
        for org, share in shares.items()
    }
    remainder = pool - sum(owed.values())
    if lead_id in owed:
        owed[lead_id] += remainder
    return PaymentSplit(
        received_pence=received_pence,
        top_slice_pence=int(sliced),
        remainder_pence=remainder,
        shares=owed,
    )


def pence(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value(ROUND_HALF_UP))


def pounds(amount_pence: int) -> str:
    return f"£{amount_pence // 100:,}.{amount_pence % 100:02d}"


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later; the month's last day where it has no such day."""
    year, month = divmod(moment.month - 1 + months, 12)
    year, month = moment.year + year, month + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


class ContractInput(BaseModel):
    contract_id: str  # "contract-" + the bid's id
    bid_id: str
    title: str
    funder: str
    currency: str = "GBP"
    value: Decimal | None = None
    starts: datetime
    term_periods: int = 4
    lead_id: str
    parties: list[ContractParty]
    top_slice: Decimal = Decimal("10")
    coordinator_email: str
    agreement_version: int = 1
    agreement_hash: str = ""
    timetable: ContractTimetable = Field(default_factory=ContractTimetable)
    resume_from: "ContractState | None" = None  # continue-as-new carries the state here


class ContractState(BaseModel):
    """Everything about one contract; new fields get defaults (running contracts load)."""

    contract_id: str
    bid_id: str
    title: str
    funder: str
    currency: str = "GBP"
    value: Decimal | None = None
    starts: datetime
    term_periods: int
    lead_id: str
    top_slice: Decimal
    coordinator_email: str
    timetable: ContractTimetable
    stage: ContractStage = "delivery"
    period: int = 1  # the period being reported on (or about to be)
    version: int = 1  # the consortium's version: a partner replaced makes a new one
    agreement_hash: str = ""
    parties: dict[str, ContractParty] = Field(default_factory=dict)
    subcontracts: dict[str, Subcontract] = Field(default_factory=dict)
    returns: dict[str, ReturnRecord] = Field(default_factory=dict)  # by return_key
    payments: list[PaymentRecord] = Field(default_factory=list)
    combined: dict[int, str] = Field(default_factory=dict)  # period -> combined return's hash
    variations: list[dict[str, Any]] = Field(default_factory=list)
    schedule: dict[str, DueTask] = Field(default_factory=dict)  # what people owe, by task id
    problems: list[str] = Field(default_factory=list)
    timeline: list[TimelineEvent] = Field(default_factory=list)
    audit_seq: int = 0  # audit rows written, across continue-as-new
    closed_at: datetime | None = None

    @classmethod
    def new(cls, input: ContractInput) -> "ContractState":
        if input.resume_from is not None:
            return input.resume_from
        return cls(
            **input.model_dump(exclude={"parties", "resume_from", "agreement_version"}),
            version=input.agreement_version,
            parties={p.organisation_id: p for p in input.parties},
        )

    # --- read by the bid's Reminders and Escalations (see workflows/contract/effects.py) ---

    def name_of(self, organisation_id: str) -> str:
        party = self.parties.get(organisation_id)
        return party.name if party else organisation_id

    def lead_email(self) -> str:
        return self.parties[self.lead_id].email

    # --- the contract's own -----------------------------------------------------------------

    def active(self) -> list[ContractParty]:
        return [p for p in self.parties.values() if p.status == "active"]

    def partners(self) -> list[ContractParty]:
        """Those who report each period: every active party but the lead."""
        return [p for p in self.active() if p.role == "partner"]

    def period_end(self, period: int) -> datetime:
        return add_months(self.starts, period * self.timetable.period_months)

    def ends(self) -> datetime:
        return self.period_end(self.term_periods)

    def value_delivered_pence(self) -> int:
        return sum(p.split.received_pence for p in self.payments)

    def owed_pence(self) -> int:
        return sum(sum(p.owed(self.lead_id).values()) for p in self.payments)

    def outputs_achieved(self) -> int:
        accepted = [r for r in self.returns.values() if r.status == "accepted"]
        return sum(sum(r.outputs.values()) for r in accepted)


class ContractOutcome(BaseModel):
    contract_id: str
    stage: ContractStage
    periods: int
    value_delivered_pence: int


ContractInput.model_rebuild()
