"""End to end: a feed changes, and two chats with different filters get different digests.

Real feed server -> real poll cycle -> real database -> digest cycle -> outbox sender ->
the real PTB bot -> the fake Bot API, where the test reads what each user sees.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.e2e.harness import make_config, running_bot
from tests.fakes.conftest_feed import feed_server  # noqa: F401  (fixture)
from tests.fakes.feed_server import FeedServer
from tests.fakes.telegram import FakeTelegram


def rss(*items: tuple[str, str, str]) -> str:
    """An RSS 2.0 document; items are (guid, title, language-neutral path)."""
    entries = "".join(
        f"<item><title>{title}</title><link>https://news.example/{path}</link>"
        f'<guid isPermaLink="false">{guid}</guid>'
        "<pubDate>Tue, 28 Jan 2025 16:40:12 +0000</pubDate></item>"
        for guid, title, path in items
    )
    head = '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title>'
    return f"{head}{entries}</channel></rss>"


OLD = ("old-1", "Стара новина про культуру у Львові", "old-1")
NEW = [
    ("uk-def", "Міноборони працює над полегшеними бронежилетами для жінок", "uk-def"),
    ("uk-cul", "У Львові відкрили перший в Україні Культурний хаб ЮНЕСКО", "uk-cul"),
    ("en-def", "NATO to share classified data with EU and defense industry", "en-def"),
    ("en-pol", "Parliament passes the budget after a long debate", "en-pol"),
]


async def test_two_chats_get_their_own_digests(
    fake_telegram: FakeTelegram,
    feed_server: FeedServer,  # noqa: F811
    db_url: str,
) -> None:
    fake = fake_telegram
    route = feed_server.add("/feed.xml", rss(OLD))
    fake.add_private_chat(11, "Olena", language_code="uk")
    fake.add_private_chat(22, "John", language_code="en")
    config = make_config(
        fake,
        db_url,
        sources=[
            {
                "id": "mixed",
                "name": "Mixed News",
                "url": feed_server.url("/feed.xml"),
                "interval": "1s",
            }
        ],
        polling={"first_poll_items": 0},
    )
    async with running_bot(config, fake, tick=timedelta(milliseconds=300)):
        await feed_server.wait_for_request("/feed.xml")  # the first poll: history only
        for chat, commands in {
            11: ["/start", "/languages uk", "/topics defense", "/schedule instant"],
            22: ["/start", "/languages en", "/schedule instant"],
        }.items():
            for command in commands:
                await fake.user_sends(chat, chat, command)
                await fake.wait_for_message(chat, timeout=10)

        route.body = rss(OLD, *NEW).encode()
        olena = await fake.wait_for_message(11, "Міноборони", timeout=15)
        john = await fake.wait_for_message(22, "NATO", timeout=15)

    assert "ЮНЕСКО" not in olena.text, "culture is not among Olena's topics"
    assert "NATO" not in olena.text and "Parliament" not in olena.text, "English is not hers"
    assert "Parliament passes the budget" in john.text, "John follows every topic"
    assert "Міноборони" not in john.text
    assert "Стара новина" not in olena.text + john.text, "history is never sent"
    assert olena.link_preview_disabled and john.link_preview_disabled
    assert "https://news.example/uk-def" in olena.links
    for message in (olena, john):
        digests = [
            m for m in fake.sent(message.chat_id) if "NATO" in m.text or "Міноборони" in m.text
        ]
        assert len(digests) == 1, "each digest arrives exactly once"


async def stored_titles(db_url: str) -> list[str]:
    from sqlalchemy import select

    from bot.db.engine import Database, make_engine
    from bot.db.models import ItemRow

    db = Database(make_engine(db_url))
    try:
        async with db.transaction() as session:
            return list((await session.execute(select(ItemRow.title))).scalars())
    finally:
        await db.dispose()


async def eventually_stored(db_url: str, title: str) -> None:
    """Wait (bounded) until the poll cycle has stored an item with this title."""
    for _ in range(200):
        if title in await stored_titles(db_url):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{title!r} was never stored")


async def test_start_offers_latest_and_digest_command(
    fake_telegram: FakeTelegram,
    feed_server: FeedServer,  # noqa: F811
    db_url: str,
) -> None:
    fake = fake_telegram
    route = feed_server.add("/feed.xml", rss(*NEW[:2]))
    fake.add_private_chat(33, "Taras", language_code="uk")
    config = make_config(
        fake,
        db_url,
        sources=[
            {"id": "n", "name": "Новини", "url": feed_server.url("/feed.xml"), "interval": "1s"}
        ],
    )
    async with running_bot(config, fake, tick=timedelta(milliseconds=300)):
        await eventually_stored(db_url, NEW[1][1])
        await fake.user_sends(33, 33, "/start")
        await fake.wait_for_message(33, "Вітаю")
        latest = await fake.wait_for_message(33, "ЮНЕСКО")
        assert "Міноборони" in latest.text, "the latest headlines are offered at once"

        await fake.user_sends(33, 33, "/digest")
        nothing = await fake.wait_for_message(33)
        assert "Нічого нового" in nothing.text

        route.body = rss(
            *NEW[:2], ("uk-new", "Уряд ухвалив рішення про нову програму", "n1")
        ).encode()
        await eventually_stored(db_url, "Уряд ухвалив рішення про нову програму")
        await fake.user_sends(33, 33, "/digest")
        digest = await fake.wait_for_message(33, "Уряд ухвалив", timeout=10)
        assert "ЮНЕСКО" not in digest.text, "what was offered at /start is not repeated"
        assert digest.text.startswith("📰 Новини")
