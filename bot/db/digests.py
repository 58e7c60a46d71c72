"""The digest outbox: what is owed to each chat, part by part.

The digest cycle writes a digest with its rendered parts and moves the chat's
watermark in the same transaction, so an item is either in a pending digest or not
yet considered: nothing is lost between building and sending.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

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
