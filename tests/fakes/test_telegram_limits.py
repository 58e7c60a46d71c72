"""The fake's flood limits, on a hand-driven clock."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given
from hypothesis import strategies as st

from tests.fakes.telegram_limits import RateLimiter, RateLimits


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_private_chat_burst_then_one_a_second() -> None:
    clock = Clock()
    limiter = RateLimiter(RateLimits(private_burst=3), clock)
    assert [limiter.acquire(1, True) for _ in range(4)] == [None, None, None, 1]
    assert limiter.acquire(2, True) is None  # other chats are not held up
    clock.now += 1.0
    assert limiter.acquire(1, True) is None
    assert limiter.acquire(1, True) == 1
    assert limiter.rejected == {"private": 2}


def test_group_twenty_a_minute_with_retry_after_until_the_window_frees() -> None:
    clock = Clock()
    limiter = RateLimiter(RateLimits(), clock)
    for _ in range(20):
        assert limiter.acquire(-1, False) is None
        clock.now += 1.0
    assert limiter.acquire(-1, False) == 40  # the first of the 20 leaves the minute at t+60
    clock.now += 40.0
    assert limiter.acquire(-1, False) is None


def test_overall_limit_across_chats() -> None:
    clock = Clock()
    limiter = RateLimiter(RateLimits(global_per_second=30, global_burst=30), clock)
    results = [limiter.acquire(chat, True) for chat in range(1, 32)]
    assert results.count(None) == 30
    assert results[-1] == 1
    assert limiter.rejected == {"global": 1}
    clock.now += 0.5
    assert [limiter.acquire(chat, True) for chat in range(100, 116)].count(None) == 15


sends = st.lists(
    st.tuples(st.floats(0, 3), st.integers(-3, 3).filter(bool)), min_size=1, max_size=60
)


@given(sends)
def test_no_window_ever_exceeds_the_limits(steps: list[tuple[float, int]]) -> None:
    limits = RateLimits(global_per_second=5, global_burst=5, private_burst=2, group_per_minute=4)
    clock = Clock()
    limiter = RateLimiter(limits, clock)
    accepted: dict[int, list[float]] = defaultdict(list)
    everything: list[float] = []
    for gap, chat in steps:
        clock.now += gap
        if limiter.acquire(chat, chat > 0) is None:
            accepted[chat].append(clock.now)
            everything.append(clock.now)
    for chat, times in accepted.items():
        for i, start in enumerate(times):
            if chat < 0:
                assert sum(start <= t < start + 60 for t in times[i:]) <= 4
            else:  # burst 2, then 1/s: at most 2 + d sends within d seconds
                for end in times[i:]:
                    assert sum(start <= t <= end for t in times) <= 2 + (end - start) + 1e-9
    for i, start in enumerate(everything):
        for end in everything[i:]:
            assert sum(start <= t <= end for t in everything) <= 5 + 5 * (end - start) + 1e-9


@given(sends)
def test_a_rejected_send_is_told_a_wait_that_then_suffices(steps: list[tuple[float, int]]) -> None:
    clock = Clock()
    limiter = RateLimiter(RateLimits(private_burst=2, group_per_minute=3), clock)
    for gap, chat in steps:
        clock.now += gap
        retry_after = limiter.acquire(chat, chat > 0)
        if retry_after is not None:
            assert retry_after >= 1
            clock.now += retry_after
            assert limiter.acquire(chat, chat > 0) is None
