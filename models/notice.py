"""A notice sent to a list of people: a newsletter, a welcome, a training date."""

from pydantic import BaseModel


class NoticeInput(BaseModel):
    key: str  # names this notice; with a recipient, the outbox key
    actor: str  # who sent it, for the audit log
    recipients: list[str]
    subject: str
    body: str
    action_url: str | None = None
    action_label: str | None = None


class NoticeResult(BaseModel):
    sent: int
    already_sent: int
