"""Plain text out of the HTML fragments that feeds put in titles and summaries."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_SPACE = re.compile(r"\s+")
# Invisible characters that would make two equal titles differ, or a title look empty.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00ad\u200b-\u200d\u2060\ufeff]")
_TAG_HINT = re.compile(r"<[A-Za-z!/?]")
# Only complete references: html.unescape alone would turn "Fish &notes" into "Fish ¬es".
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_SKIP = frozenset({"script", "style", "template", "noscript", "head"})
_BLOCK = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th"}
    | {"blockquote", "section", "article", "header", "footer", "figure", "figcaption", "hr"}
)


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skipping += 1
        elif tag in _BLOCK:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def collapse(text: str) -> str:
    """One space between words, no invisible characters, no edges."""
    return _SPACE.sub(" ", _INVISIBLE.sub("", text)).strip()


def html_to_text(fragment: str) -> str:
    """Tags dropped, entities decoded (twice-escaped ones too), whitespace collapsed."""
    if not fragment:
        return ""
    text = fragment
    if _TAG_HINT.search(text):
        collector = _TextCollector()
        try:
            collector.feed(text)
            collector.close()
            text = "".join(collector.parts)
        except Exception:  # html.parser is lenient; never let odd input crash a poll
            text = re.sub(r"<[^>]*>", " ", text)
    for _ in range(2):  # feeds often escape twice: "&amp;quot;" -> "&quot;" -> '"'
        if "&" not in text:
            break
        text = _ENTITY.sub(_unescape_one, text)
    return collapse(text)


def _unescape_one(match: re.Match[str]) -> str:
    return html.unescape(match.group(0))


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary, with an ellipsis if cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + "…"
