"""Chats: subscribe, unsubscribe keeping settings, migrate, defaults."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time

from bot.db import chats
from bot.db.engine import Database
from bot.domain import ScheduleMode

NOW = datetime(2026, 1, 28, 18, 0, tzinfo=UTC)
DEFAULTS = chats.ChatDefaults(
    languages=("uk", "en"), times=(time(8), time(20)), timezone="Europe/Kyiv"
)
SUPERGROUP = -1001234567890123  # needs 64 bits


async def subscribe(db: Database, chat_id: int) -> bool:
    async with db.transaction() as s:
        row, created = await chats.ensure_chat(
            s, chat_id, chat_type="group", title="G", ui_language="uk", defaults=DEFAULTS, now=NOW
        )
        await chats.activate(s, row, now=NOW, next_digest_at=None)
    return created


async def test_new_chat_gets_defaults_and_64bit_id(database: Database) -> None:
    assert await subscribe(database, SUPERGROUP)
    async with database.transaction() as s:
        settings = await chats.get_settings(s, SUPERGROUP)
    assert settings is not None
    assert settings.chat_id == SUPERGROUP
    assert settings.languages == ("uk", "en")
    assert settings.times == (time(8), time(20))
    assert settings.timezone == "Europe/Kyiv"
    assert settings.topics is None and settings.active


async def test_stop_keeps_settings_and_start_restores_them(database: Database) -> None:
    await subscribe(database, 42)
    async with database.transaction() as s:
        settings = await chats.get_settings(s, 42)
        assert settings is not None
        await chats.save_settings(
            s,
            replace(settings, topics=("defense",), mode=ScheduleMode.INSTANT),
            next_digest_at=None,
        )
    async with database.transaction() as s:
        assert await chats.deactivate(s, 42, now=NOW)
        assert not await chats.deactivate(s, 42, now=NOW)
        assert await chats.count_active(s) == 0
    assert not await subscribe(database, 42)  # not created again
    async with database.transaction() as s:
        back = await chats.get_settings(s, 42)
    assert back is not None and back.active
    assert back.topics == ("defense",) and back.mode is ScheduleMode.INSTANT


async def test_migrated_group_keeps_settings(database: Database) -> None:
    await subscribe(database, -42)
    async with database.transaction() as s:
        settings = await chats.get_settings(s, -42)
        assert settings is not None
        await chats.save_settings(s, replace(settings, topics=("culture",)), next_digest_at=None)
    async with database.transaction() as s:
        assert await chats.migrate(s, -42, SUPERGROUP)
    async with database.transaction() as s:
        assert await chats.get_settings(s, -42) is None
        moved = await chats.get_settings(s, SUPERGROUP)
    assert moved is not None and moved.topics == ("culture",)
