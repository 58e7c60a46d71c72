"""Dates as feeds and news pages write them, turned into datetimes.

Feed parsers hand back UTC `struct_time`s; JSON Feed and `<time datetime>` use
ISO 8601; news pages print dates for people ("Tuesday January 28th, 2025",
"28 січня 2025, 17:05"), so those are read too. A date without a zone comes back
naive and the caller decides what zone it means.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("january", "jan", "січня", "січень", "січ"),
        ("february", "feb", "лютого", "лютий", "лют"),
        ("march", "mar", "березня", "березень", "бер"),
        ("april", "apr", "квітня", "квітень", "квіт", "кві"),
        ("may", "травня", "травень", "трав", "тра"),
        ("june", "jun", "червня", "червень", "черв", "чер"),
        ("july", "jul", "липня", "липень", "лип"),
        ("august", "aug", "серпня", "серпень", "серп", "сер"),
        ("september", "sep", "sept", "вересня", "вересень", "вер"),
        ("october", "oct", "жовтня", "жовтень", "жовт", "жов"),
        ("november", "nov", "листопада", "листопад", "лист", "лис"),
        ("december", "dec", "грудня", "грудень", "груд", "гру"),
    ),
    start=1,
):
    for _name in _names:
        _MONTHS[_name] = _number

_WORD = r"([^\W\d_]+)\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(\d{4})"
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?", re.IGNORECASE)
_MONTH_FIRST = re.compile(rf"{_WORD}\s+{_DAY},?\s+{_YEAR}", re.IGNORECASE)
_DAY_FIRST = re.compile(rf"{_DAY}\s+{_WORD},?\s+{_YEAR}", re.IGNORECASE)
_NUMERIC = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def from_struct_time(value: object) -> datetime | None:
    """A feed parser's UTC struct_time (or 9-tuple) as an aware UTC datetime."""
    if not isinstance(value, time.struct_time | tuple) or len(value) < 6:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in value[:6])
        return datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def parse_iso(value: str) -> datetime | None:
    """ISO 8601 as JSON Feed and `<time datetime>` write it ('Z' included)."""
    text = value.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def parse_any(value: str) -> datetime | None:
    """ISO 8601, else RFC 822 (some JSON feeds copy their RSS dates), else a printed date."""
    iso = parse_iso(value)
    if iso is not None:
        return iso
    try:
        return parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return parse_human(value)


def parse_human(value: str) -> datetime | None:
    """A date as a news page prints it, English or Ukrainian; naive (no zone known)."""
    text = " ".join(value.split())
    if not text:
        return None
    iso = parse_iso(text)
    if iso is not None:
        return iso
    date = _find_date(text)
    if date is None:
        return None
    year, month, day = date
    hour = minute = second = 0
    clock = _CLOCK.search(text)
    if clock:
        hour, minute = int(clock.group(1)), int(clock.group(2))
        second = int(clock.group(3) or 0)
        meridiem = (clock.group(4) or "").lower().replace(".", "")
        if meridiem == "pm" and hour < 12:
            hour += 12
        elif meridiem == "am" and hour == 12:
            hour = 0
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        try:
            return datetime(year, month, day)
        except ValueError:
            return None


def _find_date(text: str) -> tuple[int, int, int] | None:
    match = _MONTH_FIRST.search(text)
    if match and match.group(1).lower() in _MONTHS:
        return int(match.group(3)), _MONTHS[match.group(1).lower()], int(match.group(2))
    match = _DAY_FIRST.search(text)
    if match and match.group(2).lower() in _MONTHS:
        return int(match.group(3)), _MONTHS[match.group(2).lower()], int(match.group(1))
    match = _ISO_DATE.search(text)
    if match:
        return int(match.group(1)), int(match.group(2)), int(match.group(3))
    match = _NUMERIC.search(text)
    if match:  # day.month.year: the European order Ukrainian sites use
        return int(match.group(3)), int(match.group(2)), int(match.group(1))
    return None
