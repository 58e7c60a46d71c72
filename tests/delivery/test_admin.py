"""Admins get one summary when something needs them, not a message per error."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from telegram import Bot

from bot.db import sources
from bot.db.engine import Database
from bot.delivery.admin import AdminAlerts
from bot.delivery.pacing import VirtualTimer
from bot.delivery.sender import Sender
from bot.domain import Source
from tests.delivery.helpers import Clock, add_digest
from tests.fakes.telegram import FakeTelegram

ADMIN = 900


@pytest.fixture
async def bot(fake_telegram: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(fake_telegram.token, base_url=fake_telegram.base_url) as bot:
        yield bot


async def fail_source(db: Database, clock: Clock, source_id: str) -> None:
    source = Source(source_id, source_id, f"https://{source_id}.test/feed", timedelta(minutes=10))
    async with db.transaction() as session:
        await sources.sync(session, [source], first_check={})
        await sources.record_failure(
            session, source_id, now=clock.now, error="HTTP 503", backoff=timedelta(minutes=5)
        )


async def test_one_summary_for_failing_sends_and_a_source_failing_for_a_day(
    fake_telegram: FakeTelegram, database: Database, bot: Bot
) -> None:
    fake = fake_telegram
    fake.add_private_chat(ADMIN)
    clock = Clock()
    alerts = AdminAlerts(bot, database, [ADMIN], clock=clock)
    sender = Sender(bot, database, rate=30, clock=clock, timer=VirtualTimer())
    for chat_id in (1, 2, 3):  # never started the bot: sends fail with 5xx
        fake.add_private_chat(chat_id)
        await add_digest(database, chat_id, ["news"], now=clock.now)
        fake.fail_next("sendMessage", chat_id, error_code=502, times=1000)
    await fail_source(database, clock, "rubryka")

    await sender.send_pending_once()
    assert await alerts.check() is None, "nothing has been failing for long yet"

    clock.advance(minutes=61)
    await alerts.check()
    alert = await fake.wait_for_message(ADMIN, since=0)
    assert "3 digests to 3 chats" in alert.text and "Bad Gateway" in alert.text
    assert "rubryka" not in alert.text

    for _ in range(5):  # more errors, more checks: no more messages
        await sender.send_pending_once()
        assert await alerts.check() is None
    clock.advance(hours=23)
    await alerts.check()
    second = await fake.wait_for_message(ADMIN, "rubryka", since=alert.created_seq)
    assert "HTTP 503" in second.text and "(still) Sending" in second.text
    assert len(fake.sent(ADMIN)) == 2


async def test_a_cleared_problem_is_reported_again_when_it_comes_back(
    fake_telegram: FakeTelegram, database: Database, bot: Bot
) -> None:
    fake = fake_telegram
    fake.add_private_chat(ADMIN)
    clock = Clock()
    alerts = AdminAlerts(bot, database, [ADMIN], clock=clock)
    await fail_source(database, clock, "feed")
    clock.advance(days=1, seconds=1)
    assert await alerts.check() is not None
    async with database.transaction() as session:
        await sources.record_success(
            session, "feed", now=clock.now, next_check_at=clock.now, etag=None, last_modified=None
        )
    assert await alerts.check() is None
    await fail_source(database, clock, "feed")
    clock.advance(days=1, seconds=1)
    assert await alerts.check() is not None
    assert len(fake.sent(ADMIN)) == 2


async def test_no_admins_or_unreachable_admins_do_not_break_the_check(
    fake_telegram: FakeTelegram, database: Database, bot: Bot
) -> None:
    clock = Clock()
    await fail_source(database, clock, "feed")
    clock.advance(days=2)
    assert await AdminAlerts(bot, database, [], clock=clock).check() is None
    unreachable = AdminAlerts(bot, database, [12345], clock=clock)  # chat not found
    assert await unreachable.check() is not None
    assert not unreachable.reported, "not delivered: it is tried again next time"
