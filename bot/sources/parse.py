"""Bytes in, ParsedFeed out: RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed, HTML pages.

The body's own first bytes decide the format (servers mislabel feeds all the
time); the Content-Type only lends its charset. XML goes to feedparser-rs (fast,
feedparser-compatible), and when that finds the document ill-formed, to
feedparser's lenient mode too, keeping whichever read more entries (see
docs/parser-choice.md). Parsers only ever get bytes, never a URL or a path:
feedparser would fetch or open those.

Real servers add their own damage, handled here: PHP warnings printed before the
XML declaration, UTF-16 documents, cache-plugin comments after the root element,
FeedBurner proxy links (the `feedburner:origLink` is the story), podcast items with
only an enclosure, and dates the parsers give up on (see `dates.parse_any`).

`parse` is CPU-bound (a 2 MB feed takes ~20-40 ms, ~1 s on the feedparser
fallback): in the event loop use `parse_off_loop`, which runs it in a thread.
"""

from __future__ import annotations

import asyncio
import importlib
import io
import re
from dataclasses import replace
from datetime import datetime, timedelta
from html.entities import name2codepoint
from typing import Any
from urllib.parse import urljoin

import feedparser

from bot.domain import FeedKind, HtmlSelectors, ParsedFeed, RawEntry
from bot.sources.dates import from_struct_time, parse_any
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
# Where a feed starts when something (a PHP warning, a stray newline) was printed before it.
_DECLARATION = re.compile(rb"<\?xml\s")
_FEED_START = re.compile(rb"<\?xml\s|<rss[\s>]|<feed[\s>]|<(?:[\w.-]+:)?RDF[\s>]")
_ROOT_KINDS = {"rss": FeedKind.RSS, "feed": FeedKind.ATOM, "rdf": FeedKind.RDF}
_ROOT_CLOSE = {
    FeedKind.RSS: re.compile(rb"</rss\s*>", re.I),
    FeedKind.ATOM: re.compile(rb"</(?:[\w.-]+:)?feed\s*>", re.I),
    FeedKind.RDF: re.compile(rb"</(?:[\w.-]+:)?rdf\s*>", re.I),
}
# Cache plugins append comments after the root (W3 Total Cache's is ~600 bytes).
_TAIL = 4096
_HTML_ROOTS = frozenset(
    {"html", "head", "body", "meta", "div", "title", "p", "table", "link", "script", "style"}
    | {"section", "article", "main", "header", "nav", "ul", "h1", "h2", "span", "a", "img"}
)
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_SNIFF = 4096
_MAX_TTL = timedelta(days=7)
# What `_repair` mends in an ill-formed feed.
_BARE_AMP = re.compile(rb"&(?!#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9._-]*;)")
_NAMED_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]*);")
_BARE_LT = re.compile(rb"<(?![A-Za-z_:/!?])")
_XML_ENTITIES = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})


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
        feed = _parse(body, content_type=content_type, url=url, html=html)
    except ParseError:
        raise
    except Exception as exc:  # a parser bug must not look like a crash of the poll
        raise ParseError(f"could not parse document: {type(exc).__name__}") from exc
    return _unshare_guids(feed)


def _unshare_guids(feed: ParsedFeed) -> ParsedFeed:
    """Without the guids that entries with different links share.

    Some CMSs give every item the same guid (the site's address, "0"); as an identity it
    would make the whole feed one story, so those entries are known by their links.
    """
    links: dict[str, set[str]] = {}
    for entry in feed.entries:
        if entry.guid:
            links.setdefault(entry.guid, set()).add(entry.link)
    shared = {guid for guid, found in links.items() if len(found) > 1}
    if not shared:
        return feed
    entries = tuple(replace(e, guid="") if e.guid in shared else e for e in feed.entries)
    return replace(feed, entries=entries)


def _parse(
    body: bytes, *, content_type: str | None, url: str, html: HtmlSelectors | None
) -> ParsedFeed:
    _, charset = split_content_type(content_type)
    head = _sniff(body)
    if not head:
        raise ParseError("empty body")
    if head[:1] in ("{", "["):
        return read_json_feed(decode_json(body, charset), url=url)
    if not head.startswith("<"):
        raise ParseError("not a feed: the body is neither XML, JSON nor HTML")
    root = _root_name(head)
    kind = _ROOT_KINDS.get(root or "")
    if kind is None:
        feed = _skip_junk(body)
        if feed is not None:
            return _parse(feed, content_type=content_type, url=url, html=html)
        if root in _HTML_ROOTS or _DOCTYPE_HTML.search(head):
            return read_page(decode_html(body, charset), url=url, selectors=html)
        what = f"XML with root element <{root}>" if root else "unrecognised markup"
        raise ParseError(f"not a feed: {what}")
    return _parse_xml(_from_declaration(body), kind, charset, url)


def _sniff(body: bytes) -> str:
    """The document's first characters, enough to tell its format (UTF-16 included)."""
    for mark, codec in _BOMS:
        if body.startswith(mark):
            return body[len(mark) : _SNIFF].decode(codec, "replace").lstrip(" \t\r\n\x00")
    return body[:_SNIFF].decode("latin-1").lstrip(" \t\r\n\x00")


def _from_declaration(body: bytes) -> bytes:
    """The document from its XML declaration on, when a comment came before it.

    Left in place, that declaration is a well-formedness error that sends the document to
    feedparser, which then believes its `encoding="windows-1251"` over the UTF-8 we
    transcoded to: every title in mojibake.
    """
    match = _DECLARATION.search(body, 1, _SNIFF)
    if match is None or not body[: match.start()].strip(b"\xef\xbb\xbf \t\r\n\x00"):
        return body
    return body[match.start() :]


def _skip_junk(body: bytes) -> bytes | None:
    """The feed after text a broken server printed before it (a PHP warning), if any.

    Only a feed root or XML declaration near the start counts: an HTML page that merely
    mentions `<rss` deep inside is still a page.
    """
    match = _FEED_START.search(body, 1, _SNIFF)
    if match is None or body[:1] == b"\xff" or body[:2] == b"\xfe\xff":
        return None
    before = body[: match.start()].lower()
    if b"<html" in before or b"<!doctype" in before:
        return None
    return body[match.start() :]


def _root_name(head: str) -> str | None:
    rest = head[_PROLOG.match(head).end() :]  # type: ignore[union-attr]  # \A(...)* always matches
    match = _ROOT.match(rest)
    return match.group(2).lower() if match else None


def _parse_xml(body: bytes, kind: FeedKind, charset: str | None, url: str) -> ParsedFeed:
    document = xml_as_utf8(decode_xml(body, charset))
    truncated = not _closed(document, kind)
    result = _read_xml(document, url)
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
        link=_home(result.feed.get("link"), url),
    )


def _home(link: object, url: str) -> str | None:
    """The channel's <link> (Atom: its alternate link), absolute; None if it has none."""
    text = _str(link).strip()
    if not text:
        return None
    try:
        return urljoin(url, text)
    except ValueError:
        return None


def _closed(document: bytes, kind: FeedKind) -> bool:
    """Whether the root element is closed: looked for near the end, where it nearly always
    is, then anywhere (a site that appends kilobytes of scripts after its feed)."""
    close = _ROOT_CLOSE[kind]
    tail = max(0, len(document) - _TAIL)
    return close.search(document, tail) is not None or close.search(document) is not None


def _read_xml(document: bytes, url: str) -> Any:
    """feedparser-rs's reading; for an ill-formed document, its reading of the document
    repaired, else feedparser's lenient one, whichever found more entries."""
    # feedparser-rs drops <feedburner:origLink>, the story's real address: feedparser keeps it.
    fast_ok = b"origLink>" not in document
    result = _run_fast(document, url) if fast_ok else None
    if result is not None and not result.get("bozo"):
        return result
    repaired = _repair(document)
    if fast_ok and repaired != document:
        retry = _run_fast(repaired, url)
        if retry is not None and not retry.get("bozo"):
            return retry
        result = _more_entries(result, retry)
    fallback = feedparser.parse(
        io.BytesIO(repaired),
        # We already transcoded to UTF-8; without a charset feedparser guesses windows-1252.
        response_headers={
            "content-type": "application/xml; charset=utf-8",
            "content-location": url,
        },
    )
    return _more_entries(result, fallback)


def _repair(document: bytes) -> bytes:
    """The commonest breakage of real feeds mended: bare `&` ("AT&T", "?a=1&b=2"), HTML-only
    entities (`&nbsp;`, `&mdash;`) and bare `<` ("inflation < 5%").

    Untouched in a well-formed document, where none of them can occur. Without this,
    feedparser reads "AT&T deal" as "AT&T; deal".
    """
    text = _BARE_AMP.sub(b"&amp;", document)
    text = _NAMED_ENTITY.sub(_numeric_entity, text)
    return _BARE_LT.sub(b"&lt;", text)


def _numeric_entity(match: re.Match[bytes]) -> bytes:
    name = match.group(1)
    if name in _XML_ENTITIES:
        return match.group(0)
    code = name2codepoint.get(name.decode("ascii"))
    return b"&#%d;" % code if code is not None else b"&amp;" + name + b";"


def _more_entries(first: Any, second: Any) -> Any:
    if first is None or (second is not None and len(second.entries) > len(first.entries)):
        return second
    return first


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
        title=_str(entry.get("title")) or _str(entry.get("itunes_title")),
        link=_link(entry),
        guid=_str(entry.get("id")),
        summary=_summary(entry),
        published=_published(entry),
        categories=_categories(entry.get("tags")),
        language=_str(entry.get("language")) or feed_language,
    )


def _published(entry: Any) -> datetime | None:
    """Publication (else update) time: the parser's reading, else ours of the raw text,
    which parsers give up on for Ukrainian day names, "GMT+3", "EET" and the like."""
    for field in ("published", "updated"):
        when = from_struct_time(entry.get(f"{field}_parsed"))
        if when is None and (raw := _str(entry.get(field)).strip()):
            when = parse_any(raw)
        if when is not None:
            return when
    return None


def _link(entry: Any) -> str:
    """The story's address: FeedBurner's original link over its proxy, else the
    alternate link, else (podcasts) the enclosure, which is the episode itself."""
    link = _str(entry.get("feedburner_origlink")).strip() or _str(entry.get("link"))
    if link:
        return link
    links = entry.get("links") or ()
    for wanted in (("", "alternate"), ("enclosure",)):
        for candidate in links:
            href = _str(_field(candidate, "href"))
            if href and _str(_field(candidate, "rel")) in wanted:
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
