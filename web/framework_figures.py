"""The framework page's figures: the directory's counts and measures (from the membership
activities' reads), renewals due, and the figures of success month by month."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from activities.directory import DirectoryActivities
from models.directory import (
    SIGNED_UP,
    SUBMITTED_STAGES,
    WON_STAGES,
    CountsInput,
    DirectoryCounts,
    FrameworkFigures,
)
from models.framework import Framework
from models.tables import Bid, Organisation
from web.delivery_figures import DeliveryFigures, delivery_figures

RENEWALS_WINDOW = timedelta(days=60)


@dataclass
class Renewal:
    id: str
    name: str
    due: date
    status: str


@dataclass
class FrameworkPage:
    counts: DirectoryCounts
    figures: FrameworkFigures
    renewals: list[Renewal]
    members_by_month: dict[str, float]
    bids_by_month: dict[str, float]
    submitted_by_month: dict[str, float]
    won_by_month: dict[str, float]
    value_by_month: dict[str, float]
    delivery: DeliveryFigures | None = None  # contracts and events (web/delivery_figures.py)


def _month(value: datetime) -> str:
    return value.strftime("%Y-%m")


def _last_months(now: datetime, count: int = 12) -> list[str]:
    months, year, month = [], now.year, now.month
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _series(events: list[datetime], months: list[str]) -> dict[str, float]:
    counted = Counter(_month(e) for e in events)
    return {m: float(counted.get(m, 0)) for m in months}


def _values(won: list, months: list[str]) -> dict[str, float]:
    """The value the funder awarded for the bids won, by the month they were won: what each
    bid recorded (its summary's `awarded_value`, as `DirectoryActivities.figures` reads it),
    never the notice's advertised value."""
    totals = dict.fromkeys(months, 0.0)
    for bid in won:
        month = _month(bid.updated_at)
        if month in totals:
            totals[month] += float((bid.state or {}).get("awarded_value") or 0)
    return totals


async def framework_page(
    sessions: async_sessionmaker[AsyncSession], framework: Framework, now: datetime
) -> FrameworkPage:
    directory = DirectoryActivities(sessions)
    wanted = CountsInput(themes=framework.themes, localities=framework.localities)
    counts = await directory.count_members(wanted)
    figures = await directory.figures()
    async with sessions() as session:
        organisations = (await session.scalars(select(Organisation))).all()
        bids = (
            await session.execute(select(Bid.stage, Bid.created_at, Bid.updated_at, Bid.state))
        ).all()
    until = (now + RENEWALS_WINDOW).date()
    renewals = sorted(
        (
            Renewal(o.id, o.name, o.renewal_due, o.status)
            for o in organisations
            if o.renewal_due and o.renewal_due <= until and o.status in SIGNED_UP
        ),
        key=lambda r: r.due,
    )
    months = _last_months(now)
    return FrameworkPage(
        counts=counts,
        figures=figures,
        renewals=renewals,
        members_by_month=_series(
            [o.created_at for o in organisations if o.status in SIGNED_UP], months
        ),
        bids_by_month=_series([b.created_at for b in bids], months),
        submitted_by_month=_series(
            [b.updated_at for b in bids if b.stage in SUBMITTED_STAGES], months
        ),
        won_by_month=_series([b.updated_at for b in bids if b.stage in WON_STAGES], months),
        value_by_month=_values([b for b in bids if b.stage in WON_STAGES], months),
        delivery=await delivery_figures(sessions, now),
    )
