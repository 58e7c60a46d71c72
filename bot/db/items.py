"""Items: stored once per source, read back in id order for digests.

The digest watermark is an item id. On PostgreSQL ids are handed out before commit,
so a smaller id can become visible after a larger one; a reader that moved its
watermark past it would skip that item forever. Writers therefore hold a shared
advisory lock while inserting, and `safe_max_item_id` takes it exclusively for an
instant: once it has it, every id at or below the max it reads is committed.
SQLite serialises writers, so ids there always commit in order.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ItemRow
from bot.domain import Item, StoredItem

_INSERT_LOCK = 7_310_001  # advisory lock key guarding item inserts on PostgreSQL


async def safe_max_item_id(session: AsyncSession) -> int:
    """The largest item id below which no item can still appear (see module doc)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _INSERT_LOCK})
    result = await session.execute(select(func.coalesce(func.max(ItemRow.id), 0)))
    return int(result.scalar_one())


async def store_items(
    session: AsyncSession,
    items: Sequence[Item],
    *,
    now: datetime,
    history_keys: frozenset[str] = frozenset(),
) -> int:
    """Insert the items that are new (ON CONFLICT DO NOTHING); returns how many were new.

    Items whose key is in `history_keys` are stored as history (never sent).
    """
    if not items:
        return 0
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock_shared(:k)"), {"k": _INSERT_LOCK})
    if dialect == "sqlite":
        return await _store_sqlite(session, items, now, history_keys)
    rows = [
        {
            "source_id": item.source_id,
            "key": item.key,
            "url": item.url,
            "title": item.title,
            "summary": item.summary,
            "language": item.language,
            "topics": list(item.topics),
            "categories": list(item.categories),
            "published_at": item.published_at,
            "stored_at": now,
            "history": item.key in history_keys,
        }
        for item in items
    ]
    # A Core insert (no ORM bookkeeping). asyncpg reports no rowcount for an executemany,
    # so the RETURNING rows are counted.
    table = ItemRow.metadata.tables["items"]
    stmt = pg_insert(table).on_conflict_do_nothing(index_elements=["source_id", "key"])
    result = await session.execute(stmt.returning(table.c.id), rows)
    return len(result.all())


_SQLITE_INSERT = (
    "INSERT INTO items (source_id, key, url, title, summary, language, topics, categories,"
    " published_at, stored_at, history) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (source_id, key) DO NOTHING"
)


def _sqlite_time(moment: datetime) -> str:
    """What SQLAlchemy's SQLite DATETIME stores for `UtcDateTime` (naive UTC, microseconds)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to the database; use UTC-aware datetimes")
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S.%f}"


async def _store_sqlite(
    session: AsyncSession, items: Sequence[Item], now: datetime, history_keys: frozenset[str]
) -> int:
    """Items straight to the driver's executemany, values already in their stored form.

    A poll cycle stores tens of thousands of items, and SQLAlchemy's per-value processing
    cost about four times SQLite's own insert (bench/ingest.py). The values are written as
    the mapped types would write them (tests/db/test_items.py reads them back through the
    models); the count is the statement's rowcount, which counts only inserted rows.
    """
    stored_at = _sqlite_time(now)
    rows = [
        (
            item.source_id,
            item.key,
            item.url,
            item.title,
            item.summary,
            item.language,
            json.dumps(list(item.topics)),
            json.dumps(list(item.categories)),
            _sqlite_time(item.published_at),
            stored_at,
            item.key in history_keys,
        )
        for item in items
    ]
    connection = await session.connection()
    result = await connection.exec_driver_sql(_SQLITE_INSERT, rows)
    return int(result.rowcount)


async def recent_keys(session: AsyncSession, source_id: str, *, limit: int) -> set[str]:
    """The keys of a source's newest `limit` items: what its feed most likely still lists."""
    stmt = (
        select(ItemRow.key)
        .where(ItemRow.source_id == source_id)
        .order_by(ItemRow.id.desc())
        .limit(limit)
    )
    return set((await session.execute(stmt)).scalars())


def _stored(row: ItemRow, names: dict[str, str]) -> StoredItem:
    return StoredItem(
        id=row.id,
        source_id=row.source_id,
        source_name=names.get(row.source_id, row.source_id),
        url=row.url,
        title=row.title,
        language=row.language,
        topics=tuple(row.topics),
        published_at=row.published_at,
        stored_at=row.stored_at,
    )


async def items_between(
    session: AsyncSession,
    after_id: int,
    upto_id: int,
    *,
    source_names: dict[str, str],
    languages: Sequence[str] = (),
    stored_since: datetime | None = None,
) -> list[StoredItem]:
    """Items with after_id < id <= upto_id that may be sent (not history), oldest first."""
    stmt = (
        select(ItemRow)
        .where(ItemRow.id > after_id, ItemRow.id <= upto_id, ItemRow.history.is_(False))
        .order_by(ItemRow.id)
    )
    if languages:
        stmt = stmt.where(ItemRow.language.in_(list(languages)))
    if stored_since is not None:
        stmt = stmt.where(ItemRow.stored_at >= stored_since)
    result = await session.execute(stmt)
    return [_stored(row, source_names) for row in result.scalars()]


async def recent_items(
    session: AsyncSession,
    *,
    since: datetime,
    source_names: dict[str, str],
    languages: Sequence[str] = (),
    limit: int = 500,
) -> list[StoredItem]:
    """Items stored since a time, newest first, history included (previews, /start)."""
    stmt = (
        select(ItemRow)
        .where(ItemRow.stored_at >= since)
        .order_by(ItemRow.published_at.desc(), ItemRow.id.desc())
        .limit(limit)
    )
    if languages:
        stmt = stmt.where(ItemRow.language.in_(list(languages)))
    result = await session.execute(stmt)
    return [_stored(row, source_names) for row in result.scalars()]


async def prune(session: AsyncSession, *, older_than: datetime) -> int:
    """Delete items stored and published before the retention cut-off."""
    result = await session.execute(
        delete(ItemRow).where(ItemRow.stored_at < older_than, ItemRow.published_at < older_than)
    )
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True, slots=True)
class Labelled:
    """What the language and topic rules read of a stored item."""

    source_id: str
    title: str
    summary: str
    categories: tuple[str, ...]
    language: str


@dataclass(frozen=True, slots=True)
class RelabelBatch:
    seen: int
    changed: int
    last_id: int


async def relabel_batch(
    session: AsyncSession,
    relabel: Callable[[Labelled], tuple[str, tuple[str, ...]]],
    *,
    after_id: int,
    limit: int,
) -> RelabelBatch:
    """Give the next `limit` items after `after_id` the (language, topics) `relabel` says."""
    stmt = select(ItemRow).where(ItemRow.id > after_id).order_by(ItemRow.id).limit(limit)
    rows = list((await session.execute(stmt)).scalars())
    changed = 0
    for row in rows:
        language, topics = relabel(
            Labelled(row.source_id, row.title, row.summary, tuple(row.categories), row.language)
        )
        if list(topics) != row.topics or language != row.language:
            row.topics, row.language = list(topics), language
            changed += 1
    return RelabelBatch(len(rows), changed, rows[-1].id if rows else after_id)
