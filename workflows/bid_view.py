"""Derived views of a bid's state: outstanding tasks, the read-model snapshot, the summary."""

from collections.abc import Callable
from typing import Any

from models.bid import COORDINATOR, LOCAL_AUTHORITY, BidState, OutstandingTask
from models.bid_rows import BidSnapshot, PartnerRow, SectionRow

SUMMARY_TASKS = 50


def outstanding_tasks(state: BidState) -> list[OutstandingTask]:
    """Who owes what, now: the answers the bid is waiting for."""
    owed = _OWED.get(state.stage)
    tasks = owed(state) if owed else []
    if state.escalation is not None and state.escalation.resolution is None:
        tasks.append(
            OutstandingTask(kind="escalation", key=state.escalation.stage, owed_by=COORDINATOR)
        )
    return tasks


def _task(kind: str, owed_by: str | None, due=None, key: str = "") -> OutstandingTask:
    return OutstandingTask(kind=kind, key=key, owed_by=owed_by or COORDINATOR, due=due)


def _notice(s: BidState) -> list[OutstandingTask]:
    due = s.deadlines["interest"]
    return [_task("expression_of_interest", o, due) for o in s.members if o not in s.interests]


def _lead_selection(s: BidState) -> list[OutstandingTask]:
    return [] if s.lead_id else [_task("lead_choice", COORDINATOR, s.deadlines.get("lead"))]


def _partner_signup(s: BidState) -> list[OutstandingTask]:
    due = s.deadlines.get("partners")
    return [_task("invitation", k, due) for k, p in s.partners.items() if p.status == "invited"]


def _drafting(s: BidState) -> list[OutstandingTask]:
    tasks = []
    for key, section in s.sections.items():
        if section.status in ("assigned", "returned"):
            tasks.append(_task("section", section.assigned_to, section.due, key))
        elif section.status == "submitted":
            tasks.append(_task("review", s.lead_id, key=key))
        elif section.status == "unassigned":
            tasks.append(_task("assign_sections", s.lead_id, key=key))
    return tasks


def _agreement(s: BidState) -> list[OutstandingTask]:
    a, due = s.agreement, s.deadlines.get("signatures")
    return (
        []
        if a is None
        else [_task("signature", p, due) for p in a.parties if p not in a.signatures]
    )


_OWED: dict[str, Callable[[BidState], list[OutstandingTask]]] = {
    "notice": _notice,
    "decision": lambda s: [_task("bid_decision", COORDINATOR)],
    "lead_selection": _lead_selection,
    "partner_signup": _partner_signup,
    "drafting": _drafting,
    "agreement": _agreement,
    "la_signoff": lambda s: [_task("la_signoff", LOCAL_AUTHORITY, s.deadlines.get("la_signoff"))],
    "submission": lambda s: [_task("submission", s.lead_id, s.deadlines["submission"])],
    "award": lambda s: [_task("outcome", COORDINATOR)],
}


def summary(state: BidState) -> dict[str, Any]:
    """The state without its long parts (members, timeline, agreement text): small enough to
    return from every Update and to keep in the bids row."""
    agreement, tasks = state.agreement, outstanding_tasks(state)
    return {
        "stage": state.stage,
        "deadlines": {k: v.isoformat() for k, v in state.deadlines.items()},
        "lead_id": state.lead_id,
        "partners": {k: p.status for k, p in state.partners.items()},
        "sections": {k: s.status for k, s in state.sections.items()},
        "agreement": None
        if agreement is None
        else {
            "version": agreement.version,
            "version_hash": agreement.version_hash,
            "signed": sorted(agreement.signatures),
        },
        "escalation": None
        if state.escalation is None
        else state.escalation.model_dump(mode="json"),
        # Capped: a notice circulated to 2,000 members owes 2,000 answers; the query has all.
        "outstanding": [t.model_dump(mode="json") for t in tasks[:SUMMARY_TASKS]],
        "outstanding_count": len(tasks),
        "closed_reason": state.closed_reason,
    }


def snapshot(state: BidState) -> BidSnapshot:
    tasks = outstanding_tasks(state)
    return BidSnapshot(
        bid_id=state.bid_id,
        opportunity_id=state.notice.id,
        lead_organisation_id=state.lead_id,
        stage=state.stage,
        deadline=state.deadlines["submission"],
        outstanding_tasks=len(tasks),
        next_due=min((t.due for t in tasks if t.due is not None), default=None),
        summary=summary(state),  # its own outstanding list is capped
        version=len(state.timeline),
        partners=[
            PartnerRow(
                organisation_id=p.organisation_id,
                role="lead" if p.status == "lead" else "partner",
                status=p.status,
                budget_share=p.budget_share,
            )
            for p in state.partners.values()
        ],
        sections=[
            SectionRow(
                key=s.key,
                title=s.key.replace("_", " ").capitalize(),
                assigned_to=s.assigned_to,
                due=s.due,
                status=s.status,
            )
            for s in state.sections.values()
        ],
    )
