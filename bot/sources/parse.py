"""Bytes in, ParsedFeed out: RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed, HTML pages.

The body's own first bytes decide the format (servers mislabel feeds all the
time); the Content-Type only lends its charset. XML goes to feedparser-rs (fast,
feedparser-compatible), and when that finds the document ill-formed, to
feedparser's lenient mode too, keeping whichever read more entries (see
docs/parser-choice.md). Parsers only ever get bytes, never a URL or a path:
feedparser would fetch or open those.

`parse` is CPU-bound (a 2 MB feed takes ~20-40 ms, ~1 s on the feedparser
fallback): in the event loop use `parse_off_loop`, which runs it in a thread.
"""

from __future__ import annotations

import asyncio
import importlib
import io
import re
from datetime import timedelta
from typing import Any

import feedparser

from bot.domain import FeedKind, HtmlSelectors, ParsedFeed, RawEntry
from bot.sources.dates import from_struct_time
from bot.sources.encoding import (
    decode_html,
    decode_json,
    decode_xml,
    split_content_type,
    xml_as_utf8,
)
from bot.sources.errors import ParseError
from bot.sources.html_page import read_page
from bot.sources.jsonfeed import read_json_feed

_fast_parser: Any
try:  # the fast path; without it every feed goes through feedparser (slower, same results)
    _fast_parser = importlib.import_module("feedparser_rs")
except ImportError:  # pragma: no cover - depends on the environment
    _fast_parser = None

__all__ = ["ParseError", "parse", "parse_off_loop"]

_PROLOG = re.compile(r"\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)*", re.S)
_ROOT = re.compile(r"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_DOCTYPE_HTML = re.compile(r"<!DOCTYPE\s+html", re.I)
_ROOT_KINDS = {"rss": FeedKind.RSS, "feed": FeedKind.ATOM, "rdf": FeedKind.RDF}
_ROOT_CLOSE = {FeedKind.RSS: "</rss>", FeedKind.ATOM: "feed>", FeedKind.RDF: "rdf>"}
_HTML_ROOTS = frozenset({"html", "head", "body", "meta", "div", "title", "p", "table"})
_MAX_TTL = timedelta(days=7)


async def parse_off_loop(
    body: bytes, *, content_type: str | None, url: str, html: HtmlSelectors | None
) -> ParsedFeed:
    """`parse` in a worker thread, so a big document never stalls the event loop."""
    return await asyncio.to_thread(parse, body, content_type=content_type, url=url, html=html)


def parse(
    body: bytes, *, content_type: str | None, url: str, html: HtmlSelectors | None
) -> ParsedFeed:
    """Read a fetched document; `url` is where it came from (for relative links).

    An HTML page that links its feed comes back as `ParsedFeed(kind=HTML,
    feed_url=...)` and no entries: fetch that URL instead. Raises only ParseError.
    """
    try:
        return _parse(body, content_type=content_type, url=url, html=html)
    except ParseError:
        raise
    except Exception as exc:  # a parser bug must not look like a crash of the poll
        raise ParseError(f"could not parse document: {type(exc).__name__}") from exc


def _parse(
    body: bytes, *, content_type: str | None, url: str, html: HtmlSelectors | None
) -> ParsedFeed:
    _, charset = split_content_type(content_type)
    head = body[:4096].lstrip(b"\xef\xbb\xbf \t\r\n\x00\xff\xfe")
    if not head:
        raise ParseError("empty body")
    if head[:1] in (b"{", b"["):
        return read_json_feed(decode_json(body, charset))
    if not head.startswith(b"<"):
        raise ParseError("not a feed: the body is neither XML, JSON nor HTML")
    root = _root_name(head.decode("latin-1"))
    kind = _ROOT_KINDS.get(root or "")
    if kind is None:
        if root in _HTML_ROOTS or _DOCTYPE_HTML.search(head.decode("latin-1")):
            return read_page(decode_html(body, charset), url=url, selectors=html)
        what = f"XML with root element <{root}>" if root else "unrecognised markup"
        raise ParseError(f"not a feed: {what}")
    return _parse_xml(body, kind, charset, url)


def _root_name(head: str) -> str | None:
    rest = head[_PROLOG.match(head).end() :]  # type: ignore[union-attr]  # \A(...)* always matches
    match = _ROOT.match(rest)
    return match.group(2).lower() if match else None


def _parse_xml(body: bytes, kind: FeedKind, charset: str | None, url: str) -> ParsedFeed:
    document = xml_as_utf8(decode_xml(body, charset))
    truncated = _ROOT_CLOSE[kind] not in document[-512:].decode("utf-8", "replace").lower()
    result = _run_fast(document, url)
    if result is None or result.get("bozo"):
        fallback = feedparser.parse(
            io.BytesIO(document),
            # We already transcoded to UTF-8; without a charset feedparser guesses windows-1252.
            response_headers={
                "content-type": "application/xml; charset=utf-8",
                "content-location": url,
            },
        )
        if result is None or len(fallback.entries) > len(result.entries):
            result = fallback
    entries = [_entry(entry, _language(result.feed)) for entry in result.entries]
    if truncated and entries:
        entries.pop()  # the last entry of a cut-off document may be cut too; next poll has it
    if result.get("bozo") and not entries:
        problem = str(result.get("bozo_exception") or "unreadable XML")[:200]
        raise ParseError(f"XML is truncated/ill-formed and has no entries ({problem})")
    return ParsedFeed(
        kind=kind,
        title=_str(result.feed.get("title")),
        language=_language(result.feed),
        entries=tuple(entries),
        ttl=_ttl(result.feed.get("ttl")),
    )


def _run_fast(document: bytes, url: str) -> Any:
    if _fast_parser is None:
        return None
    try:
        # The text is made plain later, so skipping the sanitiser halves the time.
        return _fast_parser.parse(document, sanitize_html=False)
    except Exception:  # the fallback parser decides
        return None


def _entry(entry: Any, feed_language: str | None) -> RawEntry:
    return RawEntry(
        title=_str(entry.get("title")),
        link=_link(entry),
        guid=_str(entry.get("id")),
        summary=_summary(entry),
        published=from_struct_time(entry.get("published_parsed"))
        or from_struct_time(entry.get("updated_parsed")),
        categories=_categories(entry.get("tags")),
        language=_str(entry.get("language")) or feed_language,
    )


def _link(entry: Any) -> str:
    link = _str(entry.get("link"))
    if link:
        return link
    for candidate in entry.get("links") or ():
        href = _str(_field(candidate, "href"))
        if href and _str(_field(candidate, "rel")) in ("", "alternate"):
            return href
    return ""


def _summary(entry: Any) -> str:
    summary = _str(entry.get("summary"))
    if summary:
        return summary
    for content in entry.get("content") or ():
        value = _str(_field(content, "value"))
        if value:
            return value
    return ""


def _categories(tags: Any) -> tuple[str, ...]:
    found: list[str] = []
    seen: set[str] = set()
    for tag in tags or ():
        for name in (_str(_field(tag, "term")), _str(_field(tag, "label"))):
            name = name.strip()
            if name and name.casefold() not in seen:
                seen.add(name.casefold())
                found.append(name)
    return tuple(found)


def _language(feed: Any) -> str | None:
    return _str(feed.get("language")).strip() or None


def _ttl(value: Any) -> timedelta | None:
    try:
        minutes = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return min(timedelta(minutes=minutes), _MAX_TTL) if minutes > 0 else None


def _field(obj: Any, name: str) -> Any:
    """feedparser gives dicts, feedparser-rs gives objects for links, tags and content."""
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""
