"""Items: stored once, read back in order, and a watermark that never skips an item."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.db import items as repo
from bot.db.engine import Database
from bot.db.models import ItemRow, SourceRow
from bot.domain import Item

NOW = datetime(2026, 1, 28, 18, 0, tzinfo=UTC)
NAMES = {"rubryka": "Рубрика"}


def item(key: str, title: str = "Заголовок", language: str = "uk") -> Item:
    return Item(
        source_id="rubryka",
        key=key,
        url=f"https://rubryka.com/{key}/",
        title=title,
        summary="",
        language=language,
        topics=("defense",),
        published_at=NOW - timedelta(hours=1),
    )


async def add_source(db: Database) -> None:
    async with db.transaction() as s:
        s.add(SourceRow(id="rubryka", url="https://rubryka.com/feed/", error_count=0))


async def test_same_key_is_stored_once(database: Database) -> None:
    await add_source(database)
    async with database.transaction() as s:
        assert await repo.store_items(s, [item("a"), item("b")], now=NOW) == 2
    async with database.transaction() as s:
        assert await repo.store_items(s, [item("a", "changed"), item("c")], now=NOW) == 1
    async with database.transaction() as s:
        top = await repo.safe_max_item_id(s)
        stored = await repo.items_between(s, 0, top, source_names=NAMES)
    assert [i.url.split("/")[-2] for i in stored] == ["a", "b", "c"]
    assert stored[0].title == "Заголовок"  # the same key seen again updates nothing
    assert stored[0].source_name == "Рубрика"
    assert stored[0].published_at.tzinfo is not None


async def test_history_items_are_never_offered(database: Database) -> None:
    await add_source(database)
    async with database.transaction() as s:
        await repo.store_items(
            s, [item("old"), item("new")], now=NOW, history_keys=frozenset({"old"})
        )
        top = await repo.safe_max_item_id(s)
        offered = await repo.items_between(s, 0, top, source_names=NAMES)
    assert [i.url for i in offered] == ["https://rubryka.com/new/"]


async def test_language_filter_and_prune(database: Database) -> None:
    await add_source(database)
    async with database.transaction() as s:
        await repo.store_items(s, [item("uk1"), item("en1", language="en")], now=NOW)
        top = await repo.safe_max_item_id(s)
        english = await repo.items_between(s, 0, top, source_names=NAMES, languages=["en"])
    assert [i.language for i in english] == ["en"]
    async with database.transaction() as s:
        assert await repo.prune(s, older_than=NOW + timedelta(days=1)) == 2


async def test_watermark_waits_for_an_insert_in_flight(database: Database) -> None:
    """PostgreSQL hands out ids before commit: the reader must not move past an open insert."""
    if database.dialect != "postgresql":
        pytest.skip("SQLite serialises writers, so ids commit in order there")
    await add_source(database)
    slow = database.sessions()
    await slow.begin()
    await repo.store_items(slow, [item("first")], now=NOW)  # smaller id, not committed yet
    async with database.transaction() as s:
        await repo.store_items(s, [item("second")], now=NOW)  # larger id, committed

    async def read() -> list[str]:
        async with database.transaction() as s:
            top = await repo.safe_max_item_id(s)
            return [i.url for i in await repo.items_between(s, 0, top, source_names=NAMES)]

    reader = asyncio.create_task(read())
    done, _ = await asyncio.wait({reader}, timeout=0.5)
    assert not done, "the reader must wait for the open insert"
    await slow.commit()
    await slow.close()
    urls = await reader
    assert urls == ["https://rubryka.com/first/", "https://rubryka.com/second/"]


async def test_stored_items_read_back_as_the_models_write_them(database: Database) -> None:
    """SQLite stores items through the driver directly: the models must read them back
    exactly (aware UTC times, lists, history flag) and a second store inserts nothing."""
    published = datetime(2025, 1, 29, 10, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))
    stored = Item(
        source_id="rubryka",
        key="guid-1",
        url="https://rubryka.com/a/",
        title="Заголовок «в лапках»",
        summary="Підсумок",
        language="uk",
        topics=("defense", "politics"),
        published_at=published,
        categories=("Війна", 'with "quotes"'),
    )
    await add_source(database)
    async with database.transaction() as s:
        history = frozenset({"guid-1"})
        assert await repo.store_items(s, [stored], now=NOW, history_keys=history) == 1
        assert await repo.store_items(s, [stored], now=NOW) == 0
    async with database.transaction() as s:
        row = (await s.execute(select(ItemRow))).scalar_one()
    assert row.published_at == published and row.published_at.utcoffset() == timedelta(0)
    assert row.stored_at == NOW
    assert row.topics == ["defense", "politics"]
    assert row.categories == ["Війна", 'with "quotes"']
    assert row.title == "Заголовок «в лапках»" and row.history is True
