"""Feeds as real outlets publish them (tests/data/real_world/): what a reader would see.

Each fixture is modelled on one publisher's actual output, warts included (PHP warnings,
cache-plugin comments, FeedBurner proxies, Ukrainian day names in pubDate, cut UTF-8).
Every test goes the poll cycle's way: `parse`, then `normalise` of each entry.
"""

from __future__ import annotations

import gzip
import re
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from bot.domain import FeedKind, FetchState, HtmlSelectors
from bot.sources.dates import parse_any
from bot.sources.fetch import fetch
from bot.sources.normalise import NormalEntry, normalise
from bot.sources.parse import parse
from tests.fakes.feed_server import FeedServer

DATA = Path(__file__).resolve().parent.parent / "data" / "real_world"
MAX_BODY = 256 * 1024
FETCHED = datetime(2025, 2, 1, tzinfo=UTC)
NOON = datetime(2025, 1, 28, 12, 0, tzinfo=UTC)


def read(
    name: str,
    url: str,
    *,
    content_type: str | None = None,
    html: HtmlSelectors | None = None,
) -> list[NormalEntry]:
    """What the poll cycle keeps of a fixture: normalised entries, one per key, first wins."""
    feed = parse((DATA / name).read_bytes(), content_type=content_type, url=url, html=html)
    found: dict[str, NormalEntry] = {}
    for raw in feed.entries:
        entry = normalise(raw, base_url=url, fetched_at=FETCHED, home_url=feed.link)
        if entry is not None:
            found.setdefault(entry.key, entry)
    return list(found.values())


def titles(entries: list[NormalEntry]) -> list[str]:
    return [entry.title for entry in entries]


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# fixture -> (where it is served from, how many entries a reader must get)
FIXTURES = {
    "wordpress.xml": ("https://blog.kyiv.example/feed/", 3),
    "ukrinform.xml": ("https://www.ukrinform.ua/rss/block-lastnews", 3),
    "pravda_cp1251.xml": ("https://www.pravda.com.ua/rss/view_news/", 3),
    "suspilne.xml": ("https://suspilne.media/rss/all.rss", 3),
    "rbc_bom.xml": ("https://www.rbc.ua/static/rss/all.ukr.rss.xml", 2),
    "bbc.xml": ("https://feeds.bbci.co.uk/news/world/rss.xml", 3),
    "wire_media.xml": ("https://www.wire.example/arc/outboundfeeds/rss/", 2),
    "blogger.xml": ("https://kraieznavets.blogspot.com/feeds/posts/default", 2),
    "github_releases.xml": (
        "https://github.com/python-telegram-bot/python-telegram-bot/releases.atom",
        2,
    ),
    "youtube.xml": ("https://www.youtube.com/feeds/videos.xml?channel_id=UCxx", 2),
    "atom_xhtml_base.xml": ("https://hromadske.example/en/feed.atom", 3),
    "feedburner.xml": ("https://feeds.feedburner.com/EuromaidanPress", 2),
    "undefined_entities.xml": ("https://poltava.example/rss.xml", 3),
    "cdata_html_titles.xml": ("https://epravda.example/rss/", 4),
    "guids.xml": ("https://zaxid.example/rss/", 4),
    "odd_dates.xml": ("https://dates.example/rss", 25),
    "jsonfeed_v1.json": ("https://hromadske.radio.example/feeds/feed.json", 4),
    "jsonfeed_v11.json": ("https://kyivpost.example/feed.json", 4),
    "rdf_dc.xml": ("https://lb.example/rss/", 3),
    "rsshub_telegram.xml": ("https://rsshub.example/telegram/channel/GeneralStaffZSU", 3),
    "podcast.xml": ("https://podcast.example/ranok/feed.xml", 3),
    "php_warning.xml": ("https://zhytomyr.example/feed/", 2),
    "utf16.xml": ("https://mon.example/rss", 1),
    "broken_utf8.xml": ("https://chernihiv.example/rss.xml", 2),
    "cards_page.html": ("https://hromadske.example/news", 3),
    "list_page_cp1251.html": ("https://vistipodillia.example/novyny/", 3),
    "nextjs_cards.html": ("https://suspilne.media/latest/", 3),
    "illformed_cms.xml": ("https://kremen.example/rss.xml", 4),
    "legacy_cms_cp1251.xml": ("https://sumy-oda.example/rss.xml", 2),
    "shared_guid.xml": ("https://oblrada.example/novyny?format=feed&type=rss", 3),
}

# What must never reach a reader: markup, entities, mojibake, replacement characters.
_LEFTOVER = re.compile(
    r"<[a-zA-Z/!]|&(?:#\d+|#x[0-9a-f]+|[a-z]+);|\ufffd|[РС][ЂЃѓ†‡€‰ЉЊЌЋЏђљњќћџЎў¤¦§©¬®°±µ¶·]"
)


def test_every_fixture_is_covered() -> None:
    assert sorted(path.name for path in DATA.iterdir()) == sorted(FIXTURES)


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_every_entry_reads_cleanly(name: str) -> None:
    url, count = FIXTURES[name]
    entries = read(name, url)
    assert len(entries) == count
    for entry in entries:
        assert entry.title
        assert len(entry.title) <= 300
        assert not _LEFTOVER.search(entry.title), entry.title
        assert not _LEFTOVER.search(entry.summary), entry.summary
        assert entry.url.startswith(("https://", "http://"))
        assert "utm_" not in entry.url and "#" not in entry.url
        assert entry.published_at.tzinfo is UTC
        assert entry.published_at <= FETCHED


def test_wordpress_feed() -> None:
    zelensky, outages, photos = read("wordpress.xml", FIXTURES["wordpress.xml"][0])
    assert zelensky.title == "“We will not freeze the war”: Zelensky’s 10 points explained"
    assert zelensky.url == "https://blog.kyiv.example/2025/01/28/zelensky-10-points/"
    assert zelensky.key == "https://blog.kyiv.example/?p=98211"
    assert zelensky.published_at == utc(2025, 1, 28, 16, 55, 3)
    assert zelensky.categories == ("Politics", "Peace talks", "Volodymyr Zelensky")
    assert zelensky.language_hint == "en"
    assert outages.title == "Energy: Ukrenergo schedules outages in 6 oblasts & Kyiv"
    for entry in (zelensky, outages):
        assert "appeared first on" not in entry.summary
    # an empty <description> gives way to <content:encoded>
    assert photos.summary.startswith("A residential building in Kharkiv’s Kyivskyi district")
    assert photos.url == "https://blog.kyiv.example/2025/01/28/kharkiv-photos/"


def test_ukrinform_local_times_become_utc() -> None:
    entries = read("ukrinform.xml", FIXTURES["ukrinform.xml"][0])
    assert [(e.published_at, e.categories) for e in entries] == [
        (utc(2025, 1, 28, 6, 5), ("Війна",)),
        (utc(2025, 1, 28, 8, 47), ("Економіка",)),
        (utc(2025, 1, 28, 9, 30), ("Культура",)),
    ]
    assert entries[2].title == "«Щедрик» прозвучав у Карнегі-хол: концерт до Дня Соборності"
    assert entries[0].language_hint == "uk"


@pytest.mark.parametrize(
    "content_type", [None, "text/xml", "text/xml; charset=utf-8", "text/html; charset=UTF-8"]
)
def test_windows_1251_feed_reads_right_whatever_the_server_says(content_type: str | None) -> None:
    entries = read("pravda_cp1251.xml", FIXTURES["pravda_cp1251.xml"][0], content_type=content_type)
    assert titles(entries) == [
        'Рада ухвалила законопроєкт про "економічне бронювання" в першому читанні',
        "Під Покровськом триває наступ: ЗСУ відбили 42 атаки",
        "Ґудзики, їжа та вишиванки: що везуть українці з-за кордону",
    ]
    assert entries[2].url == "https://www.pravda.com.ua/news/2025/01/28/7495547/"  # was relative
    assert entries[0].summary.startswith("Верховна Рада підтримала в першому читанні")
    assert entries[1].published_at == utc(2025, 1, 28, 12, 2)


def test_ukrainian_day_and_month_names_in_pub_date() -> None:
    entries = read("suspilne.xml", FIXTURES["suspilne.xml"][0])
    assert [e.published_at for e in entries] == [
        utc(2025, 1, 27, 21, 15),  # Пн, 27 січ 2025 23:15:00 +0200
        utc(2025, 1, 28, 7, 30),  # Вт, 28 січ 2025 09:30:00 +0200
        utc(2025, 1, 28, 10, 5),  # вівторок, 28 січня 2025 12:05:00 +0200
    ]
    assert entries[0].categories == ("Київ", "Війна")
    assert entries[0].language_hint == "uk"


def test_bom_and_blank_lines_before_the_declaration() -> None:
    rate, odesa = read("rbc_bom.xml", FIXTURES["rbc_bom.xml"][0])
    assert rate.title == "Курс долара на 29 січня: скільки коштує валюта в обмінниках"
    assert odesa.title == "ТЕРМІНОВО. Вибухи в Одесі: працює ППО"  # CDATA <b> dropped
    assert odesa.published_at == utc(2025, 1, 28, 16, 3, 54)
    assert rate.key == "rbc-1738080000"


def test_bbc_links_lose_their_rss_tracking_but_keys_stay_the_guids() -> None:
    entries = read("bbc.xml", FIXTURES["bbc.xml"][0])
    assert [e.url for e in entries] == [
        "https://www.bbc.com/news/articles/c0jq1l5kdl1o",
        "https://www.bbc.com/news/articles/cx2ykl9d4e0o",
        "https://www.bbc.com/news/videos/c4g3ln2wx7xo",
    ]
    assert entries[0].key == "https://www.bbc.com/news/articles/c0jq1l5kdl1o#0"
    assert entries[1].title == "Trump and Zelensky 'to meet next week', sources say"
    assert entries[0].published_at == utc(2025, 1, 28, 16, 23, 41)


def test_media_rss_captions_never_replace_the_story() -> None:
    sanctions, oil = read("wire_media.xml", FIXTURES["wire_media.xml"][0])
    assert sanctions.title == "EU agrees 16th sanctions package against Russia"
    assert sanctions.summary.startswith("European Union ambassadors agreed")
    assert oil.title == "Oil prices rise as traders weigh Russian supply risks"  # media:title first
    assert sanctions.published_at == utc(2025, 1, 28, 14, 32, 10)  # dc:date only
    assert oil.published_at == utc(2025, 1, 28, 9, 5)
    assert sanctions.categories == ("World", "Europe")


def test_blogger_atom() -> None:
    post, untitled = read("blogger.xml", FIXTURES["blogger.xml"][0])
    assert post.title == "Кам'янецька фортеця: що відкрили археологи взимку"
    assert post.url == "https://kraieznavets.blogspot.com/2025/01/blog-post_28.html"  # not replies
    assert post.published_at == utc(2025, 1, 28, 17, 40)
    assert post.categories == ("Історія", "Кам'янець")
    assert post.summary.startswith("Під час зимових розкопок у Кам'янецькій фортеці")
    assert untitled.title.startswith("Короткий допис без заголовка: у суботу")
    assert untitled.url == "https://kraieznavets.blogspot.com/2025/01/blog-post_25.html"


def test_github_releases_atom() -> None:
    latest, previous = read("github_releases.xml", FIXTURES["github_releases.xml"][0])
    assert titles([latest, previous]) == ["Version 21.10", "Version 21.9"]
    assert latest.url == (
        "https://github.com/python-telegram-bot/python-telegram-bot/releases/tag/v21.10"
    )
    assert latest.published_at == utc(2025, 1, 28, 11, 30, 55)  # <updated> only
    assert "Major Changes" in latest.summary


def test_youtube_channel_feed() -> None:
    news, report = read("youtube.xml", FIXTURES["youtube.xml"][0])
    assert news.url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert news.title.startswith("Новини 18:00 | 28.01.2025 | Атака дронів на Київ")
    assert news.summary.startswith("Головні новини дня від Суспільного")  # media:description
    assert news.published_at == utc(2025, 1, 28, 16, 30, 6)
    assert report.key == "yt:video:9bZkp7q19f0"


def test_atom_xhtml_content_and_nested_xml_base() -> None:
    budget, ramstein, brackets = read("atom_xhtml_base.xml", FIXTURES["atom_xhtml_base.xml"][0])
    assert budget.title == "Rada passes budget amendments & defence spending"
    assert budget.url == "https://hromadske.example/en/news/2025/01/28/budget-amendments"
    assert budget.summary == "MPs added UAH 400bn for defence."
    assert budget.published_at == utc(2025, 1, 28, 13, 10)
    assert budget.categories == ("politics",)
    assert ramstein.title == "Analysis: what the Ramstein meeting means"
    assert ramstein.url == "https://hromadske.example/en/analysis/ramstein-2025"  # not the mp3
    assert brackets.url == "https://hromadske.example/en/news/2025/01/27/brackets"  # not the jpg
    assert brackets.published_at == utc(2025, 1, 27, 21, 45)


def test_feedburner_proxy_links_give_way_to_the_original() -> None:
    drones, metro = read("feedburner.xml", FIXTURES["feedburner.xml"][0])
    assert drones.url == "https://euromaidanpress.example/2025/01/28/drone-makers-scale-up/"
    assert metro.url == "https://euromaidanpress.example/2025/01/27/kyiv-metro-65/"
    assert drones.title == "Ukraine’s drone makers scale up: 4 million FPVs planned for 2025"
    assert drones.summary == "Ukraine plans to produce 4.5 million FPV drones this year."


def test_html_entities_that_xml_does_not_define() -> None:
    entries = read("undefined_entities.xml", FIXTURES["undefined_entities.xml"][0])
    assert titles(entries) == [
        "На Полтавщині відкрили новий пункт незламності — фото",
        "«Укрзалізниця» призначила додатковий поїзд до Києва",
        "Ціни на пальне: A-95 подешевшав на 50 копійок & дизель стабільний",
    ]
    assert entries[0].summary == (
        "Пункт працюватиме цілодобово… У ньому є генератор, вода та Starlink."
    )
    assert entries[2].url == "https://poltava.example/news/tsiny-palne-12347.html?ref=rss&id=12347"
    assert entries[1].published_at == utc(2025, 1, 28, 10, 30)


def test_cdata_titles_with_markup_and_escaped_entities() -> None:
    entries = read("cdata_html_titles.xml", FIXTURES["cdata_html_titles.xml"][0])
    assert titles(entries) == [
        "Ексклюзив НБУ: інфляція у грудні сповільнилась до 12%",
        'Tom & Jerry’s "Bakery" sold for €1m',
        'AT&T and "Kyivstar" sign roaming deal',
        "Бюджет-2025: що змінилося для ФОПів",
    ]
    assert entries[3].url == "https://epravda.example/news/2025/01/28/fop-budget/"
    assert entries[3].summary == "Податки для ФОПів 3 групи зростуть."  # no script text
    assert entries[2].summary == 'Double-escaped "quotes" in a description.'


def test_double_escaped_markup_in_a_description_is_dropped() -> None:
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item>'
        b"<title>T</title><link>https://a.example/1</link>"
        b"<description>Double-escaped &amp;lt;b&amp;gt;markup&amp;lt;/b&amp;gt;.</description>"
        b"</item></channel></rss>"
    )
    (raw,) = parse(body, content_type=None, url="https://a.example/", html=None).entries
    entry = normalise(raw, base_url="https://a.example/", fetched_at=FETCHED)
    assert entry is not None
    assert entry.summary == "Double-escaped markup."


def test_ill_formed_cms_feed_bare_ampersands_entities_and_brackets() -> None:
    entries = read("illformed_cms.xml", FIXTURES["illformed_cms.xml"][0])
    assert titles(entries) == [
        "Кременчук & Світловодськ: графік відключень на 29 січня",  # not "& Світловодськ;"
        "Ціни на хліб зросли на 10% – Держстат",
        "Інфляція < 12%: що це означає для гаманця",
        "На Кременчуцькому НПЗ завершили ремонт",
    ]
    assert entries[0].url == "https://kremen.example/index.php?newsid=12345&from=rss"
    assert entries[0].summary == "Обленерго оприлюднило графік. Черги 1-3 без світла з 08:00."
    assert entries[1].summary == "За рік буханець подорожчав на 3 гривні."
    assert entries[2].summary == "Пояснюємо простими словами."
    assert [e.published_at.hour for e in entries] == [12, 10, 9, 7]


def test_bare_ampersand_is_not_read_as_an_entity() -> None:
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item>'
        b"<title>AT&T and Kyivstar sign a deal</title><link>https://a.example/1</link>"
        b"</item></channel></rss>"
    )
    (entry,) = parse(body, content_type=None, url="https://a.example/", html=None).entries
    assert entry.title == "AT&T and Kyivstar sign a deal"  # feedparser alone: "AT&T; and"


def test_one_guid_on_every_item_does_not_make_them_one_story() -> None:
    entries = read("shared_guid.xml", FIXTURES["shared_guid.xml"][0])
    assert [e.key for e in entries] == [
        "https://oblrada.example/novyny/1834-sesiia-prohrama-vpo",
        "https://oblrada.example/novyny/1833-zustrich-veterany",
        "https://oblrada.example/novyny/1832-konkurs",
    ]
    assert entries[2].title == "Оголошено конкурс проєктів громадських ініціатив"


def test_guids_as_permalinks_and_as_opaque_ids() -> None:
    trams, streets, opera, session = read("guids.xml", FIXTURES["guids.xml"][0])
    assert trams.url == "https://zaxid.example/news/lviv-tramvai-n1612345"  # isPermaLink=true
    assert streets.url == "https://zaxid.example/news/pereimenuvannia-n1612346"  # default true
    assert (opera.url, opera.key) == ("https://zaxid.example/news/opera-n1612347", "1612347")
    assert session.url == "https://zaxid.example/news/sesiia-n1612348"


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        (1, NOON),  # +0300
        (2, NOON),  # GMT+3
        (3, NOON),  # GMT+03:00
        (4, NOON),  # EET
        (5, utc(2024, 9, 30, 12)),  # EEST
        (6, NOON),  # no zone: taken as UTC
        (7, NOON),  # ISO with Z
        (8, NOON),  # ISO with offset
        (9, NOON),  # "2025-01-28 12:00:00"
        (10, NOON),  # Вт, 28 січ 2025 14:00:00 +0200
        (11, NOON),  # wrong weekday
        (12, NOON),  # lower-case month, no seconds
        (13, NOON),  # two-digit year
        (14, NOON),  # dc:date
        (15, FETCHED),  # "сьогодні": no date at all
        (16, FETCHED),  # 31 February
        (17, NOON),  # full English names
        (18, utc(2024, 11, 28, 12)),  # 28 листопада 2024 14:00:00 +0200
        (19, NOON),  # milliseconds
        (20, NOON),  # EST
        (21, NOON),  # JavaScript's Date.toString()
        (22, utc(2025, 1, 27)),  # Пн, 27 січ 2025
        (23, NOON),  # Unix time
        (24, NOON),  # 2025/01/28 12:00
        (25, NOON),  # 2025-01-28T14:00:00+02:00[Europe/Kyiv]
    ],
)
def test_dates_as_servers_really_write_them(link: int, expected: datetime) -> None:
    entries = {e.url: e for e in read("odd_dates.xml", FIXTURES["odd_dates.xml"][0])}
    assert entries[f"https://dates.example/{link}"].published_at == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Пн, 27 лис 2026", datetime(2026, 11, 27)),
        ("Tue, 28 Jan 2025 15:00:00 GMT+3", NOON),
        ("Tue, 28 Jan 2025 14:00:00 EET", NOON),
        ("Ср, 29 янв 2025 12:00:00 +0000", utc(2025, 1, 29, 12)),
        ("2025-01-28 14:00:00 +02:00", NOON),
        ("Tue, 28 Jan 2025 12:00 PM", datetime(2025, 1, 28, 12)),
        ("Tue, 28 Jan 2025 12:00:00 XYZ", datetime(2025, 1, 28, 12)),
        ("Tue, 28 Jan 2025 12:00:00 +2500", datetime(2025, 1, 28, 12)),
        ("mar., 28 janv. 2025 13:00:00 +0100", NOON),
        ("Di, 28 Jan 2025 13:00:00 +0100", NOON),
        ("wt, 28 sty 2025 13:00:00 +0100", NOON),
        ("28. Januar 2025 12:00", datetime(2025, 1, 28, 12)),
    ],
)
def test_parse_any_reads_zones_and_names(text: str, expected: datetime) -> None:
    when = parse_any(text)
    assert when is not None
    assert when == expected
    assert (when.tzinfo is None) == (expected.tzinfo is None)


def test_json_feed_1_0_with_relative_urls_and_missing_ids() -> None:
    url = FIXTURES["jsonfeed_v1.json"][0]
    morning, podcast, untitled, linkless = read("jsonfeed_v1.json", url)
    assert morning.summary.startswith("Уночі сили ППО збили 50 дронів.")  # content_text
    assert morning.published_at == utc(2025, 1, 28, 6)
    assert morning.categories == ("Новини", "Війна")
    # relative item URLs are relative to home_page_url, not to the feed file
    assert podcast.url == "https://hromadske.radio.example/news/2025/01/28/podcast-istoriia"
    assert podcast.key == podcast.url  # no id
    assert untitled.url == "https://hromadske.radio.example/news/2025/01/27/kultura"
    assert untitled.key == "120934"  # a numeric id
    assert untitled.title.startswith("Без заголовка: у Києві відкрилась виставка плакатів")
    assert linkless.summary == "Only content_html here & nothing else, 2 < 3."
    assert linkless.url == "https://hromadske.radio.example/"  # the site, never the feed file
    assert linkless.published_at == utc(2025, 1, 27, 9)


def test_json_feed_1_1() -> None:
    budget, gas, blank, odd = read("jsonfeed_v11.json", FIXTURES["jsonfeed_v11.json"][0])
    assert budget.title == "Ukraine’s Parliament & the 2025 Budget: What Changed"
    assert budget.url == "https://kyivpost.example/post/44512"
    assert budget.summary == "Lawmakers approved amendments adding UAH 400 billion for defense."
    assert budget.published_at == utc(2025, 1, 28, 10, 15)
    assert budget.language_hint == "en"
    assert gas.url == "https://www.wire.example/world/europe/story-2025-01-28/"  # external_url
    assert gas.categories == ("Energy",)  # "tags" as one string
    assert blank.title.startswith("A post with a blank title: Kyiv city council met")
    assert blank.url == "https://kyivpost.example/post/44509"
    assert blank.published_at == utc(2025, 1, 28)
    assert odd.published_at == utc(2025, 1, 28, 5)


def test_rss_1_0_with_dublin_core() -> None:
    imf, nmt, theatre = read("rdf_dc.xml", FIXTURES["rdf_dc.xml"][0])
    assert imf.categories == ("Економіка", "МВФ")  # dc:subject
    assert imf.published_at == utc(2025, 1, 28, 14, 20)
    assert nmt.summary == "Основна сесія НМТ триватиме з 14 травня по 25 червня."
    assert theatre.title == "Театр Франка покаже прем'єру «Кайдашевої сім'ї»"
    assert theatre.published_at == utc(2025, 1, 28)


def test_telegram_channel_via_rsshub() -> None:
    losses, update, photo = read("rsshub_telegram.xml", FIXTURES["rsshub_telegram.xml"][0])
    assert losses.title.startswith("⚡️ Загальні бойові втрати противника з 24.02.22 по 28.01.25")
    assert losses.title.endswith("…") and len(losses.title) <= 300
    assert update.title == (
        "Оперативна інформація станом на 16:00 28.01.2025 щодо російського вторгнення "
        "Сто двадцять перша доба широкомасштабної"
    )
    assert losses.url == "https://t.me/GeneralStaffZSU/22501"
    assert photo.published_at == utc(2025, 1, 28, 15)


def test_podcast_items_without_titles_or_links() -> None:
    episode_212, episode_211, episode_210 = read("podcast.xml", FIXTURES["podcast.xml"][0])
    assert episode_212.title == (
        "Випуск 212: як працює енергосистема після атак, що змінилось для ВПО з…"
    )
    assert episode_212.url == "https://cdn.podcast.example/ranok/212.mp3"
    assert episode_211.title == "Випуск 211: новини з фронту і тилу."  # itunes:summary
    assert episode_210.title == "Випуск 210: спецвипуск до Дня Соборності"  # itunes:title
    assert episode_210.url == "https://cdn.podcast.example/ranok/210.mp3"


def test_php_warning_before_the_feed_and_cache_comments_after_it() -> None:
    bridge, schools = read("php_warning.xml", FIXTURES["php_warning.xml"][0])
    assert bridge.title == "У Житомирі відремонтують міст через Тетерів"
    assert schools.title == "Житомирські школи переходять на дистанційне навчання"


@pytest.mark.parametrize("content_type", [None, "text/xml; charset=utf-8"])
def test_bom_and_comment_before_a_windows_1251_declaration(content_type: str | None) -> None:
    """A PHP include's UTF-8 BOM and a cache comment in front of windows-1251 output."""
    url = FIXTURES["legacy_cms_cp1251.xml"][0]
    entries = read("legacy_cms_cp1251.xml", url, content_type=content_type)
    assert titles(entries) == [
        "Графік подачі тепла в Сумах змінено через обстріли",
        "Прикордонні громади отримали нові генератори",
    ]
    assert entries[0].summary == "Теплопостачання відновлять до ранку 29 січня."
    assert entries[0].published_at == utc(2025, 1, 28, 14, 20)


def test_kilobytes_of_script_after_the_feed_lose_no_entry() -> None:
    body = (DATA / "ukrinform.xml").read_bytes() + b"<script>var a = 1;</script>\n" * 400
    feed = parse(body, content_type=None, url="https://www.ukrinform.ua/rss/", html=None)
    assert len(feed.entries) == 3


def test_utf16_feed() -> None:
    (entry,) = read("utf16.xml", FIXTURES["utf16.xml"][0])
    assert entry.title == "МОН оновило перелік спеціальностей для вступу-2025"
    assert entry.language_hint == "uk"


@pytest.mark.parametrize("content_type", [None, "text/xml; charset=windows-1251"])
def test_utf8_with_one_cut_letter_is_not_read_as_windows_1251(content_type: str | None) -> None:
    trolleybus, drones = read(
        "broken_utf8.xml", FIXTURES["broken_utf8.xml"][0], content_type=content_type
    )
    assert trolleybus.title == "У Чернігові відновили рух тролейбусів після обстрілу"
    assert trolleybus.summary.endswith("повідомили в міськ")
    assert drones.title == "На Чернігівщині збили 12 ударних дронів"


CARDS = [
    (
        "ЗСУ отримали нову партію винищувачів F-16",
        "https://hromadske.example/news/238811-zsu-otrymaly-partiyu-f-16",
        utc(2025, 1, 28, 14, 40),
    ),
    (
        "Рада ухвалила зміни до бюджету — 400 млрд на оборону",
        "https://hromadske.example/news/238805-rada-bjudzhet",
        utc(2025, 1, 28, 14, 5),
    ),
    (
        "Київське метро змінює графік руху",
        "https://hromadske.example/news/238799-kyiv-metro",
        utc(2025, 1, 28, 11, 20),  # printed without a zone: taken as UTC
    ),
]


@pytest.mark.parametrize(
    "selectors",
    [
        None,
        HtmlSelectors(
            item="section.news-feed article.card", title=".card__title", link=".card__title a"
        ),
    ],
)
def test_news_page_of_article_cards(selectors: HtmlSelectors | None) -> None:
    url = FIXTURES["cards_page.html"][0]
    entries = read("cards_page.html", url, content_type="text/html", html=selectors)
    assert [(e.title, e.url, e.published_at) for e in entries] == CARDS
    assert entries[0].categories == ("Оборона",)
    assert entries[0].summary == "Літаки прибули з Нідерландів, повідомив міністр оборони."
    assert entries[0].language_hint == "uk"


@pytest.mark.parametrize(
    "selectors",
    [
        None,
        HtmlSelectors(
            item=".news_item", title=".news_title", link=".news_title a", time=".news_time"
        ),
    ],
)
def test_windows_1251_news_list_without_articles(selectors: HtmlSelectors | None) -> None:
    url = FIXTURES["list_page_cp1251.html"][0]
    entries = read("list_page_cp1251.html", url, content_type="text/html", html=selectors)
    assert [(e.title, e.url) for e in entries] == [
        (
            "У Вінниці запустили новий тролейбусний маршрут",
            "https://vistipodillia.example/news/2025/01/28/vinnytsia-tramvai.html",  # <base>
        ),
        (
            "Хмельницький: уламки дрона пошкодили склад",
            "https://vistipodillia.example/news/2025/01/28/khmelnytskyi-ppo.html",
        ),
        (
            "Кам'янець-Подільський готує фестиваль повітряних куль",
            "https://vistipodillia.example/news/2025/01/28/kamianets-festyval.html",
        ),
    ]
    assert entries[2].published_at == utc(2025, 1, 28, 9, 15)
    assert entries[0].published_at == FETCHED  # "18:40": a time without a date


def test_next_js_cards_whose_whole_body_is_the_link() -> None:
    url = FIXTURES["nextjs_cards.html"][0]
    entries = read("nextjs_cards.html", url, content_type="text/html; charset=utf-8")
    assert [(e.title, e.url, e.published_at) for e in entries] == [
        (
            "Повітряна тривога в Києві: в столиці працює ППО",
            "https://suspilne.media/923541-povitrana-trivoga-v-kievi-v-stolici-pracue-ppo/",
            utc(2025, 1, 27, 21, 15),
        ),
        (
            "Уряд спростив порядок отримання статусу УБД",
            "https://suspilne.media/923560-urad-sprostiv-poradok-otrimanna-statusu-ubd/",
            utc(2025, 1, 28, 7, 30),
        ),
        (
            "Вчені знайшли у Карпатах новий вид саламандри",  # a.__title after an image link
            "https://suspilne.media/923577-vceni-znajsli-u-karpatah-novij-vid-salamandri/",
            utc(2025, 1, 28, 10, 5),
        ),
    ]
    assert entries[0].categories == ("Війна",)


def test_cards_that_are_links_outside_articles_and_no_logo_or_section_links() -> None:
    page = (
        b"<html lang='en'><body><header><p class='site-title'><a href='/'>Kyiv Daily</a></p>"
        b"</header><h2><a href='/news/'>News</a></h2>"
        b"<div class='card'><a href='/news/2025/01/28/grain-corridor'><h3>Grain corridor "
        b"handled 10 million tonnes</h3></a><span class='card-date'>28.01.2025 10:00</span></div>"
        b"<div class='card'><a href='/news/2025/01/28/metro'><h3>Metro extends hours</h3>"
        b"</a></div></body></html>"
    )
    url = "https://kyivdaily.example/news/"
    feed = parse(page, content_type="text/html", url=url, html=None)
    assert [(e.title, e.link) for e in feed.entries] == [
        ("Grain corridor handled 10 million tonnes", f"{url}2025/01/28/grain-corridor"),
        ("Metro extends hours", f"{url}2025/01/28/metro"),
    ]
    assert feed.entries[0].published == datetime(2025, 1, 28, 10)


def test_inline_markup_in_page_headlines_adds_no_spaces() -> None:
    page = (
        "<html><body><article><h2><a href='/a/1'><b>Хмельницький</b>: уламки дрона, "
        "<em>фото</em>.</a></h2><p>Текст <a href='#'>тут</a>, далі.</p></article>"
        "<article><h2><a href='/a/2'>Київ<span class='hl'>ське</span> метро<br>нічні рейси"
        "</a></h2></article></body></html>"
    ).encode()
    feed = parse(page, content_type="text/html", url="https://s.example/", html=None)
    assert [(e.title, e.summary) for e in feed.entries] == [
        ("Хмельницький: уламки дрона, фото.", "Текст тут, далі."),
        ("Київське метро нічні рейси", ""),
    ]


def test_feed_kinds() -> None:
    kinds = {
        name: parse((DATA / name).read_bytes(), content_type=None, url=url, html=None).kind
        for name, (url, _) in FIXTURES.items()
    }
    assert kinds["rdf_dc.xml"] is FeedKind.RDF
    assert kinds["youtube.xml"] is FeedKind.ATOM
    assert kinds["jsonfeed_v1.json"] is FeedKind.JSON
    assert kinds["php_warning.xml"] is FeedKind.RSS
    assert kinds["utf16.xml"] is FeedKind.RSS
    assert kinds["cards_page.html"] is FeedKind.HTML


def test_empty_but_valid_feed_is_no_error() -> None:
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
    assert parse(body, content_type=None, url="https://x.example/", html=None).entries == ()


async def fetch_entries(session: aiohttp.ClientSession, url: str) -> list[NormalEntry] | str:
    """Fetch and read `url` as the poll cycle does; the error text if the fetch failed."""
    result = await fetch(session, url, FetchState(), timeout=5, max_body=MAX_BODY, user_agent="t")
    if result.error is not None:
        return result.error
    feed = parse(result.body or b"", content_type=result.content_type, url=result.url, html=None)
    entries = (normalise(raw, base_url=result.url, fetched_at=FETCHED) for raw in feed.entries)
    return [entry for entry in entries if entry is not None]


async def test_header_lines_longer_than_8_kb(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    policy = "default-src 'self' " + " ".join(f"https://cdn{n}.example" for n in range(900))
    feed_server.add(
        "/feed/",
        (DATA / "wordpress.xml").read_bytes(),
        headers={"Content-Security-Policy": policy},
    )
    entries = await fetch_entries(session, feed_server.url("/feed/"))
    assert not isinstance(entries, str), entries
    assert len(entries) == 3


async def test_body_gzipped_twice_or_served_as_a_gz_file(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    xml = (DATA / "ukrinform.xml").read_bytes()
    feed_server.add("/twice", gzip.compress(gzip.compress(xml)), content_encoding="gzip")
    feed_server.add("/file.xml.gz", gzip.compress(xml), content_type="application/x-gzip")
    for path in ("/twice", "/file.xml.gz"):
        entries = await fetch_entries(session, feed_server.url(path))
        assert not isinstance(entries, str), entries
        assert titles(entries)[0] == "Сили оборони знищили ще 1 340 окупантів і 19 артсистем"


async def test_a_gzip_bomb_inside_the_transfer_encoding_stops_at_the_cap(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    bomb = gzip.compress(b"<rss>" + b" " * (MAX_BODY * 20), compresslevel=9)
    feed_server.add("/bomb", gzip.compress(bomb), content_encoding="gzip")
    assert await fetch_entries(session, feed_server.url("/bomb")) == f"body over {MAX_BODY} bytes"
