"""Every fixture format, fetched over HTTP and stored: titles, links, languages, topics."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.db.engine import Database
from bot.domain import HtmlSelectors
from tests.fakes.feed_server import FeedServer
from tests.ingest.conftest import MakePoller, items_of, source, state_of

R = "https://rubryka.example"
K = "https://kyivnews.example"
FICO = "Фіцо назвав Зеленського ворогом Словаччини та пригрозив заблокувати допомогу Україні від ЄС"
MINOBORONY = (
    "Міноборони працює над полегшеними бронежилетами та зимовим одягом для жінок-військових"
)
CANADA = "У супермаркетах Канади облаштували полички з українськими товарами"

# fixture -> every stored item as (title, url, language, topics), in feed order.
# "{base}" is the feed server: a relative link resolves against where the feed came from.
EXPECTED: dict[str, list[tuple[str, str, str, list[str]]]] = {
    "rss20.xml": [
        (
            MINOBORONY,
            f"{R}/2025/01/28/minoborony-bronezhylety/",  # utm_* dropped
            "uk",
            ["defense"],
        ),
        (
            "Глави МЗС України та Іспанії підписали угоду про співпрацю в галузі освіти",
            f"{R}/2025/01/28/mzs-ispaniia-osvita/",
            "uk",
            ["education"],
        ),
        (
            "NATO to share classified data with EU and defense industry to boost production"
            " & standardization",
            f"{R}/en/2025/01/28/nato-classified-data/",  # fragment dropped
            "en",
            ["defense"],
        ),
        (
            "У Львові відкрили перший в Україні Культурний хаб ЮНЕСКО",
            f"{R}/2025/01/28/kulturnyi-hab-iunesko/",
            "uk",
            ["culture"],
        ),
    ],
    "atom10.xml": [
        (
            "Ukraine’s economy grew 3.6% in 2024, National Bank says",
            f"{K}/economy/2025/01/28/gdp-2024",  # xml:base
            "en",
            ["economy"],
        ),
        (
            "Verkhovna Rada extends martial law and mobilisation for another 90 days",
            f"{K}/politics/2025/01/15/martial-law-extended",
            "en",
            ["politics"],
        ),
        (
            "Ukrainian documentary Porcelain War shortlisted for an Oscar",
            f"{K}/culture/2025/01/23/porcelain-war-oscar",
            "en",
            ["culture"],
        ),
    ],
    "atom03.xml": [
        (
            "Київські школи переходять на змішане навчання під час відключень світла",
            "https://osvita.example/news/zmishane-navchannia",
            "uk",
            ["education"],
        ),
        (
            "МОН оголосило дати національного мультипредметного тесту",
            "https://osvita.example/news/nmt-2025",
            "uk",
            ["education"],
        ),
    ],
    "rdf.xml": [
        (
            "Харківська опера відкрила сезон у підземному укритті",
            "https://culture.example/2025/01/kharkiv-opera",
            "uk",
            ["culture"],
        ),
        (
            "Музей Шевченка отримав рідкісні видання «Кобзаря»",
            "https://culture.example/2025/01/shevchenko-museum",
            "uk",
            ["culture"],
        ),
    ],
    "rss091.xml": [
        (
            "Denmark funds production of Ukrainian Bohdana howitzers",
            "https://defence.example/2025/01/bohdana",
            "en",
            [],
        ),
    ],
    "jsonfeed.json": [
        (
            "НБУ зберіг облікову ставку на рівні 14,5%",
            "https://epravda.example/news/2025/01/28/742101/",
            "uk",
            ["economy"],
        ),
        (
            "МВФ схвалив черговий транш для України",
            # relative, so against the feed's home_page_url, not the server it came from
            "https://epravda.example/news/2025/01/28/742090/",
            "uk",
            ["economy"],
        ),
        (
            "Canadian supermarkets open shelves with Ukrainian products",
            "https://epravda.example/news/2025/01/27/742080/",
            "en",  # the item's own language, though the feed says uk
            [],
        ),
    ],
    "cp1251.xml": [
        (FICO, "https://visti.example/news/fico", "uk", ["politics"]),
        (
            f"{CANADA}: ґудзики, їжа та вишиванки",
            "https://visti.example/news/kanada",
            "uk",
            ["economy"],
        ),
    ],
    "koi8u.xml": [
        (FICO, "https://kyiv-pravda.example/news/fico", "uk", ["politics"]),
        (
            f"{CANADA}: ґудзики, їжа та вишиванки",
            "https://kyiv-pravda.example/news/kanada",
            "uk",
            ["economy"],
        ),
    ],
}

SEED_HEADLINES = [
    CANADA,
    FICO,
    MINOBORONY,
    "Глави МЗС України та Іспанії підписали угоду про співпрацю в галузі освіти",
    "Зеленський доручив урядовцям дати звіт щодо програм підтримки США, які призупинені",
    "У Львові відкрили перший в Україні Культурний хаб ЮНЕСКО",
]


async def test_every_format_stores_its_items(
    feed_server: FeedServer, make_poller: MakePoller, database: Database
) -> None:
    sources = []
    for name in EXPECTED:
        feed_server.add_file(f"/{name}", name)
        sources.append(source(feed_server, name.replace(".", "_"), f"/{name}"))
    poller = make_poller(sources)
    await poller.sync()

    reports = {r.source_id: r for r in await poller.cycle(force=True)}

    for name, expected in EXPECTED.items():
        sid = name.replace(".", "_")
        assert reports[sid].status == "ok", reports[sid].line()
        assert reports[sid].new_items == len(expected)
        stored = [
            (row.title, row.url, row.language, row.topics) for row in await items_of(database, sid)
        ]
        want = [(t, u.format(base=feed_server.base_url), lang, tp) for t, u, lang, tp in expected]
        assert stored == want, name
        assert (await state_of(database, sid)).kind is not None


async def test_times_are_stored_in_utc_with_their_zone_applied(
    feed_server: FeedServer, make_poller: MakePoller, database: Database
) -> None:
    feed_server.add_file("/atom.xml", "atom10.xml")
    poller = make_poller([source(feed_server, "kyiv", "/atom.xml")])
    await poller.sync()
    await poller.cycle(force=True)
    first = (await items_of(database, "kyiv"))[0]
    assert first.published_at == datetime(2025, 1, 28, 10, 30, tzinfo=UTC)  # 12:30+02:00


async def test_fixed_language_and_topics_of_a_source_win(
    feed_server: FeedServer, make_poller: MakePoller, database: Database
) -> None:
    feed_server.add_file("/feed.xml", "rss20.xml")
    fixed = source(feed_server, "fixed", "/feed.xml", language="uk", topics=("politics",))
    poller = make_poller([fixed])
    await poller.sync()
    await poller.cycle(force=True)
    rows = await items_of(database, "fixed")
    assert {row.language for row in rows} == {"uk"}  # the English item too
    assert all("politics" in row.topics for row in rows)
    assert rows[0].topics == ["defense", "politics"]


@pytest.mark.parametrize(
    "selectors",
    [
        None,
        HtmlSelectors(
            item=".rub-recent-posts__item", title="h3", link="h3 a", time=".td-post-date time"
        ),
    ],
    ids=["heuristics", "selectors"],
)
async def test_seed_shaped_page_without_feed_link(
    feed_server: FeedServer,
    make_poller: MakePoller,
    database: Database,
    selectors: HtmlSelectors | None,
) -> None:
    feed_server.add_file("/en/2025/01/28/nato/", "rubryka_page.html")
    page = source(feed_server, "rubryka", "/en/2025/01/28/nato/", html=selectors)
    poller = make_poller([page])
    await poller.sync()

    [report] = await poller.cycle(force=True)

    assert (report.status, report.new_items) == ("ok", 6)
    rows = await items_of(database, "rubryka")
    assert [row.title for row in rows] == SEED_HEADLINES
    assert all(row.language == "uk" for row in rows)
    assert rows[0].url.startswith("https://rubryka.com/2025/01/28/u-supermarketah-kanady")
    # A relative link on the page resolves against the page's own URL.
    assert rows[2].url == feed_server.url(
        "/2025/01/28/minoborony-pratsyuye-nad-polegshenymy-bronezhyletamy/"
    )
    assert rows[2].topics == ["defense"]
    assert all(row.published_at == datetime(2025, 1, 28, tzinfo=UTC) for row in rows)
    state = await state_of(database, "rubryka")
    assert (state.kind, state.feed_url) == ("html", None)


async def test_page_with_feed_link_is_followed_and_the_feed_remembered(
    feed_server: FeedServer, make_poller: MakePoller, database: Database
) -> None:
    feed_server.add_file("/news/", "page_with_feed_link.html")
    feed_server.add_file("/feed/", "rss20.xml", etag='"feed-v1"')
    poller = make_poller([source(feed_server, "site", "/news/")])
    await poller.sync()

    [first] = await poller.cycle(force=True)

    assert (first.status, first.new_items) == ("ok", 4)
    state = await state_of(database, "site")
    assert state.feed_url == feed_server.url("/feed/")  # the main feed, not the comments feed
    assert (state.kind, state.etag) == ("rss", '"feed-v1"')
    assert "/comments/feed/" not in feed_server.hits

    [second] = await poller.cycle(force=True)

    assert second.status == "not modified"
    assert feed_server.hits["/news/"] == 1  # straight to the feed the second time
    assert feed_server.hits["/feed/"] == 2
    assert feed_server.headers_of_last("/feed/")["If-None-Match"] == '"feed-v1"'
