"""The bot-wide token bucket and the global pause after a 429."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.delivery.errors import backoff
from bot.delivery.pacing import Pacer, Pacing


def sends_in(pacer: Pacer, start: float, seconds: float, step: float = 0.001) -> int:
    """Messages a greedy sender gets out of the pacer in `seconds`, checking every `step`."""
    sent, now = 0, start
    while now < start + seconds:
        if pacer.delay(now) == 0:
            pacer.take(now)
            sent += 1
        else:
            now += step
    return sent


def test_holds_the_rate_over_time() -> None:
    pacer = Pacer(300, now=0.0)
    sent = sends_in(pacer, 0.0, 10.0)
    assert 2990 <= sent <= 3000 + pacer.burst


def test_a_429_pauses_everything_then_resumes_without_a_burst() -> None:
    pacer = Pacer(30, now=0.0)
    pacer.pause(3, now=1.0)
    assert pacer.delay(1.0) == pytest.approx(3.0)
    assert pacer.delay(3.9) > 0
    assert sends_in(pacer, 4.0, 1.0) <= 31


def test_groups_are_paced_under_twenty_a_minute() -> None:
    pacing = Pacing()
    assert pacing.interval("private") == 1.0
    assert 60 / pacing.interval("group") < 20
    assert pacing.interval("supergroup") == pacing.interval("group")


@given(st.integers(min_value=1, max_value=60))
def test_backoff_grows_is_capped_and_jittered(attempts: int) -> None:
    delay = backoff(attempts, base=5, cap=600)
    ceiling = min(600, 5 * 2 ** (attempts - 1))
    assert ceiling / 2 <= delay <= ceiling
