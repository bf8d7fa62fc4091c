"""The configurable parts of a consortia framework: themes, localities (the vocabulary, with
synonyms), entry criteria, signposting organisations and reminder intervals.

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

# The themes VCS organisations in County Durham name (the seed: family support, children's
# centres, out of school care, substance misuse, domestic abuse...), as the directory files them.
DEFAULT_THEMES = [
    "adults",
    "capacity building",
    "childcare",
    "children and families",
    "children's centres",
    "community development",
    "complex needs",
    "disability",
    "domestic abuse",
    "early help",
    "education and training",
    "employment and skills",
    "family support",
    "health and wellbeing",
    "looked after children",
    "mental health",
    "older people",
    "out of school care",
    "parenting support",
    "play",
    "rural isolation",
    "safeguarding",
    "sport and physical activity",
    "substance misuse",
    "young carers",
    "young people",
    "youth work",
]

# Other words people use for a theme or a locality -> the framework's own term. Matching is
# case-insensitive, so "Families" and "families" are one synonym.
DEFAULT_SYNONYMS = {
    "families": "children and families",
    "children": "children and families",
    "youth": "young people",
    "youth club": "youth work",
    "domestic violence": "domestic abuse",
    "drugs and alcohol": "substance misuse",
    "parenting": "parenting support",
    "sport": "sport and physical activity",
    "physical activity": "sport and physical activity",
    "wellbeing": "health and wellbeing",
    "training": "education and training",
    "employability": "employment and skills",
    "elderly": "older people",
    "carers": "young carers",
    "durham": "Durham & Chester-le-Street",
    "chester-le-street": "Durham & Chester-le-Street",
    "durham and chester-le-street": "Durham & Chester-le-Street",
    "consett": "Derwentside",
    "stanley": "Derwentside",
    "peterlee": "Easington",
    "seaham": "Easington",
    "newton aycliffe": "Sedgefield",
    "spennymoor": "Sedgefield",
    "stanhope": "Weardale",
    "barnard castle": "Teesdale",
    "county wide": COUNTY_WIDE,
    "countywide": COUNTY_WIDE,
    "county durham": COUNTY_WIDE,
}

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
MAX_SYNONYMS = 500


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
    # Another word for a theme or a locality (any case) -> the term itself.
    synonyms: dict[Label, Label] = Field(
        default_factory=lambda: dict(DEFAULT_SYNONYMS), max_length=MAX_SYNONYMS
    )
    reminders: Reminders = Field(default_factory=Reminders)
    accounts_max_age_months: int = Field(default=18, ge=1, le=120)

    def signpost(self, key: str | None) -> Signpost | None:
        return next((s for s in self.signposts if s.key == key), None)

    def theme(self, said: str) -> str | None:
        """The framework's theme a person means by `said` (any case, or a synonym), or None."""
        return _term(said, self.themes, self.synonyms)

    def locality(self, said: str) -> str | None:
        """The framework's locality a person means by `said` (any case, or a synonym)."""
        return _term(said, self.localities, self.synonyms)


def _fold(word: str) -> str:
    return " ".join(word.casefold().replace("&", " and ").split())


def _term(said: str, terms: list[str], synonyms: dict[str, str]) -> str | None:
    """`said` matched case-insensitively (spaces and "&"/"and" alike) to one of `terms`, directly
    or through a synonym that names one of them."""
    by_fold = {_fold(t): t for t in terms}
    if _fold(said) in by_fold:
        return by_fold[_fold(said)]
    meant = {_fold(k): v for k, v in synonyms.items()}.get(_fold(said))
    return by_fold.get(_fold(meant)) if meant is not None else None


def load_framework(path: Path | None) -> Framework:
    """The framework in `path` (JSON), or the default when no file is named."""
    if path is None:
        return Framework()
    return Framework.model_validate_json(Path(path).read_text())
