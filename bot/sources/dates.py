"""Dates as feeds and news pages write them, turned into datetimes.

Feed parsers hand back UTC `struct_time`s, and None for what real servers often
send instead of RFC 822 ("Вт, 28 січ 2025 14:00:00 +0200", "... GMT+3", "... EET",
no zone at all); `parse_any` reads those. JSON Feed and `<time datetime>` use
ISO 8601; news pages print dates for people ("Tuesday January 28th, 2025",
"28 січня 2025, 17:05"), so those are read too. A date without a zone comes back
naive and the caller decides what zone it means.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

# German, French and Polish outlets (and servers in those locales) print these.
_EUROPEAN_MONTHS = (
    ("januar", "janvier", "janv", "stycznia", "styczeń", "sty"),
    ("februar", "février", "févr", "fevr", "lutego", "luty", "lut"),
    ("märz", "mär", "mars", "marca", "marzec"),
    ("avril", "avr", "kwietnia", "kwiecień", "kwi"),
    ("mai", "maja", "maj"),
    ("juni", "juin", "czerwca", "czerwiec", "cze"),
    ("juli", "juillet", "juil", "lipca", "lipiec"),
    ("août", "aout", "sierpnia", "sierpień", "sie"),
    ("septembre", "września", "wrzesień", "wrz"),
    ("oktober", "okt", "octobre", "października", "październik", "paź"),
    ("novembre", "listopad"),
    ("dezember", "dez", "décembre", "déc", "grudnia", "grudzień"),
)
_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("january", "jan", "січня", "січень", "січ", "января", "янв"),
        ("february", "feb", "лютого", "лютий", "лют", "февраля", "фев"),
        ("march", "mar", "березня", "березень", "бер", "марта", "мар"),
        ("april", "apr", "квітня", "квітень", "квіт", "кві", "апреля", "апр"),
        ("may", "травня", "травень", "трав", "тра", "мая", "май"),
        ("june", "jun", "червня", "червень", "черв", "чер", "июня", "июн"),
        ("july", "jul", "липня", "липень", "лип", "июля", "июл"),
        ("august", "aug", "серпня", "серпень", "серп", "сер", "августа", "авг"),
        ("september", "sep", "sept", "вересня", "вересень", "вер", "сентября", "сен"),
        ("october", "oct", "жовтня", "жовтень", "жовт", "жов", "октября", "окт"),
        ("november", "nov", "листопада", "листопад", "лист", "лис", "ноября", "ноя"),
        ("december", "dec", "грудня", "грудень", "груд", "гру", "декабря", "дек"),
    ),
    start=1,
):
    for _name in (*_names, *_EUROPEAN_MONTHS[_number - 1]):
        _MONTHS[_name] = _number

_WORD = r"([^\W\d_]+)\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th|\.)?"  # "28th", German "28."
_YEAR = r"(\d{4})"
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?", re.IGNORECASE)
_MONTH_FIRST = re.compile(rf"{_WORD}\s+{_DAY},?\s+{_YEAR}", re.IGNORECASE)
_DAY_FIRST = re.compile(rf"{_DAY}\s+{_WORD},?\s+{_YEAR}", re.IGNORECASE)
_NUMERIC = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})")
_ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
# A zone after a clock time: "+0200", "+03:00", "GMT+3", "EET", "GMT". Only after "hh:mm", so
# the "-28" of "2025-01-28" is never an offset.
_ZONE_TAIL = re.compile(
    r"(?<=:\d\d)\s*(?P<name>[A-Za-z]{1,5})?\s*"
    r"(?:(?P<sign>[+-])(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?)?\s*$"
)
# "GMT+0200 (Eastern European Standard Time)", "+02:00[Europe/Kyiv]" (RFC 9557)
_COMMENT = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_EPOCH_DIGITS = {10: 1, 13: 1000}  # Unix time in seconds or milliseconds -> divisor
# RFC 822's names plus the ones servers in and around Ukraine print; minutes east of UTC.
_ZONE_NAMES = {
    "ut": 0, "utc": 0, "gmt": 0, "z": 0, "wet": 0, "west": 60, "bst": 60, "cet": 60,
    "cest": 120, "eet": 120, "eest": 180, "msk": 180, "est": -300, "edt": -240,
    "cst": -360, "cdt": -300, "mst": -420, "mdt": -360, "pst": -480, "pdt": -420,
}  # fmt: skip
_MAX_OFFSET = 14 * 60


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
    """A date as feeds really write it: ISO 8601, RFC 822 in any language or with any zone
    notation, Unix time, else a printed date; None if there is no date in it.

    Feed parsers give up on "Вт, 28 січ 2025 14:00:00 +0200", "... GMT+3" and "... EET", and
    email.utils silently drops zone names it does not know, so the zone is split off first.
    """
    text = " ".join(_COMMENT.sub(" ", value).split())
    if not text:
        return None
    iso = parse_iso(text)
    if iso is not None:
        return iso
    if text.isdigit() and len(text) in _EPOCH_DIGITS:  # some CMSs print Unix time
        return datetime.fromtimestamp(int(text) / _EPOCH_DIGITS[len(text)], UTC)
    body, zone = _split_zone(text)
    moment = parse_iso(body) or parse_human(body)
    if moment is None:
        return _rfc822(text)
    return moment.replace(tzinfo=zone) if zone is not None and moment.tzinfo is None else moment


def _split_zone(text: str) -> tuple[str, timezone | None]:
    """("Tue, 28 Jan 2025 15:00:00", UTC+3) from "Tue, 28 Jan 2025 15:00:00 GMT+3"."""
    match = _ZONE_TAIL.search(text)
    if match is None or not (match.group("name") or match.group("sign")):
        return text, None
    minutes = 0
    if match.group("name"):
        named = _ZONE_NAMES.get(match.group("name").lower())
        if named is None:  # "PM", or a zone we do not know: leave it to the printed-date reader
            return text, None
        minutes = named
    if match.group("sign"):
        offset = int(match.group("hours")) * 60 + int(match.group("minutes") or 0)
        minutes += -offset if match.group("sign") == "-" else offset
    if abs(minutes) > _MAX_OFFSET:
        return text, None
    return text[: match.start()].rstrip(), timezone(timedelta(minutes=minutes))


def _rfc822(text: str) -> datetime | None:
    """What email.utils makes of it (two-digit years and other obsolete forms)."""
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


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
