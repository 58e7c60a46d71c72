"""What every handler needs: the runtime, the chat's language, admin checks, replies."""

from __future__ import annotations

import logging

from telegram import Chat, ChatMember, InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.context import Runtime
from bot.db import chats
from bot.domain import ChatSettings, ScheduleMode
from bot.i18n import t, ui_language

log = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
ADMIN_STATUSES = {ChatMember.ADMINISTRATOR, ChatMember.OWNER}


def runtime(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    rt = context.bot_data["runtime"]
    assert isinstance(rt, Runtime)
    return rt


def is_group(chat: Chat) -> bool:
    return chat.type in {Chat.GROUP, Chat.SUPERGROUP}


async def chat_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The chat's stored interface language, else the user's Telegram language."""
    chat = update.effective_chat
    if chat is not None:
        async with runtime(context).db.transaction() as session:
            settings = await chats.get_settings(session, chat.id)
        if settings is not None:
            return settings.ui_language
    user = update.effective_user
    return ui_language(user.language_code if user else None)


async def may_change(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """In groups only administrators change settings (channels: posting admins only)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or not is_group(chat):
        return True
    if user is None:
        return False
    if user.id == chat.id or (update.effective_message and update.effective_message.sender_chat):
        return True  # anonymous admin posting as the group
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError as exc:
        log.warning("could not check admin rights in chat %s: %s", chat.id, exc)
        return False
    return member.status in ADMIN_STATUSES


async def reply(
    update: Update, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    message = update.effective_message
    if message is None:
        return
    await message.reply_text(
        text, parse_mode=ParseMode.HTML, reply_markup=markup, link_preview_options=NO_PREVIEW
    )


def describe(settings: ChatSettings, rt: Runtime) -> tuple[str, str]:
    """(what, when): the chat's filters and schedule in its own language, for replies."""
    lang = settings.ui_language
    if settings.topics is None:
        topics = t(lang, "topics.all")
    else:
        names = [topic.name(lang) for tid in settings.topics if (topic := rt.topic(tid))]
        topics = ", ".join(names) or t(lang, "topics.all")
    languages = ", ".join(settings.languages) if settings.languages else t(lang, "languages.all")
    what = t(lang, "what", topics=topics, languages=languages)
    if settings.mode is ScheduleMode.TIMES and settings.times:
        times = ", ".join(x.strftime("%H:%M") for x in settings.times)
        when = t(lang, "when.times", times=times, timezone=settings.timezone)
    elif settings.mode is ScheduleMode.INSTANT:
        when = t(lang, "when.instant")
    else:
        when = t(lang, "when.off")
    return what, when
