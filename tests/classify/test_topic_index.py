"""The indexed matcher (words looked up, phrases verified) against the plain rule: one
regex search per keyword, written here straight from the documented keyword rule."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.classify.topics import TopicMatcher, keyword_problem
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
