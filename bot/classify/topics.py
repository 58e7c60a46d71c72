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

Cost (bench/classify.py): ~8 µs an item with the example config's topics. Words are looked
up in an index, never searched for keyword by keyword, and the result is cached per
whitespace-separated token of the raw text, so a known token costs a set operation in C:
no folding, no regex, no Python loop; only phrase candidates fold the whole text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

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
    bodies = sorted({_pattern(k) for k in keywords})
    if not bodies:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(bodies) + r")(?!\w)")


# Which masks a keyword sets: a topic found outright, or a phrase of that topic to verify.
_ANY, _TITLE, _PHRASE_ANY, _PHRASE_TITLE = range(4)
_Masks = tuple[int, int, int, int]
_NONE: _Masks = (0, 0, 0, 0)


def _or(a: _Masks, b: _Masks) -> _Masks:
    return (a[0] | b[0], a[1] | b[1], a[2] | b[2], a[3] | b[3])


def _flag(kind: int, bit: int) -> _Masks:
    return (bit if kind == 0 else 0, bit if kind == 1 else 0, bit if kind == 2 else 0,
            bit if kind == 3 else 0)  # fmt: skip


class _Lexicon:
    """Every one-word keyword, indexed so that a word is looked up, not searched for.

    A one-word keyword (letters, digits and `*` only) matches exactly when some whole word
    of the text (a run of `\\w`) matches it from start to end: its boundaries say so. So the
    text is split into words once and each distinct word is checked against a dict of exact
    keywords, a dict of prefixes (`war*`), and the few other wildcard shapes (`*оборон*`,
    `defen*e`). A phrase (`обліков* ставк*`, `F-16*`) can only match where its first word
    does, so its first word is indexed the same way and flags the phrase for a regex check.
    """

    __slots__ = ("_exact", "_hits", "_lengths", "_others", "_prefixes", "_seen", "_words")

    def __init__(self) -> None:
        self._exact: dict[str, _Masks] = {}
        self._prefixes: dict[str, _Masks] = {}
        self._lengths: tuple[int, ...] = ()
        self._others: list[tuple[re.Pattern[str], _Masks]] = []
        self._seen: dict[str, _Masks] = {}  # every raw token looked up
        self._hits: dict[str, _Masks] = {}  # ... of those, the ones some keyword matches
        self._words: dict[str, _Masks] = {}  # every folded word looked up

    def add(self, word: str, masks: _Masks) -> None:
        """Index one folded word shape (no spaces, `*` for any letters)."""
        body = word.rstrip("*")
        if "*" not in word:
            self._exact[word] = _or(self._exact.get(word, _NONE), masks)
        elif "*" not in body:
            self._prefixes[body] = _or(self._prefixes.get(body, _NONE), masks)
            self._lengths = tuple(sorted({*self._lengths, len(body)}))
        else:
            pattern = re.compile(r"\w*".join(re.escape(part) for part in word.split("*")))
            self._others.append((pattern, masks))

    def _lookup(self, word: str) -> _Masks:
        masks = self._exact.get(word, _NONE)
        for length in self._lengths:
            if length > len(word):
                break
            found = self._prefixes.get(word[:length])
            if found is not None:
                masks = _or(masks, found)
        for pattern, flags in self._others:
            if pattern.fullmatch(word):
                masks = _or(masks, flags)
        return masks

    def _word(self, word: str) -> _Masks:
        """`_lookup`, cached: a new token is mostly a known word in another case or with
        other punctuation around it."""
        masks = self._words.get(word)
        if masks is None:
            if len(self._words) >= _MAX_WORDS:
                self._words.clear()
            masks = self._words[word] = self._lookup(word)
        return masks

    def _folded(self, folded: str) -> _Masks:
        """The masks of the words of one folded whitespace-free token."""
        if folded.isalnum():  # one word, the common case: no regex
            return self._word(folded)
        masks = _NONE
        for word in _WORD.findall(folded):
            masks = _or(masks, self._word(word))
        return masks

    def masks(self, text: str) -> _Masks:
        """The masks of every keyword some word of `text` (raw, unfolded) matches.

        Folding never joins or splits across whitespace (checked in the tests), so the
        words of the folded text are those of its folded whitespace-separated tokens, and
        results are cached per raw token: news repeats its vocabulary, so nearly every
        token of an item has been seen before, and splitting, set building and the cache
        look-ups are all C loops; only new tokens are folded and cut into words.
        """
        tokens = set(text.split())
        hits, seen = self._hits, self._seen
        new = tokens.difference(seen)
        total = _NONE
        for token in tokens.intersection(hits):
            # None if another thread has just cleared the cache
            total = _or(total, hits.get(token) or self._folded(_fold(token)))
        if not new:
            return total
        news = list(new)
        folded = _fold(" ".join(news)).split(" ")  # one call for all: the spaces stay put
        if len(folded) != len(news):  # cannot happen (see above), but never misalign
            folded = [_fold(token) for token in news]
        for token, folded_token in zip(news, folded, strict=True):
            masks = self._folded(folded_token)
            if len(seen) >= _MAX_WORDS:
                seen.clear()
                hits.clear()
            seen[token] = masks
            if masks != _NONE:
                hits[token] = masks
                total = _or(total, masks)
        return total


_WORD = re.compile(r"\w+")
_ONE_WORD = re.compile(r"[\w*]+")
_FIRST_WORD = re.compile(r"[\w*]*")
_MAX_WORDS = 100_000  # cached raw tokens, and words, before a cache starts over (~15 MB each)
_MAX_SMALL = 10_000  # cached category values, and topic-id tuples per mask, likewise


class TopicMatcher:
    """The compiled rules of one topic set; build once, call `match` per item."""

    __slots__ = (
        "_always",
        "_categories",
        "_category_bits",
        "_ids",
        "_lexicon",
        "_order",
        "_phrases",
        "_results",
    )

    def __init__(self, topics: Iterable[Topic]) -> None:
        """Raises ValueError naming the topic and keyword if a keyword cannot work."""
        lexicon = _Lexicon()
        ids: list[str] = []
        categories: dict[str, int] = {}
        phrases: list[tuple[re.Pattern[str] | None, re.Pattern[str] | None]] = []
        always = 0  # topics with a phrase whose first word cannot be indexed: always checked
        for index, topic in enumerate(topics):
            bit = 1 << index
            ids.append(topic.id)
            phrase_any: list[str] = []
            phrase_title: list[str] = []
            for language, words in topic.keywords.items():
                for word in words:
                    problem = keyword_problem(word)
                    if problem:
                        raise ValueError(f"topic {topic.id!r}, {language} keywords: {problem}")
                    stripped = word.strip()
                    title_only = stripped.startswith(_TITLE_ONLY)
                    body = _fold(stripped.removeprefix(_TITLE_ONLY).strip())
                    if _ONE_WORD.fullmatch(body):
                        lexicon.add(body, _flag(_TITLE if title_only else _ANY, bit))
                        continue
                    (phrase_title if title_only else phrase_any).append(body)
                    first = _FIRST_WORD.match(body)
                    head = first.group() if first else ""
                    if head.strip("*"):
                        lexicon.add(head, _flag(_PHRASE_TITLE if title_only else _PHRASE_ANY, bit))
                    else:
                        always |= bit
            phrases.append((_compile(phrase_any), _compile(phrase_title)))
            for category in topic.categories:
                folded = _fold_category(category)
                if folded:
                    categories[folded] = categories.get(folded, 0) | bit
        self._lexicon = lexicon
        self._ids = tuple(ids)
        self._order = {topic_id: i for i, topic_id in enumerate(ids)}
        self._categories = categories
        self._phrases = tuple(phrases)
        self._always = always
        self._category_bits: dict[str, int] = {}
        self._results: dict[int, tuple[str, ...]] = {}

    def match(
        self,
        title: str,
        summary: str = "",
        categories: Sequence[str] = (),
        fixed: Sequence[str] = (),
    ) -> tuple[str, ...]:
        """Topic ids of an item, in configured order; fixed ids not configured come last."""
        in_title = self._lexicon.masks(title)
        in_summary = self._lexicon.masks(summary) if summary else _NONE
        found = in_title[_ANY] | in_title[_TITLE] | in_summary[_ANY]
        for category in categories:
            found |= self._category(category)
        for fixed_id in fixed:
            index = self._order.get(fixed_id)
            if index is not None:
                found |= 1 << index
        anywhere = (in_title[_PHRASE_ANY] | in_summary[_PHRASE_ANY] | self._always) & ~found
        title_only = (in_title[_PHRASE_TITLE] | self._always) & ~found
        if anywhere | title_only:  # a phrase's first word occurs: fold the texts to check it
            folded_title = _fold(title)
            folded_summary = _fold(summary) if summary else ""
            for index in _bits(anywhere | title_only):
                phrase_any, phrase_title = self._phrases[index]
                if (
                    title_only >> index & 1 and phrase_title and phrase_title.search(folded_title)
                ) or (
                    anywhere >> index & 1
                    and phrase_any
                    and (phrase_any.search(folded_title) or phrase_any.search(folded_summary))
                ):
                    found |= 1 << index
        if not fixed:
            return self._ids_of(found)
        known = [topic_id for index, topic_id in enumerate(self._ids) if found >> index & 1]
        unknown = [t for t in dict.fromkeys(fixed) if t not in self._order]
        return (*known, *unknown)

    def _category(self, category: str) -> int:
        """The topics one <category> value names; cached, as feeds repeat a few values."""
        bits = self._category_bits.get(category)
        if bits is None:
            if len(self._category_bits) >= _MAX_SMALL:
                self._category_bits.clear()
            bits = self._categories.get(_fold_category(category), 0)
            self._category_bits[category] = bits
        return bits

    def _ids_of(self, found: int) -> tuple[str, ...]:
        """The ids of the topics in the `found` mask, in configured order; cached per mask."""
        ids = self._results.get(found)
        if ids is None:
            ids = tuple(topic_id for index, topic_id in enumerate(self._ids) if found >> index & 1)
            if len(self._results) >= _MAX_SMALL:
                self._results.clear()
            self._results[found] = ids
        return ids


def _bits(mask: int) -> Iterable[int]:
    """Indexes of the set bits of `mask`, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


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
