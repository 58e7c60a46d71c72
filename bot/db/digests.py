"""The digest outbox: what is owed to each chat, part by part.

The digest cycle writes a digest with its rendered parts and moves the chat's
watermark in the same transaction, so an item is either in a pending digest or not
yet considered: nothing is lost between building and sending.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.db.models import ChatRow, DigestPartRow, DigestRow


async def enqueue(
    session: AsyncSession,
    chat: ChatRow,
    parts: Sequence[str],
    *,
    item_ids: Sequence[int],
    kind: str,
    now: datetime,
    watermark: int | None = None,
) -> DigestRow:
    """Add a pending digest for the chat; moves its watermark when one is given."""
    digest = DigestRow(
        chat_id=chat.id,
        kind=kind,
        created_at=now,
        item_ids=list(item_ids),
        status="pending",
        attempts=0,
        next_attempt_at=now,
        parts=[DigestPartRow(seq=i, text=text) for i, text in enumerate(parts)],
    )
    session.add(digest)
    if watermark is not None and watermark > chat.watermark:
        chat.watermark = watermark
    chat.last_digest_at = now
    await session.flush()
    return digest


# ---------------------------------------------------------------------- sender side
#
# The sender reads due digests, then writes one short transaction per accepted part,
# so a crash loses at most the knowledge of the one part per chat that was in flight.


@dataclass(frozen=True, slots=True)
class OutboxPart:
    """A part not yet accepted by Telegram."""

    id: int
    seq: int
    text: str


@dataclass(frozen=True, slots=True)
class OutboxDigest:
    """A pending digest as the sender needs it: where to send and what is left to send."""

    id: int
    chat_row_id: int
    telegram_id: int
    chat_type: str
    created_at: datetime
    attempts: int
    parts: tuple[OutboxPart, ...]  # unsent parts, in order


@dataclass(frozen=True, slots=True)
class DroppedDigest:
    id: int
    telegram_id: int
    created_at: datetime
    attempts: int
    last_error: str | None


@dataclass(frozen=True, slots=True)
class FailingSends:
    """Pending digests that have failed at least once and are older than a cutoff."""

    digests: int
    chats: int
    oldest: datetime | None
    last_error: str | None


async def due(session: AsyncSession, now: datetime, *, limit: int) -> list[OutboxDigest]:
    """Pending digests due now, oldest first, with their unsent parts.

    A digest waits while an older pending digest of the same chat is backing off, so a
    chat's digests always arrive in the order they were written.
    """
    earlier = aliased(DigestRow)
    earlier_waiting = exists().where(
        earlier.chat_id == DigestRow.chat_id,
        earlier.status == "pending",
        earlier.next_attempt_at > now,
        or_(
            earlier.created_at < DigestRow.created_at,
            and_(earlier.created_at == DigestRow.created_at, earlier.id < DigestRow.id),
        ),
    )
    stmt = (
        select(
            DigestRow.id,
            DigestRow.chat_id,
            ChatRow.telegram_id,
            ChatRow.type,
            DigestRow.created_at,
            DigestRow.attempts,
        )
        .join(ChatRow, ChatRow.id == DigestRow.chat_id)
        .where(DigestRow.status == "pending", DigestRow.next_attempt_at <= now, ~earlier_waiting)
        .order_by(DigestRow.created_at, DigestRow.id)
        .limit(limit)
    )
    rows = (await session.execute(stmt)).all()
    if not rows:
        return []
    parts: dict[int, list[OutboxPart]] = {row.id: [] for row in rows}
    part_rows = await session.execute(
        select(DigestPartRow.id, DigestPartRow.digest_id, DigestPartRow.seq, DigestPartRow.text)
        .where(DigestPartRow.digest_id.in_(list(parts)), DigestPartRow.message_id.is_(None))
        .order_by(DigestPartRow.digest_id, DigestPartRow.seq)
    )
    for part in part_rows:
        parts[part.digest_id].append(OutboxPart(part.id, part.seq, part.text))
    return [
        OutboxDigest(
            id=row.id,
            chat_row_id=row.chat_id,
            telegram_id=row.telegram_id,
            chat_type=row.type,
            created_at=row.created_at,
            attempts=row.attempts,
            parts=tuple(parts[row.id]),
        )
        for row in rows
    ]


@dataclass(frozen=True, slots=True)
class SentPart:
    """Telegram accepted this part; `complete`: it was the digest's last unsent part."""

    digest_id: int
    part_id: int
    message_id: int
    complete: bool


async def mark_parts_sent(
    session: AsyncSession, sent: Sequence[SentPart], *, now: datetime
) -> list[bool]:
    """Record Telegram's message_ids; a complete digest becomes `sent`.

    One call records a batch (the sender commits accepted parts together rather than
    one transaction each, which SQLite's single writer cannot keep up with at hundreds
    a second). Returns, per part, whether its digest was still pending: False means the
    chat unsubscribed or the digest was dropped meanwhile, so its other parts stop.
    """
    if not sent:
        return []
    digest_ids = sorted({s.digest_id for s in sent})
    statuses = dict(
        (
            await session.execute(
                select(DigestRow.id, DigestRow.status).where(DigestRow.id.in_(digest_ids))
            )
        ).all()
    )
    await session.execute(
        update(DigestPartRow),
        [{"id": s.part_id, "message_id": s.message_id, "sent_at": now} for s in sent],
    )
    done = [s.digest_id for s in sent if s.complete and statuses.get(s.digest_id) == "pending"]
    if done:
        await session.execute(
            update(DigestRow)
            .where(DigestRow.id.in_(done), DigestRow.status == "pending")
            .values(status="sent", sent_at=now, last_error=None)
        )
    return [statuses.get(s.digest_id) == "pending" for s in sent]


async def mark_sent(session: AsyncSession, digest_id: int, *, now: datetime) -> None:
    """A digest with nothing left to send (e.g. written with no parts) is done."""
    await session.execute(
        update(DigestRow)
        .where(DigestRow.id == digest_id, DigestRow.status == "pending")
        .values(status="sent", sent_at=now)
    )


async def record_failure(
    session: AsyncSession, digest_id: int, *, error: str, next_attempt_at: datetime
) -> int:
    """Count a failed attempt and schedule the next one; returns the attempt count."""
    row = await session.get(DigestRow, digest_id)
    if row is None or row.status != "pending":
        return 0
    row.attempts += 1
    row.last_error = error[:1000]
    row.next_attempt_at = next_attempt_at
    await session.flush()
    return row.attempts


async def drop(session: AsyncSession, digest_id: int, *, reason: str) -> None:
    await session.execute(
        update(DigestRow)
        .where(DigestRow.id == digest_id, DigestRow.status == "pending")
        .values(status="dropped", last_error=reason[:1000])
    )


async def drop_expired(session: AsyncSession, *, created_before: datetime) -> list[DroppedDigest]:
    """Drop pending digests written before the cutoff, so a dead chat cannot hold its queue
    (or the outbox) forever; returns them for the log."""
    stmt = (
        select(
            DigestRow.id,
            ChatRow.telegram_id,
            DigestRow.created_at,
            DigestRow.attempts,
            DigestRow.last_error,
        )
        .join(ChatRow, ChatRow.id == DigestRow.chat_id)
        .where(DigestRow.status == "pending", DigestRow.created_at < created_before)
    )
    expired = [DroppedDigest(*row) for row in (await session.execute(stmt)).all()]
    if expired:
        await session.execute(
            update(DigestRow)
            .where(DigestRow.id.in_([d.id for d in expired]), DigestRow.status == "pending")
            .values(status="dropped", last_error="pending too long; dropped")
        )
    return expired


async def replace_unsent(
    session: AsyncSession, digest_id: int, *, from_seq: int, texts: Sequence[str]
) -> list[OutboxPart]:
    """Replace the digest's unsent parts from `from_seq` on with `texts` (a part split
    further, plus the parts after it); returns the new parts in order."""
    await session.execute(
        delete(DigestPartRow).where(
            DigestPartRow.digest_id == digest_id,
            DigestPartRow.seq >= from_seq,
            DigestPartRow.message_id.is_(None),
        )
    )
    await session.flush()
    rows = [
        DigestPartRow(digest_id=digest_id, seq=from_seq + i, text=text)
        for i, text in enumerate(texts)
    ]
    session.add_all(rows)
    await session.flush()
    return [OutboxPart(row.id, row.seq, row.text) for row in rows]


async def failing(session: AsyncSession, *, created_before: datetime) -> FailingSends:
    """Pending digests written before the cutoff that have failed at least once."""
    base = (DigestRow.status == "pending", DigestRow.attempts > 0)
    old = DigestRow.created_at < created_before
    summary = (
        await session.execute(
            select(
                func.count(),
                func.count(func.distinct(DigestRow.chat_id)),
                func.min(DigestRow.created_at),
            ).where(*base, old)
        )
    ).one()
    last_error = await session.scalar(
        select(DigestRow.last_error)
        .where(*base, old)
        .order_by(DigestRow.created_at.desc())
        .limit(1)
    )
    return FailingSends(int(summary[0]), int(summary[1]), summary[2], last_error)


async def digest_state(session: AsyncSession, digest_id: int) -> tuple[str, list[int | None]]:
    """(status, message_id per part in order): what tests and tools read back."""
    status = await session.scalar(select(DigestRow.status).where(DigestRow.id == digest_id))
    ids = await session.scalars(
        select(DigestPartRow.message_id)
        .where(DigestPartRow.digest_id == digest_id)
        .order_by(DigestPartRow.seq)
    )
    return str(status), list(ids)
