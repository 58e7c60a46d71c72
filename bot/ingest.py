"""The poll cycle: fetch every due source, parse, normalise, classify, store new items.

Sources are fetched concurrently under a global and a per-host limit. A failing
source backs off exponentially (capped) and keeps being probed; its failure never
touches the others. CPU work (parse, normalise, classify) runs in a worker thread so
the bot keeps answering chats while a big feed is read.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import aiohttp

from bot.classify.language import detect_language
from bot.classify.topics import TopicMatcher
from bot.config import PollingConfig
from bot.db import items as items_repo
from bot.db import sources as sources_repo
from bot.db.engine import Database
from bot.domain import FeedKind, FetchResult, FetchState, Item, ParsedFeed, Source, Topic
from bot.sources.errors import ParseError
from bot.sources.fetch import fetch
from bot.sources.normalise import normalise
from bot.sources.parse import parse

log = logging.getLogger(__name__)

DETECT_LANGUAGES = ("uk", "en", "ru", "pl", "de", "fr")


@dataclass(frozen=True, slots=True)
class PollReport:
    """What one source's poll did: printed by `newsbot poll`, logged by `newsbot run`."""

    source_id: str
    status: str  # "ok", "not modified", "error"
    new_items: int = 0
    seen_items: int = 0
    seconds: float = 0.0
    error: str | None = None
    error_count: int = 0

    def line(self) -> str:
        head = f"{self.source_id:<20} {self.status:<13} {self.new_items:>4} new"
        tail = f" of {self.seen_items:<4} {self.seconds:6.2f}s"
        if self.error:
            return f"{head}{tail}  error #{self.error_count}: {self.error}"
        return head + tail


@dataclass
class Poller:
    """Everything the poll cycle needs; built once by the composition root."""

    db: Database
    http: aiohttp.ClientSession
    sources: Sequence[Source]
    topics: Sequence[Topic]
    polling: PollingConfig
    languages: Sequence[str]
    clock: Callable[[], datetime]

    def __post_init__(self) -> None:
        self._matcher = TopicMatcher(tuple(self.topics))
        self._global = asyncio.Semaphore(self.polling.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(self.polling.per_host)
        )
        self._by_id = {s.id: s for s in self.sources}

    async def sync(self) -> None:
        """Register configured sources; new ones get a first check spread over a minute."""
        now = self.clock()
        spread = {
            s.id: now + timedelta(seconds=random.uniform(0, min(60.0, s.interval.total_seconds())))
            for s in self.sources
        }
        async with self.db.transaction() as session:
            await sources_repo.sync(session, self.sources, first_check=spread)

    async def cycle(self, *, force: bool = False) -> list[PollReport]:
        """Poll every due source (every source with `force`); never raises for a source."""
        now = self.clock()
        async with self.db.transaction() as session:
            states = await sources_repo.states(session)
        due = [
            state
            for s in self.sources
            if (state := states.get(s.id)) is not None
            and (force or state.next_check_at is None or state.next_check_at <= now)
        ]
        reports = await asyncio.gather(*(self._guarded(state) for state in due))
        return list(reports)

    async def _guarded(self, state: sources_repo.SourceState) -> PollReport:
        source = self._by_id[state.id]
        host = urlsplit(state.feed_url or source.url).hostname or ""
        async with self._global, self._hosts[host]:
            started = time.monotonic()
            try:
                return await self._poll(source, state, started)
            except Exception as exc:  # a bug must not stop the cycle or other sources
                log.exception("poll of %s failed unexpectedly", source.id)
                return await self._fail(source, f"internal error: {type(exc).__name__}", started)

    async def _get(self, url: str, state: FetchState) -> FetchResult:
        return await fetch(
            self.http,
            url,
            state,
            timeout=self.polling.timeout.total_seconds(),
            max_body=self.polling.max_body,
            user_agent=self.polling.user_agent,
        )

    async def _poll(
        self, source: Source, state: sources_repo.SourceState, started: float
    ) -> PollReport:
        validators = FetchState(etag=state.etag, last_modified=state.last_modified)
        result = await self._get(state.feed_url or source.url, validators)
        if result.error is not None:
            return await self._fail(source, result.error, started, result.retry_after)
        now = self.clock()
        if result.not_modified:
            await self._succeed(source, result, now, kind=None, feed_url=None)
            return PollReport(source.id, "not modified", seconds=time.monotonic() - started)
        try:
            feed = await asyncio.to_thread(self._parse, source, result)
            feed_url: str | None = None
            if feed.kind is FeedKind.HTML and feed.feed_url and not feed.entries:
                # A page that links its feed: read the feed, and remember it for next time.
                feed_url = feed.feed_url
                result = await self._get(feed_url, FetchState())
                if result.error is not None:
                    return await self._fail(source, f"{feed_url}: {result.error}", started)
                feed = await asyncio.to_thread(self._parse, source, result)
        except ParseError as exc:
            return await self._fail(source, str(exc), started)
        items = await asyncio.to_thread(self._items, source, feed, result.url, now)
        async with self.db.transaction() as session:
            first = state.last_ok_at is None and not await sources_repo.has_items(
                session, source.id
            )
            history = self._history(items) if first else frozenset()
            new = await items_repo.store_items(session, items, now=now, history_keys=history)
            await sources_repo.record_success(
                session,
                source.id,
                now=now,
                next_check_at=self._next_check(source, now, result, feed),
                etag=result.etag,
                last_modified=result.last_modified,
                kind=feed.kind.value,
                feed_url=feed_url,
            )
        return PollReport(
            source.id,
            "ok",
            new_items=new,
            seen_items=len(items),
            seconds=time.monotonic() - started,
        )

    def _parse(self, source: Source, result: FetchResult) -> ParsedFeed:
        return parse(
            result.body or b"", content_type=result.content_type, url=result.url, html=source.html
        )

    def _items(self, source: Source, feed: ParsedFeed, base_url: str, now: datetime) -> list[Item]:
        """Normalise and classify (CPU work, run in a thread); one item per key."""
        found: dict[str, Item] = {}
        for raw in feed.entries:
            entry = normalise(raw, base_url=base_url, fetched_at=now)
            if entry is None or entry.key in found:
                continue
            language = detect_language(
                f"{entry.title}. {entry.summary}",
                self.languages,
                fixed=source.language,
                hint=entry.language_hint or feed.language,
            )
            topics = self._matcher.match(
                entry.title, entry.summary, entry.categories, source.topics
            )
            found[entry.key] = Item(
                source_id=source.id,
                key=entry.key,
                url=entry.url,
                title=entry.title,
                summary=entry.summary,
                language=language,
                topics=topics,
                published_at=entry.published_at,
                categories=entry.categories,
            )
        return list(found.values())

    def _history(self, items: Sequence[Item]) -> frozenset[str]:
        """A new source's archive is history, except its newest few (`first_poll_items`)."""
        newest = sorted(items, key=lambda i: i.published_at, reverse=True)
        return frozenset(i.key for i in newest[self.polling.first_poll_items :])

    def _next_check(
        self, source: Source, now: datetime, result: FetchResult, feed: ParsedFeed | None
    ) -> datetime:
        """The interval with ±10% jitter, never sooner than the server's max-age or <ttl>."""
        wait = source.interval * random.uniform(0.9, 1.1)
        for floor in (result.max_age, feed.ttl if feed else None):
            if floor is not None:
                wait = max(wait, min(floor, self.polling.max_backoff))
        return now + wait

    async def _succeed(
        self,
        source: Source,
        result: FetchResult,
        now: datetime,
        *,
        kind: str | None,
        feed_url: str | None,
    ) -> None:
        async with self.db.transaction() as session:
            await sources_repo.record_success(
                session,
                source.id,
                now=now,
                next_check_at=self._next_check(source, now, result, None),
                etag=result.etag,
                last_modified=result.last_modified,
                kind=kind,
                feed_url=feed_url,
            )

    async def _fail(
        self,
        source: Source,
        error: str,
        started: float,
        retry_after: timedelta | None = None,
    ) -> PollReport:
        """Exponential backoff from the interval, capped; Retry-After is honoured."""
        now = self.clock()
        async with self.db.transaction() as session:
            states = await sources_repo.states(session)
            errors = states[source.id].error_count if source.id in states else 0
            base = min(source.interval * (2**errors), self.polling.max_backoff)
            backoff = base * random.uniform(0.9, 1.1)
            if retry_after is not None:
                backoff = max(backoff, min(retry_after, self.polling.max_backoff))
            count = await sources_repo.record_failure(
                session, source.id, now=now, error=error, backoff=backoff
            )
        log.warning("source %s failed (%d in a row): %s", source.id, count, error)
        return PollReport(
            source.id,
            "error",
            seconds=time.monotonic() - started,
            error=error,
            error_count=count,
        )


async def prune(db: Database, retention: timedelta, now: datetime) -> int:
    async with db.transaction() as session:
        return await items_repo.prune(session, older_than=now - retention)


async def reclassify(
    db: Database, sources: Sequence[Source], topics: Sequence[Topic], languages: Sequence[str]
) -> tuple[int, int]:
    """Re-apply the current language and topic rules to every stored item.

    Returns (items seen, items changed). Runs in batches so memory stays flat.
    """
    from sqlalchemy import select

    from bot.db.models import ItemRow

    matcher = TopicMatcher(tuple(topics))
    by_id = {s.id: s for s in sources}
    seen = changed = 0
    last_id = 0
    while True:
        async with db.transaction() as session:
            stmt = select(ItemRow).where(ItemRow.id > last_id).order_by(ItemRow.id).limit(1000)
            rows = list((await session.execute(stmt)).scalars())
            if not rows:
                return seen, changed
            for row in rows:
                source = by_id.get(row.source_id)
                fixed_topics = source.topics if source else ()
                language = detect_language(
                    f"{row.title}. {row.summary}",
                    languages,
                    fixed=source.language if source else None,
                    hint=row.language,
                )
                new_topics = list(
                    matcher.match(row.title, row.summary, row.categories, fixed_topics)
                )
                if new_topics != row.topics or language != row.language:
                    row.topics, row.language = new_topics, language
                    changed += 1
            seen += len(rows)
            last_id = rows[-1].id
