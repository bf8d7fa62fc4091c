"""The inputs of the bid workflow's Updates: every human answer and coordinator override.

`actor` is who answers: an organisation id (taken from the signed task link by the web app),
`"coordinator"` or `"local-authority"`. The coordinator may do anything the lead may.
Every field is bounded (models/limits.py), so the CLI, the forms and the API refuse an
oversized or malformed answer before it reaches the bid.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from models.limits import (
    MAX_PARTNERS,
    MAX_SECTIONS,
    Aware,
    Comments,
    Day,
    Digest,
    FileName,
    Identifier,
    Label,
    LongText,
    Money,
    Name,
    Note,
    Reason,
    Reference,
    Role,
)

Score = Annotated[int, Field(ge=0, le=5)]
Version = Annotated[int, Field(ge=0, le=100_000)]


class Answer(BaseModel):
    actor: Identifier


class ExpressionOfInterest(Answer):
    answer: Literal["lead", "partner", "not_this_time"]
    note: Note = ""


class BidDecision(Answer):
    """The coordinator's bid / no-bid decision, each criterion scored 0-5."""

    go: bool
    fit: Score = 0  # with members' services
    capacity: Score = 0
    value_for_effort: Score = 0
    eligibility: Score = 0
    reasons: Reason = ""


class LeadChoice(Answer):
    organisation_id: Identifier
    reason: Reason = ""  # required when the choice is not the top-ranked candidate


class EscalationDecision(Answer):
    action: Literal["extend", "proceed", "abandon"]
    until: Aware | None = None  # the new cut-off, for "extend"
    reason: Reason = ""


class Invitations(Answer):
    organisation_ids: list[Identifier] = Field(max_length=MAX_PARTNERS)


class InvitationAnswer(Answer):
    accept: bool
    note: Note = ""


class SectionAssignment(BaseModel):
    section: Label
    organisation_id: Identifier
    due: Aware


class SectionAssignments(Answer):
    assignments: list[SectionAssignment] = Field(max_length=MAX_SECTIONS)


class ContributionInput(Answer):
    section: Label
    body: LongText = Field(min_length=1)
    attachment_name: FileName | None = None


class ReviewInput(Answer):
    section: Label
    approve: bool
    comments: Comments = ""


class AgreementCommentInput(Answer):
    version: Version
    text: Comments = Field(min_length=1)


class SignatureInput(Answer):
    version_hash: Digest
    signer_name: Name = Field(min_length=1)
    signer_role: Role = Field(min_length=1)


class RemovePartner(Answer):
    organisation_id: Identifier
    reason: Reason = ""


class SectionReturn(BaseModel):
    """One section the local authority sends back, with what must change in it."""

    section: Label
    comment: Comments = Field(min_length=1)


class LocalAuthorityDecision(Answer):
    approve: bool
    comments: Comments = ""  # on the bid as a whole
    # Only these go back, each with what must change in it.
    returns: list[SectionReturn] = Field(default_factory=list, max_length=MAX_SECTIONS)
    # Sections to redraft under the general comments (none named, none returned: all).
    sections: list[Label] = Field(default_factory=list, max_length=MAX_SECTIONS)


class SubmissionInput(Answer):
    reference: Reference = Field(min_length=1)
    submitted_at: Aware | None = None  # defaults to the time it is recorded


class OutcomeInput(Answer):
    awarded: bool
    value: Money | None = None
    start_date: Day | None = None
    feedback: Comments = ""


class Withdrawal(Answer):
    reason: Reason = ""


class DeadlineMove(Answer):
    submission_deadline: Aware


class Cancellation(Answer):
    reason: Reason


class TaskExtension(Answer):
    """More time for one overdue task (an invitation, a section, a signature, a sign-off)."""

    task: Name  # the task's id on the bid's schedule, e.g. "section:summary" (kind + a key)
    until: Aware
