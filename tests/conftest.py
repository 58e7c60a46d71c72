"""Shared fixtures: a real database per test (SQLite always, PostgreSQL when configured)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bot.db.engine import Database, make_engine
from bot.db.migrate import upgrade
from tests.fakes.fixtures import fake_telegram

PG_URL = os.environ.get("NEWSBOT_TEST_DATABASE_URL", "")
__all__ = ["fake_telegram"]

BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]


def _asyncpg_dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, empty database URL: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'newsbot.db'}"
        return
    name = f"newsbot_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(_asyncpg_dsn(PG_URL))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    admin = await asyncpg.connect(_asyncpg_dsn(PG_URL))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
async def database(db_url: str) -> AsyncIterator[Database]:
    """A migrated database, disposed after the test."""
    db = Database(make_engine(db_url))
    await upgrade(db.engine)
    yield db
    await db.dispose()


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No NEWSBOT_* variables leaking from the developer's shell into config tests."""
    for key in list(os.environ):
        if key.startswith("NEWSBOT_") and key != "NEWSBOT_TEST_DATABASE_URL":
            monkeypatch.delenv(key)
    yield
