"""The inputs of the bid workflow's Updates: every human answer and coordinator override.

`actor` is who answers: an organisation id (taken from the signed task link by the web app),
`"coordinator"` or `"local-authority"`. The coordinator may do anything the lead may.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field


class Answer(BaseModel):
    actor: str


class ExpressionOfInterest(Answer):
    answer: Literal["lead", "partner", "not_this_time"]
    note: str = ""


class BidDecision(Answer):
    """The coordinator's bid / no-bid decision, each criterion scored 0-5."""

    go: bool
    fit: int = Field(default=0, ge=0, le=5)  # with members' services
    capacity: int = Field(default=0, ge=0, le=5)
    value_for_effort: int = Field(default=0, ge=0, le=5)
    eligibility: int = Field(default=0, ge=0, le=5)
    reasons: str = ""


class LeadChoice(Answer):
    organisation_id: str
    reason: str = ""  # required when the choice is not the top-ranked candidate


class EscalationDecision(Answer):
    action: Literal["extend", "proceed", "abandon"]
    until: datetime | None = None  # the new cut-off, for "extend"
    reason: str = ""


class Invitations(Answer):
    organisation_ids: list[str]


class InvitationAnswer(Answer):
    accept: bool
    note: str = ""


class SectionAssignment(BaseModel):
    section: str
    organisation_id: str
    due: datetime


class SectionAssignments(Answer):
    assignments: list[SectionAssignment]


class ContributionInput(Answer):
    section: str
    body: str = Field(min_length=1)
    attachment_name: str | None = None


class ReviewInput(Answer):
    section: str
    approve: bool
    comments: str = ""


class AgreementCommentInput(Answer):
    version: int
    text: str = Field(min_length=1)


class SignatureInput(Answer):
    version_hash: str
    signer_name: str = Field(min_length=1)
    signer_role: str = Field(min_length=1)


class RemovePartner(Answer):
    organisation_id: str
    reason: str = ""


class SectionReturn(BaseModel):
    """One section the local authority sends back, with what must change in it."""

    section: str
    comment: str = Field(min_length=1)


class LocalAuthorityDecision(Answer):
    approve: bool
    comments: str = ""  # on the bid as a whole
    returns: list[SectionReturn] = Field(default_factory=list)  # only these go back
    sections: list[str] = Field(default_factory=list)  # older form: names without comments


class SubmissionInput(Answer):
    reference: str = Field(min_length=1)
    submitted_at: datetime | None = None  # defaults to the time it is recorded


class OutcomeInput(Answer):
    awarded: bool
    value: Decimal | None = None
    start_date: date | None = None
    feedback: str = ""


class Withdrawal(Answer):
    reason: str = ""


class DeadlineMove(Answer):
    submission_deadline: datetime


class Cancellation(Answer):
    reason: str


class TaskExtension(Answer):
    """More time for one overdue task (an invitation, a section, a signature, a sign-off)."""

    task: str  # the task's id on the bid's schedule, e.g. "section:summary"
    until: datetime
