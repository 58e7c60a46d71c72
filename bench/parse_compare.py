"""Compare feed parsers on speed and on tolerance of ill-formed feeds; print one JSON line.

    .venv/bin/python bench/parse_compare.py [--items 1000] [--seconds 1.5]

Candidates: feedparser (the tolerant reference), fastfeedparser, feedparser-rs
(each only if installed), and our `bot.sources.parse.parse` (feedparser-rs with
feedparser fallback), which is the figure that matters. Speeds are MB/s on a
generated RSS 2.0 and a generated Atom feed of realistic Ukrainian items, and on
the tests/data fixtures; `ratio_to_feedparser` is measured in the same run.
Tolerance: entries recovered (with the right title) from a set of ill-formed
documents, out of the number a reader would expect.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.sources.parse import ParseError, parse  # noqa: E402

DATA = ROOT / "tests" / "data"
FIXTURES = ["rss20.xml", "atom10.xml", "atom03.xml", "rdf.xml", "cp1251.xml", "koi8u.xml"]
TITLE = "Міноборони працює над полегшеними бронежилетами для жінок-військових №{n}"
TEXT = "Міністерство оборони України продовжує роботу над забезпеченням військовослужбовців. " * 6


def rss(items: int) -> bytes:
    body = "".join(
        f"<item><title>{TITLE.format(n=n)} &amp; NATO</title>"
        f"<link>https://rubryka.example/2025/01/28/post-{n}/?utm_source=rss</link>"
        f'<guid isPermaLink="false">https://rubryka.example/?p={n}</guid>'
        f"<pubDate>Tue, 28 Jan 2025 16:40:12 +0200</pubDate>"
        f"<category><![CDATA[Новини]]></category><category><![CDATA[Війна]]></category>"
        f"<description><![CDATA[<p>{TEXT}</p>]]></description></item>\n"
        for n in range(items)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Рубрика'
        f"</title><link>https://rubryka.example/</link>{body}</channel></rss>"
    ).encode()


def atom(items: int) -> bytes:
    body = "".join(
        f"<entry><title>{TITLE.format(n=n)}</title>"
        f'<link href="https://kyivnews.example/{n}"/><id>tag:kyivnews.example,2025:{n}</id>'
        f"<updated>2025-01-28T12:30:00+02:00</updated><category term='politics'/>"
        f"<summary type='html'>&lt;p&gt;{TEXT}&lt;/p&gt;</summary></entry>\n"
        for n in range(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Kyiv</title><id>x</id><updated>2025-01-28T12:00:00Z</updated>{body}</feed>"
    ).encode()


def ill_formed() -> list[tuple[str, bytes, list[str]]]:
    """(name, document, titles a reader expects to get)."""
    head = b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title>'
    item = "<item><title>{t}</title><link>https://a.example/{n}</link></item>"
    whole = (DATA / "rss20.xml").read_bytes()
    return [
        (
            "bare_ampersand_and_html_entity",
            head
            + "".join(
                item.format(t=t, n=n) for n, t in enumerate(["Tom & Jerry", "Київ&nbsp;сьогодні"])
            ).encode()
            + b"</channel></rss>",
            ["Tom & Jerry", "Київ сьогодні"],
        ),
        (
            "truncated_after_two_items",
            whole[: whole.index(b"<title>NATO to share")],
            [
                "Міноборони працює над полегшеними бронежилетами та зимовим одягом "
                "для жінок-військових",
                "Глави МЗС України та Іспанії підписали угоду про співпрацю в галузі освіти",
            ],
        ),
        (
            "utf8_declared_but_cp1251",
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            "<item><title>Привіт, світе</title><link>https://a.example/1</link></item>"
            "</channel></rss>".encode("cp1251"),
            ["Привіт, світе"],
        ),
        (
            "control_chars_and_leading_junk",
            b"\n\n  "
            + head
            + item.format(t="Вибори\x0b у\x02 Раді", n=1).encode()
            + b"</channel></rss>",
            ["Вибори у Раді"],
        ),
        (
            "mismatched_inline_tags",
            head
            + item.format(t="Second <b>bold</i> news", n=1).encode()
            + item.format(t="Third", n=2).encode()
            + b"</channel></rss>",
            ["Second bold news", "Third"],
        ),
    ]


def candidates() -> dict[str, Callable[[bytes], list[str]]]:
    found: dict[str, Callable[[bytes], list[str]]] = {}

    def titles(result: Any) -> list[str]:
        return [str(e.get("title") or "") for e in result.entries]

    for name in ("feedparser", "fastfeedparser", "feedparser_rs"):
        try:
            module: Any = importlib.import_module(name)
        except ImportError:
            continue
        if name == "feedparser":
            found[name] = lambda b, m=module: titles(m.parse(io.BytesIO(b)))
        elif name == "feedparser_rs":
            found[name] = lambda b, m=module: titles(m.parse(b, sanitize_html=False))
        else:
            found[name] = lambda b, m=module: titles(m.parse(b))

    def ours(body: bytes) -> list[str]:
        try:
            feed = parse(body, content_type=None, url="https://a.example/", html=None)
        except ParseError:
            return []
        return [e.title for e in feed.entries]

    found["bot.sources.parse"] = ours
    return found


def speed(run: Callable[[bytes], list[str]], bodies: list[bytes], seconds: float) -> float:
    size = sum(len(b) for b in bodies)
    started = time.perf_counter()
    rounds = 0
    while True:
        for body in bodies:
            run(body)
        rounds += 1
        elapsed = time.perf_counter() - started
        if elapsed >= seconds:
            return round(size * rounds / elapsed / 1e6, 2)


def recovered(run: Callable[[bytes], list[str]]) -> tuple[int, int, list[str]]:
    got = total = 0
    failed = []
    for name, body, expected in ill_formed():
        total += len(expected)
        try:
            titles = [" ".join(t.replace("&nbsp;", " ").split()) for t in run(body)]
        except Exception:
            titles = []
        hits = sum(1 for want in expected if any(want == _plain(t) for t in titles))
        got += hits
        if hits < len(expected):
            failed.append(name)
    return got, total, failed


def _plain(title: str) -> str:
    from bot.sources.text import html_to_text

    return html_to_text(title)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=1.5)
    args = ap.parse_args()
    generated = {"rss": rss(args.items), "atom": atom(args.items)}
    fixtures = [(DATA / name).read_bytes() for name in FIXTURES]
    figures: dict[str, Any] = {
        "bench": "parse_compare",
        "items": args.items,
        "rss_bytes": len(generated["rss"]),
        "atom_bytes": len(generated["atom"]),
    }
    for name, run in candidates().items():
        row: dict[str, Any] = {}
        for kind, body in generated.items():
            row[f"{kind}_mb_s"] = speed(run, [body], args.seconds)
        row["fixtures_mb_s"] = speed(run, fixtures, args.seconds / 2)
        got, total, failed = recovered(run)
        row["ill_formed_recovered"] = f"{got}/{total}"
        row["ill_formed_missed"] = failed
        figures[name] = row
    base = figures.get("feedparser")
    if base:
        for name in figures:
            row = figures[name]
            if isinstance(row, dict) and name != "feedparser":
                row["ratio_to_feedparser_rss"] = round(row["rss_mb_s"] / base["rss_mb_s"], 1)
    tracemalloc.start()
    parse(generated["rss"], content_type=None, url="https://a.example/", html=None)
    figures["bot.sources.parse"]["peak_mem_mb_rss"] = round(
        tracemalloc.get_traced_memory()[1] / 1e6, 1
    )
    tracemalloc.stop()
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
