"""Folding the same story from several outlets into one digest line.

Two items are one story when they share a canonical URL, or when their headlines, in the
same language and within a time window, share most of their stems and do not disagree on
a name or a number. Items from one source never merge: a source repeating itself is its
own business, and "(+N)" must count other outlets.

Cost: items are taken in time order and compared only with the stories that share stem
prefixes with them (an inverted index), at most MAX_CANDIDATES of them: linear in the items.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from difflib import SequenceMatcher

from bot.digest.headline import MIN_PREFIX, Headline, analyse, canonical_url, stems_match
from bot.domain import StoredItem, Story

STORY_WINDOW = timedelta(hours=12)
"""How far apart in time two outlets' items of one story may be."""

MIN_SIMILARITY = 0.5
"""Dice coefficient over matching stems; tuned on tests/data/same_story.json."""

MIN_SHARED = 2
"""Stems two headlines must share at least, so short headlines do not merge on one word."""

MAX_CANDIDATES = 24
"""Stories an item is compared with at most: the cost stays linear in the item count."""


def similarity(a: Headline, b: Headline) -> float:
    """Dice coefficient of the two headlines' stem sets, counting prefix-matching stems."""
    size_a, size_b = len(a.stem_set), len(b.stem_set)
    if 2 * min(size_a, size_b) < MIN_SIMILARITY * (size_a + size_b):
        return 0.0  # cannot reach the threshold even if the shorter is all shared
    shared = min(len(b.matched(a.stem_set)), len(a.matched(b.stem_set)))
    if shared < MIN_SHARED:
        return 0.0
    return 2 * shared / (size_a + size_b)


def conflict(a: Headline, b: Headline) -> bool:
    """Whether the headlines disagree on a number or a name, like "Kharkiv"/"Odesa" or
    "F-16s"/"ATACMS" in the same template. A name only one side mentions is extra detail,
    not a disagreement."""
    if (a.numbers - b.numbers) and (b.numbers - a.numbers):
        return True
    shared_a = b.matched(a.names)
    only_a = a.names - shared_a
    only_b = b.names - a.matched(b.names)
    if not only_a or not only_b:
        return False
    if len(only_a) == len(only_b) == 1 or len(shared_a) < 2:
        return True  # one name swapped for another, or little else in common
    # Both sides add names: a conflict when they stand in the same place of the sentence.
    mapped_b = [next((s for s in a.stems if stems_match(s, o)), o) for o in b.stems]
    matcher = SequenceMatcher(None, a.stems, mapped_b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if (
            op == "replace"
            and any(s in only_a for s in a.stems[i1:i2])
            and any(s in only_b for s in b.stems[j1:j2])
        ):
            return True
    return False


@dataclass(slots=True)
class _Cluster:
    items: list[StoredItem]
    headlines: list[Headline]
    urls: set[str]
    sources: set[str]
    first: datetime
    language: str

    def accepts(self, item: StoredItem, url: str, headline: Headline, window: timedelta) -> float:
        """How well `item` fits (0 = not at all): by shared URL, else by headline."""
        if item.source_id in self.sources:
            return 0.0
        if url and url in self.urls:
            return 2.0  # same article: better than any headline score
        if item.language != self.language or item.published_at - self.first > window:
            return 0.0
        best = max(similarity(headline, h) for h in self.headlines)
        if best < MIN_SIMILARITY or any(conflict(headline, h) for h in self.headlines):
            return 0.0
        return best


@dataclass(slots=True)
class _Index:
    """Stories by URL and by (language, stem prefix), to find candidates quickly."""

    by_url: dict[str, list[int]] = field(default_factory=dict)
    by_key: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    def add(self, index: int, item: StoredItem, url: str, headline: Headline) -> None:
        if url:
            self.by_url.setdefault(url, []).append(index)
        for key in _keys(item, headline):
            bucket = self.by_key.setdefault(key, [])
            if not bucket or bucket[-1] != index:
                bucket.append(index)

    def candidates(self, item: StoredItem, url: str, headline: Headline) -> list[int]:
        """Stories sharing the URL, and the MAX_CANDIDATES stories sharing the most stem
        prefixes (at least MIN_SHARED; the newest on ties), oldest first."""
        hits: Counter[int] = Counter()
        for key in _keys(item, headline):
            hits.update(self.by_key.get(key, ()))
        found = set(self.by_url.get(url, ())) if url else set()
        found.update(
            index
            for index, count in heapq.nlargest(
                MAX_CANDIDATES, hits.items(), key=lambda hit: (hit[1], hit[0])
            )
            if count >= MIN_SHARED
        )
        return sorted(found)


def _keys(item: StoredItem, headline: Headline) -> set[tuple[str, str]]:
    return {(item.language, stem[:MIN_PREFIX]) for stem in headline.stems}


def _url_key(url: str) -> str:
    """The canonical URL, or "" for one too vague to identify an article (no path)."""
    key = canonical_url(url)
    return key if "/" in key and not key.startswith("/") else ""


def group_stories(
    items: Sequence[StoredItem],
    *,
    window: timedelta = STORY_WINDOW,
    prefer_sources: Sequence[str] = (),
) -> list[Story]:
    """The items folded into stories, in order of each story's first item.

    By headline, an item joins a story only within `window` after the story's first item;
    by canonical URL (the same article), at any time. The lead is the earliest item, or
    the item from the source that comes first in `prefer_sources` when one carried it.
    """
    ordered = sorted(items, key=lambda it: (it.published_at, it.id))
    clusters: list[_Cluster] = []
    index = _Index()
    for item in ordered:
        headline, url = analyse(item.title), _url_key(item.url)
        best, best_score = -1, 0.0
        for candidate in index.candidates(item, url, headline):
            score = clusters[candidate].accepts(item, url, headline, window)
            if score > best_score:
                best, best_score = candidate, score
        if best < 0:
            best = len(clusters)
            clusters.append(_Cluster([], [], set(), set(), item.published_at, item.language))
        cluster = clusters[best]
        cluster.items.append(item)
        cluster.headlines.append(headline)
        cluster.sources.add(item.source_id)
        if url:
            cluster.urls.add(url)
        index.add(best, item, url, headline)
    return [_story(c.items, prefer_sources) for c in clusters]


def _story(items: list[StoredItem], prefer_sources: Sequence[str]) -> Story:
    rank = {source: i for i, source in enumerate(prefer_sources)}
    lead = min(items, key=lambda it: (rank.get(it.source_id, len(rank)), it.published_at, it.id))
    return Story(lead, tuple(it for it in items if it is not lead))
