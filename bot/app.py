"""Composition root: config -> database -> PTB Application with handlers and jobs.

`serve()` is the one code path of `newsbot run`; tests run it in-process against a
fake Bot API server and stop it with an event instead of a signal.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from telegram import BotCommand
from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder

from bot import handlers, jobs
from bot.config import Config
from bot.context import Runtime, utc_now
from bot.db.engine import Database, DatabaseUnavailable, make_engine
from bot.db.migrate import upgrade
from bot.delivery import attach as attach_delivery
from bot.handlers.errors import on_error
from bot.i18n.commands import COMMANDS
from bot.ingest_cpu import stop_processes
from bot.telegram_http import AiohttpRequest

log = logging.getLogger(__name__)

AnyApp = Application[Any, Any, Any, Any, Any, Any]


class StartupError(Exception):
    """The bot cannot start; the message says what to do."""


DEFAULT_API = "https://api.telegram.org/bot"
JOB_STOP_GRACE = 5.0  # seconds a running cycle may take to finish after SIGTERM
HELLO_RETRY_MAX = 60.0  # seconds between attempts to reach Telegram at start, at most


def _startup_error(exc: TelegramError, api_base_url: str) -> StartupError:
    """Why the bot could not say hello to Telegram; never quotes the token (PTB's does)."""
    if isinstance(exc, InvalidToken):
        # A 404 (a wrong api_base_url path) raises InvalidToken too.
        elsewhere = (
            f", and that telegram.api_base_url ({api_base_url}) is a Bot API server"
            if api_base_url != DEFAULT_API
            else ""
        )
        return StartupError(
            "Telegram rejected the bot token; check NEWSBOT_TOKEN or telegram.token "
            f"(@BotFather shows the token of each of your bots){elsewhere}"
        )
    return StartupError(
        f"cannot reach the Telegram Bot API at {api_base_url}: {type(exc).__name__}; "
        "check the network or telegram.api_base_url"
    )


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def _hello(app: AnyApp, stop: asyncio.Event, api_base_url: str, *, retry: bool) -> bool:
    """getMe until Telegram answers; False if stopped first.

    With `retry`, Telegram (or the network) being down at start is waited out with a
    backoff, so a bot started before its network is up recovers on its own; a rejected
    token always ends the start.
    """
    delay = 1.0
    while True:
        try:
            await app.initialize()
            return True
        except (NetworkError, RetryAfter) as exc:
            if isinstance(exc, BadRequest) or not retry:
                await app.bot.shutdown()
                raise _startup_error(exc, api_base_url) from None
            wait = _seconds(exc.retry_after) if isinstance(exc, RetryAfter) else delay
            log.warning(
                "cannot reach the Telegram Bot API at %s (%s: %s); retrying in %.0fs",
                api_base_url,
                type(exc).__name__,
                exc,
                wait,
            )
        except InvalidToken as exc:
            await app.bot.shutdown()  # the HTTP sessions opened before getMe failed
            raise _startup_error(exc, api_base_url) from None
        try:
            await asyncio.wait_for(stop.wait(), wait)
        except TimeoutError:
            delay = min(delay * 2, HELLO_RETRY_MAX)
            continue
        await app.bot.shutdown()
        return False


def build_application(rt: Runtime) -> AnyApp:
    """The PTB Application talking to `telegram.api_base_url`, rate limited per config."""
    tg = rt.config.telegram
    limiter = AIORateLimiter(
        overall_max_rate=tg.max_messages_per_second,
        overall_time_period=1,
        group_max_rate=20,
        group_time_period=60,
        max_retries=3,
    )
    app: AnyApp = (
        ApplicationBuilder()
        .token(rt.config.token)
        .base_url(tg.api_base_url)
        .base_file_url(tg.api_base_url.replace("/bot", "/file/bot"))
        .rate_limiter(limiter)
        .concurrent_updates(8)
        .request(AiohttpRequest(connect_timeout=10, read_timeout=15))
        .get_updates_request(AiohttpRequest(connections=2, read_timeout=40))
        .build()
    )
    app.bot_data["runtime"] = rt
    handlers.register(app)
    app.add_error_handler(on_error)
    return app


async def _set_commands(app: AnyApp) -> None:
    """Localised command menus for English and Ukrainian users."""
    for lang, commands in COMMANDS.items():
        menu = [BotCommand(name, description) for name, description in commands]
        await app.bot.set_my_commands(menu, language_code=None if lang == "en" else lang)


async def serve(
    config: Config,
    stop: asyncio.Event,
    *,
    clock: Callable[[], datetime] = utc_now,
    poll_timeout: float = 30,
    tick: timedelta = jobs.TICK,
    wait_for_telegram: bool = False,
) -> None:
    """Run the bot until `stop` is set: updates, poll cycle and digest cycle.

    `poll_timeout` (Telegram long poll) and `tick` (how often the cycles look for due
    work) are shortened by tests; the defaults suit production. `wait_for_telegram`
    (set by `newsbot run`) retries an unreachable Bot API at start instead of failing.
    """
    if not config.token:
        raise StartupError(
            "no bot token: set NEWSBOT_TOKEN or telegram.token in config.toml "
            "(get a token from @BotFather in Telegram)"
        )
    db = Database(make_engine(config.database.url))
    try:
        await upgrade(db.engine)
        rt = Runtime.create(config, db, clock)
        app = build_application(rt)
        async with aiohttp.ClientSession() as http:
            rt.http = http
            api = config.telegram.api_base_url
            if not await _hello(app, stop, api, retry=wait_for_telegram):
                log.info("stopped before Telegram answered")
                return
            rt.bot_username = app.bot.username
            try:
                await _set_commands(app)
            except TelegramError as exc:
                log.warning("could not set the command menu: %s", exc)
            delivery = attach_delivery(app.bot, rt)  # before the jobs: digests wake it
            await jobs.schedule(app, rt, tick=tick)
            await app.start()
            delivery.start()
            updater = app.updater
            assert updater is not None
            try:
                if config.telegram.webhook_url:
                    await updater.start_webhook(
                        listen=config.telegram.webhook_listen,
                        port=config.telegram.webhook_port,
                        webhook_url=config.telegram.webhook_url,
                        drop_pending_updates=False,
                    )
                else:
                    await updater.start_polling(timeout=int(poll_timeout), bootstrap_retries=-1)
                log.info("bot @%s running with %d sources", rt.bot_username, len(rt.sources))
                await stop.wait()
                log.info("stopping")
            finally:
                if updater.running:
                    await updater.stop()
                await _stop_jobs(app)
                await delivery.stop()  # sends in flight finish and are recorded first
                await app.stop()
                await app.shutdown()
                await asyncio.to_thread(stop_processes)  # the poll cycle's worker processes
    finally:
        await db.dispose()


async def _stop_jobs(app: AnyApp, grace: float = JOB_STOP_GRACE) -> None:
    """Let a running poll or digest cycle finish for `grace` seconds, then cancel it.

    PTB's `Application.stop()` waits for running jobs without limit, so one hanging
    fetch (up to polling.timeout per redirect) held SIGTERM for as long. Cancelling is
    safe: each write is one transaction, and an unfinished source is polled next start.
    """
    queue = app.job_queue
    if queue is None or not queue.scheduler.running:
        return
    waiting = asyncio.ensure_future(queue.stop(wait=True))
    done, _ = await asyncio.wait({waiting}, timeout=grace)
    if not done:
        log.warning("a poll or digest cycle is still running after %.0fs; cancelling it", grace)
        queue.scheduler.shutdown(wait=False)  # the asyncio executor cancels running jobs
    await waiting


def run(config: Config) -> int:
    """`newsbot run`: serve until SIGTERM or SIGINT, then stop cleanly."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await serve(config, stop, wait_for_telegram=True)

    try:
        asyncio.run(main())
    except (StartupError, DatabaseUnavailable) as exc:
        log.error("%s", exc)
        return 1
    return 0
