"""Bids written straight into a database of their own, as the bid workflow's snapshots leave
them, for the tests of the bid list: its order, filters and pages need exact data."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import SecretStr
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

import database
from models.tables import Bid, Opportunity, Organisation, Section
from settings import Settings
from tests.conftest import create_database

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
ORGANISATIONS = {"alpha": "Alpha Trust", "beta": "Beta Care", "gamma": "Gamma Youth"}


def days(n: float) -> datetime:
    return NOW + timedelta(days=n)


async def fresh_database(postgres, settings: Settings) -> Settings:
    """`settings` for a new, migrated database with the ORGANISATIONS in it."""
    url = create_database(postgres, f"bid_list_{uuid.uuid4().hex[:8]}")
    own = settings.model_copy(update={"database_url": SecretStr(url)})
    await asyncio.to_thread(database.upgrade, own)
    engine = database.make_engine(own)
    async with engine.begin() as connection:
        await connection.execute(
            insert(Organisation),
            [
                {"id": k, "name": v, "localities": [], "themes": []}
                for k, v in ORGANISATIONS.items()
            ],
        )
    await engine.dispose()
    return own


def task(kind: str, owed_by: str, due: datetime | None = None, key: str = "") -> dict[str, Any]:
    """One task of a summary's outstanding list, as the workflow writes it (JSON)."""
    return {"kind": kind, "key": key, "owed_by": owed_by, "due": due and due.isoformat()}


async def add_bid(
    session: AsyncSession,
    bid_id: str,
    *,
    stage: str = "drafting",
    deadline: datetime,
    outstanding: list[dict[str, Any]] | None = None,
    funder: str = "Arts Council",
    localities: tuple[str, ...] = (),
    lead: str | None = "alpha",
    sections: tuple[tuple[str, str, datetime], ...] = (),
) -> None:
    """A bid, its opportunity, and (for a summary without a list) its assigned sections.
    `next_due` is worked out from the tasks, as the snapshot does."""
    if outstanding is None:
        summary: dict[str, Any] = {"stage": stage}
        dues = [due for _, _, due in sections]
    else:
        summary = {"stage": stage, "outstanding": outstanding}
        dues = [datetime.fromisoformat(t["due"]) for t in outstanding if t["due"]]
    await session.execute(
        insert(Opportunity).values(
            id=f"opp-{bid_id}",
            funder=funder,
            title=f"Title of {bid_id}",
            submission_deadline=deadline,
            interest_cutoff=deadline - timedelta(days=30),
            localities=list(localities),
            themes=[],
            required_sections=[],
        )
    )
    await session.execute(
        insert(Bid).values(
            id=bid_id,
            opportunity_id=f"opp-{bid_id}",
            lead_organisation_id=lead,
            stage=stage,
            deadline=deadline,
            next_due=min(dues, default=None),
            state=summary,
            version=1,
        )
    )
    for key, owed_by, due in sections:
        await session.execute(
            insert(Section).values(
                bid_id=bid_id, key=key, title=key, assigned_to=owed_by, due=due, status="assigned"
            )
        )
