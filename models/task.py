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
]


class TaskLink(BaseModel):
    """What a `/task/{token}` link is scoped to: one organisation, one bid, one task."""

    bid_id: str
    organisation_id: str  # or "coordinator" / "local-authority" for those roles
    kind: TaskKind
    key: str = ""  # e.g. the section key; empty where the kind says enough
    expires_at: datetime
