"""/start and /stop: subscribe and unsubscribe a chat, keeping its settings.

The welcome carries the topic buttons, so choosing is one tap away from subscribing."""

from __future__ import annotations

from dataclasses import replace

from telegram import Update
from telegram.ext import ContextTypes

from bot.context import Runtime
from bot.db import chats
from bot.domain import ChatSettings
from bot.handlers.common import (
    chat_language,
    chat_lock,
    describe,
    due_at,
    may_change,
    reply,
    runtime,
)
from bot.handlers.screens import topics_keyboard
from bot.i18n import t, ui_language


def payload_topics(args: list[str], known: tuple[str, ...]) -> tuple[str, ...]:
    """Topics named by a deep-link payload like `defense-politics` (unknown ones ignored)."""
    words = [w for arg in args for w in arg.replace("_", "-").replace(",", "-").split("-")]
    return tuple(dict.fromkeys(w.lower() for w in words if w.lower() in known))


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return
    if not await may_change(update, context):
        await reply(update, t(await chat_language(update, context), "group.admins_only"))
        return
    rt = runtime(context)
    now = rt.clock()
    lang = ui_language(user.language_code if user else None)
    chosen = payload_topics(list(context.args or []), rt.topic_ids)
    # A new chat's first commands arrive together: one creates the row, none overwrites.
    async with chat_lock(context, chat.id), rt.db.transaction() as session:
        row, created = await chats.ensure_chat(
            session,
            chat.id,
            chat_type=chat.type,
            title=chat.title or chat.full_name,
            ui_language=lang,
            defaults=rt.chat_defaults(),
            now=now,
        )
        settings = chats.to_settings(row)
        if chosen:
            settings = replace(settings, topics=chosen)
        due = due_at(settings, now)
        activated = await chats.activate(session, row, now=now, next_digest_at=due)
        if not activated:
            due = row.next_digest_at  # already subscribed: a digest due now is not skipped
        await chats.save_settings(session, settings, next_digest_at=due)
    what, when = describe(settings, rt)
    if created:
        key = "start.welcome"
    elif activated:
        key = "start.welcome_back"
    else:
        key = "start.already"
    text = t(settings.ui_language, key, sources=len(rt.sources), what=what, when=when)
    await reply(update, text, topics_keyboard(settings, rt) if rt.topics else None)
    if (created or activated) and rt.digests is not None:
        await offer_latest(update, rt, settings)


async def offer_latest(update: Update, rt: Runtime, settings: ChatSettings) -> None:
    """Right after subscribing, the latest matching headlines: no empty chat until 08:00."""
    assert rt.digests is not None
    latest = await rt.digests.latest(settings)
    if latest.empty:
        return
    await reply(update, t(settings.ui_language, "news.latest_intro"))
    for part in latest.parts:
        await reply(update, part)


async def stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    lang = await chat_language(update, context)
    if not await may_change(update, context):
        await reply(update, t(lang, "group.admins_only"))
        return
    rt = runtime(context)
    async with rt.db.transaction() as session:
        stopped = await chats.deactivate(session, chat.id, now=rt.clock())
    await reply(update, t(lang, "stop.done" if stopped else "stop.not_subscribed"))
