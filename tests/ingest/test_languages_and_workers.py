"""Language of stored items from feeds that declare none (or the wrong one), and the
worker-process path storing exactly what the thread path stores."""

from __future__ import annotations

from collections.abc import Iterator

import aiohttp
import pytest

from bot.db.engine import Database
from bot.ingest import Poller
from bot.ingest_cpu import stop_processes
from tests.fakes.feed_server import FeedServer
from tests.ingest.conftest import (
    LANGUAGES,
    TOPICS,
    Clock,
    MakePoller,
    items_of,
    polling,
    source,
)

RU = "Шмыгаль подал в отставку, Рада рассмотрит его заявление в четверг"
UK = "Шмигаль подав у відставку, Рада розгляне його заяву в четвер"
EN = "Shmyhal resigns, parliament to consider his letter on Thursday"


def _rss(language: str | None) -> str:
    declared = f"<language>{language}</language>" if language else ""
    items = "".join(
        f"<item><title>{title}</title><link>https://news.example/{n}</link></item>"
        for n, title in enumerate((RU, UK, EN))
    )
    return f"<?xml version='1.0'?><rss version='2.0'><channel>{declared}{items}</channel></rss>"


@pytest.mark.parametrize("declared", [None, "uk"], ids=["undeclared", "declared-uk"])
async def test_a_russian_item_is_stored_as_ru_though_chats_only_read_uk_and_en(
    feed_server: FeedServer, make_poller: MakePoller, database: Database, declared: str | None
) -> None:
    feed_server.add("/feed.xml", _rss(declared))
    poller = make_poller([source(feed_server, "news", "/feed.xml")])  # languages: uk, en
    await poller.sync()
    await poller.cycle(force=True)
    rows = await items_of(database, "news")
    assert {row.title: row.language for row in rows} == {RU: "ru", UK: "uk", EN: "en"}


@pytest.fixture
def no_workers_left() -> Iterator[None]:
    yield
    stop_processes()


@pytest.mark.usefixtures("no_workers_left")
async def test_worker_processes_store_what_the_thread_stores(
    feed_server: FeedServer, database: Database, http: aiohttp.ClientSession, clock: Clock
) -> None:
    feed_server.add_file("/rss.xml", "rss20.xml")
    feed_server.add_file("/atom.xml", "atom10.xml")
    feed_server.add("/ru.xml", _rss(None))
    paths = ("/rss.xml", "/atom.xml", "/ru.xml")
    threaded = [source(feed_server, f"t{n}", path) for n, path in enumerate(paths)]
    pooled = [source(feed_server, f"p{n}", path) for n, path in enumerate(paths)]
    for sources, processes in ((threaded, 0), (pooled, 1)):
        poller = Poller(
            database, http, sources, TOPICS, polling(), LANGUAGES, clock, processes=processes
        )
        await poller.sync()
        reports = await poller.cycle(force=True)
        assert all(r.status == "ok" and r.new_items for r in reports), [r.line() for r in reports]

    for n in range(len(paths)):
        want = [
            (r.key, r.title, r.summary, r.url, r.language, r.topics, r.published_at)
            for r in await items_of(database, f"t{n}")
        ]
        got = [
            (r.key, r.title, r.summary, r.url, r.language, r.topics, r.published_at)
            for r in await items_of(database, f"p{n}")
        ]
        assert got == want
