"""The poll cycle: fetch every due source, parse, normalise, classify, store new items.

Sources are fetched concurrently under a global and a per-host limit. A failing
source backs off exponentially (capped) and keeps being probed; its failure never
touches the others. CPU work (parse, normalise, classify) runs off the event loop, in
worker processes for big source lists (see `bot.ingest_cpu`), so the bot keeps answering
chats while a thousand feeds are read.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession

from bot.classify.language import detect_language, load_model
from bot.classify.topics import TopicMatcher
from bot.config import PollingConfig
from bot.db import items as items_repo
from bot.db import sources as sources_repo
from bot.db.batch import WriteBatcher
from bot.db.engine import Database
from bot.domain import FeedKind, FetchResult, FetchState, Item, ParsedFeed, Source, Topic
from bot.ingest_cpu import Read, TopicRules, read, run_cpu, start_processes
from bot.sources.errors import ParseError
from bot.sources.fetch import fetch

log = logging.getLogger(__name__)

_FIRST_CHECKS_PER_SECOND = 20  # how fast new sources get their first check, on average
_RECENT_KEYS = 2000
"""Stored keys a restarted poller skips classifying for a source: more than any feed lists."""

POOL_MIN_SOURCES = 50
"""With `processes=None`, worker processes are started for at least this many sources:
below it a cycle's CPU work is small and a thread avoids ~1 s of start-up and ~150 MB
per process (one language model each)."""


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (containers)
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


DETECT_LANGUAGES = ("uk", "en", "ru", "pl", "de", "fr")
"""Always among the detector's candidates, whatever chats may choose: a Russian item must
be labelled Russian (and so reach no Ukrainian-only chat), not forced into uk or en."""


def detection_candidates(languages: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*languages, *DETECT_LANGUAGES]))


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
    processes: int | None = None
    """Worker processes for parse/normalise/classify: None = one per CPU when there are
    two or more CPUs and at least `POOL_MIN_SOURCES` sources, else 0; 0 = one thread."""

    def __post_init__(self) -> None:
        self._rules = TopicRules(self.topics)
        self._candidates = detection_candidates(self.languages)
        processes = self.processes
        if processes is None:
            cpus = _cpu_count()
            processes = cpus if cpus > 1 and len(self.sources) >= POOL_MIN_SOURCES else 0
        self._pooled = processes > 0
        if self._pooled:
            start_processes(processes)  # spawned now: they load the model while we sync
        self._global = asyncio.Semaphore(self.polling.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(self.polling.per_host)
        )
        self._by_id = {s.id: s for s in self.sources}
        # SQLite takes one writer at a time and makes the others busy-wait (unfairly: under
        # load some waited past busy_timeout and failed). The batcher queues writers in
        # order and lets the ones that finish together share a transaction.
        self._batcher = WriteBatcher(self.db)
        self._unchanged: list[sources_repo.NotModified] = []
        self._seen: dict[str, AbstractSet[str]] = {}  # each source's keys in its last read

    async def sync(self) -> None:
        """Register configured sources; new ones are checked at once, spread out only as
        much as their number needs (a thousand over most of a minute, one at once).

        Without worker processes the language model (~1 s, ~90 MB) is loaded now, off the
        loop, rather than in the first cycle; with them, only the workers hold it.
        """
        if not self._pooled:
            await run_cpu(False, load_model)
        now = self.clock()
        shortest = min((s.interval.total_seconds() for s in self.sources), default=60.0)
        window = min(60.0, shortest, len(self.sources) / _FIRST_CHECKS_PER_SECOND)
        spread = {
            s.id: now
            + timedelta(seconds=random.uniform(0, min(window, s.interval.total_seconds())))
            for s in self.sources
        }
        await self._batcher.run(
            lambda session: sources_repo.sync(session, self.sources, first_check=spread)
        )

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
        try:
            reports = await asyncio.gather(*(self._guarded(state) for state in due))
        finally:
            await self._flush_unchanged()
        return list(reports)

    async def _flush_unchanged(self) -> None:
        """Record every 304 of the cycle in one transaction: an unchanged feed costs no write.

        Lost on a crash, that only means those sources are asked again (and answer 304).
        """
        unchanged, self._unchanged = self._unchanged, []
        if unchanged:
            await self._batcher.run(
                lambda session: sources_repo.record_not_modified(session, unchanged)
            )

    async def _guarded(self, state: sources_repo.SourceState) -> PollReport:
        source = self._by_id[state.id]
        host = urlsplit(state.feed_url or source.url).hostname or ""
        # Host first: a source queued behind its busy host must not hold a global slot, or
        # twenty feeds of one site would stall every other site.
        async with self._hosts[host], self._global:
            started = time.monotonic()
            try:
                return await self._poll(source, state, started)
            except Exception as exc:  # a bug must not stop the cycle or other sources
                log.exception("poll of %s failed unexpectedly", source.id)
                error = f"internal error: {type(exc).__name__}"
                return await self._fail(source, state, error, started)

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
            # A remembered feed that is gone: read the page again next time to find the new one.
            gone = state.feed_url is not None and result.status in (404, 410)
            return await self._fail(
                source, state, result.error, started, result.retry_after, forget_feed_url=gone
            )
        now = self.clock()
        if result.not_modified:
            self._unchanged.append(
                sources_repo.NotModified(
                    source_id=source.id,
                    now=now,
                    next_check_at=self._next_check(source, now, result, None),
                    etag=result.etag,
                    last_modified=result.last_modified,
                )
            )
            return PollReport(source.id, "not modified", seconds=time.monotonic() - started)
        known = await self._known(source.id, first=state.last_ok_at is None)
        try:
            done = await self._read(source, result, now, known)
            feed_url: str | None = None
            if done.feed.kind is FeedKind.HTML and done.feed.feed_url and not done.had_entries:
                # A page that links its feed: read the feed, and remember it for next time.
                feed_url = done.feed.feed_url
                result = await self._get(feed_url, FetchState())
                if result.error is not None:
                    error = f"feed linked from the page: {result.error}"
                    return await self._fail(source, state, error, started, result.retry_after)
                done = await self._read(source, result, now, known)
        except ParseError as exc:
            return await self._fail(source, state, str(exc), started)
        feed, items = done.feed, done.items
        history = self._history(items) if state.last_ok_at is None else frozenset()
        next_check_at = self._next_check(source, now, result, feed)

        async def store(session: AsyncSession) -> int:
            new = await items_repo.store_items(session, items, now=now, history_keys=history)
            await sources_repo.record_success(
                session,
                source.id,
                now=now,
                next_check_at=next_check_at,
                etag=result.etag,
                last_modified=result.last_modified,
                kind=feed.kind.value,
                feed_url=feed_url,
            )
            return new

        new = await self._batcher.run(store)
        self._seen[source.id] = done.keys
        return PollReport(
            source.id,
            "ok",
            new_items=new,
            seen_items=len(done.keys),
            seconds=time.monotonic() - started,
        )

    async def _known(self, source_id: str, *, first: bool) -> AbstractSet[str]:
        """Keys already stored: the last read's, else (after a restart) the newest stored.

        Storing is idempotent anyway (ON CONFLICT DO NOTHING); this only saves the CPU of
        normalising and classifying what is already stored, which is most of a changed feed.
        """
        if first:
            return frozenset()
        seen = self._seen.get(source_id)
        if seen is not None:
            return seen
        async with self.db.transaction() as session:
            return await items_repo.recent_keys(session, source_id, limit=_RECENT_KEYS)

    async def _read(
        self, source: Source, result: FetchResult, now: datetime, known: AbstractSet[str]
    ) -> Read:
        return await run_cpu(
            self._pooled, read, source, result, now, known, self._candidates, self._rules
        )

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

    async def _fail(
        self,
        source: Source,
        state: sources_repo.SourceState,
        error: str,
        started: float,
        retry_after: timedelta | None = None,
        *,
        forget_feed_url: bool = False,
    ) -> PollReport:
        """Exponential backoff from the interval, jittered, capped; Retry-After is honoured.

        The error count comes from the state read at the start of the cycle (a source is
        polled once per cycle), so a failure costs one write, not a scan of every source.
        """
        now = self.clock()
        base = source.interval * (2 ** min(state.error_count, 32))
        backoff = min(base * random.uniform(0.9, 1.1), self.polling.max_backoff)
        if retry_after is not None:
            backoff = max(backoff, min(retry_after, self.polling.max_backoff))
        count = await self._batcher.run(
            lambda session: sources_repo.record_failure(
                session,
                source.id,
                now=now,
                error=error,
                backoff=backoff,
                forget_feed_url=forget_feed_url,
            )
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
    matcher = TopicMatcher(tuple(topics))
    candidates = detection_candidates(languages)
    by_id = {s.id: s for s in sources}

    def relabel(item: items_repo.Labelled) -> tuple[str, tuple[str, ...]]:
        source = by_id.get(item.source_id)
        language = detect_language(
            f"{item.title}. {item.summary}",
            candidates,
            fixed=source.language if source else None,
            hint=item.language,
        )
        fixed_topics = source.topics if source else ()
        return language, matcher.match(item.title, item.summary, item.categories, fixed_topics)

    seen = changed = last_id = 0
    while True:
        async with db.transaction() as session:
            batch = await items_repo.relabel_batch(session, relabel, after_id=last_id, limit=1000)
        if batch.seen == 0:
            return seen, changed
        seen, changed, last_id = seen + batch.seen, changed + batch.changed, batch.last_id
