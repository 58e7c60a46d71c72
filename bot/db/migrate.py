"""Bring the schema up to date with Alembic, from code (no alembic.ini needed)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import DatabaseUnavailable

MIGRATIONS = Path(__file__).with_name("migrations")


def _alembic_config(connection: Connection) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Apply every pending migration; safe to run on every start."""

    def run(connection: Connection) -> None:
        command.upgrade(_alembic_config(connection), revision)

    # Any driver error here (refused, wrong password, no such database or role, not a
    # database file, read-only, locked) is the operator's to fix, not a traceback.
    try:
        async with engine.begin() as conn:
            await conn.run_sync(run)
    except (OSError, DBAPIError) as exc:
        raise DatabaseUnavailable(engine.url.render_as_string(hide_password=False), exc) from exc


async def current(engine: AsyncEngine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as conn:
        return await conn.run_sync(read)
