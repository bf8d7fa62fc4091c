"""Published contract notices in the Open Contracting Data Standard (OCDS 1.1): the parts of a
release this system reads, and the packages (release or record) that carry them. What a
tender release becomes is `models/ocds_mapping.py`.

Tolerant of what it does not use (OCDS has many more fields, and extensions), strict on what
it does: every string bounded, every date with a time zone, every sum within Numeric(14, 2).
A release that breaks a limit is refused by itself, with the reason, not the whole package.
"""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from models.limits import (
    MAX_MONEY,
    Aware,
    Currency,
    LongText,
    Name,
    Title,
    Url,
    one_line,
)

MAX_RELEASES = 1_000  # in one package, or one record
MAX_ITEMS = 200  # items, lots, documents, awards, suppliers, parties in one release
Code = Annotated[str, Field(min_length=1, max_length=200)]  # an OCDS id, tag, scheme, status


class _Ocds(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class Period(_Ocds):
    start: Aware | None = Field(default=None, alias="startDate")
    end: Aware | None = Field(default=None, alias="endDate")


class Value(_Ocds):
    amount: Decimal | None = Field(default=None, ge=0, le=MAX_MONEY, allow_inf_nan=False)
    currency: Currency | None = None


class Classification(_Ocds):
    scheme: Code | None = None
    id: Code
    description: Title = ""


class Address(_Ocds):
    locality: Name | None = None
    region: Name | None = None


class Item(_Ocds):
    classification: Classification | None = None
    additional: list[Classification] = Field(
        default_factory=list, alias="additionalClassifications", max_length=MAX_ITEMS
    )
    addresses: list[Address] = Field(
        default_factory=list, alias="deliveryAddresses", max_length=MAX_ITEMS
    )


class Lot(_Ocds):
    id: Code
    title: Title = ""
    value: Value | None = None


class Document(_Ocds):
    url: Url
    title: Title = ""


class Suitability(_Ocds):
    sme: bool | None = None
    vcse: bool | None = None


class OrganisationRef(_Ocds):
    id: Code | None = None
    name: Name = ""


class Tender(_Ocds):
    id: Code | None = None
    title: Title = ""
    description: LongText = ""
    status: Code | None = None
    status_details: Name = Field(default="", alias="statusDetails")
    value: Value | None = None
    tender_period: Period | None = Field(default=None, alias="tenderPeriod")
    enquiry_period: Period | None = Field(default=None, alias="enquiryPeriod")
    items: list[Item] = Field(default_factory=list, max_length=MAX_ITEMS)
    lots: list[Lot] = Field(default_factory=list, max_length=MAX_ITEMS)
    documents: list[Document] = Field(default_factory=list, max_length=MAX_ITEMS)
    suitability: Suitability | None = None


class Award(_Ocds):
    id: Code
    status: Code | None = None
    date: Aware | None = None
    value: Value | None = None
    suppliers: list[OrganisationRef] = Field(default_factory=list, max_length=MAX_ITEMS)
    contract_period: Period | None = Field(default=None, alias="contractPeriod")


class Release(_Ocds):
    ocid: Code
    id: Code
    date: Aware
    tag: list[Code] = Field(default_factory=list, max_length=20)
    buyer: OrganisationRef | None = None
    tender: Tender | None = None
    awards: list[Award] = Field(default_factory=list, max_length=MAX_ITEMS)

    @property
    def cancels(self) -> bool:
        return "tenderCancellation" in self.tag or (
            self.tender is not None and self.tender.status == "cancelled"
        )

    @property
    def deadline(self) -> datetime | None:
        t = self.tender
        return t.tender_period.end if t and t.tender_period else None

    def decided_awards(self) -> list[Award]:
        """Awards made (OCDS "active"), or an award release's awards with no status given."""
        return [a for a in self.awards if a.status in ("active", None) and a.suppliers]


class Unpacked(BaseModel):
    """A package read: its releases, and each one refused with why (by its place)."""

    releases: list[Release] = Field(default_factory=list)
    refused: list[str] = Field(default_factory=list)
    next_url: str | None = None  # a paged API's next page


def unpack(package: Any) -> Unpacked:
    """The releases of a release package or a record package, each validated by itself."""
    if not isinstance(package, dict):
        raise ValueError("an OCDS package is a JSON object with 'releases' or 'records'")
    raw: list[tuple[str, Any]] = []
    if isinstance(package.get("releases"), list):
        raw = [(f"releases[{i}]", r) for i, r in enumerate(package["releases"])]
    elif isinstance(package.get("records"), list):
        for i, record in enumerate(package["records"]):
            raw += _record_releases(f"records[{i}]", record)
    else:
        raise ValueError("not an OCDS release or record package: no 'releases' or 'records'")
    if len(raw) > MAX_RELEASES:
        raise ValueError(f"the package holds {len(raw)} releases; at most {MAX_RELEASES}")
    out = Unpacked(next_url=_next_url(package))
    for where, item in raw:
        try:
            out.releases.append(Release.model_validate(item))
        except ValidationError as error:
            ocid = item.get("ocid") if isinstance(item, dict) else None
            out.refused.append(f"{where} ({ocid or 'no ocid'}): {one_line(error)}")
    out.releases.sort(key=lambda r: r.date)
    return out


def _record_releases(where: str, record: Any) -> list[tuple[str, Any]]:
    """A record's full releases; where it only links to them, its compiled release."""
    if not isinstance(record, dict):
        return [(where, record)]
    embedded = [r for r in record.get("releases") or [] if isinstance(r, dict) and "ocid" in r]
    if embedded:
        return [(f"{where}.releases[{i}]", r) for i, r in enumerate(embedded)]
    return [(f"{where}.compiledRelease", record.get("compiledRelease"))]


def _next_url(package: dict) -> str | None:
    links = package.get("links")
    url = links.get("next") if isinstance(links, dict) else None
    return url if isinstance(url, str) and url.startswith(("http://", "https://")) else None


# CPV codes (by prefix) -> the default framework's themes (models/framework.py DEFAULT_THEMES):
# the social, health, education and leisure services VCS organisations deliver.
DEFAULT_CPV_THEMES = {
    "853": "adults",  # social work and related services
    "85311100": "older people",
    "85311200": "disability",
    "85311300": "young people",
    "85312110": "childcare",
    "85312120": "childcare",
    "85312300": "family support",
    "85312320": "mental health",
    "85312500": "mental health",
    "85320000": "community development",
    "851": "health and wellbeing",
    "85323000": "health and wellbeing",
    "80": "education and training",
    "79611000": "employment and skills",
    "80530000": "employment and skills",
    "926": "sport and physical activity",
    "98133000": "community development",
}
