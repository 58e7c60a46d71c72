"""Chats and their preferences. Every function runs inside the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.items import safe_max_item_id
from bot.db.models import ChatRow, DigestRow
from bot.domain import ChatSettings, ScheduleMode


@dataclass(frozen=True, slots=True)
class ChatDefaults:
    """What a new chat starts with (from the config)."""

    languages: tuple[str, ...]
    times: tuple[time, ...]
    timezone: str
    mode: ScheduleMode = ScheduleMode.TIMES


def _parse_time(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def to_settings(row: ChatRow) -> ChatSettings:
    return ChatSettings(
        chat_id=row.telegram_id,
        ui_language=row.ui_language,
        languages=tuple(row.languages),
        topics=None if row.topics is None else tuple(row.topics),
        mode=ScheduleMode(row.schedule_mode),
        times=tuple(_parse_time(t) for t in row.times),
        timezone=row.timezone,
        active=row.active,
    )


async def get_row(session: AsyncSession, telegram_id: int) -> ChatRow | None:
    result = await session.execute(select(ChatRow).where(ChatRow.telegram_id == telegram_id))
    return result.scalar_one_or_none()


async def get_settings(session: AsyncSession, telegram_id: int) -> ChatSettings | None:
    row = await get_row(session, telegram_id)
    return None if row is None else to_settings(row)


async def ensure_chat(
    session: AsyncSession,
    telegram_id: int,
    *,
    chat_type: str,
    title: str | None,
    ui_language: str,
    defaults: ChatDefaults,
    now: datetime,
) -> tuple[ChatRow, bool]:
    """The chat's row, created inactive with the defaults if new; returns (row, created)."""
    row = await get_row(session, telegram_id)
    if row is not None:
        if title and row.title != title:
            row.title = title
        return row, False
    row = ChatRow(
        telegram_id=telegram_id,
        type=chat_type,
        title=title,
        ui_language=ui_language,
        active=False,
        languages=list(defaults.languages),
        topics=None,
        schedule_mode=defaults.mode.value,
        times=[t.strftime("%H:%M") for t in defaults.times],
        timezone=defaults.timezone,
        watermark=0,
        subscribed_at=now,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row, True


async def activate(
    session: AsyncSession, row: ChatRow, *, now: datetime, next_digest_at: datetime | None
) -> bool:
    """Subscribe; returns False if it already was. Items stored before now are not sent."""
    if row.active:
        return False
    row.active = True
    row.subscribed_at = now
    row.unsubscribed_at = None
    row.watermark = await safe_max_item_id(session)
    row.next_digest_at = next_digest_at
    await session.flush()
    return True


async def deactivate(session: AsyncSession, telegram_id: int, *, now: datetime) -> bool:
    """Unsubscribe (settings kept) and drop its pending digests; returns False if not active."""
    row = await get_row(session, telegram_id)
    if row is None or not row.active:
        return False
    row.active = False
    row.unsubscribed_at = now
    row.next_digest_at = None
    await session.execute(
        update(DigestRow)
        .where(DigestRow.chat_id == row.id, DigestRow.status == "pending")
        .values(status="dropped", last_error="chat unsubscribed or unreachable")
    )
    await session.flush()
    return True


async def save_settings(
    session: AsyncSession, settings: ChatSettings, *, next_digest_at: datetime | None
) -> None:
    """Store a chat's changed preferences (the row must exist)."""
    row = await get_row(session, settings.chat_id)
    if row is None:
        raise LookupError(f"chat {settings.chat_id} is not known")
    row.ui_language = settings.ui_language
    row.languages = list(settings.languages)
    row.topics = None if settings.topics is None else list(settings.topics)
    row.schedule_mode = settings.mode.value
    row.times = [t.strftime("%H:%M") for t in settings.times]
    row.timezone = settings.timezone
    row.next_digest_at = next_digest_at if row.active else None
    await session.flush()


async def migrate(session: AsyncSession, old_id: int, new_id: int) -> bool:
    """A group became a supergroup: move its settings and outbox to the new id."""
    row = await get_row(session, old_id)
    if row is None:
        return False
    clash = await get_row(session, new_id)
    if clash is not None:
        # The new id already wrote to us (e.g. /start in the supergroup first): keep the
        # old chat's settings, which the people chose, and retire the empty newcomer.
        await session.delete(clash)
        await session.flush()
    row.telegram_id = new_id
    row.type = "supergroup"
    await session.flush()
    return True


async def count_active(session: AsyncSession) -> int:
    from sqlalchemy import func

    result = await session.execute(select(func.count()).where(ChatRow.active.is_(True)))
    return int(result.scalar_one())


async def lock_row(session: AsyncSession, telegram_id: int) -> ChatRow | None:
    """The chat's row, re-read and locked to the end of the transaction (PostgreSQL).

    Two button presses handled at once must apply one after the other, not overwrite each
    other; SQLite has no row locks, so callers in one process also serialise per chat."""
    stmt = (
        select(ChatRow)
        .where(ChatRow.telegram_id == telegram_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def due_chats(
    session: AsyncSession, *, now: datetime, bound: int, after_id: int, limit: int
) -> list[ChatRow]:
    """Active chats due a digest, in id order after `after_id`: scheduled ones whose time
    has come, instant ones with items up to `bound` they have not considered.

    On PostgreSQL the rows are locked and rows locked by another process skipped, so
    several processes can share the digest cycle without building a digest twice.
    """
    due = or_(
        and_(
            ChatRow.schedule_mode == ScheduleMode.TIMES.value,
            ChatRow.next_digest_at.is_not(None),
            ChatRow.next_digest_at <= now,
        ),
        and_(ChatRow.schedule_mode == ScheduleMode.INSTANT.value, ChatRow.watermark < bound),
    )
    stmt = (
        select(ChatRow)
        .where(ChatRow.active.is_(True), ChatRow.id > after_id, due)
        .order_by(ChatRow.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return list((await session.execute(stmt)).scalars())
