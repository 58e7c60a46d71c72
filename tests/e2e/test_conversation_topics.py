"""/start's topic buttons and /topics: buttons edit the same message, typed ids, groups."""

from __future__ import annotations

from bot.db import chats
from bot.db.engine import Database, make_engine
from bot.domain import ChatSettings
from tests.e2e.harness import make_config, running_bot
from tests.fakes.telegram import BOT_USERNAME, FakeTelegram, SentMessage

GROUP, ADMIN, MEMBER = -500, 11, 12


async def settings_of(db_url: str, chat_id: int) -> ChatSettings:
    db = Database(make_engine(db_url))
    try:
        async with db.transaction() as session:
            settings = await chats.get_settings(session, chat_id)
    finally:
        await db.dispose()
    assert settings is not None, f"chat {chat_id} is stored"
    return settings


async def say(fake: FakeTelegram, chat: int, user: int, text: str) -> SentMessage:
    await fake.user_sends(chat, user, text)
    return await fake.wait_for_message(chat)


async def press(
    fake: FakeTelegram, chat: int, user: int, message: SentMessage, label: str
) -> dict[str, object]:
    """Press the button labelled `label` (else the first containing it); returns the bot's
    answer to the callback query."""
    exact = [b for row in message.buttons for b in row if b["text"].removeprefix("✅ ") == label]
    data = (exact[0] if exact else message.button(label))["callback_data"]
    before = len(fake.sent(chat))
    query_id = await fake.user_presses(chat, user, message.message_id, data)
    await fake.wait_for_call(
        "answerCallbackQuery", lambda c: c.params.get("callback_query_id") == query_id
    )
    assert len(fake.sent(chat)) == before, "a press edits; it sends no new message"
    record = next(q for q in fake.callback_queries() if q.id == query_id)
    assert record.answer is not None
    return record.answer


def marked(message: SentMessage) -> set[str]:
    """Labels of the buttons showing the ✅ mark."""
    return {
        b["text"].removeprefix("✅ ") for row in message.buttons for b in row if "✅" in b["text"]
    }


async def test_topic_buttons_in_english_and_ukrainian(
    fake_telegram: FakeTelegram, db_url: str
) -> None:
    fake = fake_telegram
    fake.add_private_chat(1, "John", language_code="en")
    fake.add_private_chat(2, "Olena", language_code="uk")
    async with running_bot(make_config(fake, db_url), fake):
        welcome = await say(fake, 1, 1, "/start")
        assert marked(welcome) == {"🛡 Defense", "🏛 Politics", "🎭 Culture", "All"}

        await press(fake, 1, 1, welcome, "Culture")
        assert marked(welcome) == {"🛡 Defense", "🏛 Politics"}
        assert welcome.edited and "Hello" in welcome.text, "the welcome itself is edited"
        await press(fake, 1, 1, welcome, "Politics")
        assert marked(welcome) == {"🛡 Defense"}
        assert (await settings_of(db_url, 1)).topics == ("defense",)

        refused = await press(fake, 1, 1, welcome, "Defense")
        assert refused.get("show_alert") and "at least one topic" in str(refused["text"])
        assert marked(welcome) == {"🛡 Defense"}

        await press(fake, 1, 1, welcome, "All")
        assert (await settings_of(db_url, 1)).topics is None
        await press(fake, 1, 1, welcome, "Done")
        assert "Saved" in welcome.text and "all topics" in welcome.text
        assert welcome.buttons == []

        screen = await say(fake, 2, 2, "/topics")
        assert "Теми" in screen.text
        assert "🛡 Оборона" in marked(screen)
        await press(fake, 2, 2, screen, "Культура")
        assert "🎭 Культура" not in marked(screen)
        await press(fake, 2, 2, screen, "Готово")
        assert "Збережено" in screen.text and "Оборона, Політика" in screen.text
    assert not fake.unanswered_callback_queries()
    assert (await settings_of(db_url, 2)).topics == ("defense", "politics")


async def test_topics_typed_all_unknown_and_deep_link(
    fake_telegram: FakeTelegram, db_url: str
) -> None:
    fake = fake_telegram
    fake.add_private_chat(1, "John", language_code="en")
    fake.add_private_chat(2, "Olena", language_code="uk")
    async with running_bot(make_config(fake, db_url), fake):
        deep = await say(fake, 2, 2, "/start defense-politics")
        assert "Оборона, Політика" in deep.text
        assert marked(deep) == {"🛡 Оборона", "🏛 Політика"}

        done = await say(fake, 1, 1, "/topics Politics, defense")
        assert "Topics: Defense, Politics" in done.text
        assert (await settings_of(db_url, 1)).topics == ("defense", "politics")

        unknown = await say(fake, 1, 1, "/topics defense sport")
        assert "“sport”" in unknown.text
        for line in ("defense: 🛡 Defense", "politics: 🏛 Politics", "culture: 🎭 Culture"):
            assert line in unknown.text
        assert (await settings_of(db_url, 1)).topics == ("defense", "politics"), "unchanged"

        unknown_uk = await say(fake, 2, 2, "/topics спорт")
        assert "defense: 🛡 Оборона" in unknown_uk.text and "“спорт”" in unknown_uk.text

        everything = await say(fake, 1, 1, "/topics all")
        assert "all topics" in everything.text
        assert (await settings_of(db_url, 1)).topics is None


async def test_topics_in_a_group_admin_and_member(fake_telegram: FakeTelegram, db_url: str) -> None:
    fake = fake_telegram
    fake.add_group(GROUP, admins=[ADMIN], members=[MEMBER])
    async with running_bot(make_config(fake, db_url), fake):
        done = await say(fake, GROUP, ADMIN, f"/topics@{BOT_USERNAME} culture")
        assert "Topics: Culture" in done.text

        no = await say(fake, GROUP, MEMBER, f"/topics@{BOT_USERNAME} defense")
        assert "administrators" in no.text
        assert (await settings_of(db_url, GROUP)).topics == ("culture",)

        screen = await say(fake, GROUP, MEMBER, "/topics")  # looking is fine for anyone
        answer = await press(fake, GROUP, MEMBER, screen, "Defense")
        assert answer.get("show_alert") and "administrators" in str(answer["text"])
        assert marked(screen) == {"🎭 Culture"} and not screen.edited
        assert (await settings_of(db_url, GROUP)).topics == ("culture",)

        await press(fake, GROUP, ADMIN, screen, "Defense")
        assert marked(screen) == {"🛡 Defense", "🎭 Culture"}

        # a button of a topic that left the config, or of an unknown kind: answered, no crash
        for data in ("t:gone", "zz:1"):
            query_id = await fake.user_presses(
                GROUP, ADMIN, screen.message_id, data, check_button=False
            )
            await fake.wait_for_call(
                "answerCallbackQuery", lambda c, q=query_id: c.params.get("callback_query_id") == q
            )
        assert not fake.unanswered_callback_queries()
        assert (await settings_of(db_url, GROUP)).topics == ("defense", "culture")
