"""The Alembic migrations build the whole schema on an empty database and take it down cleanly."""

import asyncio
import uuid

from pydantic import SecretStr
from sqlalchemy import inspect

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
