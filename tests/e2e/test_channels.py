"""A channel: its admins subscribe it by posting commands; subscribers' chatter and button
presses from non-admins change nothing; posts that are not commands get no reply."""

from __future__ import annotations

from tests.e2e.harness import make_config, running_bot
from tests.e2e.test_conversation_membership import until
from tests.e2e.test_conversation_topics import settings_of
from tests.fakes.telegram import FakeTelegram

CHANNEL, ADMIN, READER = -1004000000000, 51, 52


async def test_channel_admin_posts_commands_and_readers_cannot_change(
    fake_telegram: FakeTelegram, db_url: str
) -> None:
    fake = fake_telegram
    fake.add_channel(CHANNEL, "Новини каналу", admins=[ADMIN])
    fake.add_user(READER, "Reader")
    async with running_bot(make_config(fake, db_url), fake):
        await fake.channel_posts(CHANNEL, "/start")
        welcome = await fake.wait_for_message(CHANNEL, "Hello")
        await fake.channel_posts(CHANNEL, "/topics defense")
        await fake.wait_for_message(CHANNEL, "Defense")
        assert (await settings_of(db_url, CHANNEL)).topics == ("defense",)

        before = len(fake.sent(CHANNEL))
        await fake.channel_posts(CHANNEL, "Today's post, written by hand for the readers.")
        await fake.channel_posts(CHANNEL, "/settings@another_bot")
        marker = await fake.channel_posts(CHANNEL, "/help")
        await fake.wait_for_message(CHANNEL, "/topics")
        assert marker
        assert len(fake.sent(CHANNEL)) == before + 1, "only /help was answered"

        button = next(b for row in welcome.buttons for b in row if "Culture" in b["text"])
        await fake.user_presses(CHANNEL, READER, welcome.message_id, button["callback_data"])

        async def answered() -> bool:
            return not fake.unanswered_callback_queries() and bool(fake.callback_queries())

        await until(fake, answered, "the reader's press was answered")
    assert (await settings_of(db_url, CHANNEL)).topics == ("defense",), "a reader changes nothing"
    assert (await settings_of(db_url, CHANNEL)).active
