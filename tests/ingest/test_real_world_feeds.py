"""Real-world feeds (tests/data/real_world/) through the whole poll cycle: fetched over HTTP
with the headers such servers really send (often wrong), parsed, classified and stored."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.db.engine import Database
from bot.domain import HtmlSelectors
from tests.fakes.feed_server import FeedServer
from tests.ingest.conftest import MakePoller, items_of, source

# source id -> (path served, fixture, Content-Type the server sends, items stored)
SERVED = {
    "wordpress": ("/feed/", "wordpress.xml", "application/rss+xml; charset=UTF-8", 3),
    "suspilne": ("/rss/all.rss", "suspilne.xml", "application/xml", 3),
    # a PHP notice broke the headers, so the server says text/html
    "zhytomyr": ("/zhytomyr/feed/", "php_warning.xml", "text/html; charset=UTF-8", 2),
    "feedburner": ("/EuromaidanPress", "feedburner.xml", "text/xml; charset=UTF-8", 2),
    "chernihiv": ("/rss.xml", "broken_utf8.xml", "text/xml; charset=windows-1251", 2),
    "pravda": ("/rss/view_news/", "pravda_cp1251.xml", "text/xml", 3),
    "radio": ("/feeds/feed.json", "jsonfeed_v1.json", "application/json", 4),
    "podcast": ("/ranok/feed.xml", "podcast.xml", "application/rss+xml", 3),
    "cards": ("/news", "cards_page.html", "text/html; charset=utf-8", 3),
    "list": ("/novyny/", "list_page_cp1251.html", "text/html", 3),
}
LIST_SELECTORS = HtmlSelectors(
    item=".news_item", title=".news_title", link=".news_title a", time=".news_time"
)


async def test_real_world_sources_are_polled_and_stored(
    feed_server: FeedServer, make_poller: MakePoller, database: Database
) -> None:
    sources = []
    for sid, (path, fixture, content_type, _) in SERVED.items():
        feed_server.add_file(path, f"real_world/{fixture}", content_type=content_type)
        selectors = LIST_SELECTORS if sid == "list" else None
        sources.append(source(feed_server, sid, path, html=selectors))
    poller = make_poller(sources)
    await poller.sync()

    reports = {report.source_id: report for report in await poller.cycle(force=True)}

    for sid, (*_, count) in SERVED.items():
        assert (reports[sid].status, reports[sid].new_items) == ("ok", count), reports[sid].line()
    rows = {sid: await items_of(database, sid) for sid in SERVED}

    wordpress = rows["wordpress"][0]
    assert wordpress.title == "“We will not freeze the war”: Zelensky’s 10 points explained"
    assert (wordpress.language, wordpress.topics) == ("en", ["politics"])
    assert "appeared first on" not in wordpress.summary

    assert [row.published_at for row in rows["suspilne"]] == [
        datetime(2025, 1, 27, 21, 15, tzinfo=UTC),
        datetime(2025, 1, 28, 7, 30, tzinfo=UTC),
        datetime(2025, 1, 28, 10, 5, tzinfo=UTC),
    ]
    assert rows["suspilne"][0].topics == ["defense"]  # <category>Війна</category>

    assert [row.title for row in rows["zhytomyr"]] == [
        "У Житомирі відремонтують міст через Тетерів",
        "Житомирські школи переходять на дистанційне навчання",
    ]
    assert rows["feedburner"][0].url == (
        "https://euromaidanpress.example/2025/01/28/drone-makers-scale-up/"
    )
    assert rows["chernihiv"][1].title == "На Чернігівщині збили 12 ударних дронів"
    assert all(row.language == "uk" for row in rows["chernihiv"] + rows["pravda"])
    assert rows["pravda"][2].title.startswith("Ґудзики, їжа та вишиванки")

    # relative item URLs: against home_page_url in a JSON Feed, against the page for a page
    assert rows["radio"][1].url == (
        "https://hromadske.radio.example/news/2025/01/28/podcast-istoriia"
    )
    assert rows["podcast"][2].title == "Випуск 210: спецвипуск до Дня Соборності"
    assert [row.url for row in rows["cards"]] == [
        feed_server.url("/news/238811-zsu-otrymaly-partiyu-f-16"),
        feed_server.url("/news/238805-rada-bjudzhet"),
        "https://hromadske.example/news/238799-kyiv-metro",
    ]
    assert rows["cards"][0].topics == ["defense"]
    assert rows["list"][1].title == "Хмельницький: уламки дрона пошкодили склад"
    assert rows["list"][2].published_at == datetime(2025, 1, 28, 9, 15, tzinfo=UTC)


async def test_a_second_poll_of_real_world_feeds_stores_nothing_new(
    feed_server: FeedServer, make_poller: MakePoller, database: Database
) -> None:
    """Identity keys are stable: proxied links, guid-less items and pages are not re-added."""
    sources = []
    for sid in ("feedburner", "pravda", "radio", "cards"):
        path, fixture, content_type, _ = SERVED[sid]
        feed_server.add_file(path, f"real_world/{fixture}", content_type=content_type)
        sources.append(source(feed_server, sid, path))
    poller = make_poller(sources)
    await poller.sync()
    await poller.cycle(force=True)

    again = await poller.cycle(force=True)

    assert [(report.status, report.new_items) for report in again] == [("ok", 0)] * 4
