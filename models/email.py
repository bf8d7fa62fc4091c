"""What the e-mail activity takes: one message to one person, keyed for exactly-once sending."""

from typing import Any

from pydantic import BaseModel, Field

from models.audit import AuditRecord
from models.task import TaskLink


class EmailAttachment(BaseModel):
    """A file sent with an e-mail, as text (a calendar invitation is)."""

    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=120)  # e.g. text/calendar
    content: str = Field(max_length=100_000)


class SendEmailInput(BaseModel):
    """One templated e-mail. `key` names the workflow step, e.g. `bid-7:invite:org-3:1`."""

    key: str
    kind: str  # the template under activities/templates/email/
    to: str
    context: dict[str, Any] = Field(default_factory=dict)
    bid_id: str | None = None
    task: TaskLink | None = None  # when set, the context gains `action_url`, a signed link
    # Files sent with it; a task prompt with a due date that names none gets its calendar
    # invitation from the e-mail activity (activities/calendar.py).
    attachments: list[EmailAttachment] = Field(default_factory=list, max_length=5)


class SendEmailResult(BaseModel):
    message_id: str
    already_sent: bool  # True when a retry found the message sent before


class SendEmailsInput(BaseModel):
    """Several e-mails sent by one activity (a batch of a group mailing)."""

    # One activity sends them one after another on one connection: a batch is kept short
    # enough to finish well inside the activity's timeout however slow the relay.
    messages: list[SendEmailInput] = Field(max_length=100)
    # Audit rows of the workflow task that sent these letters, written with them (one
    # activity, so one wake-up of the bid, for both).
    audits: list[AuditRecord] = Field(default_factory=list, max_length=1000)


class SendEmailsResult(BaseModel):
    sent: int = 0
    already_sent: int = 0  # found sent by an earlier attempt
