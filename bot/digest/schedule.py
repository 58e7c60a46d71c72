"""When a chat's next scheduled digest is due, in its own time zone, across DST.

A local time that happens twice (autumn) is taken once, at its first occurrence;
one that never happens (spring gap) is moved to the next valid minute. After
downtime the next run is simply the first slot after now: one catch-up, not one per
missed slot.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def _exists(local: datetime) -> bool:
    """Whether a naive wall time exists in its zone (it is not in a DST gap)."""
    tz = local.tzinfo
    assert tz is not None
    back = local.astimezone(UTC).astimezone(tz)
    return back.replace(tzinfo=None) == local.replace(tzinfo=None)


def local_slot(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall time `at` on `day` (first occurrence; gaps move forward)."""
    local = datetime.combine(day, at, tzinfo=zone).replace(fold=0)
    for _ in range(24 * 60):
        if _exists(local):
            return local.astimezone(UTC)
        local = (local.replace(tzinfo=None) + timedelta(minutes=1)).replace(tzinfo=zone)
    return local.astimezone(UTC)  # pragma: no cover - no zone has a day-long gap


def next_run(times: Sequence[time], timezone: str, after: datetime) -> datetime | None:
    """The first scheduled instant strictly after `after` (UTC), or None without times."""
    if not times:
        return None
    zone = ZoneInfo(timezone)
    today = after.astimezone(zone).date()
    candidates = [
        local_slot(today + timedelta(days=offset), at, zone)
        for offset in (-1, 0, 1, 2)
        for at in times
    ]
    return min(c for c in candidates if c > after)
