"""The indexed matcher (words looked up, phrases verified) against the plain rule: one
regex search per keyword, written here straight from the documented keyword rule."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.classify import topics as topics_module
from bot.classify.topics import TopicMatcher, keyword_problem
from bot.classify.topics import _fold as _matcher_fold
from bot.domain import Topic

_SEPARATOR = r"[\s\-‐‑‒–—]+"


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = re.sub("[\u00ad\u200b\u200c\u200d\u2060\ufeff\u0301]", "", text)
    return re.sub("[’ʼ‘`´′]", "'", text).casefold()


def _search(keyword: str, text: str) -> bool:
    words = [r"\w*".join(map(re.escape, word.split("*"))) for word in _fold(keyword).split()]
    return re.search(r"(?<!\w)" + _SEPARATOR.join(words) + r"(?!\w)", _fold(text)) is not None


def _reference(topics: list[Topic], title: str, summary: str) -> tuple[str, ...]:
    found = []
    for topic in topics:
        for word in (w for words in topic.keywords.values() for w in words):
            body = word.strip()
            if body.startswith("^"):
                hit = _search(body[1:].strip(), title)
            else:
                hit = _search(body, title) or _search(body, summary)
            if hit:
                found.append(topic.id)
                break
    return tuple(found)


_PIECES = st.sampled_from(["a", "b", "ab", "é", "ё", "Ё", "*", "*", "'", "-", " ", "."])
_KEYWORD = (
    st.lists(_PIECES, min_size=1, max_size=4)
    .map("".join)
    .filter(lambda k: keyword_problem(k) is None)
)
_WORDS = st.sampled_from(["a", "b", "ab", "ba", "aab", "Ab", "é", "ё", "Ёb", "е", "a\u00adb"])
_GAPS = st.sampled_from([" ", "  ", "-", "–", "'", "’", ".", ""])
_TEXT = st.lists(st.tuples(_WORDS, _GAPS), max_size=6).map(lambda ws: "".join(a + b for a, b in ws))


@settings(max_examples=400, deadline=None)
@given(
    keywords=st.lists(st.lists(_KEYWORD, min_size=1, max_size=4), min_size=1, max_size=4),
    title_only=st.lists(st.booleans(), min_size=16, max_size=16),
    title=_TEXT,
    summary=_TEXT,
)
def test_indexed_matcher_agrees_with_one_search_per_keyword(
    keywords: list[list[str]], title_only: list[bool], title: str, summary: str
) -> None:
    flags = iter(title_only)
    topics = [
        Topic(
            id=f"t{n}",
            names={"en": f"t{n}"},
            keywords={"en": tuple(("^" if next(flags) else "") + k for k in words)},
        )
        for n, words in enumerate(keywords)
    ]
    assert TopicMatcher(topics).match(title, summary) == _reference(topics, title, summary)


def test_a_word_seen_before_is_matched_the_same_after_the_cache_fills() -> None:
    matcher = TopicMatcher([Topic("d", {"en": "d"}, keywords={"uk": ("*оборон*",)})])
    assert matcher.match("Міноборони") == ("d",)
    for n in range(3000):
        matcher.match(f"слово{n} інше{n}")
    assert matcher.match("Міноборони") == ("d",)
    assert matcher.match("Мінфін") == ()


def test_folding_never_joins_or_splits_words_across_whitespace() -> None:
    # Why the matcher may fold and look up each whitespace-separated token of the raw text
    # on its own: whitespace folds to non-word characters, and normalisation never
    # composes or reorders across it. Only marks, Hangul jamo and characters that change
    # under NFC could combine with a neighbour; every such pair is tried.
    spaces = [chr(c) for c in range(0x110000) if chr(c).isspace()]
    assert all(_matcher_fold(s) and not re.search(r"\w", _matcher_fold(s)) for s in spaces)
    combining = [
        ch
        for ch in map(chr, range(0x110000))
        if not 0xD800 <= ord(ch) <= 0xDFFF
        and (
            unicodedata.category(ch).startswith("M")
            or 0x1100 <= ord(ch) <= 0x11FF
            or not unicodedata.is_normalized("NFC", ch)
        )
    ]
    assert len(combining) > 2000
    for space in spaces:
        for ch in combining:
            pair = f"{ord(space):x} {ord(ch):x}"
            assert _matcher_fold(space + ch) == _matcher_fold(space) + _matcher_fold(ch), pair
            assert _matcher_fold(ch + space) == _matcher_fold(ch) + _matcher_fold(space), pair


_DECOMPOSED = st.sampled_from(["е\u0308", "Е\u0308b", "и\u0306", "e\u0301", "a\u0301b", "\u0301a"])
_ANY_SPACE = st.sampled_from([" ", "\u00a0", "\u2000", "\u3000", "\n", "\t", "\u2028", "\x1c"])
_MIXED_TEXT = st.lists(st.tuples(_WORDS | _DECOMPOSED, _GAPS | _ANY_SPACE), max_size=6).map(
    lambda ws: "".join(a + b for a, b in ws)
)


@settings(max_examples=300, deadline=None)
@given(
    keywords=st.lists(st.lists(_KEYWORD, min_size=1, max_size=4), min_size=1, max_size=4),
    title=_MIXED_TEXT,
    summary=_MIXED_TEXT,
)
def test_any_whitespace_and_decomposed_letters_match_as_the_plain_rule_says(
    keywords: list[list[str]], title: str, summary: str
) -> None:
    topics = [
        Topic(id=f"t{n}", names={"en": f"t{n}"}, keywords={"en": tuple(words)})
        for n, words in enumerate(keywords)
    ]
    matcher = TopicMatcher(topics)
    expected = _reference(topics, title, summary)
    assert matcher.match(title, summary) == expected
    assert matcher.match(title, summary) == expected  # again, from the token cache


def test_the_cache_starting_over_within_an_item_loses_no_topic(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(topics_module, "_MAX_WORDS", 2)
    matcher = TopicMatcher(
        [
            Topic("a", {"en": "a"}, keywords={"en": ("alpha",)}),
            Topic("b", {"en": "b"}, keywords={"en": ("beta",)}),
        ]
    )
    for _ in range(4):
        assert matcher.match("alpha beta gamma delta epsilon") == ("a", "b")
