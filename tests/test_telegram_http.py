"""PTB on the aiohttp transport: the same answers and the same errors as on httpx."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.telegram_http import AiohttpRequest
from tests.fakes.telegram import FakeTelegram


@pytest.fixture
async def bot(fake_telegram: FakeTelegram) -> AsyncIterator[Bot]:
    fake_telegram.add_private_chat(10, "Ann")
    async with Bot(
        fake_telegram.token,
        base_url=fake_telegram.base_url,
        request=AiohttpRequest(),
        get_updates_request=AiohttpRequest(connections=1),
    ) as bot:
        yield bot


async def test_messages_go_through_and_errors_keep_their_type(
    bot: Bot, fake_telegram: FakeTelegram
) -> None:
    sent = await bot.send_message(10, "<b>Новини</b> &amp; more", parse_mode=ParseMode.HTML)
    assert sent.message_id > 0
    assert fake_telegram.sent(10)[-1].text == "Новини & more"

    fake_telegram.fail_next("sendMessage", 10, error_code=429, retry_after=7)
    with pytest.raises(RetryAfter) as flood:
        await bot.send_message(10, "x")
    assert flood.value.retry_after == 7

    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(10, "<b>unclosed", parse_mode=ParseMode.HTML)

    fake_telegram.block(10)
    with pytest.raises(Forbidden):
        await bot.send_message(10, "x")


async def test_network_failures_become_network_errors(
    bot: Bot, fake_telegram: FakeTelegram
) -> None:
    fake_telegram.fail_next("sendMessage", 10, disconnect=True)
    with pytest.raises(NetworkError):
        await bot.send_message(10, "x")
    assert (await bot.send_message(10, "after")).text == "after"


async def test_a_server_that_never_answers_times_out() -> None:
    never = asyncio.Event()

    async def hang(_request: web.Request) -> web.Response:
        await never.wait()
        return web.Response()

    app = web.Application()
    app.router.add_post("/{tail:.*}", hang)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    request = AiohttpRequest(read_timeout=0.2)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.do_request(f"http://127.0.0.1:{port}/bot1:x/getMe", "POST")
    finally:
        never.set()
        await request.shutdown()
        await runner.cleanup()
