"""/digest: what is new for this chat right now, outside its schedule."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.common import chat_language, local_when, reply, runtime
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
    elif result.digest.empty:
        when = local_when(result.since, result.timezone, rt.clock())
        await reply(update, t(lang, "news.nothing_new", when=when))
    # else: the outbox sender delivers it, as it does every digest
