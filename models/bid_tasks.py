"""The input of the bid's mailing child: a group of letters, each sent exactly once."""

from typing import Any

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
