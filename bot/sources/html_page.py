"""Reading a news page that is not a feed: follow its feed link, or pick its headlines.

A page that advertises a feed (`<link rel="alternate" type="application/rss+xml">`)
is better read through that feed, so we only hand its address back. Otherwise the
configured CSS selectors, or a heuristic, find the items. The heuristic fits
WordPress-like themes (`article` blocks with a linked headline), React/Next.js sites
(cards whose whole body is the link, `<a><h3>...</h3></a>`), and, without
`article`s, `h2 a` / `h3 a` or a link in a `*title*`-classed block, as older
Ukrainian CMSs lay out their news lists. Links back to the site's root or to the
page itself (logos, section headings) are never stories.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from bot.domain import FeedKind, HtmlSelectors, ParsedFeed, RawEntry
from bot.sources.dates import parse_any
from bot.sources.errors import ParseError
from bot.sources.text import collapse, html_to_text

FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml"}
)
_HEADLINE_LINK = (
    "h1 a[href], h2 a[href], h3 a[href], h4 a[href], .entry-title a[href], .post-title a[href], "
    "a[href][class*=title], a[href][class*=headline]"
)
# Cards where the whole card is the link: the heading inside it is the title.
_LINKED_HEADING = "a[href] h1, a[href] h2, a[href] h3, a[href] h4"
# Without `<article>`s: headings, or the `news_title`/`article-title` blocks of list pages.
_LIST_LINK = "h2 a[href], h3 a[href], [class*=title] > a[href]"
# Where list pages print the date when they use no `<time>`.
_DATE_HINT = "[class*=date], [class*=time]"
_CATEGORY = (
    "[rel~=category], [rel~=tag], .cat-links a, .td-post-category, .entry-category, "
    ".post-category, .category, a[class*=__tag], a[class*=__category]"
)
_SUMMARY = ".entry-summary, .td-excerpt, .excerpt, .entry-content, .post-excerpt, .summary, p"
_READ_MORE = ("читати більше", "читати далі", "детальніше", "read more", "continue reading", "→")
_MAX_ITEMS = 500


def selector_problems(selectors: HtmlSelectors) -> list[str]:
    """Messages for selectors that CSS cannot parse, so config checks can name them."""
    probe = LexborHTMLParser("<html></html>")
    problems = []
    for name in ("item", "title", "link", "time"):
        value = getattr(selectors, name)
        if value is None:
            continue
        try:
            probe.css(value)
        except SelectolaxError:
            problems.append(f"html.{name}: {value!r} is not a valid CSS selector")
    return problems


def read_page(text: str, *, url: str, selectors: HtmlSelectors | None) -> ParsedFeed:
    """A page as a ParsedFeed: `feed_url` set when it links a feed, else its headlines."""
    tree = LexborHTMLParser(text)
    base = _base_url(tree, url)
    title_node = tree.css_first("title")
    title = collapse(title_node.text()) if title_node is not None else ""
    feed_url = _feed_link(tree, base)
    if feed_url is not None:
        return ParsedFeed(kind=FeedKind.HTML, title=title, feed_url=feed_url)
    root = tree.css_first("html")
    lang = (root.attributes.get("lang") or None) if root is not None else None
    try:
        entries = (
            _by_selectors(tree, selectors, base, lang)
            if selectors is not None
            else _by_heuristic(tree, base, lang)
        )
    except SelectolaxError as exc:
        raise ParseError(f"HTML selectors are not valid CSS: {exc}") from None
    if not entries:
        if selectors is not None:
            raise ParseError(f"HTML page: selectors found no items (item={selectors.item!r})")
        raise ParseError("not a feed: HTML page with no feed link and no headlines found")
    return ParsedFeed(kind=FeedKind.HTML, title=title, language=lang, entries=entries, link=url)


def _base_url(tree: LexborHTMLParser, url: str) -> str:
    node = tree.css_first("base[href]")
    href = node.attributes.get("href") if node is not None else None
    return (_join(url, href) or url) if href else url


def _join(base: str, href: str | None) -> str | None:
    if not href or not href.strip():
        return None
    try:
        return urljoin(base, href.strip())
    except ValueError:
        return None


def _feed_link(tree: LexborHTMLParser, base: str) -> str | None:
    for node in tree.css("link[rel][href]"):
        rel = (node.attributes.get("rel") or "").lower().split()
        kind = (node.attributes.get("type") or "").lower().split(";")[0].strip()
        href = node.attributes.get("href")
        if "alternate" in rel and kind in FEED_TYPES and "comments" not in (href or "").lower():
            joined = _join(base, href)
            if joined and joined.startswith(("http://", "https://")):
                return joined
    return None


def _by_heuristic(tree: LexborHTMLParser, base: str, lang: str | None) -> tuple[RawEntry, ...]:
    found = [_article_entry(node, base, lang) for node in tree.css("article")]
    if not any(found):
        for link in tree.css(_LIST_LINK):
            container = link.parent.parent if link.parent is not None else None
            scope = container or link
            when = scope.css_first("time") or scope.css_first(_DATE_HINT)
            found.append(_entry(scope, link, link, when, base, lang))
        for heading in tree.css(_LINKED_HEADING):
            anchor = _enclosing_link(heading)
            if anchor is not None:
                scope = anchor.parent or anchor
                when = scope.css_first("time") or scope.css_first(_DATE_HINT)
                found.append(_entry(scope, anchor, heading, when, base, lang))
    return _unique(entry for entry in found if entry is not None and _is_story(entry, base))


def _article_entry(node: LexborNode, base: str, lang: str | None) -> RawEntry | None:
    """The story an `<article>` card shows: its headline link, else the link around its
    heading. The first candidate with text wins (an image link has none)."""
    when = node.css_first("time")
    for link in node.css(_HEADLINE_LINK):
        if (entry := _entry(node, link, link, when, base, lang)) is not None:
            return entry
    for heading in node.css(_LINKED_HEADING):
        anchor = _enclosing_link(heading)
        if anchor is not None and (entry := _entry(node, anchor, heading, when, base, lang)):
            return entry
    return None


def _enclosing_link(node: LexborNode) -> LexborNode | None:
    parent = node.parent
    while parent is not None and parent.tag not in ("article", "body"):
        if parent.tag == "a" and parent.attributes.get("href"):
            return parent
        parent = parent.parent
    return None


def _is_story(entry: RawEntry, page: str) -> bool:
    """Not the site's root (a logo, a site title) and not the page itself (its heading)."""
    parts = urlsplit(entry.link)
    return parts.path not in ("", "/") and entry.link.split("#")[0] != page.split("#")[0]


def _by_selectors(
    tree: LexborHTMLParser, selectors: HtmlSelectors, base: str, lang: str | None
) -> tuple[RawEntry, ...]:
    found = []
    for node in tree.css(selectors.item):
        link = _pick(node, selectors.link, "a[href]")
        title = _pick(node, selectors.title, None) or link
        when = _pick(node, selectors.time, "time")
        if link is not None and title is not None:
            found.append(_entry(node, link, title, when, base, lang))
    return _unique(found)


def _pick(node: LexborNode, selector: str | None, default: str | None) -> LexborNode | None:
    query = selector or default
    if query is None:
        return None
    if node.tag == "a" and query in ("a[href]", "a"):
        return node
    return node.css_first(query)


def _entry(
    scope: LexborNode,
    link: LexborNode,
    title_node: LexborNode,
    when: LexborNode | None,
    base: str,
    lang: str | None,
) -> RawEntry | None:
    href = link.attributes.get("href") if link.tag == "a" else None
    if href is None:
        inner = link.css_first("a[href]")
        href = inner.attributes.get("href") if inner is not None else None
    url = _join(base, href)
    title = _text(title_node) or collapse(title_node.attributes.get("title") or "")
    if not url or not url.startswith(("http://", "https://")) or not title:
        return None
    return RawEntry(
        title=title,
        link=url,
        summary=_summary(scope, title),
        published=_when(when),
        categories=_categories(scope),
        language=lang,
    )


def _text(node: LexborNode) -> str:
    """The node's text as a reader sees it: a space for block tags only, so
    "<b>Київ</b>: новини" stays "Київ: новини" (selectolax's separator puts one everywhere)."""
    return html_to_text(node.html or "")


def _when(node: LexborNode | None) -> datetime | None:
    if node is None:
        return None
    stamp = node.attributes.get("datetime") or node.attributes.get("content")
    return (parse_any(stamp) if stamp else None) or parse_any(node.text(separator=" "))


def _summary(scope: LexborNode, title: str) -> str:
    for node in scope.css(_SUMMARY):
        text = _text(node)
        if text and text != title:
            return _drop_read_more(text)
    return ""


def _drop_read_more(text: str) -> str:
    lowered = text.lower()
    for phrase in _READ_MORE:
        if lowered.endswith(phrase):
            return text[: -len(phrase)].rstrip()
    return text


def _categories(scope: LexborNode) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for node in scope.css(_CATEGORY):
        name = collapse(node.text(separator=" "))
        if name and len(name) <= 100:
            seen.setdefault(name, None)
    return tuple(seen)


def _unique(entries: Iterable[RawEntry | None]) -> tuple[RawEntry, ...]:
    by_link: dict[str, RawEntry] = {}
    for entry in entries:
        if entry is not None and entry.link not in by_link:
            by_link[entry.link] = entry
        if len(by_link) >= _MAX_ITEMS:
            break
    return tuple(by_link.values())
