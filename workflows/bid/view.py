"""Derived views of a bid's state: who owes what now, the summary, the read-model snapshot
and the bounded view the `state` query returns."""

from collections.abc import Callable
from datetime import datetime

from models.bid import COORDINATOR, LOCAL_AUTHORITY, BidState, OutstandingTask
from models.bid_public import AgreementSummary, BidSummary, OverdueTask
from models.bid_rows import BidSnapshot, PartnerRow, SectionRow

SUMMARY_TASKS = 50
QUERY_TIMELINE = 200  # the query's latest timeline entries; the audit log has them all
QUERY_TASKS = 500


def outstanding_tasks(state: BidState) -> list[OutstandingTask]:
    """Who owes what, now: the answers the bid is waiting for."""
    owed = _OWED.get(state.stage)
    tasks = owed(state) if owed else []
    if state.escalation is not None and state.escalation.resolution is None:
        tasks.append(
            OutstandingTask(kind="escalation", key=state.escalation.stage, owed_by=COORDINATOR)
        )
    return tasks


def _task(
    kind: str, owed_by: str | None, due: datetime | None = None, key: str = ""
) -> OutstandingTask:
    return OutstandingTask(kind=kind, key=key, owed_by=owed_by or COORDINATOR, due=due)


def _due(state: BidState, task_id: str, default: datetime | None) -> datetime | None:
    task = state.schedule.get(task_id)
    return task.due if task else default


def _notice(s: BidState) -> list[OutstandingTask]:
    due = s.deadlines.interest
    return [_task("expression_of_interest", o, due) for o in s.members if o not in s.interests]


def _lead_selection(s: BidState) -> list[OutstandingTask]:
    return [] if s.lead_id else [_task("lead_choice", COORDINATOR, s.deadlines.lead)]


def _invitations(s: BidState) -> list[OutstandingTask]:
    return [
        _task("invitation", k, _due(s, f"invitation:{k}", s.deadlines.partners))
        for k, p in s.partners.items()
        if p.status == "invited"
    ]


def _partner_signup(s: BidState) -> list[OutstandingTask]:
    """The invitees' answers; and the lead's invitations while too few are invited."""
    tasks = _invitations(s)
    if s.accepted_count() + len(tasks) < max(s.notice.min_partners, 1):
        tasks.insert(0, _task("invite_partners", s.lead_id, s.deadlines.partners))
    return tasks


def _drafting(s: BidState) -> list[OutstandingTask]:
    tasks = _invitations(s)  # late invitations, still open
    for key, section in s.sections.items():
        if section.status in ("assigned", "returned"):
            tasks.append(_task("section", section.assigned_to, section.due, key))
        elif section.status == "submitted":
            tasks.append(_task("review", s.lead_id, _due(s, f"review:{key}", None), key))
        elif section.status == "unassigned":
            tasks.append(_task("assign_sections", s.lead_id, _due(s, "assign_sections", None), key))
    return tasks


def _agreement(s: BidState) -> list[OutstandingTask]:
    a = s.agreement
    if a is None:
        return []
    return [
        _task("signature", p, _due(s, f"signature:{p}", s.deadlines.signatures))
        for p in a.parties
        if p not in a.signatures
    ]


_OWED: dict[str, Callable[[BidState], list[OutstandingTask]]] = {
    "notice": _notice,
    "decision": lambda s: [_task("bid_decision", COORDINATOR)],
    "lead_selection": _lead_selection,
    "partner_signup": _partner_signup,
    "drafting": _drafting,
    "agreement": _agreement,
    "la_signoff": lambda s: [_task("la_signoff", LOCAL_AUTHORITY, s.deadlines.la_signoff)],
    "submission": lambda s: [_task("submission", s.lead_id, s.deadlines.submission)],
    "award": lambda s: [_task("outcome", COORDINATOR)],
}


def overdue_tasks(state: BidState) -> list[OverdueTask]:
    return [
        OverdueTask(
            task=t.id,
            kind=t.kind,
            owed_by=t.owed_by,
            due=t.due,
            escalated_to=t.escalate_to,
            options=t.options,
        )
        for t in state.schedule.values()
        if t.overdue
    ]


def below_minimum(state: BidState) -> bool:
    """Fewer partners in the consortium than the notice asks for (after sign-up)."""
    signed_up = state.stage in ("drafting", "agreement", "la_signoff")
    return signed_up and state.accepted_count() < state.notice.min_partners


def summary(state: BidState, tasks: list[OutstandingTask] | None = None) -> BidSummary:
    """The state without its long parts (members, timeline, agreement text): small enough to
    return from every Update and to keep in the bids row. `tasks`: the outstanding tasks, where
    the caller has them already."""
    agreement = state.agreement
    tasks = outstanding_tasks(state) if tasks is None else tasks
    outcome = state.outcome
    return BidSummary(
        bid_id=state.bid_id,
        stage=state.stage,
        title=state.notice.title,
        deadlines=state.deadlines.model_dump(),
        lead_id=state.lead_id,
        partners={k: p.status for k, p in state.partners.items()},
        sections={k: s.status for k, s in state.sections.items()},
        agreement=None
        if agreement is None
        else AgreementSummary(
            version=agreement.version,
            version_hash=agreement.version_hash,
            signed=sorted(agreement.signatures),
        ),
        escalation=state.escalation,
        overdue=overdue_tasks(state),
        # Capped: a notice circulated to 2,000 members owes 2,000 answers; the query has all.
        outstanding=tasks[:SUMMARY_TASKS],
        outstanding_count=len(tasks),
        below_minimum=below_minimum(state),
        problems=state.problems[-5:],
        awarded_value=str(outcome.value) if outcome and outcome.value is not None else None,
        closed_reason=state.closed_reason,
    )


def bounded(state: BidState) -> BidState:
    """What the `state` query returns: the whole state but for the timeline's oldest entries
    (every entry is in the audit log), with the outstanding tasks filled in."""
    tasks = outstanding_tasks(state)
    return state.model_copy(
        update={"outstanding": tasks[:QUERY_TASKS], "timeline": state.timeline[-QUERY_TIMELINE:]}
    )


def snapshot(state: BidState) -> BidSnapshot:
    tasks = outstanding_tasks(state)
    return BidSnapshot(
        bid_id=state.bid_id,
        opportunity_id=state.notice.id,
        lead_organisation_id=state.lead_id,
        stage=state.stage,
        deadline=state.deadlines.submission,
        outstanding_tasks=len(tasks),
        next_due=min((t.due for t in tasks if t.due is not None), default=None),
        summary=summary(state, tasks).model_dump(mode="json"),  # its outstanding list is capped
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


# --- the Temporal UI's line for the bid (`workflow.set_current_details`) ---------------------

_STAGE_NAMES = {
    "notice": "Notice out",
    "decision": "Bid decision",
    "lead_selection": "Lead selection",
    "partner_signup": "Partner sign-up",
    "drafting": "Drafting",
    "agreement": "Agreement",
    "la_signoff": "Local-authority sign-off",
    "submission": "Submission",
    "award": "Awaiting the award",
}


def current_details(state: BidState) -> str:
    """One line for the Temporal UI, so its list reads without opening a history: the stage
    and how far it has got ("Drafting: 4 of 6 sections in, 2 overdue"). Counts and stage
    names only: no person, no organisation, no text (it is shown to whoever opens the UI)."""
    if state.closed_reason is not None or state.stage not in _STAGE_NAMES:
        return f"Closed ({state.stage.replace('_', ' ')})"
    line = f"{_STAGE_NAMES[state.stage]}: {_progress(state)}"
    overdue = sum(1 for t in state.schedule.values() if t.overdue)
    if overdue:
        line += f", {overdue} overdue"
    if state.escalation is not None and state.escalation.resolution is None:
        line += "; escalated to the coordinator"
    return line


def _progress(s: BidState) -> str:
    if s.stage == "notice":
        interested = sum(1 for i in s.interests.values() if i.answer != "not_this_time")
        return f"{len(s.interests)} of {len(s.members)} members answered, {interested} interested"
    if s.stage == "decision":
        return "the coordinator's go or no-go"
    if s.stage == "lead_selection":
        return f"{len(s.candidates)} candidates to lead"
    if s.stage == "partner_signup":
        invited = sum(1 for p in s.partners.values() if p.status == "invited")
        return f"{s.accepted_count()} of {s.notice.min_partners} partners in, {invited} invited"
    if s.stage == "drafting":
        done = sum(1 for x in s.sections.values() if x.status in ("submitted", "approved"))
        return f"{done} of {len(s.sections)} sections in"
    if s.stage == "agreement" and s.agreement is not None:
        return f"{len(s.agreement.signatures)} of {len(s.agreement.parties)} signed"
    return f"submission due {s.deadlines.submission:%d %b %Y}"
