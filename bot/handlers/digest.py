"""/digest: what is new for this chat right now, outside its schedule."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import ContextTypes

from bot.db import chats
from bot.handlers.common import chat_language, reply, runtime
from bot.i18n import t


async def digest_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    rt = runtime(context)
    lang = await chat_language(update, context)
    if rt.digests is None:
        await reply(update, t(lang, "error.internal"))
        return
    result = await rt.digests.manual(chat.id)
    if result is None:
        await reply(update, t(lang, "news.not_subscribed"))
        return
    if not result.digest.empty:
        return  # the outbox sender delivers it, as it does every digest
    async with rt.db.transaction() as session:
        settings = await chats.get_settings(session, chat.id)
        row = await chats.get_row(session, chat.id)
    since = result.last_digest_at or (row.subscribed_at if row else rt.clock())
    zone = ZoneInfo(settings.timezone if settings else rt.config.digest.timezone)
    local = since.astimezone(zone)
    today = rt.clock().astimezone(zone).date()
    when = local.strftime("%H:%M") if local.date() == today else local.strftime("%d.%m %H:%M")
    await reply(update, t(lang, "news.nothing_new", when=when))
