"""`newsbot run` (serve) sends what is in the outbox, through the Application's bot."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.db.engine import Database, make_engine
from bot.db.migrate import upgrade
from tests.delivery.helpers import add_digest, state
from tests.e2e.harness import make_config, running_bot
from tests.fakes.telegram import FakeTelegram


async def test_the_running_bot_sends_pending_digests(
    fake_telegram: FakeTelegram, db_url: str
) -> None:
    fake = fake_telegram
    db = Database(make_engine(db_url))
    await upgrade(db.engine)
    ids = {}
    for chat_id in (11, 12):
        fake.add_private_chat(chat_id)
        ids[chat_id] = await add_digest(
            db, chat_id, [f"<b>Digest</b> for {chat_id}", "more"], now=datetime.now(UTC)
        )
    fake.add_group(-30)
    ids[-30] = await add_digest(db, -30, ["group digest"], chat_type="group", now=datetime.now(UTC))
    await db.dispose()

    async with running_bot(make_config(fake, db_url), fake):
        for chat_id in (11, 12):
            await fake.wait_for_message(chat_id, "more", since=0)
        await fake.wait_for_message(-30, "group digest", since=0)

    db = Database(make_engine(db_url))
    try:
        for chat_id, digest_id in ids.items():
            status, message_ids = await state(db, digest_id)
            assert status == "sent" and None not in message_ids, chat_id
        assert [m.text for m in fake.sent(11)] == ["Digest for 11", "more"]
    finally:
        await db.dispose()
