"""Scheduling: the poll cycle and the digest cycle, run by PTB's JobQueue.

Both jobs tick often and do only what is due (sources by `next_check_at`, chats by
`next_digest_at`), so a restart or a slow cycle never loses a slot: a missed time
is caught up once at the next tick. APScheduler skips a tick while the previous run
of the same job is still going, so cycles never overlap.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from telegram.ext import Application, CallbackContext, ContextTypes

from bot.context import Runtime
from bot.digest_cycle import DigestBuilder
from bot.ingest import Poller, prune

log = logging.getLogger(__name__)

TICK = timedelta(seconds=20)
PRUNE_TICK = timedelta(hours=6)


def _rt(context: CallbackContext[Any, Any, Any, Any]) -> Runtime:
    rt = context.bot_data["runtime"]
    assert isinstance(rt, Runtime)
    return rt


async def poll_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = _rt(context)
    poller = rt.poller
    assert isinstance(poller, Poller)
    reports = await poller.cycle()
    new = sum(r.new_items for r in reports)
    if reports:
        failed = sum(1 for r in reports if r.error)
        log.info("poll: %d sources, %d new items, %d failed", len(reports), new, failed)
    if new and rt.digests is not None:
        await rt.digests.cycle()  # instant chats get them now, batched per cycle


async def digest_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = _rt(context)
    if rt.digests is not None:
        await rt.digests.cycle()


async def prune_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = _rt(context)
    removed = await prune(rt.db, rt.config.polling.retention, rt.clock())
    if removed:
        log.info("pruned %d items older than %s", removed, rt.config.polling.retention)


async def schedule(
    app: Application[Any, Any, Any, Any, Any, Any], rt: Runtime, *, tick: timedelta = TICK
) -> None:
    """Build the poller and digest builder into the runtime and register the jobs."""
    assert rt.http is not None
    poller = Poller(
        rt.db,
        rt.http,
        rt.sources,
        rt.topics,
        rt.config.polling,
        rt.config.news_languages,
        rt.clock,
    )
    await poller.sync()
    rt.poller = poller
    rt.digests = DigestBuilder(
        rt.db, rt.topics, rt.source_names, rt.config.digest, rt.clock, lambda: rt.notify_sender()
    )
    queue = app.job_queue
    assert queue is not None, "python-telegram-bot must be installed with the job-queue extra"
    queue.run_repeating(poll_job, interval=tick, first=min(1.0, tick.total_seconds()), name="poll")
    queue.run_repeating(digest_job, interval=tick, first=tick, name="digest")
    queue.run_repeating(prune_job, interval=PRUNE_TICK, first=60, name="prune")
