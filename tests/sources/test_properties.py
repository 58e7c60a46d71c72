"""Whatever a server sends, parse fails only with ParseError; normalise never fails."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain import HtmlSelectors, RawEntry
from bot.sources.normalise import normalise
from bot.sources.parse import ParseError, parse
from tests.sources.conftest import data

PREFIXES = [
    b"",
    b"<?xml version='1.0' encoding='windows-1251'?><rss version='2.0'><channel><item><title>",
    b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><title>",
    b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><item>",
    b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"title": ',
    b"<!DOCTYPE html><html><body><article><h2><a href='",
    b"\xef\xbb\xbf<?xml version='1.0' encoding='utf-16'?>",
]
FIXTURES = [
    data(name) for name in ("rss20.xml", "atom10.xml", "jsonfeed.json", "rubryka_page.html")
]
CONTENT_TYPES = st.sampled_from(
    [None, "application/rss+xml", "text/xml; charset=koi8-u", "text/html; charset=bogus", ";;="]
)
SELECTORS = st.none() | st.builds(
    HtmlSelectors,
    item=st.sampled_from(["article", "li", "a", "*"]),
    title=st.none() | st.just("h3"),
)


def _only_parse_errors(body: bytes, content_type: str | None, html: HtmlSelectors | None) -> None:
    try:
        parse(body, content_type=content_type, url="https://x.example/a/", html=html)
    except ParseError as exc:
        assert str(exc)  # always says something


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PREFIXES), st.binary(max_size=300), CONTENT_TYPES, SELECTORS)
def test_any_bytes_raise_nothing_but_parse_error(
    prefix: bytes, tail: bytes, content_type: str | None, html: HtmlSelectors | None
) -> None:
    _only_parse_errors(prefix + tail, content_type, html)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(FIXTURES), st.integers(0, 20000), st.binary(max_size=40))
def test_cut_or_corrupted_real_documents_raise_nothing_but_parse_error(
    document: bytes, cut: int, junk: bytes
) -> None:
    _only_parse_errors(document[: cut % (len(document) + 1)] + junk, None, None)


@settings(max_examples=200, deadline=None)
@given(
    title=st.text(max_size=200),
    summary=st.text(max_size=300),
    link=st.text(max_size=100),
    guid=st.text(max_size=100),
    base=st.sampled_from(["https://rubryka.com/feed/", "", "not a url", "http://[::1"]),
    categories=st.lists(st.text(max_size=20), max_size=4),
    language=st.none() | st.text(max_size=10),
    published=st.none() | st.datetimes(timezones=st.none() | st.timezones()),
)
def test_normalise_never_raises_and_title_is_never_empty(
    title: str,
    summary: str,
    link: str,
    guid: str,
    base: str,
    categories: list[str],
    language: str | None,
    published: datetime | None,
) -> None:
    entry = RawEntry(
        title=title,
        summary=summary,
        link=link,
        guid=guid,
        categories=tuple(categories),
        language=language,
        published=published,
    )
    fetched = datetime(2025, 1, 28, 18, 0, tzinfo=UTC)
    result = normalise(entry, base_url=base, fetched_at=fetched)
    if result is None:
        return
    assert result.title.strip() == result.title and result.title
    assert len(result.key) <= 256 and result.key
    assert len(result.summary) <= 500
    assert result.published_at.tzinfo is UTC
    assert result.published_at <= fetched.replace(minute=5)
