"""JSON Feed 1.0/1.1 (jsonfeed.org): small enough to read by hand with clear errors."""

from __future__ import annotations

import json
from typing import Any

from bot.domain import FeedKind, ParsedFeed, RawEntry
from bot.sources.dates import parse_any
from bot.sources.errors import ParseError


def read_json_feed(text: str) -> ParsedFeed:
    """A JSON Feed document as a ParsedFeed; anything else is a ParseError."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(
            f"not a feed: invalid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from None
    except RecursionError:
        raise ParseError("not a feed: JSON nested too deeply") from None
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise ParseError("not a feed: looks like JSON without 'items'")
    language = _text(document.get("language")) or None
    entries = tuple(_entry(item, language) for item in document["items"] if isinstance(item, dict))
    return ParsedFeed(
        kind=FeedKind.JSON,
        title=_text(document.get("title")),
        language=language,
        entries=entries,
    )


def _entry(item: dict[str, Any], feed_language: str | None) -> RawEntry:
    tags = item.get("tags")
    categories = (
        tuple(tag for tag in tags if isinstance(tag, str)) if isinstance(tags, list) else ()
    )
    published = _text(item.get("date_published")) or _text(item.get("date_modified"))
    return RawEntry(
        title=_text(item.get("title")),
        link=_text(item.get("url")) or _text(item.get("external_url")),
        guid=_text(item.get("id")),
        summary=_text(item.get("summary"))
        or _text(item.get("content_html"))
        or _text(item.get("content_text")),
        published=parse_any(published) if published else None,
        categories=categories,
        language=_text(item.get("language")) or feed_language,
    )


def _text(value: object) -> str:
    """JSON Feed ids may be numbers in the wild; other non-strings are dropped."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""
