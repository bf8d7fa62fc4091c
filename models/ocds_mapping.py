"""A tender release becomes an opportunity notice: the buyer as funder, the closing date as the
submission deadline, CPV codes as themes and delivery places as localities (through rules the
settings give), the lots and documents' links in its description."""

import hashlib
import re
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, Field

from models.limits import MAX_LABELS, Label
from models.ocds import Release, Tender
from models.opportunity import OpportunityNotice


class ImportRules(BaseModel):
    """How a source's notices map onto the framework: CPV codes (by prefix) to themes, the
    words a notice uses for a place to the framework's localities, the cut-off for interest."""

    cpv_themes: dict[str, Label] = Field(default_factory=dict, max_length=1_000)
    localities: dict[str, Label] = Field(default_factory=dict, max_length=1_000)
    interest_window: timedelta = timedelta(days=7)


def opportunity_id(ocid: str) -> str:
    """The ocid as an opportunity id (letters, digits, '.', '_', '-'; at most 64)."""
    clean = re.sub(r"[^A-Za-z0-9._-]+", "-", ocid).strip("-._") or "ocds"
    if len(clean) <= 64:
        return clean
    return f"{clean[:51]}-{hashlib.sha256(ocid.encode()).hexdigest()[:12]}"


def themes_of(tender: Tender, rules: ImportRules) -> list[str]:
    """Each item's CPV codes mapped by their longest prefix in the rules."""
    found: list[str] = []
    for item in tender.items:
        for c in [item.classification, *item.additional]:
            if c is None or (c.scheme or "CPV").upper() != "CPV":
                continue
            code = c.id.split("-")[0]
            prefixes = [p for p in rules.cpv_themes if code.startswith(p)]
            if prefixes:
                found.append(rules.cpv_themes[max(prefixes, key=len)])
    return list(dict.fromkeys(found))[:MAX_LABELS]


def localities_of(tender: Tender, rules: ImportRules) -> list[str]:
    wanted = {k.casefold(): v for k, v in rules.localities.items()}
    found = [
        wanted[name.casefold()]
        for item in tender.items
        for address in item.addresses
        for name in (address.locality, address.region)
        if name and name.casefold() in wanted
    ]
    return list(dict.fromkeys(found))[:MAX_LABELS]


def to_notice(release: Release, rules: ImportRules, now: datetime) -> OpportunityNotice:
    """The notice a bid would start from. Raises ValueError, in words, when the release does
    not make one (no tender, no closing date, already closed, no buyer)."""
    tender, deadline = release.tender, release.deadline
    if tender is None or not tender.title:
        raise ValueError("the release has no tender with a title")
    if deadline is None:
        raise ValueError("the tender has no tenderPeriod.endDate (the submission deadline)")
    if deadline <= now:
        raise ValueError(f"the tender closed on {deadline:%d %B %Y}")
    if release.buyer is None or not release.buyer.name:
        raise ValueError("the release names no buyer")
    value = tender.value.amount if tender.value else None
    return OpportunityNotice(
        id=opportunity_id(release.ocid),
        funder=release.buyer.name,
        title=tender.title,
        description=_description(tender),
        value=value.quantize(Decimal("0.01"), ROUND_HALF_UP) if value is not None else None,
        currency=(tender.value.currency if tender.value else None) or "GBP",
        themes=themes_of(tender, rules),
        localities=localities_of(tender, rules),
        submission_deadline=deadline,
        interest_cutoff=interest_cutoff(tender, deadline, rules, now),
    )


def interest_cutoff(tender: Tender, deadline: datetime, rules: ImportRules, now: datetime):
    """The enquiry period's end when it falls between now and the deadline; otherwise the
    rules' window before the deadline, or a third of the time left when that has passed."""
    enquiry = tender.enquiry_period.end if tender.enquiry_period else None
    if enquiry is not None and now < enquiry < deadline:
        return enquiry
    cutoff = deadline - rules.interest_window
    return cutoff if cutoff > now else now + (deadline - now) / 3


def _description(tender: Tender) -> str:
    """The tender's description, with its lots and documents' links, so the bid carries them."""
    parts = [tender.description.strip()]
    if tender.lots:
        parts.append("Lots:\n" + "\n".join(f"- {lot.title or lot.id}" for lot in tender.lots))
    if tender.documents:
        lines = [f"- {d.title or 'Document'}: {d.url}" for d in tender.documents]
        parts.append("Documents:\n" + "\n".join(lines))
    return "\n\n".join(p for p in parts if p)[:50_000]
