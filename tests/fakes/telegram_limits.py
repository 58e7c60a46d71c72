"""Telegram's flood limits, enforced by the fake Bot API server when asked to.

Telegram answers 429 with ``retry_after`` when a bot sends more than about 30 messages a second
overall, more than about one a second to one private chat (short bursts pass), or more than 20 a
minute to one group. The benchmark sends to 10,000 chats through this, so every check is O(1)
and the clock is injectable so tests drive it without sleeping.
"""

from __future__ import annotations

import math
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass

_EPSILON = 1e-6  # float slack, so that waiting exactly retry_after always suffices


@dataclass(frozen=True)
class RateLimits:
    """The limits; defaults follow Telegram's published figures."""

    global_per_second: float = 30.0
    global_burst: int = 30
    private_per_second: float = 1.0
    private_burst: int = 5
    group_per_minute: int = 20


class _Bucket:
    """Token bucket: ``burst`` sends at once, then ``rate`` a second."""

    __slots__ = ("tokens", "updated")

    def __init__(self, tokens: float, now: float) -> None:
        self.tokens = tokens
        self.updated = now

    def wait(self, now: float, rate: float, burst: int) -> float:
        """Seconds until one token is free (0 if one is free now); refills first."""
        self.tokens = min(float(burst), self.tokens + (now - self.updated) * rate)
        self.updated = now
        return 0.0 if self.tokens >= 1.0 - _EPSILON else (1.0 - self.tokens) / rate


class RateLimiter:
    """Decides, per send, whether Telegram would flood-limit it."""

    def __init__(
        self, limits: RateLimits | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits or RateLimits()
        self._clock = clock
        self._global = _Bucket(float(self.limits.global_burst), clock())
        self._private: dict[int, _Bucket] = {}
        self._groups: dict[int, deque[float]] = {}
        self.rejected: Counter[str] = Counter()
        self.accepted = 0

    def acquire(self, chat_id: int, is_private: bool) -> int | None:
        """Count one message to ``chat_id``; or return ``retry_after`` seconds if it is over."""
        now = self._clock()
        limits = self.limits
        kind, wait = "global", self._global.wait(now, limits.global_per_second, limits.global_burst)
        bucket: _Bucket | None = None
        window: deque[float] | None = None
        if is_private:
            bucket = self._private.get(chat_id)
            if bucket is None:
                bucket = self._private[chat_id] = _Bucket(float(limits.private_burst), now)
            chat_wait = bucket.wait(now, limits.private_per_second, limits.private_burst)
            if chat_wait > wait:
                kind, wait = "private", chat_wait
        else:
            window = self._groups.get(chat_id)
            if window is None:
                window = self._groups[chat_id] = deque(maxlen=limits.group_per_minute)
            if len(window) == window.maxlen and now - window[0] < 60.0 - _EPSILON:
                chat_wait = 60.0 - (now - window[0])
                if chat_wait > wait:
                    kind, wait = "group", chat_wait
        if wait > 0.0:
            self.rejected[kind] += 1
            return max(1, math.ceil(wait))
        self._global.tokens -= 1.0
        if bucket is not None:
            bucket.tokens -= 1.0
        if window is not None:
            window.append(now)
        self.accepted += 1
        return None
