"""The input of the bid's mailing child: a group of letters, each sent exactly once."""

from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from models.task import TaskLink


class Letter(BaseModel):
    """One e-mail of a mailing; `key` makes it exactly-once."""

    key: str
    to: str
    kind: str  # the template
    context: dict[str, Any] = Field(default_factory=dict)
    task: TaskLink | None = None


# A Temporal task queue's name, as `MAIL_TASK_QUEUE` may set it (settings.py).
TaskQueue = Annotated[
    str, StringConstraints(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._/-]+$")
]


class MailingInput(BaseModel):
    bid_id: str
    letters: list[Letter] = Field(default_factory=list)
    mail_task_queue: TaskQueue | None = None  # where its e-mail activities go; None: its own
