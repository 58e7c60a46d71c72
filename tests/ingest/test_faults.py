"""A failing source never stops the cycle, backs off, and recovers by itself once fixed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.db.engine import Database
from bot.domain import Source
from tests.fakes.feed_server import FeedServer
from tests.ingest.conftest import Clock, MakePoller, items_of, source, state_of

BAD = "/bad.xml"
Breaker = Callable[[FeedServer], None]


def _gate(server: FeedServer) -> None:
    server.add_file(BAD, "atom10.xml", gate=asyncio.Event())  # never answers in time


FAULTS: dict[str, tuple[Breaker, str]] = {
    "500": (lambda s: s.error(BAD, 500), "HTTP 500 Internal Server Error"),
    "404": (lambda s: None, "HTTP 404 Not Found"),  # no route at all
    "timeout": (_gate, "timed out after 0.3s"),
    "redirect loop": (lambda s: s.redirect_loop(BAD, "/elsewhere"), "too many redirects"),
    "gzip bomb": (lambda s: s.gzip_bomb(BAD, inflated=5_000_000), "body over 1000000 bytes"),
    "body over max_body": (lambda s: s.oversized(BAD, 1_500_000), "body over 1000000 bytes"),
    "declared length over max_body": (
        lambda s: s.oversized(BAD, 1_500_000, chunked=False),
        "body over 1000000 bytes",
    ),
    "truncated XML": (
        lambda s: s.add_file(BAD, "truncated.xml"),
        "XML is truncated/ill-formed and has no entries",
    ),
    "HTML served as a feed": (
        lambda s: s.add_file(BAD, "html_as_feed.html", content_type="application/rss+xml"),
        "HTML page with no feed link and no headlines",
    ),
    "empty body": (lambda s: s.add(BAD, b""), "empty body"),
    "non-feed JSON": (
        lambda s: s.add_file(BAD, "not_feed.json", content_type="application/json"),
        "JSON without 'items'",
    ),
    "not a document": (lambda s: s.add(BAD, b"\x00\x01\x02 binary"), "not a feed"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_fault_does_not_stop_the_cycle_and_the_source_recovers(
    fault: str,
    feed_server: FeedServer,
    make_poller: MakePoller,
    database: Database,
    clock: Clock,
) -> None:
    breaker, message = FAULTS[fault]
    breaker(feed_server)
    feed_server.add_file("/good.xml", "rss20.xml")
    feed_server.add_file("/also-good.json", "jsonfeed.json")
    poller = make_poller(
        [
            source(feed_server, "good", "/good.xml"),
            source(feed_server, "bad", BAD),
            source(feed_server, "also_good", "/also-good.json"),
        ],
        timeout="0.3s",
    )
    await poller.sync()

    reports = {r.source_id: r for r in await poller.cycle(force=True)}

    assert reports["good"].status == reports["also_good"].status == "ok"
    assert reports["good"].new_items == 4 and reports["also_good"].new_items == 3
    bad = reports["bad"]
    assert bad.status == "error" and bad.error_count == 1
    assert bad.error is not None and message in bad.error
    assert message in bad.line()
    failing = await state_of(database, "bad")
    assert failing.error_count == 1 and failing.last_error == bad.error
    assert failing.failing_since == clock.now and failing.last_ok_at is None
    assert await items_of(database, "bad") == []

    feed_server.add_file(BAD, "atom10.xml")  # the server is fixed
    assert failing.next_check_at is not None
    clock.now = failing.next_check_at
    reports = {r.source_id: r for r in await poller.cycle()}

    assert reports["bad"].status == "ok" and reports["bad"].new_items == 3
    recovered = await state_of(database, "bad")
    assert (recovered.error_count, recovered.last_error, recovered.failing_since) == (0, None, None)
    assert recovered.last_ok_at == clock.now


async def test_retry_after_sets_the_next_check(
    feed_server: FeedServer, make_poller: MakePoller, database: Database, clock: Clock
) -> None:
    feed_server.too_many_requests(BAD, retry_after="7200")
    poller = make_poller([source(feed_server, "busy", BAD)])
    await poller.sync()

    [report] = await poller.cycle(force=True)

    assert report.error == "HTTP 429 Too Many Requests"
    state = await state_of(database, "busy")
    assert state.next_check_at == clock.now + timedelta(hours=2)  # not the ~10 min backoff
    clock.now += timedelta(hours=1, minutes=59)
    assert await poller.cycle() == []  # still asked to wait
    feed_server.add_file(BAD, "rss20.xml")
    clock.now += timedelta(minutes=1)
    [ok] = await poller.cycle()
    assert ok.status == "ok"


async def test_retry_after_as_http_date_on_503_is_capped_at_max_backoff(
    feed_server: FeedServer, make_poller: MakePoller, database: Database, clock: Clock
) -> None:
    feed_server.too_many_requests(BAD, retry_after="Fri, 31 Dec 2100 23:59:59 GMT", status=503)
    poller = make_poller([source(feed_server, "busy", BAD)], max_backoff="6h")
    await poller.sync()
    await poller.cycle(force=True)
    state = await state_of(database, "busy")
    assert state.next_check_at == clock.now + timedelta(hours=6)


async def test_backoff_grows_exponentially_and_is_capped(
    feed_server: FeedServer, make_poller: MakePoller, database: Database, clock: Clock
) -> None:
    feed_server.error(BAD, 503)
    poller = make_poller([source(feed_server, "down", BAD)], max_backoff="1h")
    await poller.sync()
    await poller.cycle(force=True)

    waits: list[timedelta] = []
    for expected_count in range(2, 7):
        state = await state_of(database, "down")
        assert state.next_check_at is not None
        waits.append(state.next_check_at - clock.now)
        clock.now = state.next_check_at
        [report] = await poller.cycle()
        assert report.error_count == expected_count

    minutes = [wait.total_seconds() / 60 for wait in waits]
    for wait, nominal in zip(minutes, [10, 20, 40, 60, 60], strict=True):
        assert nominal * 0.9 <= wait <= min(nominal * 1.1, 60), minutes
    state = await state_of(database, "down")
    assert state.error_count == 6 and state.last_error == "HTTP 503 Service Unavailable"


async def test_a_moved_feed_is_found_again_from_the_page(
    feed_server: FeedServer, make_poller: MakePoller, database: Database, clock: Clock
) -> None:
    feed_server.add_file("/news/", "page_with_feed_link.html")
    feed_server.add_file("/feed/", "atom10.xml")
    poller = make_poller([source(feed_server, "site", "/news/")])
    await poller.sync()
    await poller.cycle(force=True)
    assert (await state_of(database, "site")).feed_url == feed_server.url("/feed/")

    # The site moves its feed: the remembered URL now 404s and the page links elsewhere.
    del feed_server.routes["/feed/"]
    page = feed_server.routes["/news/"]
    page.body = page.body.replace(b'href="/feed/"', b'href="/rss/"')
    feed_server.add_file("/rss/", "rss20.xml")

    [gone] = await poller.cycle(force=True)
    assert gone.error == "HTTP 404 Not Found"
    [found] = await poller.cycle(force=True)
    assert (found.status, found.new_items) == ("ok", 4)
    assert (await state_of(database, "site")).feed_url == feed_server.url("/rss/")


async def test_a_slow_host_does_not_hold_up_other_hosts(
    feed_server: FeedServer, make_poller: MakePoller
) -> None:
    gate = asyncio.Event()
    feed_server.add_file("/slow-1.xml", "rss20.xml", gate=gate)
    feed_server.add_file("/slow-2.xml", "atom10.xml")
    feed_server.add_file("/other.json", "jsonfeed.json")
    other = source(feed_server, "other", "/other.json")
    other_host = other.url.replace("127.0.0.1", "localhost")  # same server, another host name
    poller = make_poller(
        [
            source(feed_server, "slow_1", "/slow-1.xml"),
            source(feed_server, "slow_2", "/slow-2.xml"),
            Source(id="other", name="Other", url=other_host, interval=other.interval),
        ],
        concurrency=2,
        per_host=1,
    )
    await poller.sync()

    cycle = asyncio.create_task(poller.cycle(force=True))
    await feed_server.wait_for_request("/slow-1.xml")
    async with asyncio.timeout(5):  # slow_2 waits for its host without taking a global slot
        await feed_server.wait_for_request("/other.json")
    assert feed_server.hits["/slow-2.xml"] == 0
    gate.set()

    reports = {r.source_id: r.status for r in await cycle}
    assert reports == {"slow_1": "ok", "slow_2": "ok", "other": "ok"}
