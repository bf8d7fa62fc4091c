"""Inputs of the bid's child workflows: chasing one person's task, and mailing a group."""

from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field

from models.task import TaskLink


class Letter(BaseModel):
    """One e-mail of a mailing; `key` makes it exactly-once."""

    key: str
    to: str
    kind: str  # the template
    context: dict[str, Any] = Field(default_factory=dict)
    task: TaskLink | None = None


class MailingInput(BaseModel):
    bid_id: str
    letters: list[Letter] = Field(default_factory=list)


class ChaseInput(BaseModel):
    """Prompt one person for one task, remind them until it is done, escalate when overdue."""

    bid_id: str
    task: TaskLink
    to: str
    due: datetime
    context: dict[str, Any] = Field(default_factory=dict)  # title, heading, body for the e-mails
    remind_before: timedelta = timedelta(days=2)
    remind_every: timedelta = timedelta(days=1)
    escalate_to: list[str] = Field(default_factory=list)  # empty: the bid escalates itself
    # Carried over continue-as-new:
    prompted: bool = False
    reminders_sent: int = 0
    last_reminder_at: datetime | None = None


class ChaseResult(BaseModel):
    status: Literal["done", "overdue"]
    reminders_sent: int = 0
