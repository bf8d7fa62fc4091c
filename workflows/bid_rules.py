"""Who may answer what, and when: the bid's Update validators as pure functions.

Each `check_*` raises `Refused` with a reason a person understands, before anything is
recorded; the workflow's validators call them with `workflow.now()`.
"""

from datetime import datetime

from temporalio.exceptions import ApplicationError

from models import bid_answers as a
from models.bid import CLOSED_STAGES, COORDINATOR, LOCAL_AUTHORITY, BidState


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


def _coordinator(actor: str) -> None:
    if actor != COORDINATOR:
        raise Refused("Only the coordinator may do this.", "NotAuthorised")


def _lead(state: BidState, actor: str) -> None:
    if actor not in (COORDINATOR, state.lead_id):
        raise Refused("Only the lead body (or the coordinator) may do this.", "NotAuthorised")


def _before(now: datetime, deadline: datetime, what: str) -> None:
    if now >= deadline:
        raise Refused(f"{what} closed on {when(deadline)}.", "TooLate")


def check_interest(state: BidState, input: a.ExpressionOfInterest, now: datetime) -> None:
    _open(state, "notice")
    member = state.members.get(input.actor)
    if member is None:
        raise Refused("Your organisation was not sent this opportunity.", "NotAuthorised")
    _before(now, state.deadlines["interest"], "Expressions of interest")
    if input.actor in state.interests:
        answer = state.interests[input.actor].answer.replace("_", " ")
        raise Refused(f"You have already answered ({answer}).", "Duplicate")
    if input.answer == "lead" and not member.willing_to_lead:
        raise Refused("Your proforma does not say you are willing to lead: answer 'partner'.")


def check_decision(state: BidState, input: a.BidDecision, now: datetime) -> None:
    _open(state, "decision")
    _coordinator(input.actor)
    if state.decision is not None:
        raise Refused("The bid / no-bid decision is already recorded.", "Duplicate")
    if not input.go and not input.reasons.strip():
        raise Refused("Give the reasons for a no-go: the interested members will read them.")


def check_lead_choice(state: BidState, input: a.LeadChoice, now: datetime) -> None:
    _open(state, "lead_selection")
    _coordinator(input.actor)
    if state.lead_id is not None:
        raise Refused("The lead body is already confirmed.", "Duplicate")
    member = state.members.get(input.organisation_id)
    if member is None or member.status != "full":
        raise Refused(f"{input.organisation_id} is not a full member who received this notice.")


def check_escalation(state: BidState, input: a.EscalationDecision, now: datetime) -> None:
    _open(state)
    _coordinator(input.actor)
    escalation = state.escalation
    if escalation is None or escalation.resolution is not None:
        raise Refused("Nothing is waiting for a decision.", "Duplicate")
    if input.action not in escalation.options:
        raise Refused(f"Here you may: {', '.join(escalation.options)}.")
    if input.action == "extend":
        if input.until is None or input.until <= now:
            raise Refused("Give a new cut-off in the future.")
        if input.until >= state.deadlines["submission"]:
            raise Refused(f"The new cut-off must be before {when(state.deadlines['submission'])}.")


def check_invitations(state: BidState, input: a.Invitations, now: datetime) -> None:
    _open(state, "partner_signup")
    _lead(state, input.actor)
    if not input.organisation_ids:
        raise Refused("Name at least one organisation to invite.")
    for org in input.organisation_ids:
        if org not in state.members:
            raise Refused(f"{org} is not a member who received this notice.")
        if org in state.partners and state.partners[org].status != "declined":
            raise Refused(f"{org} is already {state.partners[org].status}.", "Duplicate")
    pending = sum(p.status in ("invited", "accepted") for p in state.partners.values())
    most = state.notice.max_partners
    if most is not None and pending + len(set(input.organisation_ids)) > most:
        raise Refused(f"The notice allows at most {most} partners.")


def check_invitation_answer(state: BidState, input: a.InvitationAnswer, now: datetime) -> None:
    _open(state, "partner_signup")
    partner = state.partners.get(input.actor)
    if partner is None or partner.status == "lead":
        raise Refused("Your organisation was not invited to this bid.", "NotAuthorised")
    if partner.status != "invited":
        raise Refused(f"You have already answered ({partner.status}).", "Duplicate")
    _before(now, state.deadlines["partners"], "The invitation")


def check_assignments(state: BidState, input: a.SectionAssignments, now: datetime) -> None:
    _open(state, "drafting")
    _lead(state, input.actor)
    active = {p.organisation_id for p in state.active_partners()}
    for item in input.assignments:
        section = state.sections.get(item.section)
        if section is None:
            raise Refused(f"The bid has no section '{item.section}'.")
        if section.status in ("submitted", "approved"):
            raise Refused(f"Section '{item.section}' is {section.status}: it cannot move now.")
        if item.organisation_id not in active:
            raise Refused(f"{item.organisation_id} is not in the consortium.")
        if not now < item.due <= state.deadlines["submission"]:
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
    _lead(state, input.actor)
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
    _before(now, state.deadlines["signatures"], "Signing")


def check_removal(state: BidState, input: a.RemovePartner, now: datetime) -> None:
    _open(state, "partner_signup", "drafting", "agreement", "la_signoff")
    _lead(state, input.actor)
    partner = state.partners.get(input.organisation_id)
    if partner is None or partner.status not in ("invited", "accepted"):
        raise Refused(f"{input.organisation_id} is not a partner in this bid.")


def check_la_decision(state: BidState, input: a.LocalAuthorityDecision, now: datetime) -> None:
    _open(state, "la_signoff")
    if input.actor != LOCAL_AUTHORITY:
        raise Refused("Only the local authority's approver may sign the bid off.", "NotAuthorised")
    if not input.approve and not input.comments.strip():
        raise Refused("Say what needs to change when you return the bid.")
    unknown = set(input.sections) - set(state.sections)
    if unknown:
        raise Refused(f"The bid has no section {', '.join(sorted(unknown))}.")


def check_submission(state: BidState, input: a.SubmissionInput, now: datetime) -> None:
    _open(state, "submission")
    _lead(state, input.actor)
    _before(now, state.deadlines["submission"], "Submission")


def check_outcome(state: BidState, input: a.OutcomeInput, now: datetime) -> None:
    _open(state, "award")
    _lead(state, input.actor)
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
    _coordinator(input.actor)
    if state.submission is not None:
        raise Refused("The bid is already submitted.")
    if input.submission_deadline.tzinfo is None or input.submission_deadline <= now:
        raise Refused("Give the new deadline, in the future, with a time zone.")
    if input.submission_deadline == state.deadlines["submission"]:
        raise Refused("That is the deadline already.", "Duplicate")


def check_cancellation(state: BidState, input: a.Cancellation, now: datetime) -> None:
    _open(state)
    _lead(state, input.actor)
    if not input.reason.strip():
        raise Refused("Say why the bid is cancelled: everyone will be told.")
