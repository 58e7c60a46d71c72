"""Engine and session factory; SQLite tuned for a bot that writes while it reads."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets the sender read while the poller writes; the busy timeout makes a
    # second writer wait instead of failing with "database is locked".
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str, *, schema: str | None = None) -> AsyncEngine:
    """An async engine; `schema` (PostgreSQL only) isolates a test run in its own schema."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if parsed.get_backend_name() == "sqlite":
        _check_sqlite_directory(url, parsed.database)
        kwargs = {"connect_args": {"timeout": 10}}
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    if schema:
        kwargs["connect_args"] = {"server_settings": {"search_path": schema}}
    return create_async_engine(url, pool_size=10, max_overflow=10, **kwargs)


def _check_sqlite_directory(url: str, database: str | None) -> None:
    """Fail before connecting: aiosqlite's failed connect leaves a callback that, racing the
    loop's shutdown, printed a thread traceback after our one-line error."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    file = Path(database).expanduser().resolve()
    directory = file.parent
    if not directory.is_dir():
        raise DatabaseUnavailable(
            url, FileNotFoundError(f"the directory {directory} does not exist, create it")
        )
    # SQLite writes the file and, beside it, its -wal and -shm files.
    if not os.access(directory, os.W_OK | os.X_OK):
        raise DatabaseUnavailable(
            url, PermissionError(f"the directory {directory} is not writable by this user")
        )
    if file.exists() and not os.access(file, os.R_OK | os.W_OK):
        raise DatabaseUnavailable(
            url, PermissionError(f"the file {file} is not readable and writable by this user")
        )


class DatabaseUnavailable(Exception):
    """The database cannot be opened; the message names it (password hidden) and why."""

    def __init__(self, url: str, cause: BaseException) -> None:
        parsed = make_url(url)
        where = parsed.render_as_string(hide_password=True)
        reason = (str(getattr(cause, "orig", None) or cause).splitlines() or [""])[0]
        reason = reason or type(cause).__name__
        if parsed.password:  # a driver may quote its connection string
            reason = reason.replace(parsed.password, "***")
        check = (
            "that the server is running and the user, password and database exist"
            if parsed.get_backend_name() != "sqlite"
            else "that the file is a newsbot database this user can write"
        )
        super().__init__(
            f"cannot use the database {where}: {reason}. "
            f"Check database.url or NEWSBOT_DATABASE_URL, and {check}."
        )


class Database:
    """The engine plus a session factory; `transaction()` is the one way to write."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session in one transaction: committed on success, rolled back on error."""
        async with self.sessions() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
