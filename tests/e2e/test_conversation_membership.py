"""The bot added to and removed from groups, blocked by a user, a group upgraded to a
supergroup, and a restart: settings are never lost."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.db import chats
from bot.db.engine import Database, make_engine
from bot.domain import ChatSettings
from tests.e2e.harness import make_config, running_bot
from tests.e2e.test_conversation_topics import say, settings_of
from tests.fakes.telegram import BOT_USERNAME, FakeTelegram

GROUP, SUPERGROUP, ADMIN, MEMBER = -300, -1003000000000, 41, 42


async def until(fake: FakeTelegram, check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Updates are handled concurrently and some send nothing: re-check the store after each
    of the bot's next few polls for updates (an event, not a sleep)."""
    for _ in range(10):
        if await check():
            return
        await fake.wait_for_call("getUpdates", since=fake.seq)
    raise AssertionError(what)


async def until_inactive(fake: FakeTelegram, db_url: str, chat_id: int) -> None:
    async def inactive() -> bool:
        return not (await settings_of(db_url, chat_id)).active

    await until(fake, inactive, f"chat {chat_id} is still active")


async def until_migrated(fake: FakeTelegram, db_url: str, old: int, new: int) -> None:
    async def moved() -> bool:
        return await stored(db_url, old) is None and await stored(db_url, new) is not None

    await until(fake, moved, f"chat {old} did not move to {new}")


async def stored(db_url: str, chat_id: int) -> ChatSettings | None:
    db = Database(make_engine(db_url))
    try:
        async with db.transaction() as session:
            return await chats.get_settings(session, chat_id)
    finally:
        await db.dispose()


async def test_groups_join_leave_migrate_block_and_restart(
    fake_telegram: FakeTelegram, db_url: str
) -> None:
    fake = fake_telegram
    fake.add_private_chat(1, "Olena", language_code="uk")
    fake.add_user(ADMIN, "Admin", language_code="uk")
    config = make_config(fake, db_url)
    async with running_bot(config, fake):
        fake.bot_added_to_group(GROUP, ADMIN, title="Новини громади")
        hello = await fake.wait_for_message(GROUP)
        assert "Вітаю всіх" in hello.text and "/settings" in hello.text
        joined = await settings_of(db_url, GROUP)
        assert joined.active and joined.ui_language == "uk"

        fake.chat(GROUP).members.append(MEMBER)
        await say(fake, GROUP, ADMIN, f"/topics@{BOT_USERNAME} defense")
        await say(fake, GROUP, ADMIN, f"/schedule@{BOT_USERNAME} 09:00")

        fake.group_migrated(GROUP, SUPERGROUP)
        await until_migrated(fake, db_url, GROUP, SUPERGROUP)
        moved = await say(fake, SUPERGROUP, MEMBER, f"/settings@{BOT_USERNAME}")
        assert "Оборона" in moved.text and "09:00" in moved.text
        migrated = await settings_of(db_url, SUPERGROUP)
        assert migrated.topics == ("defense",) and migrated.active

        fake.bot_removed_from_group(SUPERGROUP, ADMIN)
        await until_inactive(fake, db_url, SUPERGROUP)
        await say(fake, 1, 1, "/start")

        await say(fake, 1, 1, "/timezone Europe/Warsaw")
        fake.bot_blocked_by(1)
        await until_inactive(fake, db_url, 1)
        fake.bot_added_to_group(SUPERGROUP, ADMIN)  # back in the group: old settings
        back = await fake.wait_for_message(SUPERGROUP, "Вітаю")
        assert "Оборона" in back.text and "09:00" in back.text

    async with running_bot(config, fake):  # a restart keeps every setting
        welcome_back = await say(fake, 1, 1, "/start")
        assert "З поверненням" in welcome_back.text and "Europe/Warsaw" in welcome_back.text
        again = await say(fake, SUPERGROUP, MEMBER, f"/settings@{BOT_USERNAME}")
        assert "Оборона" in again.text and "Підписка: увімкнено" in again.text
    assert (await settings_of(db_url, 1)).timezone == "Europe/Warsaw"
