"""Telegram's HTML parse mode, re-implemented for the fake Bot API server.

The fake must reject what Telegram rejects, so a formatting bug fails in tests instead of in
production: unknown or unbalanced tags, and (stricter than Telegram, which lets a lone ``&``
through) any ``&`` that does not start an HTML entity, because the digest must escape every
feed string. Lengths are in UTF-16 code units, as Telegram counts them.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

MAX_MESSAGE_LENGTH = 4096

# Tag -> entity type for the tags that need no attributes.
_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_SUPPORTED_TAGS = frozenset({*_SIMPLE_TAGS, "span", "a", "blockquote", "tg-emoji"})

_PLAIN = re.compile(r"[^<&]+")
_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_TAG_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")
_ATTR_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_-]*")
_UNQUOTED = re.compile(r"[^\s>\"'=<`]+")
_WHITESPACE = re.compile(r"\s*")
_SPACE = re.compile(r"\s")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_URL_SCHEMES = frozenset({"http", "https", "tg", "ftp", "mailto"})
_TRIM = " \t\r\n"


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML; ``str(error)`` is Telegram's wording."""


@dataclass(frozen=True)
class ParsedText:
    """Plain text as Telegram stores it, with entity offsets in UTF-16 code units."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Open:
    tag: str
    entity: dict[str, Any] | None
    start: int  # UTF-16 offset into the output


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: characters outside the BMP (most emoji) count twice."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def parse_html(source: str) -> ParsedText:
    """Parse ``source`` in Telegram's HTML parse mode, raising ``HtmlParseError`` like Telegram."""
    out: list[str] = []
    pos16 = 0
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    i, n = 0, len(source)
    while i < n:
        char = source[i]
        if char == "&":
            decoded, i = _entity_at(source, i)
            out.append(decoded)
            pos16 += utf16_len(decoded)
        elif char != "<":
            match = _PLAIN.match(source, i)
            assert match is not None
            chunk = match.group()
            out.append(chunk)
            pos16 += utf16_len(chunk)
            i = match.end()
        elif source.startswith("</", i):
            i = _close_tag(source, i, stack, entities, pos16)
        else:
            opened, i = _open_tag(source, i, stack)
            opened.start = pos16
            stack.append(opened)
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return ParsedText("".join(out), entities)


def parse_message_text(text: str, parse_mode: str | None) -> ParsedText:
    """Parse and trim like ``sendMessage`` does; raises ``HtmlParseError`` on bad HTML."""
    parsed = parse_html(text) if parse_mode is not None and parse_mode.lower() == "html" else None
    return trim(parsed if parsed is not None else ParsedText(text, []))


def trim(parsed: ParsedText) -> ParsedText:
    """Drop leading and trailing whitespace as Telegram does, keeping entities aligned."""
    text = parsed.text
    stripped = text.strip(_TRIM)
    if stripped == text:
        return parsed
    head = utf16_len(text[: len(text) - len(text.lstrip(_TRIM))])
    end = head + utf16_len(stripped)
    entities = []
    for entity in parsed.entities:
        start = max(entity["offset"], head)
        stop = min(entity["offset"] + entity["length"], end)
        if stop > start:
            entities.append({**entity, "offset": start - head, "length": stop - start})
    return ParsedText(stripped, entities)


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def _entity_at(source: str, i: int) -> tuple[str, int]:
    match = _ENTITY.match(source, i)
    if match is None:
        raise HtmlParseError(
            f"Character '&' must be escaped as &amp; at byte offset {_byte_offset(source, i)}"
        )
    named, decimal, hexadecimal = match.groups()
    if named:
        return _NAMED[named], match.end()
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise HtmlParseError(
            f"Invalid character reference at byte offset {_byte_offset(source, i)}"
        )
    return chr(code), match.end()


def _close_tag(
    source: str, i: int, stack: list[_Open], entities: list[dict[str, Any]], pos16: int
) -> int:
    end = source.find(">", i)
    if end == -1:
        raise HtmlParseError(f"Unclosed end tag at byte offset {_byte_offset(source, i)}")
    name = source[i + 2 : end].strip().lower()
    if not stack:
        raise HtmlParseError(f"Unexpected end tag at byte offset {_byte_offset(source, i)}")
    top = stack[-1]
    if name != top.tag:
        raise HtmlParseError(
            f"Unmatched end tag at byte offset {_byte_offset(source, i)}, "
            f'expected "</{top.tag}>", found "</{name}>"'
        )
    stack.pop()
    if top.entity is not None and pos16 > top.start:
        entities.append({**top.entity, "offset": top.start, "length": pos16 - top.start})
    return end + 1


def _open_tag(source: str, i: int, stack: list[_Open]) -> tuple[_Open, int]:
    """Read ``<tag attr="v">`` at ``i``; the caller sets the output offset."""
    name_match = _TAG_NAME.match(source, i + 1)
    name = name_match.group().lower() if name_match else ""
    if name not in _SUPPORTED_TAGS:
        raise HtmlParseError(
            f'Unsupported start tag "{name}" at byte offset {_byte_offset(source, i)}'
        )
    assert name_match is not None
    attrs, j = _attributes(source, name_match.end(), name, i)
    entity = _entity_for(name, attrs, stack, source, i)
    return _Open(name, entity, 0), j


def _attributes(source: str, j: int, tag: str, tag_start: int) -> tuple[dict[str, str], int]:
    attrs: dict[str, str] = {}
    n = len(source)
    while True:
        j = _skip_ws(source, j)
        if j >= n:
            raise HtmlParseError(
                f"Unclosed start tag at byte offset {_byte_offset(source, tag_start)}"
            )
        if source[j] == ">":
            return attrs, j + 1
        attr = _ATTR_NAME.match(source, j)
        if attr is None:
            raise HtmlParseError(
                f'Invalid attribute of the tag "{tag}" at byte offset {_byte_offset(source, j)}'
            )
        key = attr.group().lower()
        after = _skip_ws(source, attr.end())
        if after < n and source[after] == "=":
            value, j = _attribute_value(source, _skip_ws(source, after + 1), tag)
            attrs[key] = value
        else:
            attrs[key] = ""
            j = attr.end()


def _skip_ws(source: str, j: int) -> int:
    match = _WHITESPACE.match(source, j)
    return match.end() if match else j


def _attribute_value(source: str, j: int, tag: str) -> tuple[str, int]:
    if j < len(source) and source[j] in "\"'":
        close = source.find(source[j], j + 1)
        if close == -1:
            raise HtmlParseError(
                f'Unclosed value of an attribute of the tag "{tag}" '
                f"at byte offset {_byte_offset(source, j)}"
            )
        return html.unescape(source[j + 1 : close]), close + 1
    match = _UNQUOTED.match(source, j)
    if match is None:
        raise HtmlParseError(
            f'Empty value of an attribute of the tag "{tag}" '
            f"at byte offset {_byte_offset(source, j)}"
        )
    return html.unescape(match.group()), match.end()


def _entity_for(
    name: str, attrs: dict[str, str], stack: list[_Open], source: str, i: int
) -> dict[str, Any] | None:
    if name == "code" and stack and stack[-1].tag == "pre" and stack[-1].entity is not None:
        language = attrs.get("class", "")
        if language.startswith("language-"):
            # <pre><code class="language-x"> is one pre entity with a language.
            stack[-1].entity["language"] = language.removeprefix("language-")
            return None
    if name in _SIMPLE_TAGS:
        return {"type": _SIMPLE_TAGS[name]}
    if name == "span":
        if attrs.get("class") != "tg-spoiler":
            raise HtmlParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(source, i)}'
            )
        return {"type": "spoiler"}
    if name == "blockquote":
        return {"type": "expandable_blockquote" if "expandable" in attrs else "blockquote"}
    if name == "tg-emoji":
        emoji_id = attrs.get("emoji-id", "")
        if not emoji_id.isdigit():
            raise HtmlParseError(
                f'Tag "tg-emoji" must have attribute "emoji-id" '
                f"at byte offset {_byte_offset(source, i)}"
            )
        return {"type": "custom_emoji", "custom_emoji_id": emoji_id}
    # <a>: Telegram silently drops a link whose href is not a usable URL.
    href = attrs.get("href", "").strip()
    return {"type": "text_link", "url": href} if is_valid_url(href) else None


def is_valid_url(url: str) -> bool:
    """Whether Telegram would accept ``url`` for a link or a URL button (roughly)."""
    if not url or _SPACE.search(url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme.lower() in ("tg", "mailto"):
        return bool(parts.netloc or parts.path)
    return parts.scheme.lower() in _URL_SCHEMES and "." in parts.netloc.split(":")[0]
