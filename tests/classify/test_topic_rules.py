"""How keyword and category rules match, on small hand-made topic sets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.classify.topics import TopicMatcher, classify_topics, keyword_problem
from bot.domain import Topic


def _topic(topic_id: str, *keywords: str, categories: tuple[str, ...] = ()) -> Topic:
    return Topic(
        id=topic_id, names={"en": topic_id}, keywords={"en": keywords}, categories=categories
    )


def _matches(keyword: str, title: str, summary: str = "") -> bool:
    return TopicMatcher([_topic("t", keyword)]).match(title, summary) == ("t",)


@pytest.mark.parametrize(
    ("keyword", "text", "expected"),
    [
        ("war", "War in Ukraine", True),
        ("war", "Wars in Europe", False),  # no * = the whole word only
        ("war*", "Wars and warfare", True),
        ("war*", "New software released", False),  # a prefix never matches mid-word
        ("war*", "Award for the best film", False),
        ("war*", "Dwarf planet found", False),
        ("weapon*", "Weapons for Ukraine", True),
        ("weapon*", "Superweapons of the future", False),
        ("оборон*", "Оборона Києва", True),
        ("оборон*", "Міноборони закупило дрони", False),  # inside a word only when asked:
        ("*оборон*", "Міноборони закупило дрони", True),  # ...like this
        ("*оборон*", "ОБОРОННИЙ бюджет", True),
        ("*енерго", "Укренерго оголосило графіки", True),
        ("*енерго", "Енергоатом", False),
        ("NATO", "Nato summit opens", True),  # any case
        ("NATO", "NATO's new chief", True),  # the apostrophe ends the word
        ("ЗСУ", "зсу звільнили село", True),
        ("straße", "STRASSE gesperrt", True),  # case folding, not just lowering
        ("обліков* ставк*", "НБУ зберіг облікову ставку", True),
        ("обліков* ставк*", "облікову  ставку", True),  # any run of spaces
        ("обліков* ставк*", "облікова політика і ставки", False),  # the words must be adjacent
        ("full scale", "full-scale invasion", True),  # a space also matches a hyphen
        ("прем'єр*", "Премʼєр-міністр Словаччини", True),  # apostrophe variants are equal
        ("прем'єр*", "прем’єрка", True),
        ("F-16*", "Ukraine receives more F-16s", True),
        ("F-16*", "F-166 engine", True),  # * is any letters or digits in the same word
        ("war", "", False),
    ],
)
def test_keyword_rule(keyword: str, text: str, expected: bool) -> None:
    assert _matches(keyword, text) is expected


def test_keyword_in_summary_counts_unless_title_only() -> None:
    assert _matches("military", "Day in review", "The military said...")
    assert _matches("^war", "War in Ukraine: day 1000")
    assert not _matches("^war", "Economy grew 3%", "despite Russia's war")
    assert not _matches("^war", "Economy grew 3%", "war")


def test_a_phrase_does_not_span_title_and_summary() -> None:
    assert not _matches("key rate", "Central bank keeps key", "rate unchanged")


def test_categories_match_case_folded_and_trimmed() -> None:
    matcher = TopicMatcher([_topic("defense", categories=("War", "Війна")), _topic("x")])
    assert matcher.match("Headline", "", ["  war "]) == ("defense",)
    assert matcher.match("Headline", "", ["ВІЙНА"]) == ("defense",)
    assert matcher.match("Headline", "", ["Warfare", "Wars"]) == ()
    assert matcher.match("Headline", "", ["Russian  war"]) == ()


def test_multi_word_category_ignores_repeated_spaces() -> None:
    matcher = TopicMatcher([_topic("world", categories=("In the world",))])
    assert matcher.match("x", "", ["in  the\tworld"]) == ("world",)


def test_result_is_in_configured_order_without_duplicates() -> None:
    topics = [
        _topic("defense", "NATO"),
        _topic("politics", "Zelensk*"),
        _topic("economy", "budget*", categories=("Economy",)),
    ]
    got = classify_topics(
        "Budget: Zelensky and NATO",
        "NATO budget",
        ["Economy", "economy"],
        topics=topics,
        fixed=("economy", "defense", "economy"),
    )
    assert got == ("defense", "politics", "economy")


def test_fixed_topics_are_always_carried() -> None:
    topics = [_topic("defense", "NATO"), _topic("economy", "budget")]
    assert classify_topics("Weather today", "", [], topics=topics, fixed=("economy",)) == (
        "economy",
    )


def test_fixed_topic_not_in_the_topic_set_is_kept_last() -> None:
    topics = [_topic("defense", "NATO")]
    assert classify_topics("NATO", "", [], topics=topics, fixed=("legacy",)) == (
        "defense",
        "legacy",
    )


def test_nothing_matches_means_other() -> None:
    assert classify_topics("Weather today", "Sunny", ["Life"], topics=[_topic("d", "NATO")]) == ()
    assert classify_topics("Weather today", "", [], topics=[]) == ()


def test_a_new_topic_set_is_not_served_from_the_cache() -> None:
    first = (_topic("defense", "NATO"),)
    second = (_topic("defense", "army"),)
    assert classify_topics("NATO army", "", [], topics=first) == ("defense",)
    assert classify_topics("NATO", "", [], topics=second) == ()
    assert classify_topics("NATO", "", [], topics=list(first)) == ("defense",)


@pytest.mark.parametrize("keyword", ["", "  ", "*", "^", "^*", "**", "'", "a**b"])
def test_unusable_keywords_are_reported(keyword: str) -> None:
    assert keyword_problem(keyword) is not None
    with pytest.raises(ValueError, match="topic 'bad'"):
        TopicMatcher([_topic("bad", keyword)])


@pytest.mark.parametrize("keyword", ["NATO", "war*", "*оборон*", "^war", "обліков* ставк*", "F-16"])
def test_usable_keywords_pass(keyword: str) -> None:
    assert keyword_problem(keyword) is None


_WORD = st.text(st.characters(categories=["Ll", "Lu"]), min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(
    word=_WORD,
    left=st.sampled_from(["", " ", "(", "«", "— "]),
    right=st.sampled_from(["", " ", ".", ":", "»"]),
)
def test_a_keyword_always_finds_itself_as_a_word(word: str, left: str, right: str) -> None:
    assert _matches(word, f"{left}{word}{right}")
    assert _matches(word + "*", f"{left}{word}{right}")


@settings(max_examples=150, deadline=None)
@given(
    title=st.text(max_size=200),
    summary=st.text(max_size=400),
    categories=st.lists(st.text(max_size=30), max_size=5),
    fixed=st.lists(st.sampled_from(["defense", "politics", "other"]), max_size=3),
)
def test_never_raises_and_returns_known_ids_once(
    title: str, summary: str, categories: list[str], fixed: list[str]
) -> None:
    topics = (
        _topic("defense", "NATO", "*оборон*", "^war", categories=("War",)),
        _topic("politics", "Zelensk*", "прем'єр*", "Verkhovna Rada"),
    )
    got = classify_topics(title, summary, categories, topics=topics, fixed=fixed)
    assert len(got) == len(set(got))
    assert set(got) <= {"defense", "politics", *fixed}
    assert set(fixed) <= set(got)
