"""What a reader would expect from each kind of document."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import FeedKind, HtmlSelectors
from bot.sources.dates import parse_any
from bot.sources.parse import ParseError, parse, parse_off_loop
from tests.sources.conftest import data

SEED_HEADLINES = [
    "У супермаркетах Канади облаштували полички з українськими товарами",
    "Фіцо назвав Зеленського ворогом Словаччини та пригрозив заблокувати допомогу Україні від ЄС",
    "Міноборони працює над полегшеними бронежилетами та зимовим одягом для жінок-військових",
    "Глави МЗС України та Іспанії підписали угоду про співпрацю в галузі освіти",
    "Зеленський доручив урядовцям дати звіт щодо програм підтримки США, які призупинені",
    "У Львові відкрили перший в Україні Культурний хаб ЮНЕСКО",
]


def read(name: str, content_type: str | None = None, url: str = "https://rubryka.com/feed/"):
    return parse(data(name), content_type=content_type, url=url, html=None)


def test_rss20_titles_links_dates_categories() -> None:
    feed = read("rss20.xml", "application/rss+xml; charset=UTF-8")
    assert feed.kind is FeedKind.RSS
    assert feed.title == "Рубрика"
    assert feed.language == "uk"
    assert feed.ttl == timedelta(minutes=30)
    first = feed.entries[0]
    assert first.title.startswith("Міноборони працює над полегшеними бронежилетами")
    assert first.link.startswith("https://rubryka.example/2025/01/28/minoborony-bronezhylety/")
    assert first.guid == "https://rubryka.example/?p=412345"
    assert first.published == datetime(2025, 1, 28, 16, 40, 12, tzinfo=UTC)
    assert first.categories == ("Новини", "Війна")
    nato = feed.entries[2]
    assert "production & standardization" in nato.title
    assert nato.categories == ("News", "War")
    # a +0200 pubDate comes out as the same instant in UTC
    assert feed.entries[3].published == datetime(2025, 1, 28, 8, 0, tzinfo=UTC)


def test_atom10_resolves_xml_base_and_keeps_offsets() -> None:
    feed = read("atom10.xml", "application/atom+xml")
    assert feed.kind is FeedKind.ATOM
    assert feed.language == "en"
    gdp, rada, film = feed.entries
    assert gdp.link == "https://kyivnews.example/economy/2025/01/28/gdp-2024"
    assert film.link == "https://kyivnews.example/culture/2025/01/23/porcelain-war-oscar"
    assert gdp.published == datetime(2025, 1, 28, 10, 30, tzinfo=UTC)
    assert rada.published == datetime(2025, 1, 15, 9, 45, tzinfo=UTC)  # only <updated>
    assert "Porcelain War" in film.title
    assert "Economy" in gdp.categories or "economy" in gdp.categories
    assert rada.categories == ("politics", "defense")
    assert "3.6%" in gdp.summary


def test_atom03() -> None:
    feed = read("atom03.xml")
    assert feed.kind is FeedKind.ATOM
    assert [e.title for e in feed.entries] == [
        "Київські школи переходять на змішане навчання під час відключень світла",
        "МОН оголосило дати національного мультипредметного тесту",
    ]
    assert feed.entries[0].published == datetime(2025, 1, 27, 7, 0, tzinfo=UTC)
    assert feed.entries[0].link == "https://osvita.example/news/zmishane-navchannia"


def test_rdf_rss10() -> None:
    feed = read("rdf.xml", "application/rdf+xml")
    assert feed.kind is FeedKind.RDF
    assert feed.language == "uk"
    opera = feed.entries[0]
    assert opera.title == "Харківська опера відкрила сезон у підземному укритті"
    assert opera.published == datetime(2025, 1, 26, 17, 0, tzinfo=UTC)
    assert opera.categories == ("Культура",)


def test_rss091_without_dates() -> None:
    feed = read("rss091.xml")
    assert feed.kind is FeedKind.RSS
    (entry,) = feed.entries
    assert entry.title == "Denmark funds production of Ukrainian Bohdana howitzers"
    assert entry.published is None


def test_json_feed() -> None:
    feed = read("jsonfeed.json", "application/feed+json")
    assert feed.kind is FeedKind.JSON
    assert feed.language == "uk"
    rate, imf, canada = feed.entries
    assert rate.title == "НБУ зберіг облікову ставку на рівні 14,5%"
    assert rate.published is not None
    assert rate.published.astimezone(UTC) == datetime(2025, 1, 28, 12, 0, tzinfo=UTC)
    assert rate.categories == ("Економіка", "НБУ")
    assert imf.guid == "742090"
    assert "завершив" in imf.summary  # content_html when there is no summary
    assert canada.language == "en"
    assert canada.published == datetime(2025, 1, 27, 18, 30, tzinfo=UTC)  # date_modified


@pytest.mark.parametrize(
    ("name", "charset"),
    [
        ("cp1251.xml", None),
        ("koi8u.xml", None),
        ("cp1251.xml", "windows-1251"),
        ("koi8u.xml", "koi8-u"),
    ],
)
def test_legacy_cyrillic_encodings_from_xml_declaration(name: str, charset: str | None) -> None:
    feed = read(name, "application/rss+xml" if charset is None else f"text/xml; charset={charset}")
    titles = [e.title for e in feed.entries]
    assert titles[0].startswith("Фіцо назвав Зеленського ворогом Словаччини")
    assert titles[1].endswith("ґудзики, їжа та вишиванки")
    assert feed.entries[0].categories == ("Політика",)
    assert "Прем'єр-міністр" in feed.entries[0].summary


def test_http_charset_is_honoured_when_document_declares_nothing() -> None:
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Канал</title>'
        "<item><title>Їжак і ґава: є новини</title><link>https://a.example/1</link></item>"
        "</channel></rss>"
    ).encode("koi8_u")
    feed = parse(body, content_type="text/xml; charset=KOI8-U", url="https://a.example/", html=None)
    assert feed.entries[0].title == "Їжак і ґава: є новини"


def test_utf8_body_mislabelled_as_windows_1251_still_reads_right() -> None:
    body = data("rss20.xml")
    feed = parse(body, content_type="text/xml; charset=windows-1251", url="https://x/", html=None)
    assert feed.entries[1].title.startswith("Глави МЗС України")


def test_default_server_charset_loses_to_the_declaration() -> None:
    feed = read("cp1251.xml", "text/xml; charset=ISO-8859-1")
    assert feed.title == "Вісті Галичини"


def test_duplicate_guids_are_all_returned_for_the_store_to_dedupe() -> None:
    feed = read("dup_guids.xml")
    assert [e.guid for e in feed.entries] == ["novyny-55120", "novyny-55120", "novyny-55119"]


def test_html_page_with_feed_link_points_to_the_feed() -> None:
    feed = parse(
        data("page_with_feed_link.html"),
        content_type="text/html; charset=UTF-8",
        url="https://rubryka.com/news/",
        html=None,
    )
    assert feed.kind is FeedKind.HTML
    assert feed.feed_url == "https://rubryka.com/feed/"  # the main feed, not the comments feed
    assert feed.entries == ()


def test_seed_shaped_page_yields_its_six_headlines() -> None:
    feed = parse(
        data("rubryka_page.html"),
        content_type="text/html; charset=UTF-8",
        url="https://rubryka.com/en/2025/01/28/nato-classified-data/",
        html=None,
    )
    assert feed.kind is FeedKind.HTML
    assert feed.feed_url is None
    assert [e.title for e in feed.entries] == SEED_HEADLINES
    for entry in feed.entries:
        assert entry.link.startswith("https://rubryka.com/2025/01/28/")
        assert entry.published == datetime(2025, 1, 28)
        assert entry.categories == ("Новини",)
        assert not entry.summary.endswith("Читати більше")
    assert entry.summary.startswith("Сьогодні у Львові урочисто відкрили")


def test_seed_shaped_page_with_configured_selectors() -> None:
    selectors = HtmlSelectors(
        item=".rub-recent-posts__item", title="h3", link="h3 a", time=".td-post-date time"
    )
    feed = parse(
        data("rubryka_page.html"),
        content_type="text/html",
        url="https://rubryka.com/",
        html=selectors,
    )
    assert [e.title for e in feed.entries] == SEED_HEADLINES
    assert feed.entries[2].link == (
        "https://rubryka.com/2025/01/28/minoborony-pratsyuye-nad-polegshenymy-bronezhyletamy/"
    )
    assert all(e.published == datetime(2025, 1, 28) for e in feed.entries)


def test_page_without_articles_falls_back_to_headline_links() -> None:
    page = (
        "<html><body><div class='news'><h2><a href='/a'>Уряд ухвалив бюджет</a></h2>"
        "<span class='date'>28 січня 2025, 17:05</span><p>Коротко.</p></div>"
        "<div class='news'><h3><a href='b.html'>Exports grew</a></h3>"
        "<time datetime='2025-01-27T10:00:00Z'>yesterday</time></div></body></html>"
    ).encode()
    feed = parse(page, content_type="text/html", url="https://site.example/news/", html=None)
    assert [(e.title, e.link) for e in feed.entries] == [
        ("Уряд ухвалив бюджет", "https://site.example/a"),
        ("Exports grew", "https://site.example/news/b.html"),
    ]
    assert feed.entries[1].published == datetime(2025, 1, 27, 10, 0, tzinfo=UTC)


def test_selectors_that_match_nothing_say_so() -> None:
    with pytest.raises(ParseError, match="selectors found no items"):
        parse(
            data("rubryka_page.html"),
            content_type="text/html",
            url="https://rubryka.com/",
            html=HtmlSelectors(item=".nothing-here"),
        )


def test_invalid_selector_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="not valid CSS"):
        parse(
            data("rubryka_page.html"),
            content_type="text/html",
            url="https://rubryka.com/",
            html=HtmlSelectors(item="li[["),
        )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty body"),
        (b"  \r\n\t ", "empty body"),
        (data("not_feed.json"), "looks like JSON without 'items'"),
        (b'{"items": [', "invalid JSON"),
        (data("truncated.xml"), "XML is truncated/ill-formed and has no entries"),
        (data("html_as_feed.html"), "HTML page with no feed link and no headlines"),
        (b"Just some text", "neither XML, JSON nor HTML"),
        (b"<?xml version='1.0'?><opml version='2.0'><body/></opml>", "root element <opml>"),
    ],
)
def test_bad_bodies_give_clear_parse_errors(body: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse(body, content_type="application/rss+xml", url="https://x.example/", html=None)


def test_html_served_as_feed_is_read_by_its_content_not_its_type() -> None:
    feed = parse(
        data("rubryka_page.html"),
        content_type="application/rss+xml",
        url="https://rubryka.com/",
        html=None,
    )
    assert len(feed.entries) == 6


def test_truncated_feed_keeps_the_complete_entries_only() -> None:
    whole = data("rss20.xml")
    cut = whole[: whole.index(b"<title>NATO to share")]  # cut inside the third item
    feed = parse(cut, content_type=None, url="https://x/", html=None)
    assert len(feed.entries) == 2
    assert feed.entries[1].title.startswith("Глави МЗС")


def test_ill_formed_feed_with_bare_ampersands_is_still_read() -> None:
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        b"<item><title>Tom & Jerry&nbsp;news</title><link>http://a.example/1</link></item>"
        b"<item><title>Second</title><link>http://a.example/2</link></item></channel></rss>"
    )
    feed = parse(body, content_type=None, url="https://a.example/", html=None)
    assert [e.link for e in feed.entries] == ["http://a.example/1", "http://a.example/2"]
    assert feed.entries[0].title.startswith("Tom & Jerry")


def test_a_url_as_body_is_never_fetched_or_opened() -> None:
    for body in (b"https://127.0.0.1:9/feed", b"/etc/hostname"):
        with pytest.raises(ParseError):
            parse(body, content_type=None, url="https://x/", html=None)


async def test_parse_off_loop_gives_the_same_result() -> None:
    body = data("rss20.xml")
    threaded = await parse_off_loop(body, content_type=None, url="https://x/", html=None)
    assert threaded == parse(body, content_type=None, url="https://x/", html=None)


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("Tuesday January 28th, 2025", datetime(2025, 1, 28)),
        ("28 січня 2025, 17:05", datetime(2025, 1, 28, 17, 5)),
        ("Jan 3rd, 2025 at 9:15 pm", datetime(2025, 1, 3, 21, 15)),
        ("03.02.2025", datetime(2025, 2, 3)),
        ("2025-01-28T17:05:43+00:00", datetime(2025, 1, 28, 17, 5, 43, tzinfo=UTC)),
        ("Tue, 28 Jan 2025 16:40:12 +0000", datetime(2025, 1, 28, 16, 40, 12, tzinfo=UTC)),
        ("yesterday", None),
    ],
)
def test_dates_as_pages_and_json_feeds_print_them(printed: str, expected: datetime | None) -> None:
    assert parse_any(printed) == expected
