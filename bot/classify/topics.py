"""Topics of an item, from the configured keyword and category rules.

An item gets, in the configured topic order and without duplicates:

1. the source's fixed topics;
2. every topic one of whose `categories` equals one of the feed's <category> values
   (case-folded, surrounding and repeated whitespace ignored);
3. every topic one of whose keywords occurs in the title or the summary.

Keywords of every language apply to every item: the item's language may be detected
wrongly, and names such as NATO/НАТО cross languages anyway. The keyword rule:

* a keyword matches whole words, in any case: `NATO` matches "Nato's" but not "NATOs";
* `*` stands for any letters (or none) inside the same word, so the keyword says where
  the word may go on: `weapon*` matches "weapons", `*оборон*` matches "Міноборони"
  and "оборона", `обліков* ставк*` matches "облікову ставку". A word never matches in the
  middle unless the keyword says so, which is why `war*` cannot match "software" or "award";
  Ukrainian readers do expect `оборон` inside "Міноборони", so such keywords spell it out;
* a space matches any run of spaces or hyphens ("full scale" = "full-scale");
* apostrophe variants (' ’ ʼ) are the same character, so "прем'єр*" matches "Премʼєр";
* a leading `^` limits the keyword to the title: `^war` tags "War in Ukraine: day 1000" but
  not an economy story whose summary adds "amid Russia's war". Generic words that feeds
  repeat in boilerplate summaries are title-only; specific words count anywhere.

An empty result means "other". Rules compile once per topic set (`TopicMatcher`);
`classify_topics` keeps the compiled matcher of the topic sets it has seen.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.domain import Topic

__all__ = ["TopicMatcher", "classify_topics", "keyword_problem"]

_TITLE_ONLY = "^"
_APOSTROPHES = "’ʼ‘`´′"
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff\u0301"  # soft hyphen, zero widths, stress
_ODD = re.compile(f"[{_APOSTROPHES}{_INVISIBLE}]")
_ODD_TABLE = str.maketrans(dict.fromkeys(_APOSTROPHES, "'") | dict.fromkeys(_INVISIBLE, None))
_SEPARATOR = r"[\s\-‐‑‒–—]+"


def _fold(text: str) -> str:
    """The form both keywords and texts are compared in."""
    text = unicodedata.normalize("NFC", text)
    if _ODD.search(text):  # translate() costs ~10x a search, and most texts need none
        text = text.translate(_ODD_TABLE)
    return text.casefold()


def _fold_category(category: str) -> str:
    return " ".join(_fold(category).split())


def keyword_problem(keyword: str) -> str | None:
    """Why `keyword` cannot be used, or None; for `check-config` to report with its key."""
    body = keyword.strip().removeprefix(_TITLE_ONLY).strip()
    if not any(ch.isalnum() for ch in body):
        return f"keyword {keyword!r} has no letters or digits, it would match everything or nothing"
    if "**" in body:
        return f"keyword {keyword!r}: write one * for any letters"
    return None


def _pattern(keyword: str) -> str:
    """Regex for one folded keyword body (without `^`)."""
    words = []
    for word in keyword.split():
        words.append(r"\w*".join(re.escape(part) for part in word.split("*")))
    return _SEPARATOR.join(words)


def _compile(keywords: Iterable[str]) -> re.Pattern[str] | None:
    """One alternation per topic; order does not matter because the boundaries decide."""
    bodies = sorted({_pattern(_fold(k)) for k in keywords})
    if not bodies:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(bodies) + r")(?!\w)")


@dataclass(frozen=True, slots=True)
class _Rule:
    topic_id: str
    anywhere: re.Pattern[str] | None
    title_only: re.Pattern[str] | None
    categories: frozenset[str]


class TopicMatcher:
    """The compiled rules of one topic set; build once, call `match` per item."""

    __slots__ = ("_order", "_rules")

    def __init__(self, topics: Iterable[Topic]) -> None:
        """Raises ValueError naming the topic and keyword if a keyword cannot work."""
        rules: list[_Rule] = []
        for topic in topics:
            anywhere: list[str] = []
            title_only: list[str] = []
            for language, words in topic.keywords.items():
                for word in words:
                    problem = keyword_problem(word)
                    if problem:
                        raise ValueError(f"topic {topic.id!r}, {language} keywords: {problem}")
                    stripped = word.strip()
                    if stripped.startswith(_TITLE_ONLY):
                        title_only.append(stripped.removeprefix(_TITLE_ONLY).strip())
                    else:
                        anywhere.append(stripped)
            rules.append(
                _Rule(
                    topic_id=topic.id,
                    anywhere=_compile(anywhere),
                    title_only=_compile(title_only),
                    categories=frozenset(_fold_category(c) for c in topic.categories) - {""},
                )
            )
        self._rules = tuple(rules)
        self._order = {rule.topic_id: i for i, rule in enumerate(rules)}

    def match(
        self,
        title: str,
        summary: str = "",
        categories: Sequence[str] = (),
        fixed: Sequence[str] = (),
    ) -> tuple[str, ...]:
        """Topic ids of an item, in configured order; fixed ids not configured come last."""
        found: set[str] = set(fixed)
        folded_title = _fold(title)
        folded_summary = _fold(summary)
        feed_categories = {_fold_category(c) for c in categories}
        for rule in self._rules:
            if rule.topic_id in found:
                continue
            if (
                not rule.categories.isdisjoint(feed_categories)
                or (rule.title_only is not None and rule.title_only.search(folded_title))
                or (
                    rule.anywhere is not None
                    and (rule.anywhere.search(folded_title) or rule.anywhere.search(folded_summary))
                )
            ):
                found.add(rule.topic_id)
        known = [rule.topic_id for rule in self._rules if rule.topic_id in found]
        unknown = [t for t in dict.fromkeys(fixed) if t not in self._order]
        return (*known, *unknown)


_last: tuple[tuple[Topic, ...], TopicMatcher] | None = None
_by_rules: dict[tuple[object, ...], TopicMatcher] = {}
_MAX_CACHED = 8


def _rules_key(topics: Sequence[Topic]) -> tuple[object, ...]:
    return tuple(
        (
            t.id,
            tuple(sorted((lang, tuple(words)) for lang, words in t.keywords.items())),
            tuple(t.categories),
        )
        for t in topics
    )


def _matcher(topics: Sequence[Topic]) -> TopicMatcher:
    """The compiled matcher for `topics`; the same tuple object costs one identity check."""
    global _last
    last = _last
    if last is not None and isinstance(topics, tuple) and last[0] is topics:
        return last[1]
    key = _rules_key(topics)
    matcher = _by_rules.get(key)
    if matcher is None:
        if len(_by_rules) >= _MAX_CACHED:
            _by_rules.clear()
        matcher = _by_rules[key] = TopicMatcher(topics)
    if isinstance(topics, tuple):
        _last = (topics, matcher)
    return matcher


def classify_topics(
    title: str,
    summary: str,
    categories: Sequence[str],
    *,
    topics: Sequence[Topic],
    fixed: Sequence[str] = (),
) -> tuple[str, ...]:
    """Topic ids of an item (see the module docstring); () means "other".

    For many items prefer `TopicMatcher(topics).match(...)`; this function compiles the
    rules on first use of a topic set and reuses them after.
    """
    return _matcher(topics).match(title, summary, categories, fixed)
