"""Build outbox contents the way the digest cycle does: a subscribed chat plus enqueue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta

from bot.db import chats, digests
from bot.db.engine import Database

NOW = datetime(2026, 1, 28, 18, 0, tzinfo=UTC)
DEFAULTS = chats.ChatDefaults(languages=("uk", "en"), times=(time(8), time(20)), timezone="UTC")


class Clock:
    """A settable UTC clock for the database side (created_at, next_attempt_at)."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


async def add_digest(
    db: Database,
    telegram_id: int,
    parts: Sequence[str],
    *,
    chat_type: str = "private",
    now: datetime = NOW,
) -> int:
    """A subscribed chat (created if new) with one more pending digest; returns its id."""
    async with db.transaction() as session:
        row, _ = await chats.ensure_chat(
            session,
            telegram_id,
            chat_type=chat_type,
            title=None if chat_type == "private" else "Group",
            ui_language="en",
            defaults=DEFAULTS,
            now=now,
        )
        await chats.activate(session, row, now=now, next_digest_at=None)
        digest = await digests.enqueue(session, row, parts, item_ids=[], kind="scheduled", now=now)
        return digest.id


async def state(db: Database, digest_id: int) -> tuple[str, list[int | None]]:
    async with db.transaction() as session:
        return await digests.digest_state(session, digest_id)


async def is_active(db: Database, telegram_id: int) -> bool | None:
    async with db.transaction() as session:
        settings = await chats.get_settings(session, telegram_id)
    return None if settings is None else settings.active
