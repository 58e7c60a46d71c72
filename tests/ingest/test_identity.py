"""What counts as new: guids, links, hashes; clamped dates; a new source's history; 304s."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.db import items as items_repo
from bot.db import sources as sources_repo
from bot.db.engine import Database
from bot.ingest import prune
from tests.fakes.feed_server import DATA_DIR, FeedServer
from tests.ingest.conftest import START, Clock, MakePoller, items_of, source, state_of

LAST_MODIFIED = "Tue, 28 Jan 2025 18:40:12 GMT"


def rss(*items: tuple[str, str, str]) -> str:
    """A small RSS 2.0 document from (guid, title, pubDate) triples."""
    body = "".join(
        f"<item><title>{title}</title><link>https://news.example/{guid}</link>"
        f"<guid isPermaLink='false'>{guid}</guid><pubDate>{date}</pubDate></item>"
        for guid, title, date in items
    )
    return (
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>{body}</channel></rss>"
    )


async def offered(db: Database) -> list[str]:
    """Titles a digest may send (history excluded)."""
    async with db.transaction() as session:
        rows = await items_repo.items_between(session, 0, 10**9, source_names={})
    return [row.title for row in rows]


async def test_the_same_guid_seen_again_stores_and_updates_nothing(
    feed_server: FeedServer, make_poller: MakePoller, database: Database
) -> None:
    route = feed_server.add_file("/dup.xml", "dup_guids.xml")
    poller = make_poller([source(feed_server, "dup", "/dup.xml")])
    await poller.sync()

    [first] = await poller.cycle(force=True)
    # Three entries, two guids: the repeated guid within one document is one item.
    assert (first.new_items, first.seen_items) == (2, 2)

    route.body = route.body.replace("(оновлено)".encode(), "(ще раз)".encode()).replace(
        "які призупинені".encode(), "ОНОВЛЕНО".encode()
    )
    [again] = await poller.cycle(force=True)

    assert (again.status, again.new_items) == ("ok", 0)
    rows = await items_of(database, "dup")
    assert [row.key for row in rows] == ["novyny-55120", "novyny-55119"]
    assert rows[0].title.endswith("які призупинені")  # the first version stays


async def test_a_feed_without_guids_is_keyed_by_canonical_link_else_by_content(
    feed_server: FeedServer, make_poller: MakePoller, database: Database
) -> None:
    feed_server.add_file("/no-guids.xml", "no_guids.xml")
    poller = make_poller([source(feed_server, "econ", "/no-guids.xml")])
    await poller.sync()
    await poller.cycle(force=True)

    grain, naftogaz = await items_of(database, "econ")
    assert grain.key == grain.url == "https://economy.example/grain-exports?id=77"
    assert naftogaz.key.startswith("sha256:")
    assert naftogaz.title.startswith("Naftogaz signed a gas storage agreement")

    [again] = await poller.cycle(force=True)
    assert again.new_items == 0


async def test_future_dates_are_clamped_to_fetch_time(
    feed_server: FeedServer, make_poller: MakePoller, database: Database, clock: Clock
) -> None:
    feed_server.add_file("/future.xml", "future_dates.xml")
    poller = make_poller([source(feed_server, "future", "/future.xml")])
    await poller.sync()
    await poller.cycle(force=True)

    future, past = await items_of(database, "future")
    assert future.published_at == clock.now  # 2099 in the feed
    assert past.published_at == datetime(2025, 1, 27, 12, 0, tzinfo=UTC)


async def test_first_poll_keeps_the_archive_as_history_except_the_newest(
    feed_server: FeedServer, make_poller: MakePoller, database: Database, clock: Clock
) -> None:
    route = feed_server.add_file("/feed.xml", "rss20.xml")
    poller = make_poller([source(feed_server, "rub", "/feed.xml")], first_poll_items=2)
    await poller.sync()

    [first] = await poller.cycle(force=True)

    assert first.new_items == 4  # all stored (for grouping and /start), ...
    assert await offered(database) == [  # ... but only the newest two may be sent
        "Міноборони працює над полегшеними бронежилетами та зимовим одягом для жінок-військових",
        "NATO to share classified data with EU and defense industry to boost production"
        " & standardization",
    ]

    route.body = (
        (DATA_DIR / "rss20.xml")
        .read_bytes()
        .replace(
            b"<item>",
            b"<item><title>Fresh story</title><guid>fresh-1</guid>"
            b"<pubDate>Tue, 28 Jan 2025 19:00:00 +0000</pubDate></item><item>",
            1,
        )
    )
    clock.advance(timedelta(minutes=40))  # past the feed's <ttl>30</ttl>
    [second] = await poller.cycle()

    assert second.new_items == 1
    assert (await offered(database))[-1] == "Fresh story"  # later items are news


async def test_first_poll_items_zero_offers_nothing_from_a_new_source(
    feed_server: FeedServer, make_poller: MakePoller, database: Database
) -> None:
    feed_server.add_file("/feed.xml", "rss20.xml")
    poller = make_poller([source(feed_server, "rub", "/feed.xml")], first_poll_items=0)
    await poller.sync()
    await poller.cycle(force=True)
    assert len(await items_of(database, "rub")) == 4
    assert await offered(database) == []


async def test_unchanged_feed_answers_304_and_nothing_is_parsed(
    feed_server: FeedServer, make_poller: MakePoller, database: Database, clock: Clock
) -> None:
    route = feed_server.add_file(
        "/feed.xml", "rss20.xml", etag='W/"v1"', last_modified=LAST_MODIFIED
    )
    poller = make_poller([source(feed_server, "rub", "/feed.xml")])
    await poller.sync()
    await poller.cycle(force=True)
    first_request = feed_server.headers_of_last("/feed.xml")
    assert "If-None-Match" not in first_request
    assert first_request["User-Agent"].startswith("newsbot/")

    route.body = b"this would not parse"  # same validators: the server answers 304
    clock.advance(timedelta(minutes=30))
    [report] = await poller.cycle()

    sent = feed_server.headers_of_last("/feed.xml")
    assert sent["If-None-Match"] == 'W/"v1"'
    assert sent["If-Modified-Since"] == LAST_MODIFIED
    assert (report.status, report.new_items, report.error) == ("not modified", 0, None)
    state = await state_of(database, "rub")
    assert state.last_ok_at == clock.now
    assert (state.etag, state.last_modified) == ('W/"v1"', LAST_MODIFIED)
    assert state.next_check_at is not None and state.next_check_at > clock.now


async def test_only_due_sources_are_polled_and_ttl_is_a_lower_bound(
    feed_server: FeedServer, make_poller: MakePoller, database: Database, clock: Clock
) -> None:
    feed_server.add_file("/ttl.xml", "rss20.xml")  # <ttl>30</ttl>
    feed_server.add_file("/atom.xml", "atom10.xml")
    fast = timedelta(minutes=5)
    poller = make_poller(
        [
            source(feed_server, "ttl", "/ttl.xml", interval=fast),
            source(feed_server, "atom", "/atom.xml", interval=fast),
        ]
    )
    await poller.sync()
    clock.advance(timedelta(minutes=1))  # the first checks are spread (over 0.1 s for two)
    assert {r.source_id for r in await poller.cycle()} == {"ttl", "atom"}

    assert (await state_of(database, "ttl")).next_check_at >= clock.now + timedelta(minutes=30)
    clock.advance(timedelta(minutes=6))
    assert [r.source_id for r in await poller.cycle()] == ["atom"]
    assert await poller.cycle() == []  # nothing due at the same instant


async def test_prune_deletes_items_older_than_retention(
    feed_server: FeedServer, make_poller: MakePoller, database: Database, clock: Clock
) -> None:
    route = feed_server.add_file("/feed.xml", "rss20.xml")
    poller = make_poller([source(feed_server, "rub", "/feed.xml")])
    await poller.sync()
    await poller.cycle(force=True)  # four items from 28 January

    clock.now = START + timedelta(days=40)
    route.body = rss(("new-1", "Recent story", "Sat, 08 Mar 2025 10:00:00 +0000")).encode()
    await poller.cycle(force=True)

    deleted = await prune(database, timedelta(days=30), clock.now)

    assert deleted == 4
    assert [row.title for row in await items_of(database, "rub")] == ["Recent story"]
    assert await prune(database, timedelta(days=30), clock.now) == 0


async def test_a_source_moved_to_a_new_url_starts_with_history_again(
    feed_server: FeedServer, make_poller: MakePoller, database: Database
) -> None:
    feed_server.add("/old.xml", rss(("a", "Old story", "Tue, 28 Jan 2025 10:00:00 +0000")))
    old_site = make_poller([source(feed_server, "rub", "/old.xml")], first_poll_items=1)
    await old_site.sync()
    await old_site.cycle(force=True)

    # The config now points "rub" at another site with an archive of its own.
    feed_server.add_file("/new.xml", "rss20.xml")
    moved = make_poller([source(feed_server, "rub", "/new.xml")], first_poll_items=1)
    await moved.sync()
    [report] = await moved.cycle(force=True)

    assert report.new_items == 4
    assert await offered(database) == [  # the old site's newest, and the new site's newest
        "Old story",
        "Міноборони працює над полегшеними бронежилетами та зимовим одягом для жінок-військових",
    ]


async def test_a_restarted_poller_skips_what_is_stored_and_stores_only_the_new(
    feed_server: FeedServer, make_poller: MakePoller, database: Database
) -> None:
    route = feed_server.add("/feed.xml", rss(("a", "Story A", "Tue, 28 Jan 2025 10:00:00 +0000")))
    first = make_poller([source(feed_server, "rub", "/feed.xml")])
    await first.sync()
    await first.cycle(force=True)

    route.body = rss(
        ("b", "Story B", "Tue, 28 Jan 2025 11:00:00 +0000"),
        ("a", "Story A, edited", "Tue, 28 Jan 2025 10:00:00 +0000"),
    ).encode()
    restarted = make_poller([source(feed_server, "rub", "/feed.xml")])  # no memory of "a"
    await restarted.sync()
    [report] = await restarted.cycle(force=True)

    assert (report.new_items, report.seen_items) == (1, 2)
    assert [row.title for row in await items_of(database, "rub")] == ["Story A", "Story B"]


async def test_new_sources_are_checked_at_once_when_few_and_spread_when_many(
    feed_server: FeedServer, make_poller: MakePoller, database: Database, clock: Clock
) -> None:
    few = make_poller([source(feed_server, "one", "/one.xml")])
    await few.sync()
    assert (await state_of(database, "one")).next_check_at <= clock.now + timedelta(seconds=1)

    many = [source(feed_server, f"s{n}", f"/s{n}.xml") for n in range(49)]  # one thread
    await make_poller(many).sync()
    async with database.transaction() as session:
        states = await sources_repo.states(session)
    firsts = [states[f"s{n}"].next_check_at for n in range(49)]
    assert all(clock.now <= at <= clock.now + timedelta(seconds=2.5) for at in firsts)
    assert max(firsts) - min(firsts) > timedelta(seconds=1)  # they do not all fire at once
