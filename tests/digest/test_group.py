"""Folding the same story from several outlets into one line, tuned on real headlines."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.digest import group_stories
from bot.domain import StoredItem, Story

from .helpers import at, item

FIXTURE = json.loads(
    (Path(__file__).parent.parent / "data" / "same_story.json").read_text(encoding="utf-8")
)["headlines"]


def fixture_item(index: int, headline: dict[str, Any]) -> StoredItem:
    return item(
        index,
        headline["title"],
        source=headline["source"],
        lang=headline["lang"],
        published=at(6) + timedelta(minutes=headline["minutes"]),
    )


FIXTURE_ITEMS = [fixture_item(i, h) for i, h in enumerate(FIXTURE)]


def titles(stories: list[Story]) -> list[list[str]]:
    return [[it.title for it in story.items] for story in stories]


def merged(a: str, b: str, *, lang: str = "en") -> bool:
    first = item(1, a, source="one", lang=lang, published=at(9))
    second = item(2, b, source="two", lang=lang, published=at(10))
    return len(group_stories([first, second])) == 1


def test_fixture_folds_into_exactly_its_stories() -> None:
    expected: dict[str, set[str]] = defaultdict(set)
    for headline in FIXTURE:
        expected[headline["story"]].add(headline["title"])
    got = [set(story) for story in titles(group_stories(FIXTURE_ITEMS))]
    assert sorted(map(sorted, got)) == sorted(map(sorted, expected.values()))


NEAR_MISSES = [
    (i, j)
    for i, a in enumerate(FIXTURE)
    for j, b in enumerate(FIXTURE)
    if a.get("near") == b["story"] and a["lang"] == b["lang"]
]


@pytest.mark.parametrize(("i", "j"), NEAR_MISSES)
def test_fixture_near_misses_stay_apart(i: int, j: int) -> None:
    stories = group_stories([FIXTURE_ITEMS[i], FIXTURE_ITEMS[j]])
    assert len(stories) == 2, titles(stories)


@pytest.mark.parametrize(
    ("a", "b", "lang"),
    [
        (
            "Zelensky meets Macron in Paris to discuss security guarantees",
            "Zelensky, Macron discuss security guarantees at Paris meeting",
            "en",
        ),
        (
            "Five injured in Russian drone attack on Kharkiv",
            "Russian drone attack on Kharkiv injures 5",
            "en",
        ),
        (
            "Зеленський зустрівся з Макроном у Парижі: обговорили гарантії безпеки",
            "Макрон прийняв Зеленського в Парижі, говорили про безпекові гарантії",
            "uk",
        ),
        (
            "Росіяни атакували Харків дронами: п'ятеро поранених",
            "Атака дронів на Харкові: п'ятеро постраждалих",
            "uk",
        ),
    ],
)
def test_paraphrases_fold(a: str, b: str, lang: str) -> None:
    assert merged(a, b, lang=lang)


@pytest.mark.parametrize(
    ("a", "b", "lang"),
    [
        (
            "Russian drone attack on Kharkiv injures 5",
            "Russian drone attack on Odesa injures 5",
            "en",
        ),
        (
            "Russian drone attack on Kharkiv injures 5",
            "Russian drone attack on Kharkiv injures 7",
            "en",
        ),
        ("Ukraine receives F-16s", "Ukraine receives ATACMS", "en"),
        ("EU approves 16th sanctions package", "EU approves 17th sanctions package", "en"),
        (
            "Перший в Україні культурний хаб ЮНЕСКО запрацював у Львові",
            "В Одесі відкрили перший в Україні Культурний хаб ЮНЕСКО",
            "uk",
        ),
        ("Zelensky meets Macron in Paris", "Putin meets Xi in Beijing", "en"),
    ],
)
def test_same_template_different_facts_stay_apart(a: str, b: str, lang: str) -> None:
    assert not merged(a, b, lang=lang)


def test_items_of_one_source_never_fold() -> None:
    title = "Zelensky meets Macron in Paris to discuss security guarantees"
    items = [item(1, title, source="same"), item(2, title, source="same")]
    assert len(group_stories(items)) == 2


def test_a_story_counts_each_outlet_once() -> None:
    title = "Zelensky meets Macron in Paris to discuss security guarantees"
    items = [
        item(1, title, source="a", published=at(9)),
        item(2, title, source="a", published=at(10)),
        item(3, title, source="b", published=at(11)),
    ]
    stories = group_stories(items)
    assert sorted(len(s.items) for s in stories) == [1, 2]
    assert all(len({it.source_id for it in s.items}) == len(s.items) for s in stories)


def test_different_languages_never_fold() -> None:
    title = "NATO summit opens in The Hague"
    items = [item(1, title, source="a", lang="en"), item(2, title, source="b", lang="nl")]
    assert len(group_stories(items)) == 2


def test_headlines_further_apart_than_the_window_stay_apart() -> None:
    title = "Zelensky meets Macron in Paris to discuss security guarantees"
    items = [
        item(1, title, source="a", published=at(0)),
        item(2, title, source="b", published=at(13)),
    ]
    assert len(group_stories(items)) == 2
    assert len(group_stories(items, window=timedelta(hours=14))) == 1


def test_same_article_url_folds_whatever_the_titles() -> None:
    items = [
        item(1, "Breaking: talks in Paris", source="a", url="https://www.site.ua/news/123/"),
        item(2, "Macron receives guest", source="b", url="http://site.ua/news/123?utm_source=x"),
        item(3, "Unrelated", source="c", url="https://site.ua/news/124"),
    ]
    assert titles(group_stories(items)) == [
        ["Breaking: talks in Paris", "Macron receives guest"],
        ["Unrelated"],
    ]


def test_the_earliest_item_leads() -> None:
    title = "Zelensky meets Macron in Paris to discuss security guarantees"
    items = [
        item(1, title, source="late", published=at(12)),
        item(2, title, source="early", published=at(9)),
        item(3, title, source="middle", published=at(10)),
    ]
    (story,) = group_stories(items)
    assert story.lead.source_id == "early"
    assert [it.source_id for it in story.others] == ["middle", "late"]


def test_a_preferred_source_leads() -> None:
    title = "Zelensky meets Macron in Paris to discuss security guarantees"
    items = [
        item(1, title, source="early", published=at(9)),
        item(2, title, source="liked", published=at(11)),
        item(3, title, source="loved", published=at(12)),
    ]
    (story,) = group_stories(items, prefer_sources=("loved", "liked"))
    assert story.lead.source_id == "loved"
    (story,) = group_stories(items, prefer_sources=("nobody",))
    assert story.lead.source_id == "early"


def test_many_candidates_stay_cheap() -> None:
    """A few hundred look-alike headlines (the worst case for the index) still group."""
    items = [
        item(i, f"Russian drone attack on Town{i} injures 5", source=f"s{i % 9}")
        for i in range(400)
    ]
    assert len(group_stories(items)) == 400
