"""The CPU half of the poll cycle (parse, normalise, classify) and where it runs.

Kept apart from `bot.ingest` so a worker process imports only what it needs (no aiohttp,
no SQLAlchemy). The work runs off the event loop in one of two places:

* worker processes (`start_processes`), spawned once; each loads the language model in
  its initializer. They use every core and, unlike a thread, never take the event loop's
  GIL, so the bot stays responsive during a big first poll;
* otherwise one worker thread: no start-up cost (tests, small configs, one-off commands).
  One thread only: the work holds the GIL, so more threads add contention, not throughput.

A broken pool (a worker killed, e.g. by the OOM killer) is dropped and the call retried
in the thread; the next call starts a fresh pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import copyreg
import functools
import hashlib
import logging
import multiprocessing
import os
import pickle
import threading
import time
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import ParamSpec, TypeVar

from bot.classify.language import detect_language, load_model
from bot.classify.topics import TopicMatcher
from bot.domain import FetchResult, Item, ParsedFeed, Source, Topic
from bot.sources.normalise import NormalEntry, identity, normalise
from bot.sources.parse import parse

__all__ = ["Read", "TopicRules", "read", "run_cpu", "start_processes", "stop_processes"]

log = logging.getLogger(__name__)

_P = ParamSpec("_P")
_R = TypeVar("_R")


@dataclass(frozen=True, slots=True)
class Read:
    """What one fetched document gave: its metadata (raw entries dropped: they are not sent
    back from a worker process), whether it had entries, every entry's key (what to skip
    next time), and the entries not already known, classified and ready to store."""

    feed: ParsedFeed
    had_entries: bool
    keys: frozenset[str]
    items: list[Item]


def read(
    source: Source,
    result: FetchResult,
    now: datetime,
    known: AbstractSet[str],
    candidates: Sequence[str],
    topics: TopicRules | TopicMatcher,
) -> Read:
    """Parse, normalise and classify one fetched document, in one trip to a worker.

    One entry per key, the first wins. Entries whose key is in `known` are already stored:
    recognised by their guid or link alone, they are neither normalised nor classified
    (most of a changed feed is entries it listed before).
    """
    feed = parse(
        result.body or b"", content_type=result.content_type, url=result.url, html=source.html
    )
    keys: set[str] = set()
    fresh: dict[str, NormalEntry] = {}
    for raw in feed.entries:
        key = identity(raw, base_url=result.url) if known else None
        if key is not None and key in known:
            keys.add(key)
            continue
        entry = normalise(raw, base_url=result.url, fetched_at=now, home_url=feed.link)
        if entry is not None:
            keys.add(entry.key)
            if entry.key not in known:
                fresh.setdefault(entry.key, entry)
    return Read(
        feed=replace(feed, entries=()),
        had_entries=bool(feed.entries),
        keys=frozenset(keys),
        items=classify(source, feed.language, list(fresh.values()), candidates, topics),
    )


_ITEM_FIELDS = tuple(field.name for field in fields(Item))


def _item_fields(item: Item) -> tuple[type[Item], tuple[object, ...]]:
    return Item, tuple(getattr(item, name) for name in _ITEM_FIELDS)


# A slots dataclass pickles through Python-level __getstate__ (~5 µs an item); as a plain
# tuple of its fields it pickles in C. Items are what the workers send back.
copyreg.pickle(Item, _item_fields)


class TopicRules:
    """A topic set that travels cheaply to worker processes.

    Sent as a pickle with its digest; a worker compiles the matcher once per digest and
    reuses it, so each call ships ~30 KB of bytes instead of rebuilding ~1,000 keywords.
    """

    __slots__ = ("blob", "digest", "matcher")

    def __init__(self, topics: Sequence[Topic]) -> None:
        self.blob = pickle.dumps(tuple(topics))
        self.digest = hashlib.sha256(self.blob).hexdigest()
        self.matcher = TopicMatcher(tuple(topics))  # also raises early on a bad keyword

    def __reduce__(self) -> tuple[Callable[[str, bytes], TopicMatcher], tuple[str, bytes]]:
        return _matcher_for, (self.digest, self.blob)


_matchers: dict[str, TopicMatcher] = {}
_matchers_lock = threading.Lock()


def _matcher_for(digest: str, blob: bytes) -> TopicMatcher:
    """The compiled matcher of a pickled topic set (unpickling a `TopicRules` gives this)."""
    matcher = _matchers.get(digest)
    if matcher is None:
        with _matchers_lock:
            if len(_matchers) >= 8:
                _matchers.clear()
            matcher = _matchers[digest] = TopicMatcher(pickle.loads(blob))
    return matcher


def classify(
    source: Source,
    feed_language: str | None,
    entries: Sequence[NormalEntry],
    candidates: Sequence[str],
    topics: TopicRules | TopicMatcher,
) -> list[Item]:
    """Language and topics of each entry, as Items ready to store.

    `topics` is a `TopicRules` in the caller; in a worker process it arrives as the
    compiled `TopicMatcher` (see `TopicRules.__reduce__`).
    """
    matcher = topics.matcher if isinstance(topics, TopicRules) else topics
    items = []
    for entry in entries:
        language = detect_language(
            f"{entry.title}. {entry.summary}",
            candidates,
            fixed=source.language,
            hint=entry.language_hint or feed_language,
        )
        items.append(
            Item(
                source_id=source.id,
                key=entry.key,
                url=entry.url,
                title=entry.title,
                summary=entry.summary,
                language=language,
                topics=matcher.match(entry.title, entry.summary, entry.categories, source.topics),
                published_at=entry.published_at,
                categories=entry.categories,
            )
        )
    return items


_thread: ThreadPoolExecutor | None = None
_pool: ProcessPoolExecutor | None = None
_pool_size = 0
_state_lock = threading.Lock()


_WORKER_NICENESS = 10  # the event loop first; workers get every cycle it leaves


def _worker_started(parent: int) -> None:
    """Process pool initializer: lower priority, then pay the ~1 s model load up front.

    Lower priority because the event loop (chats, fetches, database writes) is the
    latency-sensitive part: given the CPU first it answers on time, and the workers
    still use every cycle it leaves (bench: loop lag 111-116 -> 87-99 ms, first cycle
    25.4-25.8 -> 23.6-24.7 s).
    """
    with contextlib.suppress(AttributeError, OSError):  # not on POSIX, or not allowed
        os.nice(_WORKER_NICENESS)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    load_model()


def _exit_with_parent(parent: int) -> None:
    """A worker whose bot was killed (kill -9, OOM) exits too instead of lingering with
    its ~180 MB: the pool's own shutdown never runs in that case."""
    while os.getppid() == parent:
        time.sleep(2)
    os._exit(0)


def _ready() -> None:
    """A no-op submitted at start so the workers spawn (and load) before work arrives."""


def start_processes(count: int) -> None:
    """Use `count` worker processes from now on (idempotent; the first count wins).

    Spawned, not forked: a fork would copy the event loop, its threads and its sockets.
    """
    global _pool, _pool_size
    with _state_lock:
        if _pool is not None or count < 1:
            return
        _pool_size = count
        _pool = ProcessPoolExecutor(
            max_workers=count,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_started,
            initargs=(os.getpid(),),  # read here: the bot may die before a worker starts
        )
        for _ in range(count):
            _pool.submit(_ready)


def stop_processes() -> None:
    """Shut the worker processes down (waiting for them); calls fall back to the thread."""
    global _pool
    with _state_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def _threaded() -> Executor:
    global _thread
    with _state_lock:
        if _thread is None:
            _thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-cpu")
        return _thread


async def run_cpu(pooled: bool, func: Callable[_P, _R], *args: _P.args, **kwargs: _P.kwargs) -> _R:
    """Run `func` in the worker processes if `pooled` and started, else in the worker thread."""
    global _pool
    loop = asyncio.get_running_loop()
    call = functools.partial(func, *args, **kwargs)
    pool = _pool if pooled else None
    if pool is not None:
        try:
            return await loop.run_in_executor(pool, call)
        except BrokenProcessPool:
            log.error("an ingest worker process died; restarting the pool, retrying in a thread")
            with _state_lock:
                if _pool is pool:
                    _pool = None
            pool.shutdown(wait=False, cancel_futures=True)
            start_processes(_pool_size)
    return await loop.run_in_executor(_threaded(), call)
