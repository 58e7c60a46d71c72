"""The digest cycle: for each chat that is due, build its digest into the outbox.

Per-chat state is a watermark (the last item id considered), so the cycle reads the
new items once and filters them per chat in memory: 100,000 chats x 100 items a day
stays cheap. The upper bound comes from `safe_max_item_id`, so an item still being
inserted on PostgreSQL is never skipped. Each batch of chats is written in one
transaction: the digest row and the watermark move together, so nothing is lost or
sent twice if the process dies between batches. On PostgreSQL the due chats are
locked with SKIP LOCKED, so several processes can share the work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import DigestConfig
from bot.db import chats as chats_repo
from bot.db import digests as digests_repo
from bot.db import items as items_repo
from bot.db.engine import Database
from bot.db.models import ChatRow
from bot.digest.compose import compose_digest
from bot.digest.format import RenderedDigest
from bot.digest.schedule import next_run
from bot.domain import ChatSettings, ScheduleMode, StoredItem, Topic

log = logging.getLogger(__name__)

BATCH = 200


@dataclass(frozen=True, slots=True)
class ManualDigest:
    """What /digest produced: a digest to send, or since when (in which zone) nothing is new."""

    digest: RenderedDigest
    since: datetime  # the chat's last digest, else its subscription
    timezone: str
    filtered: bool = False  # empty, but news came that the chat's filters left out


@dataclass
class DigestBuilder:
    """Builds digests into the outbox; `on_enqueued` wakes the sender."""

    db: Database
    topics: Sequence[Topic]
    source_names: dict[str, str]
    config: DigestConfig
    clock: Callable[[], datetime]
    on_enqueued: Callable[[], None] = field(default=lambda: None)

    def compose(
        self,
        items: Sequence[StoredItem],
        chat: ChatSettings,
        now: datetime,
        max_items: int | None = None,
    ) -> RenderedDigest:
        return compose_digest(
            items,
            chat=chat,
            topics=self.topics,
            now=now,
            max_items=max_items or self.config.max_items,
            window=self.config.same_story_window,
        )

    async def cycle(self) -> int:
        """Build every due digest (scheduled times and instant chats); returns how many."""
        now = self.clock()
        async with self.db.transaction() as session:
            bound = await items_repo.safe_max_item_id(session)
        built = 0
        after_id = 0
        while True:
            async with self.db.transaction() as session:
                rows = await chats_repo.due_chats(
                    session, now=now, bound=bound, after_id=after_id, limit=BATCH
                )
                if not rows:
                    break
                after_id = rows[-1].id
                built += await self._build_batch(session, rows, now, bound)
        if built:
            log.info("built %d digests", built)
            self.on_enqueued()
        return built

    async def _build_batch(
        self, session: AsyncSession, rows: list[ChatRow], now: datetime, bound: int
    ) -> int:
        lowest = min(row.watermark for row in rows)
        items = await items_repo.items_between(
            session, lowest, bound, source_names=self.source_names
        )
        built = 0
        for row in rows:
            settings = chats_repo.to_settings(row)
            if row.schedule_mode == ScheduleMode.TIMES.value:
                row.next_digest_at = next_run(settings.times, settings.timezone, now)
            fresh = [i for i in items if i.id > row.watermark and i.stored_at >= row.subscribed_at]
            digest = self.compose(fresh, settings, now)
            if digest.empty:
                row.watermark = max(row.watermark, bound)
                continue
            await digests_repo.enqueue(
                session,
                row,
                digest.parts,
                item_ids=digest.item_ids,
                kind=row.schedule_mode,
                now=now,
                watermark=bound,
            )
            built += 1
        return built

    async def manual(self, chat_id: int) -> ManualDigest | None:
        """/digest: what is new for this chat now, enqueued; moves the watermark too."""
        now = self.clock()
        async with self.db.transaction() as session:
            bound = await items_repo.safe_max_item_id(session)
        async with self.db.transaction() as session:
            row = await chats_repo.get_row(session, chat_id)
            if row is None:
                return None
            settings = chats_repo.to_settings(row)
            items = await items_repo.items_between(
                session,
                row.watermark,
                bound,
                source_names=self.source_names,
                stored_since=row.subscribed_at,
            )
            digest = self.compose(items, settings, now)
            since = row.last_digest_at or row.subscribed_at
            if digest.empty:
                row.watermark = max(row.watermark, bound)
                return ManualDigest(digest, since, settings.timezone, filtered=bool(items))
            await digests_repo.enqueue(
                session,
                row,
                digest.parts,
                item_ids=digest.item_ids,
                kind="manual",
                now=now,
                watermark=bound,
            )
        self.on_enqueued()
        return ManualDigest(digest, since, settings.timezone)

    async def latest(
        self, settings: ChatSettings, *, within: timedelta = timedelta(hours=24), limit: int = 10
    ) -> RenderedDigest:
        """The latest matching headlines (history included): offered right after /start."""
        now = self.clock()
        async with self.db.transaction() as session:
            items = await items_repo.recent_items(
                session, since=now - within, source_names=self.source_names
            )
        return self.compose(items, settings, now, max_items=limit)
