"""The delivery service `newsbot run` starts: the outbox sender plus the admin check.

The sender uses the Application's bot, so outbox messages and handler replies share
one HTTP pool and PTB's AIORateLimiter, which stays the hard bot-wide cap. The sender
paces itself to the same overall rate and, unlike AIORateLimiter, per chat (1/s in a
private chat, 20/min in a group), so the limiter has nothing to throttle until replies
to users need a share; then both slow a little rather than exceed Telegram's limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import Bot

from bot.context import Runtime
from bot.delivery.admin import AdminAlerts
from bot.delivery.sender import Sender

log = logging.getLogger(__name__)


class Delivery:
    """Owns the sender's and the admin check's tasks; `notify()` after enqueueing."""

    def __init__(self, bot: Bot, rt: Runtime, *, admin_interval: float = 300.0) -> None:
        config = rt.config
        self.sender = Sender(
            bot,
            rt.db,
            rate=config.telegram.max_messages_per_second,
            max_pending=config.digest.max_pending,
            clock=rt.clock,
        )
        self.alerts = AdminAlerts(bot, rt.db, config.telegram.admins, clock=rt.clock)
        self._admin_interval = admin_interval
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def notify(self) -> None:
        self.sender.notify()

    def start(self) -> None:
        self._stop.clear()
        self._tasks = [
            asyncio.create_task(self.sender.run(self._stop), name="outbox-sender"),
            asyncio.create_task(self._watch(), name="admin-alerts"),
        ]

    async def stop(self) -> None:
        """Stop sending; sends in flight finish and are recorded first."""
        self._stop.set()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    async def _watch(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self._admin_interval)
            if self._stop.is_set():
                return
            try:
                await self.alerts.check()
            except Exception:
                log.exception("admin check failed")


def attach(bot: Bot, rt: Runtime) -> Delivery:
    """Create the service and point `rt.notify_sender` (what the digest cycle calls after
    its enqueue transaction commits) at it."""
    delivery = Delivery(bot, rt)
    rt.notify_sender = delivery.notify
    return delivery
