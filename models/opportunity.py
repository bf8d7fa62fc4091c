"""An opportunity notice: a funding or tender opportunity as the coordinator registers it."""

from pydantic import BaseModel, Field, model_validator

from models.limits import (
    MAX_LABELS,
    MAX_PARTNERS,
    MAX_SECTIONS,
    Aware,
    Currency,
    Identifier,
    Label,
    LongText,
    Money,
    Name,
    Title,
)


class OpportunityNotice(BaseModel):
    """Validated at the edge (CLI, web): dates in order, sections named, partner counts sane,
    and every field within its column (models/tables.py `Opportunity`)."""

    id: Identifier
    funder: Name = Field(min_length=1)
    title: Title = Field(min_length=1)
    description: LongText = ""
    value: Money | None = None
    currency: Currency = "GBP"
    themes: list[Label] = Field(default_factory=list, max_length=MAX_LABELS)
    localities: list[Label] = Field(default_factory=list, max_length=MAX_LABELS)
    submission_deadline: Aware
    interest_cutoff: Aware
    required_sections: list[Label] = Field(
        default_factory=lambda: ["summary"], max_length=MAX_SECTIONS
    )
    min_partners: int = Field(default=1, ge=0, le=MAX_PARTNERS)
    max_partners: int | None = Field(default=None, ge=1, le=MAX_PARTNERS)
    allow_fewer_partners: bool = False  # may the bid proceed below min_partners?
    la_signoff_required: bool = False

    @model_validator(mode="after")
    def _in_order(self) -> "OpportunityNotice":
        if self.interest_cutoff >= self.submission_deadline:
            raise ValueError("the cut-off for expressions of interest must be before the deadline")
        if self.max_partners is not None and self.max_partners < self.min_partners:
            raise ValueError("max_partners is below min_partners")
        if not self.required_sections or len(set(self.required_sections)) != len(
            self.required_sections
        ):
            raise ValueError("name each required section once")
        return self
