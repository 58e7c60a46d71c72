"""The outbox sender: every pending digest to its chat, part by part, at Telegram's rate.

How it works. Due digests are loaded from the outbox oldest first into per-chat queues
(a bounded batch at a time, so 10,000 chats cost a few MB). Chats wait in a heap keyed
by the time they may next receive a message; the dispatcher takes the chat at the top
when the bot-wide `Pacer` allows a message and starts its send as a task, up to
`max_in_flight` at once. Each chat has at most one send in flight and goes to the back
of the line after it, so chats are served round-robin and one slow or failing chat
never holds up the others.

Delivery guarantee. A part is marked sent, with Telegram's message_id, in a short
transaction as soon as Telegram accepts it (parts accepted at the same moment share one
commit: SQLite has one writer), and the chat's next part is not sent before that
commit. So a restart resumes exactly where sending stopped, except when the process
died between Telegram's answer and the commit: that one part is sent again. As a chat
never has more than one part in flight, a crash duplicates at most one part per chat
and loses nothing. (Two senders on one outbox would send twice: run one `newsbot run`
per database.)

Errors (see `errors.classify`): 429 pauses every send for `retry_after` and retries the
same part, however often; 403 and "chat not found" unsubscribe the chat and drop its
digests (/start brings it back); a migrated group is moved to its new id and the part
resent there; refused HTML is resent as plain text (and logged as a bug); a too-long
part is split at line boundaries; anything else (network, timeouts, 5xx) backs the
digest off exponentially with jitter, and a digest pending longer than `max_pending`
is dropped with a log line.

Wake-up: `notify()` after enqueueing wakes the sender at once; `run()` also looks for
retries that fell due every `check_interval` seconds instead of polling the database.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import math
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.db import chats, digests
from bot.db.digests import OutboxDigest, OutboxPart, SentPart
from bot.db.engine import Database
from bot.delivery.errors import Action, Verdict, backoff, classify
from bot.delivery.pacing import Pacer, Pacing, RealTimer, Timer
from bot.delivery.text import split_further, to_plain

log = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class SenderStats:
    """Counts since start, for logs, admin checks and the benchmark."""

    messages_sent: int = 0
    digests_sent: int = 0
    retry_after: int = 0  # 429s received
    retries: int = 0  # sends backed off (network, 5xx, unknown errors)
    deactivated: int = 0
    migrated: int = 0
    plain_fallbacks: int = 0
    splits: int = 0
    dropped: int = 0
    last_error: str | None = None


@dataclass(eq=False)
class _Digest:
    id: int
    created_at: datetime
    attempts: int
    parts: deque[OutboxPart]
    plain: set[int] = field(default_factory=set)  # part ids to send as plain text


@dataclass(eq=False)
class _Chat:
    row_id: int
    telegram_id: int
    type: str
    digests: deque[_Digest] = field(default_factory=deque)
    ready_at: float = 0.0  # monotonic time it may next receive a message
    busy: bool = False  # a send is in flight
    queued: bool = False  # in the ready heap
    gone: bool = False  # forgotten: ignore stale heap entries


class _Recorder:
    """Commits accepted parts in batches through one writer at a time.

    The first send to finish becomes the writer and keeps committing whatever others
    queued meanwhile; every caller gets its answer only after its own commit, so a
    chat's next part still waits for the previous one to be on disk.
    """

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._clock = clock
        self._queue: list[tuple[SentPart, asyncio.Future[bool]]] = []
        self._writing = False

    async def record(self, sent: SentPart) -> bool:
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._queue.append((sent, future))
        if not self._writing:
            self._writing = True
            try:
                while self._queue:
                    batch, self._queue = self._queue, []
                    await self._write(batch)
            finally:
                self._writing = False
        return await future

    async def _write(self, batch: list[tuple[SentPart, asyncio.Future[bool]]]) -> None:
        try:
            async with self._db.transaction() as session:
                pending = await digests.mark_parts_sent(
                    session, [sent for sent, _ in batch], now=self._clock()
                )
        except Exception as error:
            for _, future in batch:
                if not future.done():
                    future.set_exception(error)
            return
        for (_, future), still in zip(batch, pending, strict=True):
            if not future.done():
                future.set_result(still)


class Sender:
    """Sends the outbox; see the module docstring. One per process."""

    def __init__(
        self,
        bot: Bot,
        db: Database,
        *,
        rate: float,
        max_pending: timedelta = timedelta(hours=24),
        clock: Callable[[], datetime] = _utc_now,
        timer: Timer | None = None,
        pacing: Pacing | None = None,
        check_interval: float = 5.0,
        max_in_flight: int | None = None,
        batch: int = 2000,
        backoff_base: float = 5.0,
        backoff_cap: float = 600.0,
        rng: random.Random | None = None,
    ) -> None:
        self._bot = bot
        self._db = db
        self._clock = clock
        self._timer: Timer = timer or RealTimer()
        self._pacing = pacing or Pacing()
        self._pacer = Pacer(rate, self._timer.now())
        self._max_pending = max_pending
        self._check_interval = check_interval
        # Enough sends in flight to hold the rate at ~200 ms a request, bounded so a few
        # hanging chats cannot exhaust the HTTP pool or the database's connections.
        self._max_in_flight = max_in_flight or max(8, min(64, math.ceil(rate / 5)))
        self._batch = batch
        self._backoff = (backoff_base, backoff_cap)
        self._rng = rng or random.Random()
        self.stats = SenderStats()

        self._chats: dict[int, _Chat] = {}  # by chat row id (stable across migration)
        self._loaded: set[int] = set()  # digest ids in memory
        self._heap: list[tuple[float, int, _Chat]] = []
        self._order = itertools.count()
        self._tasks: set[asyncio.Task[None]] = set()
        self._kick = asyncio.Event()  # something changed: the dispatcher looks again
        self._wake = asyncio.Event()  # new digests may be due: reload from the outbox
        self._more_due = False  # the last load was cut at its limit
        self._unloaded: set[int] = set()  # digests let go of while a load was running
        self._recorder = _Recorder(db, clock)

    # ------------------------------------------------------------------ public

    def notify(self) -> None:
        """New digests are in the outbox: look now instead of at the next periodic check."""
        self._wake.set()
        self._kick.set()

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    @property
    def max_in_flight(self) -> int:
        return self._max_in_flight

    async def send_pending_once(self) -> SenderStats:
        """Send everything due now and return once nothing due is left (for tests, tools
        and the benchmark); digests backing off stay pending for a later call."""
        await self.expire()
        self._wake.set()
        await self._drain(None)
        return self.stats

    async def run(self, stop: asyncio.Event) -> None:
        """Send until `stop` is set, then let the sends in flight finish and record them."""
        watcher = asyncio.create_task(stop.wait())
        watcher.add_done_callback(lambda _: self._kick.set())
        next_check = self._timer.now()
        try:
            while not stop.is_set():
                try:
                    if self._timer.now() >= next_check:
                        next_check = self._timer.now() + self._check_interval
                        await self.expire()
                        self._wake.set()
                    await self._drain(stop)
                except Exception:
                    log.exception("outbox sender failed; retrying in %.0fs", self._check_interval)
                    self._wake.clear()
                    await asyncio.sleep(self._check_interval)
                    continue
                self._kick.clear()
                if not stop.is_set() and not self._wake.is_set():
                    await self._timer.wait(self._kick, max(0.0, next_check - self._timer.now()))
        finally:
            watcher.cancel()
            await self._settle()

    async def expire(self) -> int:
        """Drop digests pending longer than `max_pending`, with a log line; returns how many."""
        async with self._db.transaction() as session:
            dropped = await digests.drop_expired(
                session, created_before=self._clock() - self._max_pending
            )
        for d in dropped[:20]:
            log.warning(
                "dropped digest %d for chat %d: pending since %s (%d attempts; last error: %s)",
                d.id,
                d.telegram_id,
                d.created_at.isoformat(timespec="seconds"),
                d.attempts,
                d.last_error or "none",
            )
        if len(dropped) > 20:
            log.warning("dropped %d more digests pending too long", len(dropped) - 20)
        self.stats.dropped += len(dropped)
        return len(dropped)

    # ------------------------------------------------------------------ dispatching

    async def _drain(self, stop: asyncio.Event | None) -> None:
        """Dispatch sends until nothing is due and nothing is in flight (or `stop`)."""
        while stop is None or not stop.is_set():
            self._kick.clear()
            if self._wake.is_set() or (self._more_due and len(self._loaded) < self._batch // 2):
                self._wake.clear()
                await self._load()
            now = self._timer.now()
            while self._heap and self._heap[0][2].gone:
                heapq.heappop(self._heap)
            wait: float | None
            if self._heap and len(self._tasks) < self._max_in_flight:
                ready_at = self._heap[0][0]
                wait = max(ready_at - now, self._pacer.delay(now))
                if wait <= 0:
                    self._pacer.take(now)
                    chat = heapq.heappop(self._heap)[2]
                    chat.queued = False
                    self._dispatch(chat, now)
                    continue
            elif self._tasks:
                wait = None  # a send finishing is the next thing that can change anything
            else:
                return
            await self._timer.wait(self._kick, wait)

    def _dispatch(self, chat: _Chat, now: float) -> None:
        chat.busy = True
        task = asyncio.create_task(self._send(chat, now))
        self._tasks.add(task)
        task.add_done_callback(self._sent)

    def _sent(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._kick.set()
        if not task.cancelled() and task.exception() is not None:
            log.error("outbox send crashed", exc_info=task.exception())

    def _queue(self, chat: _Chat) -> None:
        if chat.gone or chat.busy or chat.queued:
            return
        if not chat.digests:
            self._chats.pop(chat.row_id, None)
            return
        chat.queued = True
        heapq.heappush(self._heap, (chat.ready_at, next(self._order), chat))
        self._kick.set()

    def _forget(self, chat: _Chat) -> None:
        """Take the chat out of memory; its pending digests come back with a later load."""
        chat.gone = True
        self._chats.pop(chat.row_id, None)
        for digest in chat.digests:
            self._unload(digest.id)
        chat.digests.clear()

    def _unload(self, digest_id: int) -> None:
        """The digest leaves memory (sent, dropped, backing off). A load that read the
        outbox before that was committed must not bring it back: it would be sent twice."""
        self._loaded.discard(digest_id)
        self._unloaded.add(digest_id)

    async def _load(self) -> None:
        """Read due digests into the chat queues (those already in memory are skipped)."""
        self._unloaded.clear()
        limit = self._batch + len(self._loaded)
        async with self._db.transaction() as session:
            found = await digests.due(session, self._clock(), limit=limit)
        self._more_due = len(found) >= limit
        empty: list[int] = []
        now = self._timer.now()
        for d in found:
            if d.id in self._loaded or d.id in self._unloaded:
                continue
            if not d.parts:
                empty.append(d.id)
                continue
            self._add(d, now)
        if empty:
            async with self._db.transaction() as session:
                for digest_id in empty:
                    await digests.mark_sent(session, digest_id, now=self._clock())

    def _add(self, d: OutboxDigest, now: float) -> None:
        chat = self._chats.get(d.chat_row_id)
        if chat is None:
            chat = self._chats[d.chat_row_id] = _Chat(
                d.chat_row_id, d.telegram_id, d.chat_type, ready_at=now
            )
        chat.digests.append(_Digest(d.id, d.created_at, d.attempts, deque(d.parts)))
        self._loaded.add(d.id)
        self._queue(chat)

    async def _settle(self) -> None:
        """Stopping: let sends in flight finish and be recorded (fewer resends on restart)."""
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=30)
            for task in pending:
                task.cancel()

    # ------------------------------------------------------------------ one send

    async def _send(self, chat: _Chat, released_at: float) -> None:
        """Send the chat's next part and act on the answer."""
        try:
            digest = chat.digests[0]
            if self._clock() - digest.created_at > self._max_pending:
                await self._drop(chat, digest, "pending too long; dropped")
                return
            part = digest.parts[0]
            plain = part.id in digest.plain
            try:
                message = await self._bot.send_message(
                    chat.telegram_id,
                    to_plain(part.text) if plain else part.text,
                    parse_mode=None if plain else ParseMode.HTML,
                    link_preview_options=NO_PREVIEW,
                )
            except TelegramError as error:
                verdict = classify(error)
            except Exception as error:  # PTB wraps transport errors; anything else: retry
                verdict = Verdict(Action.RETRY, f"{type(error).__name__}: {error}")
            else:
                chat.ready_at = released_at + self._pacing.interval(chat.type)
                await self._accepted(chat, digest, part, message.message_id)
                return
            chat.ready_at = released_at + self._pacing.interval(chat.type)
            await self._failed(chat, digest, part, verdict)
        except Exception:
            # The database failed us (the send itself is handled above): leave the chat
            # to a later load rather than retrying it in a tight loop.
            log.exception("outbox: handling a send to chat %d failed", chat.telegram_id)
            self._forget(chat)
        finally:
            chat.busy = False
            self._queue(chat)

    async def _accepted(
        self, chat: _Chat, digest: _Digest, part: OutboxPart, message_id: int
    ) -> None:
        complete = len(digest.parts) == 1
        try:
            pending = await self._recorder.record(
                SentPart(digest.id, part.id, message_id, complete)
            )
        except Exception:
            log.exception(
                "part %d of digest %d reached chat %d but could not be recorded; "
                "it will be sent again",
                part.seq,
                digest.id,
                chat.telegram_id,
            )
            self._forget(chat)
            return
        self.stats.messages_sent += 1
        digest.parts.popleft()
        if complete:
            self.stats.digests_sent += 1
            chat.digests.popleft()
            self._unload(digest.id)
        elif not pending:
            log.info("digest %d was dropped while it was being sent; stopping", digest.id)
            self._forget(chat)

    async def _failed(
        self, chat: _Chat, digest: _Digest, part: OutboxPart, verdict: Verdict
    ) -> None:
        self.stats.last_error = verdict.reason
        action = verdict.action
        if action is Action.PAUSE:
            self.stats.retry_after += 1
            now = self._timer.now()
            self._pacer.pause(verdict.retry_after, now)
            chat.ready_at = self._pacer.paused_until
            log.warning("Telegram flood limit: pausing all sends for %.0fs", verdict.retry_after)
        elif action is Action.MIGRATE and verdict.new_chat_id is not None:
            async with self._db.transaction() as session:
                await chats.migrate(session, chat.telegram_id, verdict.new_chat_id)
            log.info("chat %d is now supergroup %d", chat.telegram_id, verdict.new_chat_id)
            self.stats.migrated += 1
            chat.telegram_id, chat.type = verdict.new_chat_id, "supergroup"
            chat.ready_at = self._timer.now()
        elif action is Action.DEACTIVATE:
            async with self._db.transaction() as session:
                await chats.deactivate(session, chat.telegram_id, now=self._clock())
                for queued in chat.digests:  # also when the chat was already inactive
                    await digests.drop(session, queued.id, reason=verdict.reason)
            log.info("chat %d unsubscribed: %s", chat.telegram_id, verdict.reason)
            self.stats.deactivated += 1
            self._forget(chat)
        elif action is Action.PLAIN and part.id not in digest.plain:
            log.error(
                "BUG: Telegram refused the HTML of digest %d part %d (%s); sending it as "
                "plain text. Text: %r",
                digest.id,
                part.seq,
                verdict.reason,
                part.text,
            )
            self.stats.plain_fallbacks += 1
            digest.plain.add(part.id)
        elif action is Action.SPLIT and len(pieces := split_further(part.text)) > 1:
            rest = [p.text for p in list(digest.parts)[1:]]
            async with self._db.transaction() as session:
                new = await digests.replace_unsent(
                    session, digest.id, from_seq=part.seq, texts=[*pieces, *rest]
                )
            if part.id in digest.plain:
                digest.plain.update(p.id for p in new[: len(pieces)])
            digest.parts = deque(new)
            self.stats.splits += 1
            log.warning(
                "digest %d part %d was too long; split into %d", digest.id, part.seq, len(pieces)
            )
        else:
            await self._retry_later(chat, digest, verdict)

    async def _retry_later(self, chat: _Chat, digest: _Digest, verdict: Verdict) -> None:
        self.stats.retries += 1
        attempts = digest.attempts + 1
        delay = backoff(attempts, base=self._backoff[0], cap=self._backoff[1], rng=self._rng)
        async with self._db.transaction() as session:
            await digests.record_failure(
                session,
                digest.id,
                error=verdict.reason,
                next_attempt_at=self._clock() + timedelta(seconds=delay),
            )
        log.warning(
            "digest %d to chat %d failed (attempt %d): %s; retrying in %.0fs",
            digest.id,
            chat.telegram_id,
            attempts,
            verdict.reason,
            delay,
        )
        self._forget(chat)

    async def _drop(self, chat: _Chat, digest: _Digest, reason: str) -> None:
        async with self._db.transaction() as session:
            await digests.drop(session, digest.id, reason=reason)
        log.warning(
            "dropped digest %d for chat %d: pending since %s",
            digest.id,
            chat.telegram_id,
            digest.created_at.isoformat(timespec="seconds"),
        )
        self.stats.dropped += 1
        chat.digests.popleft()
        self._unload(digest.id)
