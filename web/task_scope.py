"""What a task link shows and offers, given the bid as it stands now.

A link is one organisation's one task. Once the task is answered, its page shows what was
recorded and nothing to change. Withdrawing is offered only on a partner's current task's
link (the one for what the bid is doing now), while the bid still takes withdrawals. An
organisation that has left the bid sees only that it has: not the consortium, not its
sections. Reads `BidState`'s fields only.
"""

from datetime import datetime
from typing import Any

from models.bid import COORDINATOR, LOCAL_AUTHORITY, BidState, PartnerState, TimelineEvent
from models.task import TaskLink

LEFT = ("withdrawn", "removed")
IN_CONSORTIUM = ("lead", "invited", "accepted")
ANSWERS = {
    "lead": "We would like to lead this bid",
    "partner": "We would like to be a partner",
    "not_this_time": "Not this time",
}
Shown = list[tuple[str, str]]  # (what, the answer), as the page lists them


def has_left(link: TaskLink, state: BidState) -> PartnerState | None:
    """The link's organisation as a partner that withdrew or was removed, else None."""
    partner = state.partners.get(link.organisation_id)
    return partner if partner is not None and partner.status in LEFT else None


def left_text(partner: PartnerState, state: BidState) -> str:
    how = "withdrew from" if partner.status == "withdrawn" else "was removed from"
    return (
        f"Your organisation {how} the bid for “{state.notice.title}”, so this link no longer "
        "shows it. If that is a mistake, contact the coordinator."
    )


def sees_consortium(link: TaskLink, state: BidState) -> bool:
    """The consortium's members and sections: for those in it or invited, and the roles."""
    if link.organisation_id in (COORDINATOR, LOCAL_AUTHORITY):
        return True
    partner = state.partners.get(link.organisation_id)
    return partner is not None and partner.status in IN_CONSORTIUM


def is_current(link: TaskLink, state: BidState) -> bool:
    """Whether this is the link of what the bid asks of this partner at its stage now: the
    invitation at sign-up (and in drafting for a partner with no section), its own section
    in drafting, the agreement until the local authority signs it off."""
    org, stage = link.organisation_id, state.stage
    if link.kind == "invitation":
        has_section = any(s.assigned_to == org for s in state.sections.values())
        return stage == "partner_signup" or (stage == "drafting" and not has_section)
    if link.kind == "section":
        section = state.sections.get(link.key)
        return stage == "drafting" and section is not None and section.assigned_to == org
    if link.kind in ("agreement", "signature"):
        agreement = state.agreement
        return stage in ("agreement", "la_signoff") and bool(agreement) and org in agreement.parties
    return False


def may_withdraw(link: TaskLink, state: BidState) -> bool:
    """A partner invited or accepted, on its current task's link (the stages where one is
    current are those in which the bid takes a withdrawal)."""
    partner = state.partners.get(link.organisation_id)
    return (
        partner is not None
        and partner.status in ("invited", "accepted")
        and is_current(link, state)
    )


def answered(link: TaskLink, state: BidState) -> Shown:
    """What this link's task recorded, for the page to show read-only; empty if nothing."""
    shown = _ANSWERED.get(link.kind)
    return [(what, text) for what, text in shown(link, state) if text] if shown else []


def _when(moment: datetime | str | None) -> str:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.strftime("%d %b %Y, %H:%M") if moment else ""


def _event(state: BidState, actor: str, *actions: str) -> TimelineEvent | None:
    """The latest record of one of `actions` by `actor`."""
    found = [e for e in state.timeline if e.actor == actor and e.action in actions]
    return found[-1] if found else None


def _interest(link: TaskLink, state: BidState) -> Shown:
    interest = state.interests.get(link.organisation_id)
    if interest is None:
        return []
    answer = ANSWERS.get(interest.answer, interest.answer)
    return [("Your answer", answer), ("Your note", interest.note), ("Answered", _when(interest.at))]


def _invitation(link: TaskLink, state: BidState) -> Shown:
    partner = state.partners.get(link.organisation_id)
    if partner is None or partner.status not in ("accepted", "declined"):
        return []
    event = _event(state, link.organisation_id, "invitation_accepted", "invitation_declined")
    detail: dict[str, Any] = event.detail if event else {}
    return [
        ("Your answer", f"You {partner.status} the invitation"),
        ("Your note", str(detail.get("note") or "")),
        ("Answered", _when(event.at if event else None)),
    ]


def _section(link: TaskLink, state: BidState) -> Shown:
    section = state.sections.get(link.key)
    if section is None or not section.version or section.assigned_to != link.organisation_id:
        return []
    return [
        (f"Your text (version {section.version})", section.body),
        ("Status", section.status),
        ("Comments from the reviewer", section.comments),
    ]


def _review(link: TaskLink, state: BidState) -> Shown:
    section = state.sections.get(link.key)
    if section is None or section.status not in ("approved", "returned"):
        return []
    return [("Your review", section.status), ("Your comments", section.comments)]


def _agreement(link: TaskLink, state: BidState) -> Shown:
    comments = state.agreement.comments if state.agreement else []
    mine = [c for c in comments if c.organisation_id == link.organisation_id]
    return [(f"Your comment on version {c.version}", c.text) for c in mine]


def _signature(link: TaskLink, state: BidState) -> Shown:
    signature = state.agreement.signatures.get(link.organisation_id) if state.agreement else None
    if signature is None:
        return []
    return [
        ("Signed by", f"{signature.signer_name}, {signature.signer_role}"),
        ("Version", str(signature.version)),
        ("Signed", _when(signature.at)),
    ]


def _la_signoff(link: TaskLink, state: BidState) -> Shown:
    event = _event(state, LOCAL_AUTHORITY, "la_approved", "la_returned")
    if event is None:
        return []
    decision = "Signed off" if event.action == "la_approved" else "Returned for redrafting"
    shown = [("Your decision", decision), ("Your comments", str(event.detail.get("comments", "")))]
    returns: dict[str, Any] = event.detail.get("returns") or {}
    return shown + [(f"Returned: {section}", str(note)) for section, note in returns.items()]


def _submission(link: TaskLink, state: BidState) -> Shown:
    done = state.submission
    return [("Reference", done.reference), ("Recorded", _when(done.at))] if done else []


def _outcome(link: TaskLink, state: BidState) -> Shown:
    outcome = state.outcome
    if outcome is None:
        return []
    return [
        ("Decision", "Awarded" if outcome.awarded else "Not awarded"),
        ("Value", f"{state.notice.currency} {outcome.value}" if outcome.value is not None else ""),
        ("Start date", str(outcome.start_date or "")),
        ("Feedback", outcome.feedback),
    ]


_ANSWERED = {
    "expression_of_interest": _interest,
    "invitation": _invitation,
    "section": _section,
    "review": _review,
    "agreement": _agreement,
    "signature": _signature,
    "la_signoff": _la_signoff,
    "submission": _submission,
    "outcome": _outcome,
}
