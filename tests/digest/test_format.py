"""Digest messages exactly as a reader sees them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.digest import build_digest, compose_digest, compose_plain, group_stories
from bot.domain import ChatSettings, Story, Topic

from .helpers import TOPICS, at, item
from .telegram_html import hrefs, utf16_len, visible_text

# 22:30 UTC on 28 January is already 00:30 on 29 January in Kyiv (UTC+2).
NOW = datetime(2025, 1, 28, 22, 30, tzinfo=UTC)

ITEMS = [
    item(
        1,
        "NATO to share classified data with EU and defense industry",
        source="rubryka-en",
        name="Rubryka",
        url="https://rubryka.com/en/nato/",
        published=at(15, 5),
    ),
    item(
        2,
        "Міноборони працює над полегшеними бронежилетами для жінок-військових",
        source="rubryka",
        name="Рубрика",
        lang="uk",
        url="https://rubryka.com/vests/",
        published=at(16, 40),
    ),
    item(
        3,
        "Міноборони розробляє полегшені бронежилети для жінок-військових",
        source="mil",
        lang="uk",
        published=at(17, 0),
    ),
    item(
        4,
        "Глави МЗС України та Іспанії підписали угоду про співпрацю в галузі освіти",
        source="rubryka",
        name="Рубрика",
        lang="uk",
        url="https://rubryka.com/edu/",
        topics=("education", "politics"),
        published=at(14, 10),
    ),
    item(5, "Parliament debates the budget", topics=("politics",)),
]


def chat(lang: str, **settings: object) -> ChatSettings:
    values: dict[str, object] = {
        "ui_language": lang,
        "topics": ("defense", "education"),
        "timezone": "Europe/Kyiv",
        **settings,
    }
    return ChatSettings(7, **values)  # type: ignore[arg-type]


def test_ukrainian_digest() -> None:
    digest = compose_digest(ITEMS, chat=chat("uk"), topics=TOPICS, now=NOW, max_items=30)
    assert digest.parts == (
        "<b>📰 Новини · 29 січня, 00:30</b>\n"
        "\n"
        "<b>🛡 Оборона</b>\n"
        '• <a href="https://rubryka.com/vests/">Міноборони працює над полегшеними '
        "бронежилетами для жінок-військових</a> — Рубрика, 18:40 (+1)\n"
        '• <a href="https://rubryka.com/en/nato/">NATO to share classified data with EU and '
        "defense industry</a> — Rubryka, 17:05\n"
        "\n"
        "<b>🎓 Освіта</b>\n"
        '• <a href="https://rubryka.com/edu/">Глави МЗС України та Іспанії підписали угоду '
        "про співпрацю в галузі освіти</a> — Рубрика, 16:10",
    )
    assert sorted(digest.item_ids) == [1, 2, 3, 4]
    assert (digest.story_count, digest.more) == (3, 0)


def test_english_digest() -> None:
    digest = compose_digest(ITEMS, chat=chat("en"), topics=TOPICS, now=NOW, max_items=30)
    assert digest.parts == (
        "<b>📰 News · 29 January, 00:30</b>\n"
        "\n"
        "<b>🛡 Defense</b>\n"
        '• <a href="https://rubryka.com/vests/">Міноборони працює над полегшеними '
        "бронежилетами для жінок-військових</a> — Рубрика, 18:40 (+1)\n"
        '• <a href="https://rubryka.com/en/nato/">NATO to share classified data with EU and '
        "defense industry</a> — Rubryka, 17:05\n"
        "\n"
        "<b>🎓 Education</b>\n"
        '• <a href="https://rubryka.com/edu/">Глави МЗС України та Іспанії підписали угоду '
        "про співпрацю в галузі освіти</a> — Рубрика, 16:10",
    )


def test_plain_preview_shows_the_same_lines_and_the_urls() -> None:
    text = compose_plain(ITEMS, chat=chat("en"), topics=TOPICS, now=NOW, max_items=30)
    assert text == (
        "📰 News · 29 January, 00:30\n"
        "\n"
        "🛡 Defense\n"
        "• Міноборони працює над полегшеними бронежилетами для жінок-військових"
        " — Рубрика, 18:40 (+1)\n"
        "  https://rubryka.com/vests/\n"
        "• NATO to share classified data with EU and defense industry — Rubryka, 17:05\n"
        "  https://rubryka.com/en/nato/\n"
        "\n"
        "🎓 Education\n"
        "• Глави МЗС України та Іспанії підписали угоду про співпрацю в галузі освіти"
        " — Рубрика, 16:10\n"
        "  https://rubryka.com/edu/"
    )


def test_nothing_new_gives_no_messages() -> None:
    digest = compose_digest([], chat=chat("en"), topics=TOPICS, now=NOW, max_items=30)
    assert digest.empty and digest.parts == () and digest.item_ids == ()
    assert compose_plain([], chat=chat("en"), topics=TOPICS, now=NOW, max_items=30) == ""


def test_header_follows_the_chats_time_zone() -> None:
    digest = compose_digest(
        ITEMS, chat=chat("en", timezone="America/New_York"), topics=TOPICS, now=NOW, max_items=9
    )
    assert digest.parts[0].startswith("<b>📰 News · 28 January, 17:30</b>")
    assert "— Rubryka, 10:05" in digest.parts[0]


def test_unknown_time_zone_falls_back_to_utc() -> None:
    digest = compose_digest(
        ITEMS, chat=chat("uk", timezone="Mars/Base"), topics=TOPICS, now=NOW, max_items=9
    )
    assert digest.parts[0].startswith("<b>📰 Новини · 28 січня, 22:30</b>")


def test_feed_strings_are_escaped() -> None:
    story = item(
        1,
        'Watch <b>this</b> & "that"',
        name="A&B <Media>",
        url='https://ex.com/?a=1&b=<x>"y"',
    )
    (part,) = compose_digest([story], chat=chat("en"), topics=TOPICS, now=NOW, max_items=9).parts
    assert part.endswith(
        '• <a href="https://ex.com/?a=1&amp;b=%3Cx%3E%22y%22">'
        'Watch &lt;b&gt;this&lt;/b&gt; &amp; "that"</a> — A&amp;B &lt;Media&gt;, 12:00'
    )
    assert visible_text(part).endswith('• Watch <b>this</b> & "that" — A&B <Media>, 12:00')
    assert hrefs(part) == ["https://ex.com/?a=1&b=%3Cx%3E%22y%22"]


def test_a_title_on_several_lines_stays_on_one() -> None:
    story = item(1, "First line\nsecond\r\nthird\u2028fourth\x00")
    (part,) = compose_digest([story], chat=chat("en"), topics=TOPICS, now=NOW, max_items=9).parts
    assert part.splitlines()[-1].startswith(
        '• <a href="https://src.example/news/1">First line second third fourth</a>'
    )


def test_a_link_that_is_not_a_web_link_is_dropped() -> None:
    story = item(1, "Click", url="javascript:alert(1)")
    (part,) = compose_digest([story], chat=chat("en"), topics=TOPICS, now=NOW, max_items=9).parts
    assert part.endswith("\n• Click — Src, 12:00")


def test_an_over_long_title_is_shortened_with_an_ellipsis() -> None:
    story = item(1, "word " * 500)
    (part,) = compose_digest([story], chat=chat("en"), topics=TOPICS, now=NOW, max_items=9).parts
    title = visible_text(part).splitlines()[-1].removeprefix("• ").split(" — ")[0]
    assert title.endswith("word…")
    assert len(title) <= 200


def test_an_item_appears_once_under_the_chats_first_matching_topic() -> None:
    both = item(1, "Defence and schools", topics=("defense", "education"))
    digest = compose_digest(
        [both],
        chat=chat("en", topics=("education", "defense")),
        topics=TOPICS,
        now=NOW,
        max_items=9,
    )
    (part,) = digest.parts
    assert "🎓 Education" in part and "Defense" not in part
    assert part.count("Defence and schools") == 1


def test_items_without_a_followed_topic_go_under_other_last() -> None:
    items = [item(1, "No topic at all", topics=()), item(2, "Army news", source="b")]
    digest = compose_digest(
        items, chat=chat("uk", topics=None), topics=TOPICS, now=NOW, max_items=9
    )
    (part,) = digest.parts
    assert part.index("<b>🛡 Оборона</b>") < part.index("<b>🗂 Інше</b>\n• <a")
    assert part.index("Army news") < part.index("No topic at all")


def test_all_topics_chat_sees_configured_order() -> None:
    items = [
        item(1, "School news", topics=("education",)),
        item(2, "Army news", source="b", topics=("defense",)),
    ]
    (part,) = compose_digest(
        items, chat=chat("en", topics=None), topics=TOPICS, now=NOW, max_items=9
    ).parts
    assert part.index("Defense") < part.index("Education")


def test_max_items_keeps_the_newest_of_every_topic_and_says_how_many_more() -> None:
    items = [
        *(item(i, f"Army story {i}", source=f"d{i}", published=at(i)) for i in range(10)),
        item(20, "Politics story one", topics=("politics",), published=at(1)),
        item(21, "Politics story two", source="p", topics=("politics",), published=at(2)),
        item(30, "Education story", topics=("education",), published=at(3)),
    ]
    digest = compose_digest(
        items,
        chat=chat("en", topics=("defense", "politics", "education")),
        topics=TOPICS,
        now=NOW,
        max_items=6,
    )
    (part,) = digest.parts
    text = visible_text(part)
    assert (digest.story_count, digest.more) == (6, 7)
    assert [line for line in text.splitlines() if line.startswith("• Army")] == [
        "• Army story 9 — D9, 11:00",
        "• Army story 8 — D8, 10:00",
        "• Army story 7 — D7, 09:00",
    ]
    assert "Politics story two" in text and "Politics story one" in text
    assert "Education story" in text
    assert text.endswith("\n\n+7 more not shown: follow fewer /topics, or use /digest more often.")
    assert part.endswith(
        "<i>+7 more not shown: follow fewer /topics, or use /digest more often.</i>"
    )


def long_stories(count: int) -> list[Story]:
    return group_stories(
        [
            item(
                i,
                f"Story {i} " + "довгий заголовок з емодзі 🚀 " * 8,
                source=f"s{i}",
                url=f"https://example.com/{i}/" + "x" * 150,
                published=at(0, i % 60),
            )
            for i in range(count)
        ]
    )


@pytest.mark.parametrize("lang", ["en", "uk"])
def test_long_digests_split_between_lines_and_repeat_the_heading(lang: str) -> None:
    stories = long_stories(60)
    digest = build_digest(stories, chat=chat(lang), topics=TOPICS, now=NOW, max_items=None)
    assert len(digest.parts) > 2
    cont = "(cont.)" if lang == "en" else "(продовження)"
    heading = "🛡 Defense" if lang == "en" else "🛡 Оборона"
    for number, part in enumerate(digest.parts):
        assert utf16_len(part) <= 4096
        assert utf16_len(visible_text(part)) <= 4096
        first = part.splitlines()[0]
        assert first.startswith("<b>📰") if number == 0 else first == f"<b>{heading} {cont}</b>"
    links = [href for part in digest.parts for href in hrefs(part)]
    assert sorted(links) == sorted(story.lead.url for story in stories)
    assert digest.story_count == 60


def test_the_more_line_moves_to_a_new_message_when_the_last_one_is_full() -> None:
    stories = long_stories(80)
    for max_items in range(5, 40):
        digest = build_digest(stories, chat=chat("en"), topics=TOPICS, now=NOW, max_items=max_items)
        assert digest.parts[-1].endswith("more often.</i>")
        for part in digest.parts:
            assert utf16_len(part) <= 4096
            assert not part.startswith("\n") and not part.endswith("\n")


def test_unknown_followed_topic_gets_its_id_as_heading() -> None:
    digest = compose_digest(
        [item(1, "Space news", topics=("space",))],
        chat=chat("en", topics=("space",)),
        topics=[Topic("defense", {"en": "Defense"})],
        now=NOW,
        max_items=9,
    )
    assert "<b>space</b>\n• " in digest.parts[0]
