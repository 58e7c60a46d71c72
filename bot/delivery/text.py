"""Pure text fixes for parts Telegram refused: plain-text fallback and further splitting.

Both only run after Telegram said no, so they favour getting the news through over
keeping every bit of formatting.
"""

from __future__ import annotations

import html
import re

MESSAGE_LIMIT = 4096  # UTF-16 code units, as Telegram counts them

_TAG = re.compile(r"<[^<>]*>")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: characters outside the BMP (most emoji) count twice."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def to_plain(text: str) -> str:
    """HTML source -> the text a reader would see: tags stripped, entities unescaped."""
    return html.unescape(_TAG.sub("", text))


def _hard_split(line: str, limit: int) -> list[str]:
    """A single line longer than the limit, cut at UTF-16 unit boundaries (never mid-pair)."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        width = 2 if ord(char) > 0xFFFF else 1
        if size + width > limit and current:
            pieces.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    if current:
        pieces.append("".join(current))
    return pieces


def split_lines(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split at line boundaries into pieces of at most `limit` UTF-16 units.

    The line breaks between pieces are dropped (each piece is its own message); a line
    longer than the limit is cut inside it. Pieces that would be blank are left out.
    """
    if limit < 2:
        raise ValueError("limit must be at least 2")
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        for chunk in _hard_split(line, limit) if utf16_len(line) > limit else [line]:
            candidate = chunk if not current else f"{current}\n{chunk}"
            if current and utf16_len(candidate) > limit:
                pieces.append(current)
                current = chunk
            else:
                current = candidate
    pieces.append(current)
    return [p for p in pieces if p.strip()] or [text]


def split_further(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pieces for a part Telegram called too long; always at least two when it can be split,
    even if our count says it fits, so a retry can never loop on the same text."""
    pieces = split_lines(text, limit)
    if len(pieces) == 1 and utf16_len(text) > 1:
        pieces = split_lines(text, max(2, utf16_len(text) // 2 + 1))
    return pieces
