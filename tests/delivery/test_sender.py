"""The outbox sender against the fake Bot API: real PTB Bot, real database, no patching.

Pacing runs on a VirtualTimer: every pause the sender takes is recorded, none is spent.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import update
from telegram import Bot

from bot.db import chats
from bot.db.engine import Database
from bot.db.models import DigestPartRow, DigestRow
from bot.delivery.pacing import VirtualTimer
from bot.delivery.sender import Sender
from tests.delivery.helpers import NOW, Clock, add_digest, is_active, state
from tests.fakes.telegram import FakeTelegram

# PTB's own RetryAfter constructor warns about its int-to-timedelta migration.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@pytest.fixture
async def bot(fake_telegram: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(fake_telegram.token, base_url=fake_telegram.base_url) as bot:
        yield bot


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def timer() -> VirtualTimer:
    return VirtualTimer()


@pytest.fixture
def sender(bot: Bot, database: Database, clock: Clock, timer: VirtualTimer) -> Sender:
    return Sender(bot, database, rate=30, clock=clock, timer=timer, rng=random.Random(7))


async def test_sends_parts_in_order_as_html_without_previews_and_records_them(
    fake_telegram: FakeTelegram, database: Database, sender: Sender, timer: VirtualTimer
) -> None:
    fake = fake_telegram
    fake.add_private_chat(1)
    fake.add_group(-5)
    d1 = await add_digest(database, 1, ["<b>Part one</b>", "Part <i>two</i>", "Part three"])
    d2 = await add_digest(database, -5, ["Group news"], chat_type="group")

    await sender.send_pending_once()

    sent = fake.sent(1)
    assert [m.text for m in sent] == ["Part one", "Part two", "Part three"]
    assert all(m.parse_mode == "HTML" and m.link_preview_disabled for m in sent)
    assert sent[0].entities[0]["type"] == "bold"
    assert [m.text for m in fake.sent(-5)] == ["Group news"]
    assert await state(database, d1) == ("sent", [m.message_id for m in sent])
    assert (await state(database, d2))[0] == "sent"
    assert timer.waited >= 2.0, "about one message a second into one private chat"
    await sender.send_pending_once()
    assert len(fake.sent(1)) == 3, "nothing is sent twice"


async def test_a_restart_resumes_after_the_parts_already_accepted(
    fake_telegram: FakeTelegram, database: Database, bot: Bot, clock: Clock
) -> None:
    fake = fake_telegram
    fake.add_private_chat(1)
    digest = await add_digest(database, 1, ["one", "two", "three"])
    async with database.transaction() as session:  # "one" was accepted before a crash
        await session.execute(
            update(DigestPartRow)
            .where(DigestPartRow.digest_id == digest, DigestPartRow.seq == 0)
            .values(message_id=99, sent_at=NOW)
        )

    await Sender(bot, database, rate=30, clock=clock, timer=VirtualTimer()).send_pending_once()

    assert [m.text for m in fake.sent(1)] == ["two", "three"]
    status, ids = await state(database, digest)
    assert status == "sent" and ids[0] == 99 and None not in ids


async def test_retry_after_pauses_everyone_and_drops_nothing(
    fake_telegram: FakeTelegram, database: Database, sender: Sender, timer: VirtualTimer
) -> None:
    fake = fake_telegram
    for chat_id in (1, 2, 3):
        fake.add_private_chat(chat_id)
        await add_digest(database, chat_id, [f"news for {chat_id}"])
    fake.fail_next("sendMessage", error_code=429, retry_after=7, times=4)

    stats = await sender.send_pending_once()

    assert stats.retry_after == 4
    assert timer.waited >= 4 * 7, "waited retry_after each time"
    for chat_id in (1, 2, 3):
        assert [m.text for m in fake.sent(chat_id)] == [f"news for {chat_id}"]


@pytest.mark.parametrize(
    "description",
    [
        "Forbidden: bot was blocked by the user",
        "Forbidden: user is deactivated",
    ],
)
async def test_blocked_chat_is_unsubscribed_and_start_brings_it_back(
    fake_telegram: FakeTelegram, database: Database, sender: Sender, description: str
) -> None:
    fake = fake_telegram
    fake.add_private_chat(1)
    fake.add_private_chat(2)
    blocked = await add_digest(database, 1, ["a", "b"])
    later = await add_digest(database, 1, ["c"])
    other = await add_digest(database, 2, ["for two"])
    fake.block(1, description)

    await sender.send_pending_once()

    assert await is_active(database, 1) is False
    assert (await state(database, blocked))[0] == "dropped"
    assert (await state(database, later))[0] == "dropped"
    assert (await state(database, other))[0] == "sent"
    assert len(fake.calls("sendMessage")) == 2, "one try into the blocked chat"

    fake.unblock(1)  # the user restarts the bot: /start subscribes again
    async with database.transaction() as session:
        row = await chats.get_row(session, 1)
        assert row is not None
        await chats.activate(session, row, now=NOW, next_digest_at=None)
    again = await add_digest(database, 1, ["welcome back news"])
    await sender.send_pending_once()
    assert (await state(database, again))[0] == "sent"
    assert [m.text for m in fake.sent(1)] == ["welcome back news"]


async def test_kicked_from_group_and_unknown_chat_are_unsubscribed(
    fake_telegram: FakeTelegram, database: Database, sender: Sender
) -> None:
    fake = fake_telegram
    fake.add_group(-7)
    fake.bot_removed_from_group(-7, by_user=50)
    kicked = await add_digest(database, -7, ["x"], chat_type="group")
    unknown = await add_digest(database, 424242, ["y"])  # Telegram: chat not found

    await sender.send_pending_once()

    assert await is_active(database, -7) is False
    assert await is_active(database, 424242) is False
    assert (await state(database, kicked))[0] == "dropped"
    assert (await state(database, unknown))[0] == "dropped"


async def test_migrated_group_is_moved_and_the_digest_resent_there(
    fake_telegram: FakeTelegram, database: Database, sender: Sender
) -> None:
    fake = fake_telegram
    fake.add_group(-40, members=[1])
    digest = await add_digest(database, -40, ["first", "second"], chat_type="group")
    fake.migrate(-40, -1004000000001)

    await sender.send_pending_once()

    assert [m.text for m in fake.sent(-1004000000001)] == ["first", "second"]
    assert (await state(database, digest))[0] == "sent"
    async with database.transaction() as session:
        assert await chats.get_row(session, -40) is None
        moved = await chats.get_row(session, -1004000000001)
    assert moved is not None and moved.active and moved.type == "supergroup"


async def test_refused_html_is_resent_as_plain_text_and_logged_as_a_bug(
    fake_telegram: FakeTelegram,
    database: Database,
    sender: Sender,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake = fake_telegram
    fake.add_private_chat(1)
    digest = await add_digest(database, 1, ["<b>Broken <i>tags</b> &amp; more", "<b>fine</b>"])

    with caplog.at_level(logging.ERROR, logger="bot.delivery"):
        await sender.send_pending_once()

    first, second = fake.sent(1)
    assert first.text == "Broken tags & more" and first.parse_mode is None
    assert second.text == "fine" and second.parse_mode == "HTML"
    assert (await state(database, digest))[0] == "sent"
    assert any("BUG" in r.message and "Broken <i>tags" in r.message for r in caplog.records)


async def test_too_long_part_is_split_at_line_boundaries(
    fake_telegram: FakeTelegram, database: Database, sender: Sender
) -> None:
    fake = fake_telegram
    fake.add_private_chat(1)
    lines = [f"• <b>headline {i}</b>" + " word" * 30 for i in range(60)]  # ~10,000 chars
    digest = await add_digest(database, 1, ["\n".join(lines), "the end"])

    stats = await sender.send_pending_once()

    sent = fake.sent(1)
    assert stats.splits >= 1 and len(sent) >= 4
    assert all(len(m.text) <= 4096 for m in sent)
    assert [m.text for m in sent][-1] == "the end"
    shown = "\n".join(m.text for m in sent[:-1])
    assert shown.split("\n") == [line.replace("<b>", "").replace("</b>", "") for line in lines]
    status, ids = await state(database, digest)
    assert status == "sent" and ids == [m.message_id for m in sent]


@pytest.mark.parametrize("fault", [{"error_code": 502}, {"error_code": 500}, {"disconnect": True}])
async def test_network_errors_back_off_with_jitter_and_retry_until_sent(
    fake_telegram: FakeTelegram,
    database: Database,
    sender: Sender,
    clock: Clock,
    fault: dict[str, object],
) -> None:
    fake = fake_telegram
    fake.add_private_chat(1)
    digest = await add_digest(database, 1, ["news"])
    fake.fail_next("sendMessage", 1, times=3, **fault)  # type: ignore[arg-type]

    waits = []
    for _ in range(3):
        await sender.send_pending_once()
        async with database.transaction() as session:
            row = await session.get(DigestRow, digest)
            assert row is not None and row.status == "pending" and row.last_error
            waits.append((row.next_attempt_at - clock.now).total_seconds())
        await sender.send_pending_once()  # not due yet: nothing is tried
        assert len(fake.calls("sendMessage")) == len(waits)
        clock.advance(seconds=waits[-1] + 0.001)
    assert 2.5 <= waits[0] <= 5 and 5 <= waits[1] <= 10 and 10 <= waits[2] <= 20
    await sender.send_pending_once()
    assert [m.text for m in fake.sent(1)] == ["news"]
    assert (await state(database, digest))[0] == "sent"


async def test_a_digest_pending_too_long_is_dropped_with_a_log_line(
    fake_telegram: FakeTelegram,
    database: Database,
    sender: Sender,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake = fake_telegram
    fake.add_private_chat(1)
    digest = await add_digest(database, 1, ["news"])
    fake.fail_next("sendMessage", 1, error_code=502, times=100)
    await sender.send_pending_once()
    clock.advance(hours=25)
    with caplog.at_level(logging.WARNING, logger="bot.delivery"):
        await sender.send_pending_once()
    assert (await state(database, digest))[0] == "dropped"
    assert any("dropped digest" in r.message for r in caplog.records)


async def test_one_failing_chat_does_not_hold_up_the_others(
    fake_telegram: FakeTelegram, database: Database, sender: Sender
) -> None:
    fake = fake_telegram
    for chat_id in range(1, 21):
        fake.add_private_chat(chat_id)
        await add_digest(database, chat_id, [f"a{chat_id}", f"b{chat_id}"])
    fake.fail_next("sendMessage", 1, disconnect=True, times=1000)

    await sender.send_pending_once()

    assert not fake.sent(1)
    for chat_id in range(2, 21):
        assert [m.text for m in fake.sent(chat_id)] == [f"a{chat_id}", f"b{chat_id}"]
    tries = [c for c in fake.calls("sendMessage") if int(c.params["chat_id"]) == 1]
    assert len(tries) == 1, "the failing chat backs off instead of being retried at once"


async def test_a_chats_digests_arrive_in_the_order_written(
    fake_telegram: FakeTelegram, database: Database, sender: Sender, clock: Clock
) -> None:
    fake = fake_telegram
    fake.add_private_chat(1)
    first = await add_digest(database, 1, ["morning"])
    await add_digest(database, 1, ["evening"], now=NOW.replace(hour=20))
    fake.fail_next("sendMessage", 1, error_code=502, times=1)
    clock.advance(hours=3)
    await sender.send_pending_once()  # "morning" backs off; "evening" must wait for it
    assert not fake.sent(1)
    assert (await state(database, first))[0] == "pending"
    clock.advance(minutes=10)
    await sender.send_pending_once()
    assert [m.text for m in fake.sent(1)] == ["morning", "evening"]


async def test_run_wakes_up_on_notify_without_polling(
    fake_telegram: FakeTelegram, database: Database, bot: Bot, clock: Clock
) -> None:
    fake = fake_telegram
    fake.add_private_chat(1)
    sender = Sender(bot, database, rate=30, clock=clock, check_interval=3600)
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    try:
        await add_digest(database, 1, ["fresh news"])
        sender.notify()
        message = await fake.wait_for_message(1, "fresh news", since=0)
        assert message.parse_mode == "HTML"
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
