"""An opportunity notice: a funding or tender opportunity as the coordinator registers it."""

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, Field, model_validator


class OpportunityNotice(BaseModel):
    """Validated at the edge (CLI, web): dates in order, sections named, partner counts sane."""

    id: str = Field(min_length=1, max_length=64)
    funder: str = Field(min_length=1)
    title: str = Field(min_length=1)
    description: str = ""
    value: Decimal | None = Field(default=None, ge=0)
    currency: str = Field(default="GBP", min_length=3, max_length=3)
    themes: list[str] = Field(default_factory=list)
    localities: list[str] = Field(default_factory=list)
    submission_deadline: datetime
    interest_cutoff: datetime
    required_sections: list[str] = Field(default_factory=lambda: ["summary"])
    min_partners: int = Field(default=1, ge=0)
    max_partners: int | None = Field(default=None, ge=1)
    allow_fewer_partners: bool = False  # may the bid proceed below min_partners?
    la_signoff_required: bool = False

    @model_validator(mode="after")
    def _in_order(self) -> "OpportunityNotice":
        if self.interest_cutoff.tzinfo is None or self.submission_deadline.tzinfo is None:
            raise ValueError("give the cut-off and the deadline with a time zone")
        if self.interest_cutoff >= self.submission_deadline:
            raise ValueError("the cut-off for expressions of interest must be before the deadline")
        if self.max_partners is not None and self.max_partners < self.min_partners:
            raise ValueError("max_partners is below min_partners")
        if not self.required_sections or len(set(self.required_sections)) != len(
            self.required_sections
        ):
            raise ValueError("name each required section once")
        return self
