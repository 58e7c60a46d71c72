"""fetch() against a real local server playing every fault a news source can have."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import aiohttp
import pytest

from bot.domain import FetchResult, FetchState
from bot.sources.fetch import fetch
from bot.sources.parse import ParseError, parse
from tests.fakes.feed_server import FeedServer

UA = "newsbot/0.1 (+https://github.com/example/newsbot)"
MAX_BODY = 256 * 1024


async def get(
    session: aiohttp.ClientSession,
    url: str,
    state: FetchState | None = None,
    *,
    timeout: float = 5.0,  # noqa: ASYNC109 - passed through to fetch()
    max_body: int = MAX_BODY,
) -> FetchResult:
    return await fetch(
        session, url, state or FetchState(), timeout=timeout, max_body=max_body, user_agent=UA
    )


async def test_ok_fetch_returns_body_and_validators(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    feed_server.add_file(
        "/feed/",
        "rss20.xml",
        etag='"v1"',
        last_modified="Tue, 28 Jan 2025 18:40:12 GMT",
        headers={"Cache-Control": "public, max-age=300"},
    )
    result = await get(session, feed_server.url("/feed/"))
    assert result.ok and result.status == 200
    assert result.body is not None and result.body.startswith(b"<?xml")
    assert result.content_type == "application/rss+xml; charset=utf-8"
    assert result.etag == '"v1"'
    assert result.last_modified == "Tue, 28 Jan 2025 18:40:12 GMT"
    assert result.max_age == timedelta(seconds=300)
    assert result.elapsed > 0
    assert feed_server.headers_of_last("/feed/")["User-Agent"] == UA
    assert "application/rss+xml" in feed_server.headers_of_last("/feed/")["Accept"]


async def test_conditional_get_by_etag_gives_304(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    feed_server.add_file("/feed/", "rss20.xml", etag='"v1"')
    first = await get(session, feed_server.url("/feed/"))
    second = await get(session, feed_server.url("/feed/"), FetchState(etag=first.etag))
    assert second.ok and second.not_modified and second.status == 304
    assert second.body is None
    assert second.etag == '"v1"'
    assert feed_server.headers_of_last("/feed/")["If-None-Match"] == '"v1"'
    assert feed_server.hits["/feed/"] == 2


async def test_conditional_get_by_last_modified_gives_304(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    stamp = "Tue, 28 Jan 2025 18:40:12 GMT"
    feed_server.add_file("/atom.xml", "atom10.xml", last_modified=stamp)
    result = await get(session, feed_server.url("/atom.xml"), FetchState(last_modified=stamp))
    assert result.not_modified
    assert result.last_modified == stamp
    changed = await get(
        session,
        feed_server.url("/atom.xml"),
        FetchState(last_modified="Mon, 27 Jan 2025 00:00:00 GMT"),
    )
    assert changed.ok and not changed.not_modified and changed.body


@pytest.mark.parametrize(
    ("status", "message"), [(404, "HTTP 404 Not Found"), (500, "HTTP 500 Internal Server Error")]
)
async def test_error_statuses_are_clear_errors(
    feed_server: FeedServer, session: aiohttp.ClientSession, status: int, message: str
) -> None:
    feed_server.error("/broken", status)
    result = await get(session, feed_server.url("/broken"))
    assert not result.ok
    assert result.error == message
    assert result.status == status
    assert result.body is None


async def test_unknown_path_is_404(feed_server: FeedServer, session: aiohttp.ClientSession) -> None:
    result = await get(session, feed_server.url("/nowhere"))
    assert result.error == "HTTP 404 Not Found"


async def test_429_retry_after_seconds(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    feed_server.too_many_requests("/busy", "120")
    result = await get(session, feed_server.url("/busy"))
    assert result.error == "HTTP 429 Too Many Requests"
    assert result.retry_after == timedelta(seconds=120)


async def test_503_retry_after_http_date(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    later = datetime.now(UTC) + timedelta(hours=1)
    feed_server.too_many_requests("/down", format_datetime(later, usegmt=True), status=503)
    result = await get(session, feed_server.url("/down"))
    assert result.error == "HTTP 503 Service Unavailable"
    assert result.retry_after is not None
    assert timedelta(minutes=58) < result.retry_after <= timedelta(hours=1)


async def test_slow_server_times_out(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    feed_server.add_file("/slow", "rss20.xml", gate=asyncio.Event())  # never released
    result = await get(session, feed_server.url("/slow"), timeout=0.2)
    assert result.error == "timed out after 0.2s"
    assert feed_server.hits["/slow"] == 1


async def test_held_response_arrives_when_released(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    gate = asyncio.Event()
    feed_server.add_file("/held", "rss20.xml", gate=gate)
    pending = asyncio.create_task(get(session, feed_server.url("/held")))
    await feed_server.wait_for_request("/held")
    assert not pending.done()
    gate.set()
    result = await pending
    assert result.ok and result.body


async def test_redirect_is_followed_and_final_url_reported(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    feed_server.add_file("/new-feed/", "rss20.xml")
    feed_server.redirect("/feed", "/new-feed/", status=301)
    result = await get(session, feed_server.url("/feed"))
    assert result.ok
    assert result.url == feed_server.url("/new-feed/")


async def test_redirect_loop_is_an_error_not_a_hang(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    feed_server.redirect_loop("/a", "/b")
    result = await get(session, feed_server.url("/a"))
    assert result.error == "too many redirects (more than 5)"
    assert feed_server.hits["/a"] + feed_server.hits["/b"] <= 6


async def test_gzip_bomb_is_capped_after_decompression(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    route = feed_server.gzip_bomb("/bomb", inflated=20 * 1024 * 1024)
    assert len(route.body) < MAX_BODY  # small on the wire: only counting inflated bytes catches it
    result = await get(session, feed_server.url("/bomb"))
    assert result.error == f"body over {MAX_BODY} bytes"
    assert result.body is None


@pytest.mark.parametrize("chunked", [True, False])
async def test_body_over_max_body(
    feed_server: FeedServer, session: aiohttp.ClientSession, chunked: bool
) -> None:
    feed_server.oversized("/huge", MAX_BODY + 1, chunked=chunked)
    result = await get(session, feed_server.url("/huge"))
    assert result.error == f"body over {MAX_BODY} bytes"


async def test_body_exactly_max_body_is_fine(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    feed_server.oversized("/just", MAX_BODY)
    result = await get(session, feed_server.url("/just"))
    assert result.ok and result.body is not None and len(result.body) == MAX_BODY


async def test_refused_connection(session: aiohttp.ClientSession) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = await get(session, f"http://127.0.0.1:{port}/feed")
    assert result.error is not None
    assert result.error.startswith(f"cannot connect to 127.0.0.1:{port}")


@pytest.mark.parametrize("url", ["ftp://example.com/feed", "not a url", "http://"])
async def test_unusable_urls(session: aiohttp.ClientSession, url: str) -> None:
    result = await get(session, url)
    assert result.error is not None and result.error.startswith("invalid URL")


async def test_errors_never_show_credentials_or_query(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    feed_server.redirect_loop("/a", "/b")
    host = feed_server.base_url.removeprefix("http://")
    for path in ("/a", "/missing"):
        result = await get(session, f"http://admin:hunter2@{host}{path}?token=hunter2")
        assert result.error and "hunter2" not in result.error


@pytest.mark.parametrize(
    ("name", "content_type", "message"),
    [
        ("truncated.xml", None, "XML is truncated/ill-formed and has no entries"),
        ("html_as_feed.html", "application/rss+xml", "HTML page with no feed link"),
        ("not_feed.json", "application/json", "looks like JSON without 'items'"),
    ],
)
async def test_bad_bodies_fetch_fine_and_fail_to_parse_clearly(
    feed_server: FeedServer,
    session: aiohttp.ClientSession,
    name: str,
    content_type: str | None,
    message: str,
) -> None:
    feed_server.add_file("/feed", name, content_type=content_type)
    result = await get(session, feed_server.url("/feed"))
    assert result.ok and result.body is not None
    with pytest.raises(ParseError, match=message):
        parse(result.body, content_type=result.content_type, url=result.url, html=None)


async def test_empty_body(feed_server: FeedServer, session: aiohttp.ClientSession) -> None:
    feed_server.add("/empty", b"")
    result = await get(session, feed_server.url("/empty"))
    assert result.ok and result.body == b""
    with pytest.raises(ParseError, match="empty body"):
        parse(result.body, content_type=result.content_type, url=result.url, html=None)


async def test_page_with_feed_link_then_the_feed(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    feed_server.add_file("/", "page_with_feed_link.html")
    feed_server.add_file("/feed/", "cp1251.xml", content_type="application/rss+xml")
    page = await get(session, feed_server.url("/"))
    assert page.body is not None
    found = parse(page.body, content_type=page.content_type, url=page.url, html=None)
    assert found.feed_url == feed_server.url("/feed/")
    feed = await get(session, found.feed_url)
    assert feed.body is not None
    parsed = parse(feed.body, content_type=feed.content_type, url=feed.url, html=None)
    assert parsed.title == "Вісті Галичини"


async def test_in_memory_documents_for_benchmarks(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    for n in range(50):
        feed_server.add(
            f"/gen/{n}.xml", f"<rss version='2.0'><channel><title>{n}</title></channel></rss>"
        )
    results = await asyncio.gather(
        *(get(session, feed_server.url(f"/gen/{n}.xml")) for n in range(50))
    )
    assert all(r.ok for r in results)
    assert sum(feed_server.hits.values()) == 50
