"""Each chat's times in its own zone, across Europe/Kyiv's DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, time

from hypothesis import given
from hypothesis import strategies as st

from bot.digest.schedule import next_run

KYIV = "Europe/Kyiv"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_next_local_time_today_and_tomorrow() -> None:
    # 10:00 UTC is 12:00 in Kyiv in winter (UTC+2): next 20:00 local is 18:00 UTC.
    assert next_run([time(8), time(20)], KYIV, utc(2026, 1, 28, 10)) == utc(2026, 1, 28, 18)
    # After 20:00 local the next is 08:00 local tomorrow.
    assert next_run([time(8), time(20)], KYIV, utc(2026, 1, 28, 18)) == utc(2026, 1, 29, 6)


def test_spring_gap_sends_at_next_valid_minute() -> None:
    # 2026-03-29: clocks in Kyiv jump from 03:00 to 04:00 (UTC+2 -> UTC+3).
    # 03:30 never happens that day: the digest goes at 04:00 local = 01:00 UTC.
    assert next_run([time(3, 30)], KYIV, utc(2026, 3, 28, 23)) == utc(2026, 3, 29, 1)
    # The next day 03:30 exists again (UTC+3).
    assert next_run([time(3, 30)], KYIV, utc(2026, 3, 29, 1)) == utc(2026, 3, 30, 0, 30)


def test_autumn_repeat_sends_once() -> None:
    # 2026-10-25: clocks go back from 04:00 to 03:00 (UTC+3 -> UTC+2); 03:30 happens twice.
    first = next_run([time(3, 30)], KYIV, utc(2026, 10, 24, 22))
    assert first == utc(2026, 10, 25, 0, 30)  # the first 03:30 (UTC+3)
    assert first is not None
    following = next_run([time(3, 30)], KYIV, first)
    assert following == utc(2026, 10, 26, 1, 30)  # not the second 03:30 an hour later


def test_no_times_means_no_schedule() -> None:
    assert next_run([], KYIV, utc(2026, 1, 1)) is None


@given(
    after=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1)),
    times=st.lists(st.times(), min_size=1, max_size=6),
    zone=st.sampled_from([KYIV, "UTC", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]),
)
def test_next_run_is_always_after_and_within_two_days(
    after: datetime, times: list[time], zone: str
) -> None:
    moment = after.replace(tzinfo=UTC)
    result = next_run(times, zone, moment)
    assert result is not None
    assert moment < result <= moment.replace() + (utc(2000, 1, 3) - utc(2000, 1, 1))
