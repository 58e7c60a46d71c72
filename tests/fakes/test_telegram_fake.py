"""The fake Bot API, driven by the real python-telegram-bot over HTTP."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Update,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBDeprecationWarning

from tests.fakes import fixtures
from tests.fakes.telegram import FakeTelegram
from tests.fakes.telegram_limits import RateLimits

fake_telegram = fixtures.fake_telegram

USER = 42
GROUP = -1001
KEYBOARD = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("Defense", callback_data="t:defense")],
        [InlineKeyboardButton("Site", url="https://rubryka.com/")],
    ]
)


@asynccontextmanager
async def running_bot(
    fake: FakeTelegram, *handlers: BaseHandler[Any, Any, Any], poll_timeout: int = 10
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """A real PTB Application polling the fake, stopped on exit."""
    app = ApplicationBuilder().token(fake.token).base_url(fake.base_url).build()
    for handler in handlers:
        app.add_handler(handler)
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(timeout=poll_timeout)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


@asynccontextmanager
async def bot_for(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(fake.token, base_url=fake.base_url) as bot:
        yield bot


def retry_seconds(error: RetryAfter) -> float:
    """``retry_after`` without PTB 22's int-to-timedelta deprecation noise."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value: float | dtm.timedelta = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    args = " ".join(context.args or [])
    await update.effective_message.reply_html(f"<b>echo</b> {args}", reply_markup=KEYBOARD)


async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Saved")
    await query.edit_message_text(f"chosen: {query.data}")


# ---------------------------------------------------------------------- round trip


async def test_command_round_trip_through_real_ptb(fake_telegram: FakeTelegram) -> None:
    fake_telegram.add_private_chat(USER, "Olena", language_code="uk")
    async with running_bot(fake_telegram, CommandHandler("echo", echo)):
        await fake_telegram.user_sends(USER, USER, "/echo hello world")
        reply = await fake_telegram.wait_for_message(USER)
    assert reply.text == "echo hello world"
    assert reply.entities == [{"type": "bold", "offset": 0, "length": 4}]
    assert reply.parse_mode == "HTML"
    assert reply.button("Defense")["callback_data"] == "t:defense"
    assert [c.method for c in fake_telegram.calls()][:2] == ["getMe", "deleteWebhook"]


async def test_shutdown_does_not_wait_for_the_long_poll(fake_telegram: FakeTelegram) -> None:
    app = ApplicationBuilder().token(fake_telegram.token).base_url(fake_telegram.base_url).build()
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(timeout=30)
    await fake_telegram.wait_for_poll()
    async with asyncio.timeout(2):
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


async def test_server_stop_ends_a_pending_long_poll() -> None:
    fake = FakeTelegram()
    await fake.start()
    async with bot_for(fake) as bot:
        poll = asyncio.create_task(bot.get_updates(timeout=30, read_timeout=40))
        await fake.wait_for_poll()
        async with asyncio.timeout(2):
            await fake.stop()
            assert await poll == ()


async def test_long_poll_returns_as_soon_as_an_update_arrives(fake_telegram: FakeTelegram) -> None:
    fake_telegram.add_private_chat(USER)
    async with bot_for(fake_telegram) as bot:
        poll = asyncio.create_task(bot.get_updates(timeout=30, read_timeout=40))
        await fake_telegram.wait_for_poll()
        update_id = await fake_telegram.user_sends(USER, USER, "hi")
        async with asyncio.timeout(2):
            updates = await poll
    assert [u.update_id for u in updates] == [update_id]
    assert updates[0].message is not None and updates[0].message.text == "hi"


async def test_get_updates_offset_and_limit(fake_telegram: FakeTelegram) -> None:
    fake_telegram.add_private_chat(USER)
    ids = [await fake_telegram.user_sends(USER, USER, f"m{i}") for i in range(3)]
    async with bot_for(fake_telegram) as bot:
        first = await bot.get_updates(limit=2)
        again = await bot.get_updates()  # nothing confirmed yet: all three again
        after = await bot.get_updates(offset=first[-1].update_id + 1)
        last = ids[-1]
        assert last is not None
        empty = await bot.get_updates(offset=last + 1, timeout=0)
    assert [u.update_id for u in first] == ids[:2]
    assert [u.update_id for u in again] == ids
    assert [u.update_id for u in after] == ids[2:]
    assert empty == ()


async def test_allowed_updates_filters_and_persists(fake_telegram: FakeTelegram) -> None:
    fake_telegram.add_private_chat(USER)
    await fake_telegram.user_sends(USER, USER, "text")
    blocked = fake_telegram.bot_blocked_by(USER)
    async with bot_for(fake_telegram) as bot:
        updates = await bot.get_updates(allowed_updates=["my_chat_member"])
    assert [u.update_id for u in updates] == [blocked]
    assert isinstance(updates[0].my_chat_member, ChatMemberUpdated)
    assert updates[0].my_chat_member.new_chat_member.status == "kicked"


async def test_group_commands_and_privacy_mode(fake_telegram: FakeTelegram) -> None:
    fake_telegram.add_group(GROUP, "Readers", admins=[1], members=[2])
    async with running_bot(fake_telegram, CommandHandler("echo", echo)):
        assert await fake_telegram.user_sends(GROUP, 2, "just chatting") is None
        assert await fake_telegram.user_sends(GROUP, 2, "/echo@other_bot x") is None
        await fake_telegram.user_sends(GROUP, 2, "/echo@newsbot_test_bot in group")
        reply = await fake_telegram.wait_for_message(GROUP)
    assert reply.text == "echo in group"


async def test_admin_bot_sees_all_group_messages_and_a_removed_bot_none(
    fake_telegram: FakeTelegram,
) -> None:
    fake_telegram.add_group(GROUP, admins=[1], bot_is_admin=True)
    update_id = await fake_telegram.user_sends(GROUP, 1, "chatter")
    assert update_id is not None
    fake_telegram.bot_removed_from_group(GROUP, by_user=1)
    assert await fake_telegram.user_sends(GROUP, 1, "/echo") is None
    async with bot_for(fake_telegram) as bot:
        with pytest.raises(Forbidden, match="bot was kicked from the group chat"):
            await bot.send_message(GROUP, "hi")
        updates = await bot.get_updates()
        await fake_telegram.wait_fetched(updates[-1].update_id)
    chatter, removed = updates
    assert chatter.update_id == update_id
    assert removed.my_chat_member is not None
    assert removed.my_chat_member.new_chat_member.status == "kicked"


async def test_wrong_token_and_unknown_method(fake_telegram: FakeTelegram) -> None:
    async with Bot(fake_telegram.token, base_url=fake_telegram.base_url) as bot:
        with pytest.raises(EndPointNotFound):  # Telegram's 404, as PTB reads it
            await bot.do_api_request("fooBar")
    with pytest.raises(InvalidToken):
        async with Bot("1:wrong", base_url=fake_telegram.base_url):
            pass


async def test_press_answer_and_edit_read_back(fake_telegram: FakeTelegram) -> None:
    fake_telegram.add_private_chat(USER)
    async with running_bot(
        fake_telegram, CommandHandler("echo", echo), CallbackQueryHandler(on_press)
    ):
        await fake_telegram.user_sends(USER, USER, "/echo x")
        menu = await fake_telegram.wait_for_message(USER)
        query_id = await fake_telegram.user_presses(USER, USER, menu.message_id, "t:defense")
        edited = await fake_telegram.wait_for_edit(USER, menu.message_id)
        await fake_telegram.wait_for_call("answerCallbackQuery")
    assert edited is menu
    assert menu.text == "chosen: t:defense"
    assert menu.history == ["echo x"]
    assert menu.buttons == []  # edited without reply_markup: keyboard gone, as in Telegram
    assert fake_telegram.unanswered_callback_queries() == []
    assert fake_telegram.callback_queries()[0].id == query_id
    assert fake_telegram.callback_queries()[0].answer == {"text": "Saved"}
    with pytest.raises(AssertionError, match="no button"):
        await fake_telegram.user_presses(USER, USER, menu.message_id, "t:defense")


async def test_my_chat_member_and_migration_updates_reach_handlers(
    fake_telegram: FakeTelegram,
) -> None:
    seen: list[Update] = []
    got_both = asyncio.Event()

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(update)
        if len(seen) == 3:
            got_both.set()

    fake_telegram.add_private_chat(USER)
    async with running_bot(
        fake_telegram,
        ChatMemberHandler(record, ChatMemberHandler.MY_CHAT_MEMBER),
        MessageHandler(filters.StatusUpdate.MIGRATE, record),
    ):
        fake_telegram.bot_added_to_group(-5, by_user=7, title="New group")
        fake_telegram.group_migrated(-5, -1005)
        async with asyncio.timeout(5):
            await got_both.wait()
    added, migrate_to, migrate_from = seen
    assert added.my_chat_member is not None
    assert added.my_chat_member.new_chat_member.status == "member"
    assert added.my_chat_member.from_user.id == 7
    assert migrate_to.message is not None and migrate_to.message.migrate_to_chat_id == -1005
    assert migrate_from.message is not None and migrate_from.message.migrate_from_chat_id == -5


# ---------------------------------------------------------------------- sendMessage rules


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<x>y</x>", 'Unsupported start tag "x" at byte offset 0'),
        ("Tom & Jerry", "Character '&' must be escaped"),
        ("<i>a</b>", 'expected "</i>", found "</b>"'),
        ("a</b>", "Unexpected end tag at byte offset 1"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
    ],
)
async def test_bad_html_is_rejected_like_telegram(
    fake_telegram: FakeTelegram, html: str, error: str
) -> None:
    fake_telegram.add_private_chat(USER)
    async with bot_for(fake_telegram) as bot:
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities") as caught:
            await bot.send_message(USER, html, parse_mode="HTML")
    assert error.lower() in caught.value.message.lower()  # PTB lower-cases all but the first
    assert fake_telegram.sent(USER) == []


async def test_good_html_becomes_text_and_entities(fake_telegram: FakeTelegram) -> None:
    fake_telegram.add_private_chat(USER)
    source = (
        '📰 <b>News</b> &amp; <a href="https://e.com/?a=1&amp;b=2">link</a> &lt;3 '
        '<span class="tg-spoiler">s</span><pre><code class="language-py">x</code></pre>'
    )
    async with bot_for(fake_telegram) as bot:
        message = await bot.send_message(
            USER, source, parse_mode="HTML", link_preview_options=LinkPreviewOptions(True)
        )
    sent = fake_telegram.sent(USER)[0]
    assert sent.text == message.text == "📰 News & link <3 sx"
    assert sent.raw_text == source
    assert sent.links == ["https://e.com/?a=1&b=2"]
    assert sent.entities == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "text_link", "url": "https://e.com/?a=1&b=2", "offset": 10, "length": 4},
        {"type": "spoiler", "offset": 18, "length": 1},
        {"type": "pre", "language": "py", "offset": 19, "length": 1},
    ]
    assert sent.link_preview_disabled
    assert message.link_preview_options is not None and message.link_preview_options.is_disabled


async def test_length_is_counted_in_utf16_after_parsing(fake_telegram: FakeTelegram) -> None:
    fake_telegram.add_private_chat(USER)
    async with bot_for(fake_telegram) as bot:
        await bot.send_message(USER, "😀" * 2048)  # 4096 UTF-16 units: the maximum
        await bot.send_message(USER, f"<b>{'a' * 4096}</b>", parse_mode="HTML")  # tags are free
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.send_message(USER, "😀" * 2048 + "a")
        with pytest.raises(BadRequest, match="Message text is empty"):
            await bot.send_message(USER, "<b> </b>", parse_mode="HTML")
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(999, "hi")
    assert len(fake_telegram.sent(USER)) == 2


async def test_keyboards_are_validated_and_returned(fake_telegram: FakeTelegram) -> None:
    fake_telegram.add_private_chat(USER)
    async with bot_for(fake_telegram) as bot:
        message = await bot.send_message(USER, "pick", reply_markup=KEYBOARD)
        too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="é" * 33)]])
        with pytest.raises(BadRequest, match="Button_data_invalid"):
            await bot.send_message(USER, "pick", reply_markup=too_long)
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_reply_markup(USER, message.message_id, reply_markup=KEYBOARD)
        await bot.edit_message_reply_markup(USER, message.message_id)
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await bot.edit_message_text("x", USER, 999)
        assert await bot.delete_message(USER, message.message_id)
    assert message.reply_markup == KEYBOARD
    assert fake_telegram.sent(USER) == []
    assert fake_telegram.sent(USER, include_deleted=True)[0].buttons == []


async def test_reply_markup_and_json_bodies_over_raw_http(fake_telegram: FakeTelegram) -> None:
    """Other clients send JSON bodies or multipart forms; both are read."""
    fake_telegram.add_private_chat(USER)
    url = f"{fake_telegram.base_url}{fake_telegram.token}/sendMessage"
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    form = aiohttp.FormData()
    form.add_field("chat_id", str(USER))
    form.add_field("text", "123")  # a number-like text stays text
    form.add_field("reply_markup", json.dumps(markup))
    form.add_field("photo", b"bytes", filename="p.jpg")  # forces multipart
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json={"chat_id": USER, "text": "json"}) as response:
            as_json = await response.json()
        async with session.post(url, data=form) as response:
            as_form = await response.json()
        async with session.post(url, json={"chat_id": USER, "text": ""}) as response:
            error = await response.json()
    assert as_json["ok"] and as_json["result"]["text"] == "json"
    assert as_form["result"]["text"] == "123"
    assert as_form["result"]["reply_markup"] == markup
    assert error == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: message text is empty",
    }


# ---------------------------------------------------------------------- faults


async def test_injected_429_then_success(fake_telegram: FakeTelegram) -> None:
    fake_telegram.add_private_chat(USER)
    fake_telegram.fail_next("sendMessage", USER, retry_after=7)
    async with bot_for(fake_telegram) as bot:
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(USER, "one")
        await bot.send_message(USER, "two")
    assert retry_seconds(caught.value) == 7
    assert [m.text for m in fake_telegram.sent(USER)] == ["two"]
    assert [c.status for c in fake_telegram.calls("sendMessage")] == [429, 200]


async def test_blocked_user_gives_forbidden_until_they_restart(
    fake_telegram: FakeTelegram,
) -> None:
    fake_telegram.add_private_chat(USER)
    fake_telegram.bot_blocked_by(USER)
    async with bot_for(fake_telegram) as bot:
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(USER, "hi")
        await fake_telegram.user_sends(USER, USER, "/start")  # the user restarts the bot
        await bot.send_message(USER, "welcome back")
        updates = await bot.get_updates()
    assert updates[-2].my_chat_member is not None
    assert updates[-2].my_chat_member.new_chat_member.status == "member"
    assert updates[-1].message is not None and updates[-1].message.text == "/start"


async def test_migrated_group_raises_chat_migrated(fake_telegram: FakeTelegram) -> None:
    fake_telegram.add_group(-7, "Old", admins=[1])
    fake_telegram.migrate(-7, -1007)
    async with bot_for(fake_telegram) as bot:
        with pytest.raises(ChatMigrated) as caught:
            await bot.send_message(-7, "hi")
        await bot.send_message(caught.value.new_chat_id, "hi")
        member = await bot.get_chat_member(-1007, 1)
    assert caught.value.new_chat_id == -1007
    assert [m.text for m in fake_telegram.sent(-1007)] == ["hi"]
    assert member.status == "administrator"


async def test_dropped_connection_is_a_network_error(fake_telegram: FakeTelegram) -> None:
    fake_telegram.add_private_chat(USER)
    fake_telegram.fail_next("sendMessage", disconnect=True)
    async with bot_for(fake_telegram) as bot:
        with pytest.raises(NetworkError):
            await bot.send_message(USER, "lost")
        await bot.send_message(USER, "kept")
    assert [m.text for m in fake_telegram.sent(USER)] == ["kept"]


async def test_flood_limits_answer_429_and_are_counted() -> None:
    limits = RateLimits(private_burst=3, group_per_minute=2)
    async with FakeTelegram(limits=limits) as fake, bot_for(fake) as bot:
        fake.add_private_chat(USER)
        fake.add_group(GROUP)
        for _ in range(3):
            await bot.send_message(USER, "burst")
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(USER, "one too many")
        await bot.send_message(GROUP, "g1")
        await bot.send_message(GROUP, "g2")
        with pytest.raises(RetryAfter) as in_group:
            await bot.send_message(GROUP, "g3")
    assert retry_seconds(caught.value) == 1
    assert 55 <= retry_seconds(in_group.value) <= 60
    assert fake.stats.rate_limited == 2
    assert fake.stats.rate_limited_by == {"private": 1, "group": 1}
    assert fake.stats.messages_sent == 5


async def test_concurrent_get_updates_conflict(fake_telegram: FakeTelegram) -> None:
    url = f"{fake_telegram.base_url}{fake_telegram.token}/getUpdates"
    async with aiohttp.ClientSession() as session:
        first = asyncio.create_task(session.post(url, json={"timeout": 30}))
        await fake_telegram.wait_for_poll()
        async with session.post(url, json={"timeout": 0}) as second:
            assert (await second.json())["result"] == []
        async with asyncio.timeout(2):
            response = await first
        body = await response.json()
        response.release()
    assert response.status == 409
    assert body["description"].startswith("Conflict: terminated by other getUpdates")


# ---------------------------------------------------------------------- chats and commands


async def test_chat_members_and_administrators(fake_telegram: FakeTelegram) -> None:
    fake_telegram.add_group(GROUP, "Readers", creator=1, admins=[2], members=[3])
    async with bot_for(fake_telegram) as bot:
        statuses = [(await bot.get_chat_member(GROUP, uid)).status for uid in (1, 2, 3)]
        admins = await bot.get_chat_administrators(GROUP)
        chat = await bot.get_chat(GROUP)
        me = await bot.get_chat_member(GROUP, bot.id)
    assert statuses == ["creator", "administrator", "member"]
    assert [a.user.id for a in admins] == [1, 2]
    assert (chat.type, chat.title) == ("group", "Readers")
    assert me.status == "member"


async def test_commands_are_kept_per_scope_and_language(fake_telegram: FakeTelegram) -> None:
    async with bot_for(fake_telegram) as bot:
        await bot.set_my_commands([BotCommand("start", "Subscribe")])
        await bot.set_my_commands([BotCommand("start", "Підписатися")], language_code="uk")
        await bot.set_my_commands(
            [BotCommand("topics", "Topics")], scope=BotCommandScopeAllGroupChats()
        )
        uk = await bot.get_my_commands(language_code="uk")
        with pytest.raises(BadRequest, match="Bot_command_invalid"):
            await bot.set_my_commands([BotCommand("Bad-Name", "x")])
        assert await bot.log_out()
    assert [c.description for c in uk] == ["Підписатися"]
    assert fake_telegram.my_commands() == [{"command": "start", "description": "Subscribe"}]
    assert fake_telegram.my_commands({"type": "all_group_chats"}) == [
        {"command": "topics", "description": "Topics"}
    ]


async def test_wait_for_message_times_out_with_what_was_sent(
    fake_telegram: FakeTelegram,
) -> None:
    fake_telegram.add_private_chat(USER)
    async with bot_for(fake_telegram) as bot:
        await bot.send_message(USER, "something else")
    with pytest.raises(AssertionError, match="something else"):
        await fake_telegram.wait_for_message(USER, "expected", timeout=0.05)
