"""A task a person owes on a bid, and the signed link in the e-mail that asks for it."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

# What a link lets its holder answer; one kind per Update a person can be asked for.
TaskKind = Literal[
    "expression_of_interest",
    "bid_decision",
    "lead_choice",
    "escalation",
    "invite_partners",
    "invitation",
    "assign_sections",
    "section",
    "review",
    "agreement",
    "signature",
    "la_signoff",
    "submission",
    "outcome",
    # after the award (workflows/contract/) and around the bids (workflows/event.py):
    "subcontract",
    "quarterly_return",
    "return_review",
    "event_rsvp",
    "event_feedback",
    "event_attendance",
]


class TaskLink(BaseModel):
    """What a `/task/{token}` link is scoped to: one organisation, one bid, one task. For a
    contract's or an event's task, `bid_id` is that workflow's id (`contract-...`, `event-...`)."""

    bid_id: str
    organisation_id: str  # or "coordinator" / "local-authority" for those roles
    kind: TaskKind
    key: str = ""  # e.g. the section key; empty where the kind says enough
    expires_at: datetime
