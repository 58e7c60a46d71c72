"""One summarised message to the admins when something needs them, not one per error.

Checked every few minutes: sends that have been failing for an hour (pending digests
older than that with at least one failed attempt) and sources failing for a day. A
problem is reported once; it is reported again only after it cleared and came back.
What was reported is kept in memory, so after a restart a still-open problem is
reported once more, which is the right nudge after a restart anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from telegram import Bot
from telegram.error import TelegramError

from bot.db import digests, sources
from bot.db.engine import Database

log = logging.getLogger(__name__)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _when(moment: datetime | None) -> str:
    return "?" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def _short(text: str | None, limit: int = 200) -> str:
    text = (text or "unknown").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


class AdminAlerts:
    """Finds what needs an admin and tells each of `admins` in one plain-text message."""

    def __init__(
        self,
        bot: Bot,
        db: Database,
        admins: Sequence[int],
        *,
        clock: Callable[[], datetime] = _utc_now,
        sends_failing_for: timedelta = timedelta(hours=1),
        source_failing_for: timedelta = timedelta(days=1),
    ) -> None:
        self._bot = bot
        self._db = db
        self._admins = tuple(admins)
        self._clock = clock
        self._sends_failing_for = sends_failing_for
        self._source_failing_for = source_failing_for
        self.reported: set[str] = set()

    async def problems(self) -> dict[str, str]:
        """Open problems: a stable key each (what is remembered) -> a line for the message."""
        now = self._clock()
        found: dict[str, str] = {}
        async with self._db.transaction() as session:
            failing = await digests.failing(session, created_before=now - self._sends_failing_for)
            states = await sources.states(session)
        if failing.digests:
            found["sends"] = (
                f"Sending has been failing for over an hour: {failing.digests} digests to "
                f"{failing.chats} chats are waiting, the oldest since {_when(failing.oldest)}. "
                f"Last error: {_short(failing.last_error)}"
            )
        for state in sorted(states.values(), key=lambda s: s.id):
            since = state.failing_since
            if state.failing and since is not None and now - since >= self._source_failing_for:
                found[f"source:{state.id}"] = (
                    f"Source {state.id} ({state.url}) has been failing since {_when(since)} "
                    f"({state.error_count} errors). Last error: {_short(state.last_error)}"
                )
        return found

    async def check(self) -> str | None:
        """Send the summary if a problem is new; returns the text sent (None: nothing new)."""
        problems = await self.problems()
        self.reported &= problems.keys()  # a cleared problem may be reported again later
        new = problems.keys() - self.reported
        if not new or not self._admins:
            return None
        lines = [problems[k] for k in sorted(new)]
        lines += [f"(still) {problems[k]}" for k in sorted(problems.keys() - new)]
        text = "⚠️ newsbot needs attention\n\n" + "\n\n".join(f"• {line}" for line in lines)
        delivered = False
        for admin in self._admins:
            try:
                await self._bot.send_message(admin, text[:4000])
                delivered = True
            except TelegramError as error:
                log.warning("could not alert admin %d: %s", admin, error)
        if delivered:
            self.reported |= problems.keys()
        log.warning("admin alert: %s", " | ".join(lines))
        return text
