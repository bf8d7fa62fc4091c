"""The async engine and session factory, and the Alembic entry points that build the schema."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from settings import Settings

MIGRATIONS = Path(__file__).resolve().parent / "models" / "migrations"


def make_engine(settings: Settings, pre_ping: bool = True, **kwargs: object) -> AsyncEngine:
    """`pre_ping=False` saves a round trip on every checkout, for a pool whose callers retry
    anyway (the worker's activities): a connection the database dropped fails its first use,
    and the activity's retry takes a fresh one."""
    return create_async_engine(settings.sqlalchemy_url(), pool_pre_ping=pre_ping, **kwargs)


def make_sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # Kept out of the ini parser, which would read `%` in a password as interpolation.
    config.attributes["sqlalchemy_url"] = settings.sqlalchemy_url()
    return config


def upgrade(settings: Settings, revision: str = "heads") -> None:
    """Apply migrations up to `revision` (every branch head by default); safe to run again."""
    command.upgrade(alembic_config(settings), revision)


def downgrade(settings: Settings, revision: str) -> None:
    command.downgrade(alembic_config(settings), revision)
