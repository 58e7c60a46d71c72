"""Making feed strings safe for Telegram's HTML parse mode, and measuring them as it does.

Feed strings are untrusted: they may hold tags, stray ``&``, control characters, newlines
(which would break our one-line-per-story layout) or lone surrogates (which Telegram rejects
as invalid UTF-8). Everything shown goes through `clean_text` and then `escape_text`;
every link through `safe_href`.
"""

from __future__ import annotations

import re
import unicodedata

MESSAGE_LIMIT = 4096
"""Telegram's limit on a message's text, in UTF-16 code units."""

ELLIPSIS = "…"

_SPACE_RUN = re.compile(r"\s+")
# Characters that break a line or are invisible junk; replaced by a space before collapsing.
_BREAKING_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})
_URL_UNSAFE = frozenset('"<>\\^`{|}')


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an astral emoji counts 2)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def clean_text(text: str) -> str:
    """One line of printable text: control characters and line breaks become spaces,
    whitespace runs collapse, lone surrogates become U+FFFD."""
    chars: list[str] = []
    for ch in text:
        category = unicodedata.category(ch)
        if category in _BREAKING_CATEGORIES:
            chars.append(" ")
        elif category == "Cs":
            chars.append("\ufffd")
        else:
            chars.append(ch)
    return _SPACE_RUN.sub(" ", "".join(chars)).strip()


def clip(text: str, max_chars: int) -> str:
    """`text` cut to at most `max_chars` characters, at a word boundary when one is near,
    ending with an ellipsis when anything was cut."""
    if len(text) <= max_chars:
        return text
    cut = text[: max(max_chars - 1, 0)]
    space = cut.rfind(" ")
    if space >= max_chars * 3 // 4:
        cut = cut[:space]
    return cut.rstrip(" ,;:-—–") + ELLIPSIS


def escape_text(text: str) -> str:
    """Escape for an HTML text node. Quotes stay as they are: Telegram needs no escaping
    for them outside attributes, and fewer entities keep the raw length down."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text: str) -> str:
    """Escape for a double-quoted HTML attribute."""
    return escape_text(text).replace('"', "&quot;")


def clean_url(url: str) -> str | None:
    """An http(s) URL with whitespace, control and HTML-special characters percent-encoded,
    or None when it is not a web link (Telegram may reject other schemes in an href)."""
    url = url.strip()
    scheme, sep, _ = url.partition(":")
    if not sep or scheme.lower() not in ("http", "https"):
        return None
    out: list[str] = []
    for ch in url:
        if ch.isspace() or ch in _URL_UNSAFE or unicodedata.category(ch) in ("Cc", "Cs"):
            out.extend(f"%{byte:02X}" for byte in ch.encode("utf-8", errors="replace"))
        else:
            out.append(ch)
    return "".join(out)
