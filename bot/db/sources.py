"""Sources and their fetch state (conditional GET validators, backoff, errors)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Boolean, Table, bindparam, case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import SourceRow
from bot.domain import Source


@dataclass(frozen=True, slots=True)
class SourceState:
    """A source's stored fetch state, as the poll cycle and /sources read it."""

    id: str
    url: str
    feed_url: str | None
    kind: str | None
    etag: str | None
    last_modified: str | None
    next_check_at: datetime | None
    last_checked_at: datetime | None
    last_ok_at: datetime | None
    error_count: int
    last_error: str | None
    failing_since: datetime | None

    @property
    def failing(self) -> bool:
        return self.error_count > 0


def _state(row: SourceRow) -> SourceState:
    return SourceState(
        id=row.id,
        url=row.url,
        feed_url=row.feed_url,
        kind=row.kind,
        etag=row.etag,
        last_modified=row.last_modified,
        next_check_at=row.next_check_at,
        last_checked_at=row.last_checked_at,
        last_ok_at=row.last_ok_at,
        error_count=row.error_count,
        last_error=row.last_error,
        failing_since=row.failing_since,
    )


async def sync(
    session: AsyncSession, sources: Sequence[Source], *, first_check: dict[str, datetime]
) -> None:
    """Make the table match the config; a changed URL starts its fetch state afresh.

    Afresh includes `last_ok_at`: the first read of the new URL is a first poll, whose
    archive is history (see `bot.ingest`), so a moved source does not flood its chats.
    """
    rows = {row.id: row for row in (await session.execute(select(SourceRow))).scalars()}
    for source in sources:
        row = rows.get(source.id)
        if row is None:
            session.add(
                SourceRow(
                    id=source.id,
                    url=source.url,
                    error_count=0,
                    next_check_at=first_check.get(source.id),
                )
            )
        elif row.url != source.url:
            row.url = source.url
            row.feed_url = row.kind = row.etag = row.last_modified = row.last_ok_at = None
            row.error_count, row.last_error, row.failing_since = 0, None, None
            row.next_check_at = first_check.get(source.id)
    await session.flush()


async def states(session: AsyncSession) -> dict[str, SourceState]:
    rows = (await session.execute(select(SourceRow))).scalars()
    return {row.id: _state(row) for row in rows}


async def due(session: AsyncSession, now: datetime) -> list[SourceState]:
    stmt = select(SourceRow).where(
        (SourceRow.next_check_at.is_(None)) | (SourceRow.next_check_at <= now)
    )
    return [_state(row) for row in (await session.execute(stmt)).scalars()]


_SOURCES = cast(Table, SourceRow.__table__)
# Built once (Core, bound parameters): a poll cycle records a thousand of these.
_SUCCESS = (
    update(_SOURCES)
    .where(_SOURCES.c.id == bindparam("sid"))
    .values(
        last_checked_at=bindparam("now"),
        last_ok_at=bindparam("now"),
        next_check_at=bindparam("next_check"),
        etag=bindparam("new_etag"),
        last_modified=bindparam("new_last_modified"),
        kind=func.coalesce(bindparam("new_kind"), _SOURCES.c.kind),
        feed_url=case(
            (bindparam("keep_feed_url", type_=Boolean), _SOURCES.c.feed_url),
            else_=bindparam("new_feed_url"),
        ),
        error_count=0,
        last_error=None,
        failing_since=None,
    )
)


async def record_success(
    session: AsyncSession,
    source_id: str,
    *,
    now: datetime,
    next_check_at: datetime,
    etag: str | None,
    last_modified: str | None,
    kind: str | None = None,
    feed_url: str | None = None,
) -> None:
    """A successful read: validators kept, errors cleared.

    `kind` None keeps the stored kind; `feed_url` None keeps the stored feed URL, "" clears it.
    """
    await session.execute(
        _SUCCESS,
        {
            "sid": source_id,
            "now": now,
            "next_check": next_check_at,
            "new_etag": etag,
            "new_last_modified": last_modified,
            "new_kind": kind or None,
            "keep_feed_url": feed_url is None,
            "new_feed_url": feed_url or None,
        },
    )


@dataclass(frozen=True, slots=True)
class NotModified:
    """A source that answered 304: checked now, due again later, validators kept."""

    source_id: str
    now: datetime
    next_check_at: datetime
    etag: str | None
    last_modified: str | None


async def record_not_modified(session: AsyncSession, checks: Sequence[NotModified]) -> None:
    """Record many 304s in one statement (executemany): a 304 must cost next to nothing."""
    if not checks:
        return
    connection = await session.connection()  # Core executemany: one statement, many rows
    await connection.execute(
        _SUCCESS,
        [
            {
                "sid": c.source_id,
                "now": c.now,
                "next_check": c.next_check_at,
                "new_etag": c.etag,
                "new_last_modified": c.last_modified,
                "new_kind": None,  # kind and feed URL kept
                "keep_feed_url": True,
                "new_feed_url": None,
            }
            for c in checks
        ],
    )


async def record_failure(
    session: AsyncSession,
    source_id: str,
    *,
    now: datetime,
    error: str,
    backoff: timedelta,
    forget_feed_url: bool = False,
) -> int:
    """Count the failure and schedule the next probe; returns the new error count.

    `forget_feed_url` drops a page's remembered feed (and its validators) so the next
    poll reads the page again and finds where the feed went.
    """
    row = await session.get(SourceRow, source_id)
    if row is None:
        return 0
    if forget_feed_url:
        row.feed_url = row.etag = row.last_modified = None
    row.last_checked_at = now
    row.error_count += 1
    row.last_error = error[:1000]
    row.failing_since = row.failing_since or now
    row.next_check_at = now + backoff
    return row.error_count
