"""Benchmark the poll cycle end to end; print one JSON line of figures.

    .venv/bin/python bench/ingest.py [--feeds 1000] [--items 50] [--server subprocess|inproc]
                                     [--feedparser]
                                     [--database-url postgresql+asyncpg://postgres@127.0.0.1/test]

Builds `--feeds` documents of `--items` items each in memory (RSS 2.0, Atom 1.0 and
JSON Feed in turn; Ukrainian and English; every fifth with long HTML summaries), serves
them from the test FeedServer, and runs the real `Poller` (fetch, parse, normalise,
classify with the example config's topics, store) against a fresh database: a temp
SQLite file, or a new database on the PostgreSQL server of `--database-url` (dropped
afterwards). Figures, all from the same run:

- first_cycle_s, items_per_s: the first cycle over every source, and items stored per second;
- parse_s, pipeline_to_parse: the same documents through bare `parse` alone, one after
  another in this process, and the first cycle's wall time divided by it;
- one_new_item_ms_per_source: the same cycle again after every feed published one more
  item (each document changed: fetched, parsed, normalised; only the new item classified
  and stored);
- with --feedparser, feedparser_parse_s and pipeline_to_feedparser_parse: the same documents
  through feedparser alone (the reference parser the issue's ratio target had in mind);
- not_modified_ms_per_source: the same cycle again, every source answering 304;
- peak_rss_mb: peak resident memory of this process (the server's is apart with
  `--server subprocess`); worker_peak_rss_mb: that of each ingest worker process;
- first_cycle_cpu_s: CPU seconds the first cycle cost this process ("main": event loop,
  HTTP, database threads), the ingest worker processes, and the feed server child; wall
  time on two shared cores swings with what else runs, these do much less;
- max_loop_lag_ms: worst lateness of a ticker that wakes every 10 ms during the cycles.

The server runs in a child process by default so its CPU work does not share the
poller's event loop (on two cores this changes the figures; `--server inproc` shows by
how much). All feeds are on 127.0.0.1, so the per-host limit is raised to the global
one: the run stands for a thousand sources on a thousand hosts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from bot.classify.language import detect_language  # noqa: E402
from bot.config import PollingConfig, load  # noqa: E402
from bot.context import topics_from_config  # noqa: E402
from bot.db.engine import Database, make_engine  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.domain import Source  # noqa: E402
from bot.ingest import POOL_MIN_SOURCES, Poller  # noqa: E402
from bot.sources.parse import parse  # noqa: E402
from tests.fakes.feed_server import FeedServer  # noqa: E402

NOW = datetime(2025, 1, 29, 8, 0, tzinfo=UTC)
UK_TITLES = (
    "Міноборони працює над полегшеними бронежилетами для жінок-військових",
    "Глави МЗС України та Іспанії підписали угоду про співпрацю в галузі освіти",
    "НБУ зберіг облікову ставку на рівні 14,5%, повідомили в Нацбанку",
    "У Львові відкрили перший в Україні Культурний хаб ЮНЕСКО",
    "Верховна Рада ухвалила закон про реформу місцевого самоврядування",
    "Київські школи переходять на змішане навчання під час відключень світла",
)
EN_TITLES = (
    "NATO to share classified data with EU and defense industry to boost production",
    "Ukraine's economy grew 3.6% in 2024, National Bank says",
    "Verkhovna Rada extends martial law and mobilisation for another 90 days",
    "Ukrainian documentary Porcelain War shortlisted for an Oscar",
    "Denmark funds production of Ukrainian Bohdana howitzers",
    "Kyiv schools switch to blended learning during power outages",
)
UK_TEXT = (
    "Міністерство оборони України продовжує роботу над забезпеченням військовослужбовців "
    "більш сучасним і зручним обмундируванням та екіпіруванням. "
)
EN_TEXT = (
    "The National Bank of Ukraine estimates that real GDP grew last year, while exports of "
    "grain and metals recovered after the Black Sea corridor reopened. "
)


def _item(feed: int, n: int, long: bool) -> dict[str, Any]:
    english = (feed + n) % 3 == 0
    titles, text = (EN_TITLES, EN_TEXT) if english else (UK_TITLES, UK_TEXT)
    repeat = 25 if long else 2
    return {
        "title": f"{titles[(feed + n) % len(titles)]} ({feed}-{n})",
        "link": f"https://site{feed}.example/{2025}/01/post-{n}/?utm_source=rss",
        "guid": f"https://site{feed}.example/?p={n}",
        "summary": f"<p>{text * repeat}</p><p><a href='/x'>Читати далі</a></p>",
        "published": NOW - timedelta(minutes=17 * n + feed % 60),
        "category": ("Війна", "Economy", "Освіта", "Culture", "Політика")[n % 5],
    }


def rss(feed: int, items: list[dict[str, Any]]) -> bytes:
    body = "".join(
        f"<item><title>{escape(i['title'])}</title><link>{escape(i['link'])}</link>"
        f"<guid isPermaLink='false'>{escape(i['guid'])}</guid>"
        f"<pubDate>{format_datetime(i['published'])}</pubDate>"
        f"<category><![CDATA[{i['category']}]]></category>"
        f"<description><![CDATA[{i['summary']}]]></description></item>\n"
        for i in items
    )
    return (
        "<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel>"
        f"<title>Site {feed}</title><link>https://site{feed}.example/</link>"
        f"<language>uk</language>{body}</channel></rss>"
    ).encode()


def atom(feed: int, items: list[dict[str, Any]]) -> bytes:
    body = "".join(
        f"<entry><title type='html'>{escape(i['title'])}</title>"
        f"<link rel='alternate' href='{escape(i['link'])}'/><id>{escape(i['guid'])}</id>"
        f"<published>{i['published'].isoformat()}</published>"
        f"<updated>{i['published'].isoformat()}</updated>"
        f"<category term='{i['category']}'/>"
        f"<summary type='html'>{escape(i['summary'])}</summary></entry>\n"
        for i in items
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
        f"<title>Site {feed}</title><id>tag:site{feed}.example,2025:feed</id>"
        f"<updated>{NOW.isoformat()}</updated>{body}</feed>"
    ).encode()


def json_feed(feed: int, items: list[dict[str, Any]]) -> bytes:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": f"Site {feed}",
            "home_page_url": f"https://site{feed}.example/",
            "items": [
                {
                    "id": i["guid"],
                    "url": i["link"],
                    "title": i["title"],
                    "content_html": i["summary"],
                    "date_published": i["published"].isoformat(),
                    "tags": [i["category"]],
                }
                for i in items
            ],
        },
        ensure_ascii=False,
    ).encode()


FORMATS: tuple[tuple[str, Callable[[int, list[dict[str, Any]]], bytes], str], ...] = (
    (".xml", rss, "application/rss+xml; charset=utf-8"),
    (".atom", atom, "application/atom+xml; charset=utf-8"),
    (".json", json_feed, "application/feed+json; charset=utf-8"),
)


def documents(feeds: int, items: int, fresh: int = 0) -> list[tuple[str, bytes, str]]:
    """(path, body, content type) for every feed; deterministic, so a child builds the same.

    `fresh` more items on top of each feed stand for news published since.
    """
    docs = []
    for feed in range(feeds):
        suffix, build, content_type = FORMATS[feed % len(FORMATS)]
        long = feed % 5 == 0
        docs.append(
            (
                f"/f{feed}{suffix}",
                build(feed, [_item(feed, n, long) for n in range(-fresh, items)]),
                content_type,
            )
        )
    return docs


def add_all(server: FeedServer, docs: list[tuple[str, bytes, str]], version: int = 0) -> None:
    for n, (path, body, content_type) in enumerate(docs):
        server.add(path, body, content_type=content_type, etag=f'"v{n}.{version}"')


async def serve_forever(feeds: int, items: int) -> None:
    """The child process: serve the documents, print the base URL, run until stdin closes.

    Each line read ("fresh") publishes one more item in every feed, then "ok" is printed.
    """
    loop = asyncio.get_running_loop()
    async with FeedServer() as server:
        add_all(server, documents(feeds, items))
        print(server.base_url, flush=True)
        version = 0
        while await loop.run_in_executor(None, sys.stdin.readline):
            version += 1
            add_all(server, documents(feeds, items, fresh=version), version)
            print("ok", flush=True)


Publish = Callable[[], Awaitable[None]]


@asynccontextmanager
async def feed_server(
    mode: str, feeds: int, items: int, docs: list[tuple[str, bytes, str]]
) -> AsyncIterator[tuple[str, int | None, Publish]]:
    """The server's base URL, its process id when it runs in a child, and a function that
    publishes one more item in every feed."""
    if mode == "inproc":
        async with FeedServer() as server:
            add_all(server, docs)
            version = 0

            async def publish_here() -> None:
                nonlocal version
                version += 1
                add_all(server, documents(feeds, items, fresh=version), version)

            yield server.base_url, None, publish_here
        return
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--serve",
        "--feeds",
        str(feeds),
        "--items",
        str(items),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert child.stdout is not None and child.stdin is not None
    stdin, stdout = child.stdin, child.stdout

    async def publish_there() -> None:
        stdin.write(b"fresh\n")
        await stdin.drain()
        if (await stdout.readline()).strip() != b"ok":
            raise RuntimeError("the feed server child did not publish")

    try:
        base_url = (await stdout.readline()).decode().strip()
        if not base_url.startswith("http"):
            raise RuntimeError("the feed server child did not start")
        yield base_url, child.pid, publish_there
    finally:
        child.stdin.close()
        await child.wait()


@asynccontextmanager
async def database(url: str | None) -> AsyncIterator[Database]:
    """A fresh migrated database: a temp SQLite file, or a new PostgreSQL database."""
    if url is None:
        with tempfile.TemporaryDirectory() as tmp:
            db = Database(make_engine(f"sqlite+aiosqlite:///{tmp}/bench.db"))
            await upgrade(db.engine)
            try:
                yield db
            finally:
                await db.dispose()
        return
    import asyncpg
    from sqlalchemy.engine import make_url

    name = f"newsbot_bench_{uuid.uuid4().hex[:10]}"
    admin_dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    admin = await asyncpg.connect(admin_dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    db = Database(make_engine(make_url(url).set(database=name).render_as_string(False)))
    try:
        await upgrade(db.engine)
        yield db
    finally:
        await db.dispose()
        admin = await asyncpg.connect(admin_dsn)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def children_cpu() -> dict[int, float]:
    """CPU seconds so far of each child process of this one (Linux /proc; {} elsewhere)."""
    me, tick, found = os.getpid(), os.sysconf("SC_CLK_TCK"), {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me:  # fields: state, ppid, ..., utime (11), stime (12)
            found[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    return found


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory of a process (Linux /proc VmHWM), MB; 0 if unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def is_worker(pid: int, server_pid: int | None) -> bool:
    """An ingest worker: not the feed server, not multiprocessing's resource tracker."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return pid != server_pid and b"resource_tracker" not in cmdline


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class LagMeter:
    """A ticker that wakes every 10 ms and keeps the worst lateness: a blocked loop shows."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(0.01)
            self.worst = max(self.worst, time.perf_counter() - start - 0.01)

    def __enter__(self) -> LagMeter:
        self._task = asyncio.get_running_loop().create_task(self._tick())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()


def feedparser_seconds(docs: list[tuple[str, bytes, str]]) -> float:
    """The same documents through feedparser alone: the tolerant reference parser."""
    import feedparser

    started = time.perf_counter()
    for _, body, _ in docs:
        feedparser.parse(body)
    return time.perf_counter() - started


def bare_parse_seconds(docs: list[tuple[str, bytes, str]], base_url: str) -> float:
    started = time.perf_counter()
    for path, body, content_type in docs:
        parse(body, content_type=content_type, url=base_url + path, html=None)
    return time.perf_counter() - started


async def run(args: argparse.Namespace) -> dict[str, Any]:
    docs = documents(args.feeds, args.items)
    topics = topics_from_config(load(ROOT / "config.example.toml", env={}))
    polling = PollingConfig(concurrency=args.concurrency, per_host=args.concurrency)
    clock = lambda: NOW  # noqa: E731
    async with (
        feed_server(args.server, args.feeds, args.items, docs) as (base_url, server_pid, publish),
        database(args.database_url) as db,
        aiohttp.ClientSession() as http,
    ):
        sources = [
            Source(
                id=f"f{n}", name=f"Site {n}", url=base_url + path, interval=timedelta(minutes=10)
            )
            for n, (path, _, _) in enumerate(docs)
        ]
        poller = Poller(db, http, sources, topics, polling, ["uk", "en"], clock)
        await poller.sync()
        if len(sources) < POOL_MIN_SOURCES:  # classified in this process: load the model now
            detect_language("Прогрів моделі", ["uk", "en"])  # a one-off ~1 s, not per cycle
        with LagMeter() as lag:
            started, cpu_before, children_before = time.perf_counter(), own_cpu(), children_cpu()
            first = await poller.cycle(force=True)
            first_s = time.perf_counter() - started
            main_cpu = own_cpu() - cpu_before
            children = {
                pid: cpu - children_before.get(pid, 0.0) for pid, cpu in children_cpu().items()
            }
            workers_rss = [peak_rss_mb(pid) for pid in children if is_worker(pid, server_pid)]
            started = time.perf_counter()
            second = await poller.cycle(force=True)
            second_s = time.perf_counter() - started
            await publish()
            started = time.perf_counter()
            third = await poller.cycle(force=True)
            third_s = time.perf_counter() - started
        parse_s = bare_parse_seconds(docs, base_url)
    reference_s = feedparser_seconds(docs) if args.feedparser else None
    stored = sum(r.new_items for r in first)
    failed = [r.line() for r in (*first, *second, *third) if r.status == "error"]
    return {
        "bench": "ingest",
        "feeds": args.feeds,
        "items_per_feed": args.items,
        "megabytes": round(sum(len(body) for _, body, _ in docs) / 1e6, 1),
        "database": db.dialect,
        "server": args.server,
        "concurrency": args.concurrency,
        "first_cycle_s": round(first_s, 2),
        "first_cycle_cpu_s": {
            "main": round(main_cpu, 2),
            "workers": round(sum(v for pid, v in children.items() if pid != server_pid), 2),
            "feed_server": round(children.get(server_pid or -1, 0.0), 2),
        },
        "items_stored": stored,
        "items_per_s": round(stored / first_s),
        "parse_s": round(parse_s, 2),
        "pipeline_to_parse": round(first_s / parse_s, 2),
        **(
            {
                "feedparser_parse_s": round(reference_s, 2),
                "pipeline_to_feedparser_parse": round(first_s / reference_s, 2),
            }
            if reference_s
            else {}
        ),
        "not_modified_ms_per_source": round(second_s * 1000 / len(sources), 2),
        "not_modified_sources": sum(r.status == "not modified" for r in second),
        "one_new_item_ms_per_source": round(third_s * 1000 / len(sources), 2),
        "one_new_item_stored": sum(r.new_items for r in third),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "worker_peak_rss_mb": [round(mb) for mb in workers_rss],
        "max_loop_lag_ms": round(lag.worst * 1000, 1),
        "errors": failed[:5],
        "cpus": os.cpu_count(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--feeds", type=int, default=1000)
    ap.add_argument("--items", type=int, default=50)
    ap.add_argument("--concurrency", type=int, default=PollingConfig().concurrency)
    ap.add_argument("--server", choices=["subprocess", "inproc"], default="subprocess")
    ap.add_argument("--database-url", help="postgresql+asyncpg://... (default: a temp SQLite)")
    ap.add_argument(
        "--feedparser",
        action="store_true",
        help="also time feedparser alone on the same documents (about a minute)",
    )
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)  # the child
    args = ap.parse_args()
    if args.serve:
        asyncio.run(serve_forever(args.feeds, args.items))
        return
    print(json.dumps(asyncio.run(run(args)), ensure_ascii=False))


if __name__ == "__main__":
    main()
