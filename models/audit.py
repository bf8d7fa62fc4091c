"""An entry for the append-only audit log: who did what, when."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class AuditRecord(BaseModel):
    """`key` makes the write idempotent: the same key twice records once."""

    key: str
    seq: int | None = None  # its place in the bid's timeline: the order the audit list shows
    at: datetime  # from workflow.now(), so a replay writes the same time
    actor: str
    action: str
    bid_id: str | None = None
    organisation_id: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict)
