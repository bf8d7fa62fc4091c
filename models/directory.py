"""The directory (the map of VCS expertise): who does what, where, and who may bid now."""

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

# applicant: proforma in; full: entry criteria met; associate: may partner, not lead or hold
# money; signposted: sent to capacity-building support; suspended: lapsed safeguarding or
# insurance (no new bids); left: resigned, history kept.
MemberStatus = Literal["applicant", "full", "associate", "signposted", "suspended", "left"]
MAY_JOIN_BIDS: tuple[str, ...] = ("full", "associate")
MAY_LEAD_BIDS: tuple[str, ...] = ("full",)
COUNTY_WIDE = "County-wide"


class MatchInput(BaseModel):
    """An opportunity's themes and localities; an empty list matches everything."""

    themes: list[str] = Field(default_factory=list)
    localities: list[str] = Field(default_factory=list)
    leads_only: bool = False


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
