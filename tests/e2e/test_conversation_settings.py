"""/settings, /language (interface), /sources, /help and what the bot does not understand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.db import sources as source_store
from bot.db.engine import Database, make_engine
from bot.db.migrate import upgrade
from bot.domain import Source
from tests.e2e.harness import make_config, running_bot
from tests.e2e.test_conversation_topics import marked, press, say, settings_of
from tests.fakes.telegram import BOT_USERNAME, FakeTelegram

GROUP, ADMIN, MEMBER = -900, 31, 32
SOURCES = [
    {"id": "rubryka", "name": "Rubryka", "url": "http://127.0.0.1:9/feed", "language": "uk",
     "topics": ["defense"]},
    {"id": "wire", "name": "Wire & Co", "url": "http://127.0.0.1:9/wire"},
]  # fmt: skip


async def seed_source_states(db_url: str) -> None:
    """Rubryka fails since yesterday, Wire is fine; neither is due for a check."""
    now = datetime.now(UTC)
    later = now + timedelta(days=1)
    db = Database(make_engine(db_url))
    try:
        await upgrade(db.engine)
        async with db.transaction() as session:
            configured = [
                Source(id=s["id"], name=s["name"], url=s["url"], interval=timedelta(hours=1))
                for s in SOURCES
            ]
            await source_store.sync(
                session, configured, first_check={s.id: later for s in configured}
            )
            await source_store.record_success(
                session, "rubryka", now=now - timedelta(days=1), next_check_at=later,
                etag=None, last_modified=None,
            )  # fmt: skip
            await source_store.record_failure(
                session, "rubryka", now=now, error="HTTP 500", backoff=timedelta(days=1)
            )
            await source_store.record_success(
                session, "wire", now=now, next_check_at=later, etag=None, last_modified=None
            )
    finally:
        await db.dispose()


async def test_settings_screen_and_interface_language(
    fake_telegram: FakeTelegram, db_url: str
) -> None:
    fake = fake_telegram
    fake.add_private_chat(1, "John", language_code="en")
    fake.add_group(GROUP, admins=[ADMIN], members=[MEMBER])
    async with running_bot(make_config(fake, db_url), fake):
        await say(fake, 1, 1, "/start")
        screen = await say(fake, 1, 1, "/settings")
        for line in (
            "Subscription: on",
            "Topics: all topics",
            "Schedule: every day at 08:00, 20:00 (Europe/Kyiv)",
            "Interface language: English",
        ):
            assert line in screen.text
        await press(fake, 1, 1, screen, "Topics")
        assert "tap one to follow" in screen.text
        await press(fake, 1, 1, screen, "Politics")
        await press(fake, 1, 1, screen, "Done")
        assert "Saved" in screen.text and "Defense, Culture" in screen.text

        screen = await say(fake, 1, 1, "/settings")
        await press(fake, 1, 1, screen, "Interface language")
        assert "Interface language" in screen.text and "/languages" in screen.text
        await press(fake, 1, 1, screen, "Українська")
        assert "Мова інтерфейсу" in screen.text and marked(screen) == {"Українська"}
        assert (await settings_of(db_url, 1)).ui_language == "uk"
        help_uk = await say(fake, 1, 1, "/help")
        assert "Дайджести новин" in help_uk.text

        back = await say(fake, 1, 1, "/language en")
        assert "Interface language: English" in back.text and "/languages" in back.text
        wrong = await say(fake, 1, 1, "/language klingon")
        assert "/language uk" in wrong.text and "/languages" in wrong.text
        menu = await say(fake, 1, 1, "/language")
        assert marked(menu) == {"English"}

        group_screen = await say(fake, GROUP, MEMBER, f"/settings@{BOT_USERNAME}")
        assert "Subscription: off" in group_screen.text
        answer = await press(fake, GROUP, MEMBER, group_screen, "Schedule")
        assert answer.get("show_alert") and not group_screen.edited
        no = await say(fake, GROUP, MEMBER, f"/language@{BOT_USERNAME} uk")
        assert "administrators" in no.text
        await press(fake, GROUP, ADMIN, group_screen, "Schedule")
        assert "Schedule" in group_screen.text and "/schedule 08:00 20:00" in group_screen.text
    assert not fake.unanswered_callback_queries()


async def test_sources_help_and_what_is_not_understood(
    fake_telegram: FakeTelegram, db_url: str
) -> None:
    fake = fake_telegram
    fake.add_private_chat(1, "John", language_code="en")
    fake.add_private_chat(2, "Olena", language_code="uk")
    fake.add_group(GROUP, admins=[ADMIN], members=[MEMBER])
    await seed_source_states(db_url)
    async with running_bot(make_config(fake, db_url, sources=SOURCES), fake):
        listed = await say(fake, 1, 1, "/sources")
        lines = listed.text.splitlines()
        rubryka = next(line for line in lines if "Rubryka" in line)
        wire = next(line for line in lines if "Wire & Co" in line)
        assert "Ukrainian" in rubryka and "Defense" in rubryka and "⚠️" in rubryka
        assert "detected" in wire and "⚠️" not in wire

        listed_uk = await say(fake, 2, 2, "/sources")
        assert "Джерела" in listed_uk.text and "Українська" in listed_uk.text
        in_group = await say(fake, GROUP, MEMBER, f"/sources@{BOT_USERNAME}")
        assert "Rubryka" in in_group.text

        text = await say(fake, 2, 2, "привіт")
        assert "/help" in text.text and "команди" in text.text
        unknown = await say(fake, 1, 1, "/frobnicate")
        assert "/help" in unknown.text

        help_group = await say(fake, GROUP, MEMBER, f"/help@{BOT_USERNAME}")
        assert "/topics" in help_group.text
        assert await fake.user_sends(GROUP, MEMBER, "hello all") is None  # privacy mode
        silent_to = len(fake.sent(GROUP))
        bot_message = fake.sent(GROUP)[-1].message_id
        await fake.user_sends(GROUP, MEMBER, "thanks", reply_to=bot_message)
        await fake.user_sends(GROUP, MEMBER, f"/help@{BOT_USERNAME}")
        await fake.wait_for_message(GROUP, "/topics")
        assert len(fake.sent(GROUP)) == silent_to + 1, "plain text in a group gets no reply"
