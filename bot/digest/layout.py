"""Which stories a digest shows and under which heading, before any markup.

Each story appears once, under the first of the chat's topics (in the chat's order) that
any of its items carries; stories with none of them go under "Other", last. When there are
more stories than `max_items`, the slots are dealt round-robin across topics, so one busy
topic cannot crowd out the others, and each topic keeps its newest stories.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain import ChatSettings, Story, Topic


@dataclass(frozen=True, slots=True)
class Section:
    """Stories under one heading, newest first; `topic` None is "Other"."""

    topic: Topic | None
    stories: tuple[Story, ...]


@dataclass(frozen=True, slots=True)
class Layout:
    """The shown sections, and how many stories `max_items` left out."""

    sections: tuple[Section, ...]
    more: int = 0

    @property
    def stories(self) -> tuple[Story, ...]:
        return tuple(story for section in self.sections for story in section.stories)


def topic_order(chat: ChatSettings, topics: Sequence[Topic]) -> list[Topic]:
    """The chat's topics in its order (all configured topics when it follows all).
    A followed id missing from the configuration still gets a heading: its id."""
    if chat.topics is None:
        return list(topics)
    known = {topic.id: topic for topic in topics}
    order = dict.fromkeys(chat.topics)  # dedupe, keep order
    return [known.get(topic_id) or Topic(id=topic_id, names={}) for topic_id in order]


def arrange(
    stories: Sequence[Story],
    *,
    chat: ChatSettings,
    topics: Sequence[Topic],
    max_items: int | None,
) -> Layout:
    """Stories sorted into sections and bounded by `max_items` (None = no bound)."""
    order = topic_order(chat, topics)
    rank = {topic.id: i for i, topic in enumerate(order)}
    buckets: list[list[Story]] = [[] for _ in range(len(order) + 1)]  # last: Other
    for story in stories:
        ranks = [rank[t] for item in story.items for t in item.topics if t in rank]
        buckets[min(ranks, default=len(order))].append(story)
    for bucket in buckets:
        bucket.sort(key=lambda s: (s.lead.published_at, s.lead.id), reverse=True)

    total = sum(len(b) for b in buckets)
    quota = [len(b) for b in buckets]
    if max_items is not None and total > max(max_items, 0):
        quota = _deal(quota, max(max_items, 0))
    sections = tuple(
        Section(order[i] if i < len(order) else None, tuple(bucket[: quota[i]]))
        for i, bucket in enumerate(buckets)
        if quota[i]
    )
    return Layout(sections, more=total - sum(quota))


def _deal(sizes: list[int], slots: int) -> list[int]:
    """`slots` dealt one at a time to each bucket in turn, skipping full ones."""
    dealt = [0] * len(sizes)
    while slots:
        for i, size in enumerate(sizes):
            if slots and dealt[i] < size:
                dealt[i] += 1
                slots -= 1
    return dealt
