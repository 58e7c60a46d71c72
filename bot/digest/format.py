"""Digest messages in Telegram HTML, and the same digest as plain text for a terminal.

A digest looks like this (times in the chat's zone, texts in its UI language)::

    📰 Новини · 28 січня, 20:00

    🛡 Оборона
    • <a href="https://...">Title</a> — Rubryka, 18:40 (+2)

"(+2)": two more outlets carried the story. Every feed string is cleaned to one line and
escaped; titles, sources and headings are clipped so that any one story line, with its
heading, fits a message. Messages are split between lines, never inside a tag, each at
most 4096 UTF-16 code units even counting the markup (Telegram counts only the visible
text; counting the raw string too leaves no doubt). Link previews must be turned off by
the sender: a digest is a list of links and a preview of the first would bury it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from bot.digest.layout import Layout, arrange
from bot.digest.markup import (
    MESSAGE_LIMIT,
    clean_text,
    clean_url,
    clip,
    escape_attr,
    escape_text,
    utf16_len,
)
from bot.domain import ChatSettings, Story, Topic
from bot.i18n import t

MAX_TITLE = 200
"""Characters of a title shown; a longer one (a feed putting its text in the title) is cut."""
MAX_SOURCE = 60
MAX_TOPIC = 60
MAX_EMOJI = 8
MAX_HREF = 1500
"""Longest escaped href kept; beyond it the title is shown without its link. With the caps
above, the longest possible line plus header and heading stays well under 4096."""


@dataclass(frozen=True, slots=True)
class RenderedDigest:
    """A chat's digest, ready to send: `parts` are HTML messages, in order.

    `item_ids` are every item shown (leads and the other outlets folded into them);
    `story_count` counts the lines; `more` the stories left out by `max_items`.
    No parts means nothing to send.
    """

    parts: tuple[str, ...]
    item_ids: tuple[int, ...]
    story_count: int
    more: int = 0

    @property
    def empty(self) -> bool:
        return not self.parts


def chat_zone(chat: ChatSettings) -> tzinfo:
    """The chat's time zone; UTC when its name is not known here (never fail a digest)."""
    try:
        return ZoneInfo(chat.timezone)
    except (ValueError, KeyError, OSError):  # not found is a KeyError; "Europe" a directory
        return UTC


def _local(moment: datetime, zone: tzinfo) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone)


def header_text(chat: ChatSettings, now: datetime) -> str:
    """ "📰 News · 28 January, 20:00" in the chat's zone and UI language."""
    lang = chat.ui_language
    local = _local(now, chat_zone(chat))
    when = t(
        lang,
        "digest.when",
        day=local.day,
        month=t(lang, f"digest.month.{local.month}"),
        time=f"{local:%H:%M}",
    )
    return t(lang, "digest.header", when=when)


def _clean(text: str, max_chars: int) -> str:
    """One clean line of at most `max_chars`; only the start of a huge string is read."""
    return clip(clean_text(text[: max_chars * 4]), max_chars)


def _heading(topic: Topic | None, lang: str) -> str:
    if topic is None:
        return t(lang, "digest.other")
    name = _clean(topic.name(lang), MAX_TOPIC) or _clean(topic.id, MAX_TOPIC)
    emoji = _clean(topic.emoji, MAX_EMOJI)
    return f"{emoji} {name}" if emoji else name


@dataclass(frozen=True, slots=True)
class _Line:
    """One story's visible parts, cleaned and clipped."""

    title: str
    url: str | None
    source: str
    time: str
    others: int


def _line(story: Story, lang: str, zone: tzinfo) -> _Line:
    lead = story.lead
    title = _clean(lead.title, MAX_TITLE) or t(lang, "digest.untitled")
    source = _clean(lead.source_name, MAX_SOURCE) or _clean(lead.source_id, MAX_SOURCE)
    others = len({item.source_id for item in story.others} - {lead.source_id})
    url = clean_url(lead.url) if len(lead.url) <= MAX_HREF else None  # too long to keep
    return _Line(title, url, source, f"{_local(lead.published_at, zone):%H:%M}", others)


def _tail(line: _Line) -> str:
    return f" — {line.source}, {line.time}" + (f" (+{line.others})" if line.others else "")


def _html_line(line: _Line) -> str:
    title = escape_text(line.title)
    href = escape_attr(line.url) if line.url else ""
    if href and utf16_len(href) <= MAX_HREF:
        title = f'<a href="{href}">{title}</a>'
    return f"• {title}{escape_text(_tail(line))}"


def _bold(text: str) -> str:
    return f"<b>{escape_text(text)}</b>"


class _Packer:
    """Lines into messages of at most MESSAGE_LIMIT UTF-16 units, split only between lines."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self._lines: list[str] = []
        self._size = 0

    def fits(self, lines: Sequence[str]) -> bool:
        added = sum(utf16_len(line) + 1 for line in lines) - (0 if self._lines else 1)
        return self._size + added <= MESSAGE_LIMIT

    def add(self, lines: Sequence[str]) -> None:
        for line in lines:
            self._size += utf16_len(line) + (1 if self._lines else 0)
            self._lines.append(line)

    def flush(self) -> None:
        while self._lines and not self._lines[-1]:
            self._lines.pop()
        if self._lines:
            self.parts.append("\n".join(self._lines))
        self._lines, self._size = [], 0

    @property
    def empty(self) -> bool:
        return not self._lines


def _render_html(layout: Layout, chat: ChatSettings, now: datetime) -> list[str]:
    lang, zone = chat.ui_language, chat_zone(chat)
    packer = _Packer()
    packer.add([_bold(header_text(chat, now))])
    for section in layout.sections:
        heading = _heading(section.topic, lang)
        for i, story in enumerate(section.stories):
            line = _html_line(_line(story, lang, zone))
            block = ["", _bold(heading), line] if i == 0 else [line]
            if not packer.fits(block):
                packer.flush()
                cont = heading if i == 0 else t(lang, "digest.continued", heading=heading)
                block = [_bold(cont), line]
            packer.add(block)
    if layout.more:
        more = ["", f"<i>{escape_text(t(lang, 'digest.more', count=layout.more))}</i>"]
        if not packer.fits(more):
            packer.flush()
            more = more[1:]
        packer.add(more)
    packer.flush()
    return packer.parts


def build_digest(
    stories: Sequence[Story],
    *,
    chat: ChatSettings,
    topics: Sequence[Topic],
    now: datetime,
    max_items: int | None,
) -> RenderedDigest:
    """The digest of `stories` for `chat` as HTML messages; no parts when there are none.

    `topics` are the configured topics (names, emoji, order for chats following all);
    `now` (UTC) dates the header; `max_items` bounds the lines (None = no bound).
    """
    layout = arrange(stories, chat=chat, topics=topics, max_items=max_items)
    shown = layout.stories
    if not shown:
        return RenderedDigest((), (), 0, layout.more)
    return RenderedDigest(
        parts=tuple(_render_html(layout, chat, now)),
        item_ids=tuple(item.id for story in shown for item in story.items),
        story_count=len(shown),
        more=layout.more,
    )


def render_plain(
    stories: Sequence[Story],
    *,
    chat: ChatSettings,
    topics: Sequence[Topic],
    now: datetime,
    max_items: int | None,
) -> str:
    """The same digest as plain text for a terminal: one message, each URL on the line
    under its title; "" when there is nothing to show."""
    layout = arrange(stories, chat=chat, topics=topics, max_items=max_items)
    if not layout.stories:
        return ""
    lang, zone = chat.ui_language, chat_zone(chat)
    lines = [header_text(chat, now)]
    for section in layout.sections:
        lines += ["", _heading(section.topic, lang)]
        for story in section.stories:
            line = _line(story, lang, zone)
            lines.append(f"• {line.title}{_tail(line)}")
            if line.url:
                lines.append(f"  {line.url}")
    if layout.more:
        lines += ["", t(lang, "digest.more", count=layout.more)]
    return "\n".join(lines)
