"""The rules that decide what a stored item looks like and when it counts as new."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain import RawEntry
from bot.sources.normalise import MAX_SUMMARY, NormalEntry, canonical_url, identity, normalise
from bot.sources.parse import parse
from bot.sources.text import html_to_text, shorten
from tests.sources.conftest import data

FETCHED = datetime(2025, 1, 28, 18, 0, tzinfo=UTC)
BASE = "https://rubryka.com/feed/"


def norm(**fields: object) -> NormalEntry | None:
    return normalise(RawEntry(**fields), base_url=BASE, fetched_at=FETCHED)  # type: ignore[arg-type]


def test_title_is_plain_text_with_entities_decoded_and_spaces_collapsed() -> None:
    entry = norm(
        title="  Ukraine&#8217;s <b>economy</b>\n grew &amp;amp; <em>NATO</em>&nbsp;agrees "
    )
    assert entry is not None
    assert entry.title == "Ukraine’s economy grew & NATO agrees"


def test_plain_text_ampersand_words_are_not_mistaken_for_entities() -> None:
    entry = norm(title="R&D budget & Fish &notes")
    assert entry is not None
    assert entry.title == "R&D budget & Fish &notes"


def test_empty_title_falls_back_to_the_summary_first_words() -> None:
    entry = norm(
        summary="<p>Naftogaz signed a <b>gas storage</b> agreement with an EU trader for the "
        "2025 season. More details follow.</p>"
    )
    assert entry is not None
    assert entry.title == "Naftogaz signed a gas storage agreement with an EU trader for the…"


def test_nothing_to_show_gives_none() -> None:
    assert norm(title="  <br/> ", summary="<p>&nbsp;</p>", link="https://a.example/x") is None


def test_summary_is_plain_text_cut_at_a_word_with_an_ellipsis() -> None:
    words = "Міністерство оборони України продовжує роботу над забезпеченням військових. " * 20
    entry = norm(title="T", summary=f"<p>{words}</p><script>alert(1)</script>")
    assert entry is not None
    assert len(entry.summary) <= 500
    assert entry.summary.endswith("…")
    assert "alert" not in entry.summary and "<" not in entry.summary
    assert words.startswith(entry.summary[:-1])  # cut between words, not inside one


def test_wordpress_appeared_first_footer_is_dropped() -> None:
    feed = parse(data("rss20.xml"), content_type=None, url=BASE, html=None)
    entry = normalise(feed.entries[0], base_url=BASE, fetched_at=FETCHED)
    assert entry is not None
    assert "appeared first on" not in entry.summary
    assert entry.summary.startswith("Міністерство оборони України продовжує")


def test_link_is_absolute_and_canonical() -> None:
    assert (
        canonical_url(
            "HTTPS://Economy.Example:443/grain?utm_source=feed&id=77&fbclid=abc&utm_medium=rss#top",
            base_url=BASE,
        )
        == "https://economy.example/grain?id=77"
    )
    assert (
        canonical_url("/2025/01/28/post/", base_url=BASE) == "https://rubryka.com/2025/01/28/post/"
    )
    assert canonical_url("http://a.example:8080", base_url=BASE) == "http://a.example:8080/"
    assert canonical_url("javascript:alert(1)", base_url=BASE) == ""
    assert canonical_url("https://user:secret@a.example/x", base_url=BASE) == "https://a.example/x"


def test_published_is_utc_and_missing_or_future_becomes_fetched_at() -> None:
    kyiv = timezone(timedelta(hours=2))
    entry = norm(title="T", published=datetime(2025, 1, 28, 17, 5, tzinfo=kyiv))
    assert entry is not None and entry.published_at == datetime(2025, 1, 28, 15, 5, tzinfo=UTC)
    assert entry.published_at.tzinfo is UTC
    naive = norm(title="T", published=datetime(2025, 1, 28))
    assert naive is not None and naive.published_at == datetime(2025, 1, 28, tzinfo=UTC)
    missing = norm(title="T")
    assert missing is not None and missing.published_at == FETCHED
    soon = norm(title="T", published=FETCHED + timedelta(minutes=3))
    assert soon is not None and soon.published_at == FETCHED + timedelta(minutes=3)
    future = norm(title="T", published=FETCHED + timedelta(hours=2))
    assert future is not None and future.published_at == FETCHED


def test_future_dated_fixture_is_clamped() -> None:
    feed = parse(data("future_dates.xml"), content_type=None, url=BASE, html=None)
    first, second = (normalise(e, base_url=BASE, fetched_at=FETCHED) for e in feed.entries)
    assert first is not None and first.published_at == FETCHED
    assert second is not None and second.published_at == datetime(2025, 1, 27, 12, tzinfo=UTC)


def test_key_prefers_guid_then_canonical_link_then_content_hash() -> None:
    with_guid = norm(title="T", guid=" novyny-55120 ", link="https://a.example/x")
    assert with_guid is not None and with_guid.key == "novyny-55120"
    by_link = norm(title="T", link="https://a.example/x?utm_campaign=y#c")
    assert by_link is not None and by_link.key == "https://a.example/x"
    by_text = norm(title="Заголовок", summary="Текст")
    expected = "sha256:" + hashlib.sha256("Заголовок\nТекст".encode()).hexdigest()
    assert by_text is not None and by_text.key == expected
    assert by_text.url == "https://rubryka.com/feed/"  # nothing better to point at


def test_long_keys_are_hashed_to_a_bounded_length() -> None:
    entry = norm(title="T", guid="x" * 5000)
    assert entry is not None
    assert entry.key == "sha256:" + hashlib.sha256(b"x" * 5000).hexdigest()


def test_duplicate_guids_share_a_key_and_no_guid_feed_keys_by_link_or_hash() -> None:
    dup = parse(data("dup_guids.xml"), content_type=None, url=BASE, html=None)
    keys = [normalise(e, base_url=BASE, fetched_at=FETCHED) for e in dup.entries]
    assert [k.key for k in keys if k] == ["novyny-55120", "novyny-55120", "novyny-55119"]
    plain = parse(
        data("no_guids.xml"), content_type=None, url="https://economy.example/", html=None
    )
    grain, gas = (normalise(e, base_url=BASE, fetched_at=FETCHED) for e in plain.entries)
    assert grain is not None and grain.key == "https://economy.example/grain-exports?id=77"
    assert gas is not None and gas.key.startswith("sha256:")
    assert gas.title.startswith("Naftogaz signed a gas storage agreement")


def test_categories_and_language_hint() -> None:
    entry = norm(title="T", categories=(" Війна ", "війна", "<b>News</b>", ""), language="uk-UA")
    assert entry is not None
    assert entry.categories == ("Війна", "News")
    assert entry.language_hint == "uk"
    odd = norm(title="T", language="не мова")
    assert odd is not None and odd.language_hint is None


def test_markup_escaped_twice_is_dropped_but_text_that_looks_like_a_tag_stays() -> None:
    assert html_to_text("Ціни &lt;b&gt;зросли&lt;/b&gt; на 5%") == "Ціни зросли на 5%"
    assert html_to_text("Why x&lt;y &amp;&amp; y&gt;z matters") == "Why x<y && y>z matters"
    assert html_to_text("I &lt;3 Kyiv") == "I <3 Kyiv"
    assert html_to_text("Why &lt;script&gt; tags matter") == "Why <script> tags matter"


def test_a_whole_article_in_the_summary_gives_the_same_summary_as_reading_it_all() -> None:
    paragraph = "<p>Уряд ухвалив рішення про <a href='/x'>нові правила</a> для ФОП. </p>"
    article = paragraph * 400  # ~30 KB of HTML: only the start is read
    raw = RawEntry(title="T", link="https://a.example/1", summary=article)
    entry = normalise(raw, base_url="https://a.example/", fetched_at=FETCHED)
    assert entry is not None
    whole = html_to_text(article)
    assert entry.summary == shorten(whole, MAX_SUMMARY)
    assert len(entry.summary) <= MAX_SUMMARY


def test_an_entry_without_any_link_points_to_the_site_not_to_the_feed() -> None:
    body = (
        b"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>"
        b"<link>https://news.example/</link>"
        b"<item><title>No link here</title><guid isPermaLink='false'>42</guid></item>"
        b"</channel></rss>"
    )
    feed = parse(body, content_type=None, url="https://news.example/feeds/rss.xml", html=None)
    assert feed.link == "https://news.example/"
    entry = normalise(
        feed.entries[0],
        base_url="https://news.example/feeds/rss.xml",
        fetched_at=FETCHED,
        home_url=feed.link,
    )
    assert entry is not None and entry.url == "https://news.example/"


_URL_PART = st.sampled_from(
    ["http://", "https://", "HTTPS://", "ftp://", "//", "/", "a", "Z", "news.example", ".", "-",
     ":443", ":8080", ":", "?", "&", "=", "utm_source=x", "id=7", "#", "#top", "%20", " ", "\t",
     "@", "user:pw@", "[::1]", "ї", "..", "//x", ";p"]
)  # fmt: skip


_LINK = st.one_of(
    st.lists(_URL_PART, max_size=8).map("".join),
    st.tuples(  # shaped like real links: scheme, host, port, path, query, fragment
        st.sampled_from(["http://", "https://", "HTTP://", "", "/"]),
        st.sampled_from(["news.example", "News.Example", "a.b-c.ua", "x.", "[::1]", "ї.укр", ""]),
        st.sampled_from(["", ":80", ":443", ":8080", ":x"]),
        st.sampled_from(["", "/", "/a/b/", "/a b", "/%D0%B0", "/../c", "/a;p"]),
        st.sampled_from(["", "?", "?id=7", "?utm_source=x&id=7", "?a&&b=", "?UTM_Medium=y"]),
        st.sampled_from(["", "#", "#top", "#a?b"]),
    ).map("".join),
)


@settings(max_examples=1000, deadline=None)
@given(link=_LINK)
def test_the_fast_path_for_plain_links_canonicalises_like_the_general_one(link: str) -> None:
    fast = canonical_url(link, base_url=BASE)
    with mock.patch("bot.sources.normalise._split_plain", return_value=None):
        assert fast == canonical_url(link, base_url=BASE)


_GUID = st.sampled_from(["", " ", "42", " urn:uuid:1 ", "https://a.example/p?id=1", "x" * 300])


@settings(max_examples=300, deadline=None)
@given(guid=_GUID, link=_LINK, title=st.sampled_from(["", "Title", "<b></b>"]))
def test_identity_is_the_key_normalise_gives_whenever_it_names_one(
    guid: str, link: str, title: str
) -> None:
    raw = RawEntry(title=title, link=link, guid=guid, summary="Summary")
    key = identity(raw, base_url=BASE)
    entry = normalise(raw, base_url=BASE, fetched_at=FETCHED)
    assert entry is not None
    assert key is None or key == entry.key
    assert key is not None or entry.key.startswith("sha256:")
