"""/digest: what is new for this chat right now, outside its schedule."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.domain import ChatSettings, ScheduleMode
from bot.handlers.common import due_at, load_settings, local_when, reply, runtime
from bot.i18n import t


def nothing_new(settings: ChatSettings, since: str, next_at: str | None, filtered: bool) -> str:
    """ "Nothing new since 12:00", and what to do: widen the filters when news came but none
    matched; else when news comes next (a scheduled time, as it arrives, or on /digest)."""
    lang = settings.ui_language
    if filtered:
        return t(lang, "news.nothing_new_matching", when=since)
    if settings.mode is ScheduleMode.INSTANT:
        return t(lang, "news.nothing_new", when=since)
    if next_at is not None:
        return t(lang, "news.nothing_new_next", when=since, next=next_at)
    return t(lang, "news.nothing_new_off", when=since)


async def digest_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    settings = await load_settings(update, context)
    if settings is None:
        return
    rt = runtime(context)
    lang = settings.ui_language
    if rt.digests is None:
        await reply(update, t(lang, "error.internal"))
        return
    if not settings.active:  # never subscribed, or /stop: no watermark to move, no schedule
        await reply(update, t(lang, "news.not_subscribed"))
        return
    result = await rt.digests.manual(settings.chat_id)
    if result is None:
        await reply(update, t(lang, "news.not_subscribed"))
    elif result.digest.empty:
        now = rt.clock()
        due = due_at(settings, now)
        next_at = None if due is None else local_when(due, settings.timezone, now)
        since = local_when(result.since, settings.timezone, now)
        await reply(update, nothing_new(settings, since, next_at, result.filtered))
    # else: the outbox sender delivers it, as it does every digest
