"""The coordinator's "register an opportunity" form: its fields as a person types them, read
into an `OpportunityNotice`, and the notice saved as the opportunity a bid starts from.

Dates are days (a funder names a day): the cut-off and the deadline are at noon, UK time,
on the day given. Themes and localities are the framework's own words, ticked.
"""

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.datastructures import FormData

from models.opportunity import OpportunityNotice, StageWindows
from models.tables import Bid, Opportunity

UK = ZoneInfo("Europe/London")
NOON = time(12, 0)
MAX_FIELD = 5_000  # no single field of this form is longer (the description's own limit)
TEXT_FIELDS = ("id", "funder", "title", "description", "value", "currency")
TEXT_FIELDS += ("interest_cutoff", "submission_deadline", "sections", "local_authority_email")
TEXT_FIELDS += ("min_partners", "max_partners")
WINDOW_LABELS = {
    "decision": "Bid or no bid (the coordinator)",
    "lead": "Confirming the lead body",
    "partner": "Partners accepting their invitations",
    "assign": "The lead assigning the sections",
    "review": "The lead reviewing a section",
    "comment": "Comments on the consortium agreement",
    "signing": "Signing the agreement",
    "la": "The local authority's sign-off",
}


class AlreadyRegistered(Exception):
    """An opportunity with this reference exists: registering never overwrites one."""


@dataclass
class OpportunityForm:
    """What the coordinator typed, kept to fill the form again when something is refused."""

    values: dict[str, str] = field(default_factory=dict)
    themes: list[str] = field(default_factory=list)
    localities: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)  # ticked: la_signoff_required, ...
    windows: dict[str, str] = field(default_factory=dict)

    @classmethod
    def blank(cls) -> "OpportunityForm":
        defaults = StageWindows().model_dump()
        return cls(
            values={"currency": "GBP", "min_partners": "2", "sections": "summary\ndelivery plan"},
            windows={name: str(days) for name, days in defaults.items()},
        )

    @classmethod
    def read(cls, form: FormData) -> "OpportunityForm":
        """The posted fields, each cut to a bounded length (the notice then checks each)."""

        def text(name: str) -> str:
            value = form.get(name)
            return value[:MAX_FIELD] if isinstance(value, str) else ""

        def ticked(name: str) -> list[str]:
            return [v[:200] for v in form.getlist(name)[:100] if isinstance(v, str)]

        return cls(
            values={name: text(name) for name in TEXT_FIELDS},
            themes=ticked("themes"),
            localities=ticked("localities"),
            flags={f for f in ("la_signoff_required", "allow_fewer_partners") if text(f)},
            windows={name: text(f"window_{name}") for name in WINDOW_LABELS},
        )

    def notice(self) -> OpportunityNotice:
        """The notice; raises `ValidationError` (naming the field) or `ValueError`."""
        v = self.values
        sections = [line.strip() for line in v.get("sections", "").splitlines() if line.strip()]
        return OpportunityNotice.model_validate(
            {
                "id": v.get("id", "").strip() or reference_for(v.get("title", "")),
                "funder": v.get("funder", ""),
                "title": v.get("title", ""),
                "description": v.get("description", ""),
                "value": v.get("value", "").replace(",", "").replace("£", "").strip() or None,
                "currency": v.get("currency", "") or "GBP",
                "themes": self.themes,
                "localities": self.localities,
                "interest_cutoff": _day(v.get("interest_cutoff", ""), "interest_cutoff"),
                "submission_deadline": _day(
                    v.get("submission_deadline", ""), "submission_deadline"
                ),
                "required_sections": sections,
                "min_partners": v.get("min_partners", "") or 0,
                "max_partners": v.get("max_partners", "") or None,
                "allow_fewer_partners": "allow_fewer_partners" in self.flags,
                "la_signoff_required": "la_signoff_required" in self.flags,
                "local_authority_email": v.get("local_authority_email", "").strip() or None,
                "stage_windows": {k: d for k, d in self.windows.items() if d.strip()},
            }
        )


def reference_for(title: str) -> str:
    """A reference made from the title, unique enough: `improving-futures-3f9a`."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40].strip("-") or "opportunity"
    return f"{slug}-{secrets.token_hex(2)}"


def _day(text: str, name: str) -> datetime | str:
    """A day as noon UK time; anything else goes to the notice as it is, to be refused there
    with the field's name."""
    try:
        return datetime.combine(date.fromisoformat(text.strip()), NOON, tzinfo=UK)
    except ValueError:
        return text.strip() or f"no {name.replace('_', ' ')} given"


def problems(error: ValidationError | ValueError) -> str:
    """What to correct, one problem per field, in words."""
    if not isinstance(error, ValidationError):
        return str(error)
    said = []
    for item in error.errors(include_url=False):
        where = " ".join(str(p) for p in item["loc"]).replace("_", " ") or "the form"
        said.append(f"{where}: {item['msg'].removeprefix('Value error, ')}")
    return "; ".join(said)


async def register(sessions: async_sessionmaker[AsyncSession], notice: OpportunityNotice) -> None:
    """Save the notice as a new opportunity; raises `AlreadyRegistered` for a used reference."""
    async with sessions() as session, session.begin():
        saved = await session.scalar(
            insert(Opportunity)
            .values(**notice.model_dump(mode="python"))
            .on_conflict_do_nothing(index_elements=["id"])
            .returning(Opportunity.id)
        )
    if saved is None:
        raise AlreadyRegistered(f"An opportunity with the reference '{notice.id}' exists already.")


async def bids_by_opportunity(
    sessions: async_sessionmaker[AsyncSession], ids: list[str]
) -> dict[str, Any]:
    """The bid of each opportunity that has one (the newest), with its stage."""
    if not ids:
        return {}
    newest = (
        select(Bid.opportunity_id, func.max(Bid.id).label("id"))
        .where(Bid.opportunity_id.in_(ids))
        .group_by(Bid.opportunity_id)
        .subquery()
    )
    query = select(Bid.opportunity_id, Bid.id, Bid.stage).join(newest, newest.c.id == Bid.id)
    async with sessions() as session:
        return {row.opportunity_id: row for row in (await session.execute(query)).all()}


async def opportunity(sessions: async_sessionmaker[AsyncSession], id: str) -> Opportunity | None:
    async with sessions() as session:
        return await session.get(Opportunity, id)


async def registered(sessions: async_sessionmaker[AsyncSession], limit: int = 200) -> list[Any]:
    """The opportunities registered, newest first."""
    query = select(Opportunity).order_by(Opportunity.created_at.desc(), Opportunity.id)
    async with sessions() as session:
        return list((await session.scalars(query.limit(limit))).all())
