"""Send pacing: Telegram's flood limits kept on our side, so it never has to say 429.

Telegram allows about 30 messages a second overall (more with paid broadcasts), about
one a second into one chat, and 20 a minute into one group. The sender asks the
`Pacer` (one token bucket for the whole bot, plus a global pause after a 429) before
every message, and keeps a next-allowed time per chat itself. The time source is a
`Timer`, so tests run the same logic on virtual time instead of sleeping.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from typing import Protocol


class Timer(Protocol):
    """Monotonic seconds and a way to wait on an event for at most some seconds."""

    def now(self) -> float: ...

    async def wait(self, event: asyncio.Event, limit: float | None) -> None:
        """Return when `event` is set or `limit` seconds have passed (None: no limit)."""
        ...


class RealTimer:
    def now(self) -> float:
        return time.monotonic()

    async def wait(self, event: asyncio.Event, limit: float | None) -> None:
        if event.is_set():
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), limit)


class VirtualTimer:
    """Time that jumps forward whenever someone would wait: tests see every pause the
    sender takes (`waited`) without spending it."""

    def __init__(self, start: float = 1000.0) -> None:
        self._now = start
        self.waited = 0.0

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += seconds

    async def wait(self, event: asyncio.Event, limit: float | None) -> None:
        if event.is_set():
            return
        if limit is None:
            await event.wait()
            return
        self._now += max(0.0, limit)
        self.waited += max(0.0, limit)
        await asyncio.sleep(0)


@dataclass(frozen=True, slots=True)
class Pacing:
    """Minimum spacing between two messages into one chat, by chat type.

    Groups get 5% over 60/20 s: Telegram counts 20 in any 60 s window, and requests
    released exactly 3 s apart can arrive a little closer together.
    """

    private_interval: float = 1.0
    group_interval: float = 60 / 20 * 1.05

    def interval(self, chat_type: str) -> float:
        return self.private_interval if chat_type == "private" else self.group_interval


class Pacer:
    """The bot-wide budget: a token bucket at `rate` a second plus a global pause.

    The bucket is kept small (a twentieth of a second's worth, at least one message) so
    a late wake-up can catch up a little without ever bursting past Telegram's own bucket.
    """

    def __init__(self, rate: float, now: float, *, burst: float | None = None) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = burst if burst is not None else max(1.0, rate / 20)
        self._tokens = 1.0
        self._updated = now
        self.paused_until = now

    def _refill(self, now: float) -> None:
        if now > self._updated:
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
            self._updated = now

    def delay(self, now: float) -> float:
        """Seconds until the next message may go (0: now)."""
        if now < self.paused_until:
            return self.paused_until - now
        self._refill(now)
        # A hair of tolerance: float sums of refills can stop just short of a whole token.
        return 0.0 if self._tokens >= 1.0 - 1e-6 else (1.0 - self._tokens) / self.rate

    def take(self, now: float) -> None:
        """Spend one message; call only when `delay(now)` is 0."""
        self._refill(now)
        self._tokens -= 1.0

    def pause(self, seconds: float, now: float) -> None:
        """Telegram said 429: nothing goes out for `seconds`, and no burst after it."""
        self.paused_until = max(self.paused_until, now + seconds)
        self._tokens = min(self._tokens, 0.0)
        self._updated = max(self._updated, self.paused_until)
