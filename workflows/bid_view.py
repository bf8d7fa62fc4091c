"""Derived views of a bid's state: outstanding tasks, the read-model snapshot, the summary."""

from typing import Any

from models.bid import COORDINATOR, LOCAL_AUTHORITY, BidState, OutstandingTask
from models.bid_rows import BidSnapshot, PartnerRow, SectionRow

SUMMARY_TASKS = 50


def outstanding_tasks(state: BidState) -> list[OutstandingTask]:
    """Who owes what, now: the answers the bid is waiting for."""
    s, tasks = state, []
    deadlines = s.deadlines
    if s.stage == "notice":
        tasks += [
            OutstandingTask(kind="expression_of_interest", owed_by=org, due=deadlines["interest"])
            for org in s.members
            if org not in s.interests
        ]
    elif s.stage == "decision":
        tasks.append(OutstandingTask(kind="bid_decision", owed_by=COORDINATOR))
    elif s.stage == "lead_selection" and s.lead_id is None:
        tasks.append(
            OutstandingTask(kind="lead_choice", owed_by=COORDINATOR, due=deadlines.get("lead"))
        )
    elif s.stage == "partner_signup":
        tasks += [
            OutstandingTask(
                kind="invitation", owed_by=p.organisation_id, due=deadlines.get("partners")
            )
            for p in s.partners.values()
            if p.status == "invited"
        ]
    elif s.stage == "drafting":
        for section in s.sections.values():
            if section.status in ("assigned", "returned"):
                tasks.append(
                    OutstandingTask(
                        kind="section",
                        key=section.key,
                        owed_by=section.assigned_to or "",
                        due=section.due,
                    )
                )
            elif section.status == "submitted":
                tasks.append(
                    OutstandingTask(
                        kind="review", key=section.key, owed_by=s.lead_id or COORDINATOR
                    )
                )
            elif section.status == "unassigned":
                tasks.append(
                    OutstandingTask(
                        kind="assign_sections", key=section.key, owed_by=s.lead_id or COORDINATOR
                    )
                )
    elif s.stage == "agreement" and s.agreement is not None:
        tasks += [
            OutstandingTask(kind="signature", owed_by=org, due=deadlines.get("signatures"))
            for org in s.agreement.parties
            if org not in s.agreement.signatures
        ]
    elif s.stage == "la_signoff":
        tasks.append(
            OutstandingTask(
                kind="la_signoff", owed_by=LOCAL_AUTHORITY, due=deadlines.get("la_signoff")
            )
        )
    elif s.stage == "submission":
        tasks.append(
            OutstandingTask(
                kind="submission", owed_by=s.lead_id or COORDINATOR, due=deadlines["submission"]
            )
        )
    elif s.stage == "award":
        tasks.append(OutstandingTask(kind="outcome", owed_by=COORDINATOR))
    if s.escalation is not None and s.escalation.resolution is None:
        tasks.append(
            OutstandingTask(kind="escalation", key=s.escalation.stage, owed_by=COORDINATOR)
        )
    return tasks


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
    return BidSnapshot(
        bid_id=state.bid_id,
        opportunity_id=state.notice.id,
        lead_organisation_id=state.lead_id,
        stage=state.stage,
        deadline=state.deadlines["submission"],
        outstanding_tasks=len(outstanding_tasks(state)),
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
