"""The Alembic migrations build the whole schema on an empty database (the models' schema,
exactly) and take it down cleanly; data migrations fill what they add."""

import asyncio
import uuid
from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from pydantic import SecretStr
from sqlalchemy import inspect, text

import database
from models.tables import Base
from settings import Settings
from tests.conftest import create_database


async def table_names(settings: Settings) -> set[str]:
    engine = database.make_engine(settings)
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda c: inspect(c).get_table_names())
    finally:
        await engine.dispose()
    return set(names) - {"alembic_version"}


async def test_migrations_apply_to_an_empty_database_and_downgrade_cleanly(postgres):
    url = create_database(postgres, f"migrations_{uuid.uuid4().hex[:8]}")
    settings = Settings(_env_file=None, database_url=SecretStr(url))
    assert await table_names(settings) == set()

    await asyncio.to_thread(database.upgrade, settings)
    assert await table_names(settings) == set(Base.metadata.tables)

    await asyncio.to_thread(database.downgrade, settings, "base")
    assert await table_names(settings) == set()

    # and up again: a downgrade leaves nothing (a function, a trigger) in the way
    await asyncio.to_thread(database.upgrade, settings)
    assert await table_names(settings) == set(Base.metadata.tables)


async def schema_differences(settings: Settings) -> list:
    engine = database.make_engine(settings)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata)
            )
    finally:
        await engine.dispose()


async def test_the_migrated_schema_is_the_models_schema(postgres):
    url = create_database(postgres, f"migrations_{uuid.uuid4().hex[:8]}")
    settings = Settings(_env_file=None, database_url=SecretStr(url))
    await asyncio.to_thread(database.upgrade, settings)
    assert await schema_differences(settings) == []


BIDS_AT_0004 = """
INSERT INTO organisations (id, name, localities, themes, proforma, willing_to_lead, status)
    VALUES ('org-a', 'Alpha', '[]', '[]', '{}', false, 'member');
INSERT INTO opportunities (id, funder, title, description, currency, themes, localities,
    submission_deadline, interest_cutoff, required_sections, min_partners, la_signoff_required)
    VALUES ('opp-1', 'Funder', 'Title', '', 'GBP', '[]', '[]', '2026-12-31', '2026-12-01', '[]',
    1, false);
INSERT INTO bids (id, opportunity_id, stage, outstanding_tasks, state, version) VALUES
    ('listed', 'opp-1', 'drafting', 2, '{"outstanding": [
        {"kind": "section", "owed_by": "org-a", "due": "2026-12-09T12:00:00+00:00"},
        {"kind": "review", "owed_by": "org-a", "due": null},
        {"kind": "section", "owed_by": "org-a", "due": "2026-12-05T12:00:00+00:00"}]}', 1),
    ('nothing-due', 'opp-1', 'decision', 1, '{"outstanding": [{"kind": "bid_decision"}]}', 1),
    ('no-list', 'opp-1', 'drafting', 0, '{}', 1);
INSERT INTO sections (bid_id, key, title, assigned_to, due, status) VALUES
    ('no-list', 'summary', 'Summary', 'org-a', '2026-12-07T00:00:00+00:00', 'assigned'),
    ('no-list', 'budget', 'Budget', 'org-a', '2026-12-02T00:00:00+00:00', 'approved')
"""


async def test_0005_fills_next_due_from_the_tasks_each_bid_owes(postgres):
    url = create_database(postgres, f"migrations_{uuid.uuid4().hex[:8]}")
    settings = Settings(_env_file=None, database_url=SecretStr(url))
    await asyncio.to_thread(database.upgrade, settings, "0004")
    engine = database.make_engine(settings)
    try:
        async with engine.begin() as connection:
            for statement in BIDS_AT_0004.split(";"):
                await connection.execute(text(statement))
        await asyncio.to_thread(database.upgrade, settings)
        async with engine.connect() as connection:
            found = await connection.execute(text("SELECT id, next_due FROM bids ORDER BY id"))
            assert {row.id: row.next_due for row in found} == {
                "listed": datetime(2026, 12, 5, 12, tzinfo=UTC),  # the earliest in its list
                "no-list": datetime(2026, 12, 7, tzinfo=UTC),  # the section still owed
                "nothing-due": None,
            }
        await asyncio.to_thread(database.downgrade, settings, "0004")
        async with engine.connect() as connection:
            columns = await connection.run_sync(lambda c: inspect(c).get_columns("bids"))
        assert "next_due" not in {column["name"] for column in columns}
    finally:
        await engine.dispose()
