"""The directory (the map of VCS expertise): who does what, where, and who may bid now."""

from decimal import Decimal
from typing import Literal, get_args

from pydantic import BaseModel, Field

from models.framework import COUNTY_WIDE
from models.limits import MAX_LABELS, Identifier, Label, Name, Registration

# applicant: proforma in; full: entry criteria met; associate: may partner, not lead or hold
# money; signposted: sent to capacity-building support; suspended: lapsed safeguarding or
# insurance (no new bids); left: resigned, history kept.
MemberStatus = Literal["applicant", "full", "associate", "signposted", "suspended", "left"]
MAY_JOIN_BIDS: tuple[str, ...] = ("full", "associate")
MAY_LEAD_BIDS: tuple[str, ...] = ("full",)
WAITING: tuple[str, ...] = ("applicant", "signposted")  # the seed's "waiting to be signed up"

# NCVO's size bands by annual turnover (upper bounds, exclusive).
SizeBand = Literal["micro", "small", "medium", "large", "major"]
SIZE_BANDS: list[tuple[SizeBand, Decimal | None]] = [
    ("micro", Decimal(10_000)),
    ("small", Decimal(100_000)),
    ("medium", Decimal(1_000_000)),
    ("large", Decimal(10_000_000)),
    ("major", None),
]


def size_band(turnover: Decimal | None) -> SizeBand | None:
    if turnover is None:
        return None
    return next(band for band, below in SIZE_BANDS if below is None or turnover < below)


class MatchInput(BaseModel):
    """An opportunity's themes and localities; an empty list matches everything."""

    themes: list[Label] = Field(default_factory=list, max_length=MAX_LABELS)
    localities: list[Label] = Field(default_factory=list, max_length=MAX_LABELS)
    leads_only: bool = False


class MembersById(BaseModel):
    """Members a lead picked from the directory by id (to invite to a bid)."""

    ids: list[Identifier] = Field(max_length=200)


class MemberMatch(BaseModel):
    """A member an opportunity could go to, with what lead-body ranking needs."""

    organisation_id: str
    name: str
    email: str
    status: str
    locality: str | None = None
    localities: list[str] = Field(default_factory=list)
    themes: list[str] = Field(default_factory=list)
    willing_to_lead: bool = False
    staff: int | None = None
    volunteers: int | None = None
    annual_turnover: Decimal | None = None
    track_record: int = 0  # past contracts and grants, from the proforma
    size: SizeBand | None = None


def matches(member: MemberMatch, wanted: MatchInput) -> bool:
    """Pure matching rule: shares a theme, and serves a wanted locality (or the whole county)."""
    if wanted.leads_only and (member.status not in MAY_LEAD_BIDS or not member.willing_to_lead):
        return False
    if member.status not in MAY_JOIN_BIDS:
        return False
    theme_ok = not wanted.themes or bool(set(member.themes) & set(wanted.themes))
    served = set(member.localities) | ({member.locality} if member.locality else set())
    locality_ok = (
        not wanted.localities
        or COUNTY_WIDE in served
        or COUNTY_WIDE in wanted.localities
        or bool(served & set(wanted.localities))
    )
    return theme_ok and locality_ok


SEARCHED_BY_DEFAULT: tuple[MemberStatus, ...] = ("full", "associate")


class DirectorySearch(BaseModel):
    """The coordinator's search of the directory; every criterion left empty matches all."""

    theme: Label | None = None
    locality: Label | None = None
    size: SizeBand | None = None
    willing_to_lead: bool | None = None
    statuses: list[MemberStatus] = Field(
        default_factory=lambda: list(SEARCHED_BY_DEFAULT), max_length=len(get_args(MemberStatus))
    )
    name: Name | None = None  # part of the name, any case


def found(member: MemberMatch, search: DirectorySearch) -> bool:
    """Pure search rule; a county-wide member serves every locality."""
    served = set(member.localities) | ({member.locality} if member.locality else set())
    return (
        (not search.statuses or member.status in search.statuses)
        and (search.theme is None or search.theme in member.themes)
        and (search.locality is None or bool({search.locality, COUNTY_WIDE} & served))
        and (search.size is None or member.size == search.size)
        and (search.willing_to_lead is None or member.willing_to_lead == search.willing_to_lead)
        and (search.name is None or search.name.lower() in member.name.lower())
    )


class CountsInput(BaseModel):
    """The framework's themes and localities, so that gaps (zero members) show too."""

    themes: list[Label] = Field(default_factory=list, max_length=MAX_LABELS)
    localities: list[Label] = Field(default_factory=list, max_length=MAX_LABELS)


class DirectoryCounts(BaseModel):
    """Active members by theme and by locality they name: the map of where the gaps are."""

    active_members: int = 0
    by_theme: dict[str, int] = Field(default_factory=dict)
    by_locality: dict[str, int] = Field(default_factory=dict)
    theme_gaps: list[str] = Field(default_factory=list)
    locality_gaps: list[str] = Field(default_factory=list)


def count(members: list[MemberMatch], wanted: CountsInput) -> DirectoryCounts:
    """Pure counting of active members; county-wide members are counted under County-wide."""
    active = [m for m in members if m.status in MAY_JOIN_BIDS]
    by_theme = dict.fromkeys(wanted.themes, 0)
    by_locality = dict.fromkeys(wanted.localities, 0)
    for member in active:
        for theme in set(member.themes):
            by_theme[theme] = by_theme.get(theme, 0) + 1
        served = set(member.localities) | ({member.locality} if member.locality else set())
        for locality in served:
            by_locality[locality] = by_locality.get(locality, 0) + 1
    return DirectoryCounts(
        active_members=len(active),
        by_theme=by_theme,
        by_locality=by_locality,
        theme_gaps=[t for t, n in by_theme.items() if n == 0],
        locality_gaps=[place for place, n in by_locality.items() if n == 0],
    )


# Bid stages (models/bid.py) after submission, and the won one.
SUBMITTED_STAGES = ("award", "awarded", "not_awarded")
WON_STAGES = ("awarded",)
SIGNED_UP: tuple[str, ...] = ("full", "associate", "suspended")


def provider_key(name: str) -> str:
    """A provider's name reduced to compare lists: case, punctuation and "the" ignored."""
    words = "".join(c if c.isalnum() else " " for c in name.lower()).split()
    return " ".join(w for w in words if w != "the")


class KnownProvider(BaseModel):
    """One entry of the coordinator's list of the area's providers (`known_providers`)."""

    name: Name = Field(min_length=1)
    charity_number: Registration | None = None


class FrameworkFigures(BaseModel):
    """The seed's measures of success, as of now."""

    members: int = 0  # signed up: full, associate or suspended
    by_status: dict[str, int] = Field(default_factory=dict)
    waiting: int = 0  # applied, not yet signed up (applicant or signposted)
    known_providers: int = 0
    known_providers_signed_up: int = 0
    percent_signed_up: float | None = None  # None when no list of known providers is loaded
    bids_started: int = 0
    bids_submitted: int = 0
    bids_won: int = 0
    value_won: Decimal = Decimal(0)


class ExpertiseMap(BaseModel):
    """The map of VCS expertise: active members by locality (rows) and theme (columns). A
    county-wide member counts in every locality; a cell of 0 is a gap."""

    themes: list[str]
    localities: list[str]
    cells: dict[str, dict[str, int]] = Field(default_factory=dict)  # locality -> theme -> n
    active_members: int = 0

    def gaps(self) -> int:
        return sum(n == 0 for row in self.cells.values() for n in row.values())


def expertise_map(
    members: list[MemberMatch], themes: list[str], localities: list[str]
) -> ExpertiseMap:
    """Pure: count the active members in each locality x theme; a theme or locality a member
    names outside the framework's lists is left off (the lists are the map's axes)."""
    active = [m for m in members if m.status in MAY_JOIN_BIDS]
    places = [place for place in localities if place != COUNTY_WIDE]
    cells = {place: dict.fromkeys(themes, 0) for place in places}
    for member in active:
        served = set(member.localities) | ({member.locality} if member.locality else set())
        where = places if COUNTY_WIDE in served else [p for p in places if p in served]
        for place in where:
            for theme in set(member.themes) & set(themes):
                cells[place][theme] += 1
    return ExpertiseMap(themes=themes, localities=places, cells=cells, active_members=len(active))
