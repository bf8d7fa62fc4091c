"""Who may answer what, and when: the bid's Update validators as pure functions.

`check` refuses, with a reason a person understands, before anything is recorded: the
Update's own `check_*` (is the bid at that stage, is it a duplicate, is it late), then who
may send it (from the table in `models/bid_updates.py`). The workflow runs it as each
Update's validator, and again in the handler (two answers can arrive in one batch, each
validated before the other is applied).
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from temporalio.exceptions import ApplicationError

from models import bid_answers as a
from models.bid import CLOSED_STAGES, COORDINATOR, LOCAL_AUTHORITY, BidState
from models.bid_updates import SYSTEM_ACTOR, BidUpdate, Role


class Refused(ApplicationError):
    def __init__(self, reason: str, type: str = "AnswerRefused") -> None:
        super().__init__(reason, type=type, non_retryable=True)


def when(moment: datetime) -> str:
    return f"{moment:%d %B %Y, %H:%M} UTC"


def _open(state: BidState, *stages: str) -> None:
    if state.stage in CLOSED_STAGES:
        raise Refused(f"This bid is closed ({state.stage.replace('_', ' ')}).", "BidClosed")
    if stages and state.stage not in stages:
        stage = state.stage.replace("_", " ")
        raise Refused(f"This bid is not taking that answer now: it is at {stage}.", "WrongStage")


def role_of(state: BidState, actor: str) -> Role:
    if actor == COORDINATOR:
        return "coordinator"
    if actor == LOCAL_AUTHORITY:
        return "local_authority"
    if actor == SYSTEM_ACTOR:
        return "system"
    if actor == state.lead_id:
        return "lead"
    if actor in state.partners:
        return "partner"
    return "member"


_WHO = {
    "coordinator": "Only the coordinator may do this.",
    "lead": "Only the lead body (or the coordinator) may do this.",
    "local_authority": "Only the local authority's approver may sign the bid off.",
    "partner": "Your organisation was not invited to this bid.",
    "member": "Your organisation was not sent this opportunity.",
}


def check(state: BidState, update: BidUpdate, input: a.Answer, now: datetime) -> None:
    """Refuse `input` unless the bid takes it now and its actor may send `update`."""
    CHECKS[update.name](state, input, now)
    role = role_of(state, input.actor)
    if role == "lead" and "partner" in update.who and "lead" not in update.who:
        role = "partner"  # the lead writes and signs as a partner does
    if role == "partner" and "member" in update.who:
        role = "member"
    if not update.allows(role):
        needed = "lead" if "lead" in update.who else sorted(update.who)[0]
        raise Refused(_WHO[needed], "NotAuthorised")


def _before(now: datetime, deadline: datetime, what: str) -> None:
    if now >= deadline:
        raise Refused(f"{what} closed on {when(deadline)}.", "TooLate")


def check_interest(state: BidState, input: a.ExpressionOfInterest, now: datetime) -> None:
    _open(state, "notice")
    member = state.members.get(input.actor)
    if member is None:
        raise Refused("Your organisation was not sent this opportunity.", "NotAuthorised")
    _before(now, state.deadlines.interest, "Expressions of interest")
    if input.actor in state.interests:
        answer = state.interests[input.actor].answer.replace("_", " ")
        raise Refused(f"You have already answered ({answer}).", "Duplicate")
    if input.answer == "lead" and not member.willing_to_lead:
        raise Refused("Your proforma does not say you are willing to lead: answer 'partner'.")


def check_decision(state: BidState, input: a.BidDecision, now: datetime) -> None:
    _open(state, "decision")
    if state.decision is not None:
        raise Refused("The bid / no-bid decision is already recorded.", "Duplicate")
    if not input.go and not input.reasons.strip():
        raise Refused("Give the reasons for a no-go: the interested members will read them.")


def check_lead_choice(state: BidState, input: a.LeadChoice, now: datetime) -> None:
    _open(state, "lead_selection")
    if state.lead_id is not None:
        raise Refused("The lead body is already confirmed.", "Duplicate")
    member = state.members.get(input.organisation_id)
    if member is None or member.status != "full":
        raise Refused(f"{input.organisation_id} is not a full member who received this notice.")
    top = state.candidates[0].organisation_id if state.candidates else None
    if top is not None and input.organisation_id != top and not input.reason.strip():
        raise Refused("Say why you chose this lead over the ranking's first choice.")


def check_escalation(state: BidState, input: a.EscalationDecision, now: datetime) -> None:
    _open(state)
    escalation = state.escalation
    if escalation is None or escalation.resolution is not None:
        raise Refused("Nothing is waiting for a decision.", "Duplicate")
    if input.action not in escalation.options:
        raise Refused(f"Here you may: {', '.join(escalation.options)}.")
    if input.action == "extend":
        if input.until is None or input.until <= now:
            raise Refused("Give a new cut-off in the future.")
        if input.until >= state.deadlines.submission:
            raise Refused(f"The new cut-off must be before {when(state.deadlines.submission)}.")


def check_invitations(state: BidState, input: a.Invitations, now: datetime) -> None:
    # Until the agreement goes out the lead may still invite: from the circulation list or
    # from the directory (the handler looks those up, and refuses any that are not members).
    _open(state, "partner_signup", "drafting")
    if not input.organisation_ids:
        raise Refused("Name at least one organisation to invite.")
    for org in input.organisation_ids:
        if org in state.partners and state.partners[org].status != "declined":
            raise Refused(f"{org} is already {state.partners[org].status}.", "Duplicate")
    pending = sum(p.status in ("invited", "accepted") for p in state.partners.values())
    most = state.notice.max_partners
    if most is not None and pending + len(set(input.organisation_ids)) > most:
        raise Refused(f"The notice allows at most {most} partners.")


def check_invitation_answer(state: BidState, input: a.InvitationAnswer, now: datetime) -> None:
    _open(state, "partner_signup", "drafting")
    partner = state.partners.get(input.actor)
    if partner is None or partner.status == "lead":
        raise Refused("Your organisation was not invited to this bid.", "NotAuthorised")
    if partner.status != "invited":
        raise Refused(f"You have already answered ({partner.status}).", "Duplicate")
    task = state.schedule.get(f"invitation:{input.actor}")
    due = task.due if task else state.deadlines.partners
    if due is not None:
        _before(now, due, "The invitation")


def check_assignments(state: BidState, input: a.SectionAssignments, now: datetime) -> None:
    _open(state, "drafting")
    if not input.assignments:
        raise Refused("Assign at least one section.")
    active = {p.organisation_id for p in state.active_partners()}
    for item in input.assignments:
        section = state.sections.get(item.section)
        if section is None:
            raise Refused(f"The bid has no section '{item.section}'.")
        if section.status in ("submitted", "approved"):
            raise Refused(f"Section '{item.section}' is {section.status}: it cannot move now.")
        if item.organisation_id not in active:
            raise Refused(f"{item.organisation_id} is not in the consortium.")
        if not now < item.due <= state.deadlines.submission:
            raise Refused(f"Give '{item.section}' a due date between now and the deadline.")


def check_contribution(state: BidState, input: a.ContributionInput, now: datetime) -> None:
    _open(state, "drafting")
    section = state.sections.get(input.section)
    if section is None:
        raise Refused(f"The bid has no section '{input.section}'.")
    if section.assigned_to != input.actor:
        raise Refused("This section is not assigned to your organisation.", "NotAuthorised")
    if section.status == "submitted":
        raise Refused("You have already sent this section: the lead is reviewing it.", "Duplicate")
    if section.status == "approved":
        raise Refused("This section is already approved.", "Duplicate")


def check_review(state: BidState, input: a.ReviewInput, now: datetime) -> None:
    _open(state, "drafting")
    section = state.sections.get(input.section)
    if section is None or section.status != "submitted":
        raise Refused(f"No contribution to '{input.section}' is waiting for review.", "Duplicate")
    if not input.approve and not input.comments.strip():
        raise Refused("Say what needs to change when you return a contribution.")


def check_comment(state: BidState, input: a.AgreementCommentInput, now: datetime) -> None:
    _open(state, "agreement")
    agreement = state.agreement
    if agreement is None or input.actor not in agreement.parties:
        raise Refused("Your organisation is not a party to this agreement.", "NotAuthorised")
    if input.version != agreement.version:
        raise Refused(f"The current agreement is version {agreement.version}: comment on that.")
    _before(now, agreement.comment_until, "The comment period")


def check_signature(state: BidState, input: a.SignatureInput, now: datetime) -> None:
    _open(state, "agreement")
    agreement = state.agreement
    if agreement is None or input.actor not in agreement.parties:
        raise Refused("Your organisation is not a party to this agreement.", "NotAuthorised")
    if now < agreement.comment_until:
        raise Refused(f"Signing opens when comments close, on {when(agreement.comment_until)}.")
    if input.version_hash != agreement.version_hash:
        raise Refused(
            f"That is not the current agreement: please read and sign version {agreement.version}."
        )
    if input.actor in agreement.signatures:
        raise Refused("You have already signed this version.", "Duplicate")
    task = state.schedule.get(f"signature:{input.actor}")
    due = task.due if task else state.deadlines.signatures
    if due is not None:
        _before(now, due, "Signing")


def check_removal(state: BidState, input: a.RemovePartner, now: datetime) -> None:
    _open(state, "partner_signup", "drafting", "agreement", "la_signoff")
    partner = state.partners.get(input.organisation_id)
    if partner is None or partner.status not in ("invited", "accepted"):
        raise Refused(f"{input.organisation_id} is not a partner in this bid.")


def check_la_decision(state: BidState, input: a.LocalAuthorityDecision, now: datetime) -> None:
    _open(state, "la_signoff")
    returned = [r.section for r in input.returns] + input.sections
    if input.approve and returned:
        raise Refused("Approve the bid, or return sections: not both.")
    if not input.approve and not returned and not input.comments.strip():
        raise Refused("Pick the sections to return, with what must change in each.")
    unknown = set(returned) - set(state.sections)
    if unknown:
        raise Refused(f"The bid has no section {', '.join(sorted(unknown))}.")
    if len(set(returned)) != len(returned):
        raise Refused("Return each section once, with all its comments together.")


def check_submission(state: BidState, input: a.SubmissionInput, now: datetime) -> None:
    _open(state, "submission")
    _before(now, state.deadlines.submission, "Submission")
    if input.submitted_at is not None and input.submitted_at > now:
        raise Refused("The submission cannot be dated in the future.")


def check_outcome(state: BidState, input: a.OutcomeInput, now: datetime) -> None:
    _open(state, "award")
    if input.awarded and (input.value is None or input.start_date is None):
        raise Refused("Give the value and the start date of the award.")


def check_withdrawal(state: BidState, input: a.Withdrawal, now: datetime) -> None:
    _open(state)
    partner = state.partners.get(input.actor)
    if partner is not None and partner.status == "lead":
        raise Refused("The lead cannot withdraw: cancel the bid instead.")
    if partner is None or partner.status not in ("invited", "accepted"):
        raise Refused("Your organisation is not a partner in this bid.", "NotAuthorised")
    if state.stage in ("submission", "award"):
        raise Refused("The bid has gone to the funder: talk to the lead about leaving.")


def check_deadline_move(state: BidState, input: a.DeadlineMove, now: datetime) -> None:
    _open(state)
    if state.submission is not None:
        raise Refused("The bid is already submitted.")
    if input.submission_deadline.tzinfo is None or input.submission_deadline <= now:
        raise Refused("Give the new deadline, in the future, with a time zone.")
    if input.submission_deadline == state.deadlines.submission:
        raise Refused("That is the deadline already.", "Duplicate")


def check_cancellation(state: BidState, input: a.Cancellation, now: datetime) -> None:
    _open(state)
    if not input.reason.strip():
        raise Refused("Say why the bid is cancelled: everyone will be told.")


def check_extension(state: BidState, input: a.TaskExtension, now: datetime) -> None:
    _open(state)
    task = state.schedule.get(input.task)
    if task is None:
        raise Refused(f"Nothing called '{input.task}' is owed on this bid.")
    if task.escalate_to == "coordinator" and input.actor != COORDINATOR:
        raise Refused("Only the coordinator may give this task more time.", "NotAuthorised")
    if not now < input.until <= state.deadlines.submission:
        raise Refused(f"Give a new due date between now and {when(state.deadlines.submission)}.")


CHECKS: dict[str, Callable[[BidState, Any, datetime], None]] = {
    "express_interest": check_interest,
    "decide_bid": check_decision,
    "choose_lead": check_lead_choice,
    "resolve_escalation": check_escalation,
    "invite_partners": check_invitations,
    "answer_invitation": check_invitation_answer,
    "assign_sections": check_assignments,
    "submit_contribution": check_contribution,
    "review_contribution": check_review,
    "comment_on_agreement": check_comment,
    "sign_agreement": check_signature,
    "remove_partner": check_removal,
    "withdraw": check_withdrawal,
    "extend_task": check_extension,
    "local_authority_decision": check_la_decision,
    "record_submission": check_submission,
    "record_outcome": check_outcome,
    "move_deadline": check_deadline_move,
    "cancel": check_cancellation,
}
