"""The configurable parts of a consortia framework: themes, localities, entry criteria,
signposting organisations and reminder intervals.

County Durham's framework is the default; a neighbouring area (Darlington runs its own) or a
change of criteria is a JSON file named by the `FRAMEWORK_FILE` setting. The client loads it
and hands it to each membership workflow, which never reads files itself.
"""

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from models.limits import MAX_LABELS, Email, Identifier, Label, Name, Note, Url

COUNTY_WIDE = "County-wide"

# The local Communities of Interest of County Durham, and Darlington's own area.
DURHAM_LOCALITIES = [
    "Derwentside",
    "Durham & Chester-le-Street",
    "Easington",
    "Sedgefield",
    "Weardale",
    "Teesdale",
]
DARLINGTON_LOCALITIES = ["Darlington"]

DEFAULT_THEMES = [
    "adults",
    "capacity building",
    "children and families",
    "community development",
    "complex needs",
    "early help",
    "mental health",
    "older people",
    "parenting support",
    "rural isolation",
    "safeguarding",
    "sport and physical activity",
    "young carers",
    "young people",
]

# Which member a criterion is needed for: "associate" criteria must be met to join at all,
# "full" ones on top of them to lead and hold money (tender-ready).
Level = Literal["associate", "full"]


class EntryCriterion(BaseModel):
    """One entry criterion; `key` names a check in models/entry_criteria.py."""

    key: Identifier
    level: Level = "full"
    description: Note = ""
    signpost: Identifier | None = None  # the key of the organisation that helps meet it


class Signpost(BaseModel):
    """A capacity-building organisation an applicant is sent to for help."""

    key: Identifier
    name: Name = Field(min_length=1)
    email: Email | Literal[""] = ""
    url: Url = ""
    offers: Note = ""


DEFAULT_CRITERIA = [
    EntryCriterion(
        key="registered",
        level="associate",
        description="a charity or company number, or a written governing document",
        signpost="cvs",
    ),
    EntryCriterion(
        key="safeguarding_current",
        level="associate",
        description="a safeguarding policy, reviewed and not yet due for review",
        signpost="one-voice",
    ),
    EntryCriterion(
        key="dbs_checks",
        level="associate",
        description="DBS checks for staff and volunteers who work with children",
        signpost="one-voice",
    ),
    EntryCriterion(
        key="insurance_current",
        level="full",
        description="public liability insurance that has not expired",
        signpost="cvs",
    ),
    EntryCriterion(
        key="accounts_recent",
        level="full",
        description="accounts for a year that ended in the last 18 months",
        signpost="cvs",
    ),
    EntryCriterion(
        key="track_record",
        level="full",
        description="at least one past contract or grant delivered",
        signpost="one-voice",
    ),
]

DEFAULT_SIGNPOSTS = [
    Signpost(
        key="cvs",
        name="Durham Community Action (the local CVS)",
        email="support@durhamcommunityaction.example.org",
        url="https://www.durhamcommunityaction.org.uk",
        offers="organisational files, governance, insurance and accounts support",
    ),
    Signpost(
        key="one-voice",
        name="One Voice Network",
        email="hello@onevoicenetwork.example.org",
        url="https://www.onevoicenetwork.co.uk",
        offers="the Tender Ready Check List, safeguarding and bid-writing support",
    ),
]


Days = Annotated[int, Field(ge=1, le=366)]
MAX_CRITERIA = 50


class Reminders(BaseModel):
    """How long to wait before each reminder, in days."""

    resubmit_after_days: Days = 28  # a signposted applicant, once
    renewal_before_days: list[Days] = Field(default_factory=lambda: [30, 7], max_length=10)


class Framework(BaseModel):
    """One area's framework; every field has County Durham's default."""

    name: Name = Field(default="County Durham consortia framework", min_length=1)
    themes: list[Label] = Field(default_factory=lambda: list(DEFAULT_THEMES), max_length=MAX_LABELS)
    localities: list[Label] = Field(
        default_factory=lambda: [*DURHAM_LOCALITIES, *DARLINGTON_LOCALITIES, COUNTY_WIDE],
        max_length=MAX_LABELS,
    )
    criteria: list[EntryCriterion] = Field(
        default_factory=lambda: list(DEFAULT_CRITERIA), max_length=MAX_CRITERIA
    )
    signposts: list[Signpost] = Field(
        default_factory=lambda: list(DEFAULT_SIGNPOSTS), max_length=MAX_CRITERIA
    )
    reminders: Reminders = Field(default_factory=Reminders)
    accounts_max_age_months: int = Field(default=18, ge=1, le=120)

    def signpost(self, key: str | None) -> Signpost | None:
        return next((s for s in self.signposts if s.key == key), None)


def load_framework(path: Path | None) -> Framework:
    """The framework in `path` (JSON), or the default when no file is named."""
    if path is None:
        return Framework()
    return Framework.model_validate_json(Path(path).read_text())
