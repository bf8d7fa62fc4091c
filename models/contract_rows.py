"""What the contract and event workflows hand their activities: a document to generate, and
the read model's rows."""

from typing import Any

from pydantic import BaseModel, Field


class DocumentInput(BaseModel):
    """A document rendered from `template` (activities/templates/contract/) and kept under
    `name`; with `csv_rows`, a CSV beside it (the first row the header)."""

    contract_id: str
    name: str  # "subcontract:<org>:v<version>", "return:<period>", "final"
    kind: str
    template: str
    context: dict[str, Any] = Field(default_factory=dict)
    csv_rows: list[list[str]] | None = None


class DocumentOutput(BaseModel):
    name: str
    version_hash: str
