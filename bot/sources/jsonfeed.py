"""JSON Feed 1.0/1.1 (jsonfeed.org): small enough to read by hand with clear errors.

Real feeds bend the spec: relative item URLs (meant against `home_page_url`, not
wherever the feed file lives), numeric ids, `tags` as one string, RFC 822 dates.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urljoin

from bot.domain import FeedKind, ParsedFeed, RawEntry
from bot.sources.dates import parse_any
from bot.sources.errors import ParseError


def read_json_feed(text: str, *, url: str = "") -> ParsedFeed:
    """A JSON Feed document as a ParsedFeed; anything else is a ParseError.

    `url` is where the feed came from; item links come back absolute.
    """
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
    base = _join(url, _text(document.get("home_page_url"))) or url
    entries = tuple(
        _entry(item, language, base) for item in document["items"] if isinstance(item, dict)
    )
    return ParsedFeed(
        kind=FeedKind.JSON,
        title=_text(document.get("title")),
        language=language,
        entries=entries,
        link=_join(url, _text(document.get("home_page_url"))) or None,
    )


def _entry(item: dict[str, Any], feed_language: str | None, base: str) -> RawEntry:
    published = _text(item.get("date_published")) or _text(item.get("date_modified"))
    link = _text(item.get("url")).strip() or _text(item.get("external_url")).strip()
    return RawEntry(
        title=_text(item.get("title")),
        link=_join(base, link) or link,
        guid=_text(item.get("id")),
        summary=_text(item.get("summary"))
        or _text(item.get("content_html"))
        or _text(item.get("content_text")),
        published=parse_any(published) if published else None,
        categories=_tags(item.get("tags")),
        language=_text(item.get("language")) or feed_language,
    )


def _tags(tags: object) -> tuple[str, ...]:
    if isinstance(tags, str):  # one tag, not in a list
        return (tags,)
    if isinstance(tags, list):
        return tuple(tag for tag in tags if isinstance(tag, str))
    return ()


def _join(base: str, href: str) -> str:
    """`href` made absolute against `base`; "" when either is unusable."""
    if not href:
        return ""
    try:
        return urljoin(base, href)
    except ValueError:
        return ""


def _text(value: object) -> str:
    """JSON Feed ids may be numbers in the wild; other non-strings are dropped."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""
