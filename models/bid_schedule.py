"""The bid's schedule of what people owe: one entry per task, reminded and escalated by the bid
itself (one timer for the earliest moment), not by a child workflow per person."""

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel

from models.task import TaskKind

# What whoever can act may do about an overdue task (each is an Update of the bid).
OverdueOption = Literal["extend", "drop", "reassign", "cancel"]


class DueTask(BaseModel):
    """One task one person owes, by `id` ("invitation:org-1", "section:summary", ...)."""

    id: str
    kind: TaskKind
    owed_by: str  # an organisation id, "coordinator" or "local-authority"
    to: str  # where its reminders go
    key: str = ""  # the task link's key (a section, an agreement version)
    due: datetime
    heading: str
    body: str
    round: int = 1  # a task asked for again (a returned section) is a new round
    reminders_sent: int = 0
    last_sent_at: datetime | None = None  # the prompt or the latest reminder
    overdue: bool = False  # escalated: no more reminders until someone extends it
    escalate_to: Literal["lead", "coordinator"] = "lead"
    options: list[OverdueOption] = ["extend"]

    def next_at(self, remind_before: timedelta, remind_every: timedelta) -> datetime | None:
        """When the bid next acts on this task: a reminder, or the escalation at `due`."""
        if self.overdue:
            return None
        remind = self.due - remind_before
        if self.last_sent_at is not None:
            remind = max(remind, self.last_sent_at + remind_every)
        return min(remind, self.due)
