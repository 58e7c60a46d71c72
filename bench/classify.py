"""Benchmark per-item classification; print one JSON line of figures.

    .venv/bin/python bench/classify.py [--repeat 7] [--min-time 0.2]

What the ingest pipeline calls for every new item, on the inputs it sees:
`detect_language(f"{title}. {summary}", candidates=("uk", "en", "ru", "pl", "de", "fr"),
hint=feed_language)` and `TopicMatcher(topics).match(title, summary, categories, ())`
with the example config's topics. Inputs:

- uk, en: the items of bench/ingest.py (titles, HTML summaries made plain and shortened
  as `normalise` does, the RSS feeds' `uk` hint on every third feed);
- ru: the Russian headlines of tests/data/headlines_lang.tsv with a Russian summary;
- mixed: the English headlines with a Ukrainian summary and the Ukrainian ones with an
  English summary (Cyrillic and Latin in one text);
- short: the 117 labelled headlines alone, no hint (what the accuracy test runs);
- topics: `match` on the bench/ingest.py items;
- classify_item: both, as the pipeline calls them, on the bench/ingest.py items (2/3 uk).

Figures are µs per call, the best of `--repeat` rounds (each round calls every input
of the group in turn, for at least `--min-time` seconds), after one warm-up round: caches
that depend on the input (compiled tables, looked-up words) are warm, as they are after
the first few feeds of a cycle. Accuracy: the labelled headlines restricted to the five
languages the tests use, and the long uk/en/ru inputs above (their language is known).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ingest import EN_TEXT, UK_TEXT, _item  # noqa: E402
from bot.classify.language import detect_language, load_model  # noqa: E402
from bot.classify.topics import TopicMatcher  # noqa: E402
from bot.config import load  # noqa: E402
from bot.context import topics_from_config  # noqa: E402
from bot.sources.normalise import MAX_SUMMARY, MAX_TITLE  # noqa: E402
from bot.sources.text import html_to_text, shorten  # noqa: E402

LABELLED = ROOT / "tests" / "data" / "headlines_lang.tsv"
CANDIDATES = ("uk", "en", "ru", "pl", "de", "fr")  # bot.ingest.detection_candidates(["uk", "en"])
SERVED = ("uk", "en", "ru", "pl", "de")  # as tests/classify/test_language.py
RU_TEXT = (
    "Министерство обороны Украины продолжает работу над обеспечением военнослужащих "
    "более современным и удобным обмундированием и снаряжением. "
)

Call = tuple[str, str | None]  # (text, hint)


def labelled() -> list[tuple[str, str]]:
    rows = []
    for line in LABELLED.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            lang, text = line.split("\t", 1)
            rows.append((lang, text))
    return rows


def ingest_items(feeds: int = 30, per_feed: int = 10) -> list[dict[str, Any]]:
    """bench/ingest.py items as the pipeline sees them: plain text, shortened, with a hint."""
    items = []
    for feed in range(feeds):
        for n in range(per_feed):
            raw = _item(feed, n, long=feed % 5 == 0)
            items.append(
                {
                    "title": shorten(html_to_text(raw["title"]), MAX_TITLE),
                    "summary": shorten(html_to_text(raw["summary"]), MAX_SUMMARY),
                    "categories": (raw["category"],),
                    "hint": "uk" if feed % 3 == 0 else None,  # RSS says uk; Atom, JSON: none
                    "language": "en" if (feed + n) % 3 == 0 else "uk",
                }
            )
    return items


def per_call_us(
    calls: Sequence[Any], run: Callable[[Any], object], args: argparse.Namespace
) -> float:
    for call in calls:  # warm-up round
        run(call)
    best = float("inf")
    for _ in range(args.repeat):
        done = 0
        started = time.perf_counter()
        while True:
            for call in calls:
                run(call)
            done += len(calls)
            elapsed = time.perf_counter() - started
            if elapsed >= args.min_time:
                break
        best = min(best, elapsed / done)
    return round(best * 1e6, 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--min-time", type=float, default=0.2, help="seconds per round")
    args = ap.parse_args()

    started = time.perf_counter()
    load_model()
    load_s = time.perf_counter() - started
    rows = labelled()
    items = ingest_items()
    summaries = {
        "uk": shorten(html_to_text(UK_TEXT * 2), MAX_SUMMARY),
        "en": shorten(html_to_text(EN_TEXT * 2), MAX_SUMMARY),
        "ru": shorten(RU_TEXT * 2, MAX_SUMMARY),
    }
    groups: dict[str, list[tuple[Call, str | None]]] = {
        "uk": [
            ((f"{i['title']}. {i['summary']}", i["hint"]), "uk")
            for i in items
            if i["language"] == "uk"
        ],
        "en": [
            ((f"{i['title']}. {i['summary']}", i["hint"]), "en")
            for i in items
            if i["language"] == "en"
        ],
        "ru": [((f"{text}. {summaries['ru']}", "ru"), "ru") for lang, text in rows if lang == "ru"],
        "mixed": [
            ((f"{text}. {summaries['uk' if lang == 'en' else 'en']}", "uk"), None)
            for lang, text in rows
            if lang in ("uk", "en")
        ],
        "short": [((text, None), lang) for lang, text in rows],
    }

    def detect(call: Call) -> str:
        return detect_language(call[0], CANDIDATES, hint=call[1])

    figures: dict[str, float] = {}
    for name, group in groups.items():
        figures[f"detect_{name}_us"] = per_call_us([call for call, _ in group], detect, args)

    topics = topics_from_config(load(ROOT / "config.example.toml", env={}))
    matcher = TopicMatcher(topics)
    figures["topics_match_us"] = per_call_us(
        items, lambda i: matcher.match(i["title"], i["summary"], i["categories"], ()), args
    )

    def classify(i: dict[str, Any]) -> object:  # what the pipeline does per item
        detect_language(f"{i['title']}. {i['summary']}", CANDIDATES, hint=i["hint"])
        return matcher.match(i["title"], i["summary"], i["categories"], ())

    figures["classify_item_us"] = per_call_us(items, classify, args)

    right = sum(detect_language(text, SERVED) == lang for lang, text in rows)
    right_hint = sum(detect_language(text, SERVED, hint=lang) == lang for lang, text in rows)
    long_calls = [(call, lang) for name in ("uk", "en", "ru") for call, lang in groups[name]]
    right_long = sum(detect(call) == lang for call, lang in long_calls)
    print(
        json.dumps(
            {
                "bench": "classify",
                **figures,
                "accuracy": f"{right}/{len(rows)}",
                "accuracy_with_hint": f"{right_hint}/{len(rows)}",
                "accuracy_long": f"{right_long}/{len(long_calls)}",
                "model_load_s": round(load_s, 2),
                "inputs": {name: len(group) for name, group in groups.items()}
                | {"topics": len(items)},
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
