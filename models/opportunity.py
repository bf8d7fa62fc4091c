"""An opportunity notice: a funding or tender opportunity as the coordinator registers it,
with who signs it off for the local authority and how long each stage of its bid may take."""

from typing import Annotated

from pydantic import BaseModel, Field, model_validator

from models.limits import (
    MAX_LABELS,
    MAX_PARTNERS,
    MAX_SECTIONS,
    Aware,
    Currency,
    Email,
    Identifier,
    Label,
    LongText,
    Money,
    Name,
    Title,
)

# A stage's window, in whole days: long enough for a volunteer who reads e-mail weekly,
# short enough that a bid cannot sit in one stage for a season.
WindowDays = Annotated[int, Field(ge=1, le=90)]


class StageWindows(BaseModel):
    """How many days each stage of the bid gets (the bid's `Timetable` is built from these);
    the defaults are the bid's own."""

    decision: WindowDays = 3  # the coordinator's bid or no bid
    lead: WindowDays = 5  # to confirm the lead body
    partner: WindowDays = 10  # partners to accept their invitations
    assign: WindowDays = 5  # the lead to assign the sections
    review: WindowDays = 3  # the lead to review a contribution
    comment: WindowDays = 3  # comments on the consortium agreement
    signing: WindowDays = 5  # signatures on it
    la: WindowDays = 5  # the local authority's sign-off


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
    # Who signs the bid off for the local authority; unset, the coordinator is asked.
    local_authority_email: Email | None = None
    stage_windows: StageWindows = Field(default_factory=StageWindows)

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
