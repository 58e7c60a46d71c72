"""Which stored items a chat's digest may show: its news languages and its topics."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain import ChatSettings, StoredItem


def wants(item: StoredItem, chat: ChatSettings) -> bool:
    """Whether `chat` follows `item`: a language it reads (none chosen = all) and a topic
    it follows. An item with no topic is "other", which only chats following all topics
    (``topics is None``) get."""
    if chat.languages and item.language not in chat.languages:
        return False
    if chat.topics is None:
        return True
    return any(topic in chat.topics for topic in item.topics)


def select_items(
    items: Sequence[StoredItem],
    chat: ChatSettings,
    *,
    since: datetime | None = None,
) -> list[StoredItem]:
    """The items `chat` follows, in the given order; with `since`, only those stored after
    it (the store normally applies the chat's watermark itself)."""
    return [
        item for item in items if (since is None or item.stored_at > since) and wants(item, chat)
    ]
