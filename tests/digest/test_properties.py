"""Whatever the feeds say, every message is valid Telegram HTML within 4096, and every
story the chat should get is shown exactly once or counted in "+N more"."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.digest import compose_digest, group_stories, select_items
from bot.domain import ChatSettings, StoredItem, Topic

from .telegram_html import hrefs, utf16_len, visible_text

TOPIC_IDS = ("defense", "politics", "education")
NASTY = "<>&\"'; \n\t\r\x00\u2028\ud800 😀🇺🇦👩‍👩‍👧 &amp; &lt;b&gt; <b> </a> \u200b ї"
text = st.text(alphabet=st.one_of(st.characters(), st.sampled_from(NASTY)), max_size=80)
# Long strings are short ones repeated: drawing thousands of characters one by one is slow.
huge_text = st.builds(
    lambda chunk, times: (chunk * times)[:3000],
    st.text(alphabet=st.sampled_from(NASTY + "abc "), min_size=5, max_size=40),
    st.integers(4, 200),
)
long_text = st.one_of(text, huge_text)
START = datetime(2025, 1, 28, tzinfo=UTC)
moments = st.integers(0, 3 * 24 * 60).map(lambda minutes: START + timedelta(minutes=minutes))
topic_lists = st.lists(st.sampled_from(TOPIC_IDS), max_size=2, unique=True).map(tuple)


def items(*, wild_urls: bool) -> st.SearchStrategy[list[StoredItem]]:
    """Up to 60 items. With `wild_urls` a URL may be anything and titles are long (so
    digests split); else a URL is a web link unique to the item, so the test can find
    each story's line by its link."""
    url_tail = st.one_of(st.just(""), long_text) if wild_urls else text
    row = st.tuples(
        st.sampled_from(["a", "b", "c", "d", "<&>"]),
        st.one_of(st.just("Rubryka"), text, long_text),
        st.booleans() if wild_urls else st.just(True),
        url_tail,
        huge_text if wild_urls else st.one_of(long_text, st.just("Ukraine receives F-16s")),
        st.sampled_from(["en", "uk"]),
        topic_lists,
        moments,
    )

    def build(rows: list[tuple[Any, ...]]) -> list[StoredItem]:
        return [
            StoredItem(
                id=i,
                source_id=source,
                source_name=name,
                url=(f"https://n{i}.example/" if web else "") + tail,
                title=title,
                language=lang,
                topics=topics,
                published_at=published,
                stored_at=START,
            )
            for i, (source, name, web, tail, title, lang, topics, published) in enumerate(rows)
        ]

    sizes = st.one_of(st.integers(0, 8), st.integers(30, 60))  # small, and enough to split
    return sizes.flatmap(lambda size: st.lists(row, min_size=size, max_size=size)).map(build)


topic_configs = st.lists(
    st.builds(
        lambda tid, name, emoji: Topic(tid, {"en": name, "uk": name}, emoji=emoji),
        st.sampled_from(TOPIC_IDS),
        st.one_of(text, long_text),
        st.one_of(st.just("🛡"), text),
    ),
    max_size=3,
    unique_by=lambda topic: topic.id,
)

chats = st.builds(
    ChatSettings,
    chat_id=st.just(1),
    ui_language=st.sampled_from(["en", "uk"]),
    languages=st.sampled_from([(), ("uk",), ("en", "uk")]),
    topics=st.one_of(st.none(), st.lists(st.sampled_from(TOPIC_IDS), max_size=3).map(tuple)),
    timezone=st.sampled_from(
        ["Europe/Kyiv", "UTC", "America/St_Johns", "Nowhere/Else", "Europe", ""]
    ),
)


def check_parts(parts: tuple[str, ...]) -> None:
    for part in parts:
        assert utf16_len(part) <= 4096
        assert 0 < utf16_len(visible_text(part)) <= 4096
        assert part == part.strip()


@settings(max_examples=40, deadline=None)
@given(
    items(wild_urls=False),
    chats,
    topic_configs,
    moments,
    st.one_of(st.none(), st.integers(1, 40)),
)
def test_every_story_once_or_counted(
    items: list[StoredItem],
    chat: ChatSettings,
    topics: list[Topic],
    now: datetime,
    max_items: int | None,
) -> None:
    digest = compose_digest(items, chat=chat, topics=topics, now=now, max_items=max_items)
    check_parts(digest.parts)
    stories = group_stories(select_items(items, chat), window=timedelta(hours=12))
    assert digest.story_count + digest.more == len(stories)
    if max_items is not None:
        assert digest.story_count == min(max_items, len(stories))
    shown = [
        int(match.group(1))
        for part in digest.parts
        for href in hrefs(part)
        if (match := re.match(r"https://n(\d+)\.example/", href))
    ]
    assert len(shown) == len(set(shown)) == digest.story_count
    leads = {story.lead.id: story for story in stories}
    assert set(shown) <= set(leads)
    assert sorted(digest.item_ids) == sorted(
        item.id for lead in shown for item in leads[lead].items
    )


@settings(max_examples=40, deadline=None)
@given(items(wild_urls=True), chats, topic_configs, moments, st.integers(1, 80))
def test_any_feed_strings_give_valid_messages(
    items: list[StoredItem],
    chat: ChatSettings,
    topics: list[Topic],
    now: datetime,
    max_items: int,
) -> None:
    digest = compose_digest(items, chat=chat, topics=topics, now=now, max_items=max_items)
    check_parts(digest.parts)
    lines = [line for part in digest.parts for line in visible_text(part).splitlines()]
    assert sum(1 for line in lines if line.startswith("• ")) >= digest.story_count
