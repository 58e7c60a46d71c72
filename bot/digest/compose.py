"""From a chat's candidate items to its digest: select, fold same stories, format.

This is what the digest cycle, /digest and `newsbot preview` call.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.digest.format import RenderedDigest, build_digest, render_plain
from bot.digest.group import STORY_WINDOW, group_stories
from bot.digest.select import select_items
from bot.domain import ChatSettings, StoredItem, Topic


def compose_digest(
    items: Sequence[StoredItem],
    *,
    chat: ChatSettings,
    topics: Sequence[Topic],
    now: datetime,
    max_items: int | None,
    prefer_sources: Sequence[str] = (),
    window: timedelta = STORY_WINDOW,
) -> RenderedDigest:
    """The HTML digest `chat` gets from `items` (those stored since its last digest)."""
    stories = group_stories(select_items(items, chat), window=window, prefer_sources=prefer_sources)
    return build_digest(stories, chat=chat, topics=topics, now=now, max_items=max_items)


def compose_plain(
    items: Sequence[StoredItem],
    *,
    chat: ChatSettings,
    topics: Sequence[Topic],
    now: datetime,
    max_items: int | None,
    prefer_sources: Sequence[str] = (),
    window: timedelta = STORY_WINDOW,
) -> str:
    """The same digest as plain text ("" when empty), for the terminal preview."""
    stories = group_stories(select_items(items, chat), window=window, prefer_sources=prefer_sources)
    return render_plain(stories, chat=chat, topics=topics, now=now, max_items=max_items)
