"""Pure parsing of command arguments: topic and language lists, times, time zones.

Kept free of Telegram and SQL so every rule is a plain unit test. People type times and zones
in many ways ("8.00", "europe/kyiv", "Київ"); we accept what is unambiguous and always reply
with the normalised value so they see what was understood.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import time
from functools import cache
from zoneinfo import available_timezones

MAX_TIMES = 6
MAX_ZONE_INPUT = 64
"""Characters of a typed zone looked at: the longest IANA name is 32."""
_TIME = re.compile(r"^(\d{1,2})(?:[:.h](\d{2})|h)?$|^(\d{2})(\d{2})$")
_TWELVE_HOUR = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?([ap])\.?m\.?$", re.IGNORECASE)
_MERIDIEM = frozenset({"am", "pm", "a.m.", "p.m."})
_SEPARATORS = re.compile(r"[\s,;]+")
_QUOTES = "\"'“”„«»‘’`"
ALL_WORDS = frozenset({"all", "*", "everything", "усі", "все", "всі"})

# Common names people use for places; IANA names cover the rest.
CITY_ZONES: dict[str, str] = {
    "kyiv": "Europe/Kyiv",
    "kiev": "Europe/Kyiv",
    "київ": "Europe/Kyiv",
    "киев": "Europe/Kyiv",
    "ukraine": "Europe/Kyiv",
    "україна": "Europe/Kyiv",
    "lviv": "Europe/Kyiv",
    "львів": "Europe/Kyiv",
    "kharkiv": "Europe/Kyiv",
    "харків": "Europe/Kyiv",
    "odesa": "Europe/Kyiv",
    "odessa": "Europe/Kyiv",
    "одеса": "Europe/Kyiv",
    "dnipro": "Europe/Kyiv",
    "дніпро": "Europe/Kyiv",
    "zaporizhzhia": "Europe/Kyiv",
    "запоріжжя": "Europe/Kyiv",
    "варшава": "Europe/Warsaw",
    "берлін": "Europe/Berlin",
    "лондон": "Europe/London",
    "париж": "Europe/Paris",
    "прага": "Europe/Prague",
    "new york": "America/New_York",
    "нью-йорк": "America/New_York",
    "washington": "America/New_York",
    "los angeles": "America/Los_Angeles",
    "san francisco": "America/Los_Angeles",
    "toronto": "America/Toronto",
    "gmt": "Etc/GMT",
    "utc": "UTC",
    # abbreviations people use that are no IANA names (EST, CET, EET are)
    "eest": "Europe/Kyiv",
    "cest": "Europe/Berlin",
    "bst": "Europe/London",
    "msk": "Europe/Moscow",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "edt": "America/New_York",
}
# Old spellings that IANA keeps as links; answer with the current name.
_CANONICAL = {"Europe/Kiev": "Europe/Kyiv", "Europe/Zaporozhye": "Europe/Kyiv"}

# "UTC+2", "GMT+3", "+3", "-05:00": an offset east (+) or west (-) of UTC.
_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+\-\u2212])\s*(\d{1,2})(?::?(\d{2}))?$")
# IANA names a whole-hour offset Etc/GMT-N for UTC+N (POSIX's inverted sign).
_ETC_OFFSET = re.compile(r"^Etc/GMT([+-])(\d{1,2})$")
# The few offsets that are not whole hours; each has one zone most people there use.
_HALF_HOUR_ZONES: dict[str, str] = {
    "-0930": "Pacific/Marquesas",
    "-0330": "America/St_Johns",
    "+0330": "Asia/Tehran",
    "+0430": "Asia/Kabul",
    "+0530": "Asia/Kolkata",
    "+0545": "Asia/Kathmandu",
    "+0630": "Asia/Yangon",
    "+0845": "Australia/Eucla",
    "+0930": "Australia/Adelaide",
    "+1030": "Australia/Lord_Howe",
    "+1245": "Pacific/Chatham",
}


class ParseError(ValueError):
    """The argument does not parse; `bad` names the words that did not."""

    def __init__(self, bad: Sequence[str]) -> None:
        super().__init__(", ".join(bad))
        self.bad = tuple(bad)


def words(args: Iterable[str]) -> list[str]:
    """Arguments split on spaces and commas ("uk,en" and "uk en" alike), quotes copied from
    an example ("08:00") and empty ones dropped."""
    stripped = (w.strip(_QUOTES) for arg in args for w in _SEPARATORS.split(arg.strip()))
    return [w for w in stripped if w]


def is_all(args: Sequence[str]) -> bool:
    return len(args) == 1 and args[0].lower() in ALL_WORDS


def choose(
    args: Sequence[str], valid: Sequence[str], aliases: Mapping[str, str] | None = None
) -> tuple[str, ...]:
    """The valid ids named (case-insensitive, in config order, deduplicated); `aliases` maps
    other lower-case words (a topic's name in either language: "оборона") to ids.

    Raises ParseError with the unknown words, so the reply can list the valid ones."""
    names = aliases or {}
    wanted = [names.get(w.lower(), w.lower()) for w in args]
    unknown = [w for w, id_ in zip(args, wanted, strict=True) if id_ not in valid]
    if unknown:
        raise ParseError(list(dict.fromkeys(unknown)))
    return tuple(v for v in valid if v in wanted)


def parse_time(text: str) -> time:
    """ "08:00", "8:00", "8.00", "8h30", "20h", "0730", "8" -> time (24-hour);
    raises ValueError otherwise."""
    match = _TIME.match(text.strip())
    if not match:
        raise ValueError(text)
    hours = int(match.group(1) or match.group(3))
    minutes = int(match.group(2) or match.group(4) or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(text)
    return time(hours, minutes)


def _parse_any_time(text: str) -> time:
    """24-hour as `parse_time`, or 12-hour with am/pm ("7am", "6:30pm", "12am" = 00:00)."""
    match = _TWELVE_HOUR.match(text.strip())
    if not match:
        return parse_time(text)
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if not 1 <= hours <= 12 or minutes > 59:
        raise ValueError(text)
    return time(hours % 12 + (12 if match.group(3).lower() == "p" else 0), minutes)


def _join_meridiem(args: Sequence[str]) -> list[str]:
    """ "9 am" typed with a space arrives as two words; glue "am"/"pm" to its number."""
    joined: list[str] = []
    for word in args:
        if joined and word.lower() in _MERIDIEM and joined[-1][-1:].isdigit():
            joined[-1] += word
        else:
            joined.append(word)
    return joined


def parse_times(args: Sequence[str]) -> tuple[time, ...]:
    """Up to MAX_TIMES distinct times, sorted; ParseError names the words that are not times."""
    if not args:
        raise ParseError([])
    parsed: list[time] = []
    bad: list[str] = []
    for word in _join_meridiem(args):
        try:
            parsed.append(_parse_any_time(word))
        except ValueError:
            bad.append(word)
    if bad:
        raise ParseError(bad)
    result = tuple(sorted(set(parsed)))
    if len(result) > MAX_TIMES:
        raise ParseError([])
    return result


def format_times(times: Iterable[time]) -> str:
    return ", ".join(x.strftime("%H:%M") for x in times)


@cache
def zone_names() -> frozenset[str]:
    """Every IANA zone name (reading them from tzdata takes milliseconds: done once)."""
    return frozenset(available_timezones())


@cache
def _zones() -> dict[str, str]:
    """Lower-cased zone name -> zone name, plus city part ("new york") -> zone."""
    names = sorted(zone_names())
    table: dict[str, str] = {}
    for name in names:
        table[name.lower()] = _CANONICAL.get(name, name)
    for name in names:
        if "/" in name and not name.startswith(("Etc/", "SystemV/")):
            city = name.rsplit("/", 1)[1].lower()
            table.setdefault(city, _CANONICAL.get(name, name))
            table.setdefault(city.replace("_", " "), _CANONICAL.get(name, name))
    for city, zone in CITY_ZONES.items():
        table[city] = zone
    return table


@dataclass(frozen=True, slots=True)
class ZoneMatch:
    zone: str | None  # the zone understood, or None
    suggestions: tuple[str, ...] = ()  # close IANA names when nothing matched


def offset_zone(text: str) -> str | None:
    """The IANA zone for a typed UTC offset ("UTC+2" -> Etc/GMT-2), else None."""
    match = _OFFSET.match(text)
    if not match:
        return None
    sign = "-" if match.group(1) in "-\u2212" else "+"
    hours, minutes = int(match.group(2)), int(match.group(3) or 0)
    if minutes:
        return _HALF_HOUR_ZONES.get(f"{sign}{hours:02d}{minutes:02d}")
    if hours == 0:
        return "UTC"
    if (sign == "+" and hours > 14) or (sign == "-" and hours > 12):
        return None
    return f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"


def zone_label(zone: str) -> str:
    """A zone as people read it: "UTC+2" for IANA's inverted Etc/GMT-2, else its name."""
    match = _ETC_OFFSET.match(zone)
    if not match or match.group(2) == "0":
        return zone
    return f"UTC{'-' if match.group(1) == '+' else '+'}{match.group(2)}"


def resolve_timezone(text: str, *, limit: int = 5) -> ZoneMatch:
    """An IANA zone from what a person typed: exact, any case, a city name, a UTC offset,
    else suggestions."""
    key = " ".join(text.split()).strip(_QUOTES).lower()[:MAX_ZONE_INPUT]
    if not key:
        return ZoneMatch(None)
    if _OFFSET.match(key):  # never suggest Etc/GMT+3 for "GMT+3": its sign is the opposite
        return ZoneMatch(offset_zone(key))
    table = _zones()
    for candidate in (key, key.replace(" ", "_")):
        if candidate in table:
            return ZoneMatch(table[candidate])
    close = difflib.get_close_matches(key.replace(" ", "_"), list(table), n=limit * 3, cutoff=0.6)
    suggestions = tuple(dict.fromkeys(table[c] for c in close))[:limit]
    return ZoneMatch(None, suggestions)


def token(value: str, limit: int = 40) -> str:
    """A short stable stand-in for an id in callback data (Telegram allows 64 bytes)."""
    if len(value.encode()) <= limit:
        return value
    return "#" + hashlib.sha1(value.encode()).hexdigest()[:16]


def from_token(tok: str, values: Iterable[str]) -> str | None:
    """The value whose token is `tok`, or None (a stale button: the id left the config)."""
    return next((v for v in values if token(v) == tok), None)
