"""What each kind of task link asks for: its Update, and the answer built from the form.

A form is parsed into the Update's input model here, at the edge: a bad answer fails with a
`ValidationError` before anything reaches the bid. `actor` always comes from the signed link,
never from the form, so one organisation cannot answer for another.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from models.bid import BidState, OutstandingTask
from models.bid_answers import (
    AgreementCommentInput,
    ContributionInput,
    ExpressionOfInterest,
    InvitationAnswer,
    LocalAuthorityDecision,
    OutcomeInput,
    ReviewInput,
    SectionReturn,
    SignatureInput,
    SubmissionInput,
    Withdrawal,
)
from models.task import TaskLink

Form = dict[str, str]
MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024  # documented in the README and on the page


@dataclass(frozen=True)
class TaskForm:
    """`build` makes the Update's input. Most answers need only the link and the form; one
    that quotes the bid (the agreement's version) says `needs_state`, and only then does
    the page ask the bid for its state before answering."""

    update: str
    heading: str
    build: Callable[[TaskLink, Form, BidState | None], BaseModel]
    needs_state: bool = False


def _yes(form: Form, name: str) -> bool:
    return form.get(name, "").strip().lower() in ("yes", "true", "on", "1", "accept", "approve")


def _agreement_version(state: BidState | None) -> int:
    return state.agreement.version if state and state.agreement else 0


# The local authority's page: a box to tick and a comment for each section, by its key.
RETURN, COMMENT = "return:", "comment:"


def _la_decision(link: TaskLink, form: Form) -> LocalAuthorityDecision:
    """Approve; or return the sections ticked (or given a comment), each with its own
    comment. With none, the comments on the bid as a whole send all of it back."""
    ticked = [k.removeprefix(RETURN) for k in form if k.startswith(RETURN) and _yes(form, k)]
    noted = {
        k.removeprefix(COMMENT): v.strip()
        for k, v in form.items()
        if k.startswith(COMMENT) and v.strip()
    }
    sections = list(dict.fromkeys([*ticked, *noted]))
    silent = [k for k in sections if k not in noted]
    if silent:
        raise _comment_needed(silent)
    return LocalAuthorityDecision(
        actor=link.organisation_id,
        approve=_yes(form, "approve"),
        comments=form.get("comments", "").strip(),
        returns=[SectionReturn(section=k, comment=noted[k]) for k in sections],
    )


def _comment_needed(sections: list[str]) -> ValidationError:
    """A section ticked with nothing said about it: the writer would not know what to change."""
    errors = [
        InitErrorDetails(
            type=PydanticCustomError("comment_needed", "say what must change in '{k}'", {"k": k}),
            loc=("returns", k),
            input="",
        )
        for k in sections
    ]
    return ValidationError.from_exception_data("LocalAuthorityDecision", errors)


FORMS: dict[str, TaskForm] = {
    "expression_of_interest": TaskForm(
        "express_interest",
        "Would you like to take part in this bid?",
        lambda link, f, s: ExpressionOfInterest(
            actor=link.organisation_id, answer=f.get("answer", ""), note=f.get("note", "")
        ),
    ),
    "invitation": TaskForm(
        "answer_invitation",
        "You are invited to join this consortium",
        lambda link, f, s: InvitationAnswer(
            actor=link.organisation_id, accept=_yes(f, "accept"), note=f.get("note", "")
        ),
    ),
    "section": TaskForm(
        "submit_contribution",
        "Please write your section of the bid",
        lambda link, f, s: ContributionInput(
            actor=link.organisation_id,
            section=link.key,
            body=f.get("body", "").strip(),
            attachment_name=f.get("attachment_name") or None,
        ),
    ),
    "agreement": TaskForm(
        "comment_on_agreement",
        "Please read the consortium agreement",
        lambda link, f, s: AgreementCommentInput(
            actor=link.organisation_id,
            version=_agreement_version(s),
            text=f.get("text", "").strip(),
        ),
        needs_state=True,
    ),
    "signature": TaskForm(
        "sign_agreement",
        "Please sign the consortium agreement",
        lambda link, f, s: SignatureInput(
            actor=link.organisation_id,
            version_hash=f.get("version_hash", ""),
            signer_name=f.get("signer_name", "").strip(),
            signer_role=f.get("signer_role", "").strip(),
        ),
    ),
    "review": TaskForm(
        "review_contribution",
        "Please review a contribution",
        lambda link, f, s: ReviewInput(
            actor=link.organisation_id,
            section=link.key,
            approve=_yes(f, "approve"),
            comments=f.get("comments", "").strip(),
        ),
    ),
    "la_signoff": TaskForm(
        "local_authority_decision",
        "Please sign off this bid",
        lambda link, f, s: _la_decision(link, f),
    ),
    "submission": TaskForm(
        "record_submission",
        "Record the bid's submission",
        lambda link, f, s: SubmissionInput(
            actor=link.organisation_id, reference=f.get("reference", "").strip()
        ),
    ),
    "outcome": TaskForm(
        "record_outcome",
        "Record the funder's decision",
        lambda link, f, s: OutcomeInput(
            actor=link.organisation_id,
            awarded=_yes(f, "awarded"),
            value=f.get("value") or None,
            start_date=f.get("start_date") or None,
            feedback=f.get("feedback", ""),
        ),
    ),
}

WITHDRAW = TaskForm(
    "withdraw",
    "Withdraw from this bid",
    lambda link, f, s: Withdrawal(actor=link.organisation_id, reason=f.get("reason", "")),
)


def outstanding_for(link: TaskLink, state: BidState) -> OutstandingTask | None:
    """The open task this link asks for, or None when it is done or no longer asked."""
    for task in state.outstanding:
        if task.kind == link.kind and task.owed_by == link.organisation_id:
            # A task keyed by what it is about (a section) must match; others carry no key.
            if not task.key or task.key == link.key:
                return task
    return _lead_invitations(link, state)


def _lead_invitations(link: TaskLink, state: BidState) -> OutstandingTask | None:
    """The lead's "invite your partners" while sign-up is open: the bid lists no such task
    (it waits on the invitations, not on the lead), yet the e-mail asks for it, so its link
    must send the lead to the console rather than say nothing is asked."""
    asked = link.kind == "invite_partners" and state.stage == "partner_signup"
    if not asked or link.organisation_id != state.lead_id:
        return None
    return OutstandingTask(
        kind=link.kind, owed_by=link.organisation_id, due=state.deadlines.partners
    )


# The bid deadline that closes each kind of answer, where one does.
CLOSING_DEADLINE = {
    "expression_of_interest": "interest",
    "invitation": "partners",
    "signature": "signatures",
}


def closed_on(link: TaskLink, state: BidState, now: datetime) -> datetime | None:
    """When this kind of answer closed, if it has (the page then says so)."""
    name = CLOSING_DEADLINE.get(link.kind)
    deadline = getattr(state.deadlines, name) if name else None
    return deadline if deadline is not None and deadline < now else None


def is_late(task: OutstandingTask | None, now: datetime) -> bool:
    return task is not None and task.due is not None and task.due < now
