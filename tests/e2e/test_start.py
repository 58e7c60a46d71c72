"""A user subscribes with /start, unsubscribes with /stop; a restart keeps everything."""

from __future__ import annotations

from bot.db import chats
from bot.db.engine import Database, make_engine
from bot.domain import ChatSettings
from tests.e2e.harness import make_config, running_bot
from tests.fakes.telegram import FakeTelegram


async def settings_of(db_url: str, chat_id: int) -> ChatSettings | None:
    db = Database(make_engine(db_url))
    try:
        async with db.transaction() as session:
            return await chats.get_settings(session, chat_id)
    finally:
        await db.dispose()


async def test_start_stop_and_restart(fake_telegram: FakeTelegram, db_url: str) -> None:
    fake = fake_telegram
    fake.add_private_chat(1001, "Olena", language_code="uk")
    fake.add_private_chat(1002, "John", language_code="en")
    config = make_config(fake, db_url)

    async with running_bot(config, fake):
        await fake.user_sends(1001, 1001, "/start")
        welcome = await fake.wait_for_message(1001)
        assert "Вітаю" in welcome.text
        assert "08:00, 20:00" in welcome.text and "Europe/Kyiv" in welcome.text

        await fake.user_sends(1002, 1002, "/start")
        hello = await fake.wait_for_message(1002)
        assert "Hello" in hello.text

        await fake.user_sends(1002, 1002, "/stop")
        bye = await fake.wait_for_message(1002)
        assert "Unsubscribed" in bye.text and "/start" in bye.text

    stored = await settings_of(db_url, 1001)
    assert stored is not None and stored.active and stored.ui_language == "uk"
    stopped = await settings_of(db_url, 1002)
    assert stopped is not None and not stopped.active

    async with running_bot(config, fake):  # a restart keeps the data
        await fake.user_sends(1002, 1002, "/start")
        back = await fake.wait_for_message(1002)
        assert "Welcome back" in back.text
        await fake.user_sends(1001, 1001, "/start")
        again = await fake.wait_for_message(1001)
        assert "вже підписані" in again.text
    restarted = await settings_of(db_url, 1002)
    assert restarted is not None and restarted.active


async def test_help_and_unknown_command(fake_telegram: FakeTelegram, db_url: str) -> None:
    fake = fake_telegram
    fake.add_private_chat(7, "Ann", language_code="en")
    async with running_bot(make_config(fake, db_url), fake):
        await fake.user_sends(7, 7, "/help")
        help_text = await fake.wait_for_message(7)
        for command in ("/start", "/stop", "/topics", "/languages", "/schedule", "/digest"):
            assert command in help_text.text
        await fake.user_sends(7, 7, "/frobnicate")
        unknown = await fake.wait_for_message(7)
        assert "/help" in unknown.text
    assert fake.my_commands(language_code="uk"), "a Ukrainian command menu is set"
    assert fake.my_commands(), "a default command menu is set"


async def test_a_rejected_token_is_a_clear_startup_error(
    fake_telegram: FakeTelegram, db_url: str
) -> None:
    import asyncio

    import pytest

    from bot.app import StartupError, serve
    from bot.config import validate

    config = validate(
        {
            "telegram": {"token": "999:WRONG", "api_base_url": fake_telegram.base_url},
            "database": {"url": db_url},
        },
        env={},
    )
    with pytest.raises(StartupError, match="rejected the bot token") as err:
        await serve(config, asyncio.Event())
    assert "WRONG" not in str(err.value)


async def test_an_unreachable_bot_api_is_a_clear_startup_error(db_url: str) -> None:
    import asyncio

    import pytest

    from bot.app import StartupError, serve
    from bot.config import validate

    config = validate(
        {
            "telegram": {"token": "1:SECRET", "api_base_url": "http://127.0.0.1:1/bot"},
            "database": {"url": db_url},
        },
        env={},
    )
    with pytest.raises(StartupError, match="cannot reach the Telegram Bot API") as err:
        await serve(config, asyncio.Event())
    assert "SECRET" not in str(err.value)
