"""What every handler needs: the runtime, the chat's language, admin checks, replies, and
the one read-modify-write path for a chat's settings."""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import Chat, ChatMember, InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.context import Runtime
from bot.db import chats
from bot.digest.schedule import next_run
from bot.domain import ChatSettings, ScheduleMode
from bot.handlers.parse import zone_label
from bot.i18n import CATALOGS, t, ui_language

log = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
ADMIN_STATUSES = {ChatMember.ADMINISTRATOR, ChatMember.OWNER}
_LOCKS = 64  # striped per-chat locks: bounded memory, rare false sharing


def runtime(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    rt = context.bot_data["runtime"]
    assert isinstance(rt, Runtime)
    return rt


def is_group(chat: Chat) -> bool:
    return chat.type in {Chat.GROUP, Chat.SUPERGROUP}


def esc(text: str) -> str:
    """Config strings (topic and source names) go into HTML replies escaped."""
    return html.escape(text, quote=False)


ECHO_CHARS = 40
ECHO_WORDS = 5


def echo(text: str) -> str:
    """What the user typed, quoted back escaped and clipped: a reply to 4,000 characters of
    junk must still be one short message Telegram accepts."""
    return esc(text if len(text) <= ECHO_CHARS else text[: ECHO_CHARS - 1] + "…")


def echo_words(words: Sequence[str]) -> str:
    """ "“a”, “b”" for the first few words not understood, "…" for the rest."""
    shown = [f"“{echo(w)}”" for w in words[:ECHO_WORDS]]
    return ", ".join(shown + (["…"] if len(words) > ECHO_WORDS else []))


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
    """In groups and channels only administrators change settings.

    A post signed by the chat itself comes from an admin: an anonymous group admin, or
    anyone who may post in a channel. A post signed by another chat (a linked channel,
    a user's own channel) proves nothing.
    """
    chat, user = update.effective_chat, update.effective_user
    if chat is None or chat.type == Chat.PRIVATE:
        return True
    message = update.effective_message
    if update.callback_query is None and message is not None and message.sender_chat is not None:
        return message.sender_chat.id == chat.id
    if user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError as exc:
        log.warning("could not check admin rights in chat %s: %s", chat.id, exc)
        return False
    return member.status in ADMIN_STATUSES


async def reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    message = update.effective_message
    if message is None:
        return
    await message.reply_text(
        text, parse_mode=ParseMode.HTML, reply_markup=markup, link_preview_options=NO_PREVIEW
    )


def language_name(code: str, lang: str) -> str:
    """A news language's name in the interface language ("Українська"), else its code."""
    key = f"lang.{code}"
    return t(lang, key) if key in CATALOGS["en"] else code


def topics_text(settings: ChatSettings, rt: Runtime) -> str:
    lang = settings.ui_language
    if settings.topics is None:
        return t(lang, "topics.all")
    names = [esc(topic.name(lang)) for tid in settings.topics if (topic := rt.topic(tid))]
    return ", ".join(names) or t(lang, "topics.all")


def languages_text(settings: ChatSettings) -> str:
    lang = settings.ui_language
    if not settings.languages:
        return t(lang, "languages.all")
    return ", ".join(language_name(code, lang) for code in settings.languages)


def when_text(settings: ChatSettings) -> str:
    lang = settings.ui_language
    if settings.mode is ScheduleMode.TIMES and settings.times:
        times = ", ".join(x.strftime("%H:%M") for x in settings.times)
        return t(lang, "when.times", times=times, timezone=zone_label(settings.timezone))
    if settings.mode is ScheduleMode.INSTANT:
        return t(lang, "when.instant")
    return t(lang, "when.off")


def inactive_hint(settings: ChatSettings) -> str:
    """For a reply to a settings change: a chat not subscribed is reminded that nothing
    comes until /start ("" when subscribed)."""
    return "" if settings.active else "\n" + t(settings.ui_language, "schedule.inactive")


def describe(settings: ChatSettings, rt: Runtime) -> tuple[str, str]:
    """(what, when): the chat's filters and schedule in its own language, for replies."""
    what = t(
        settings.ui_language,
        "what",
        topics=topics_text(settings, rt),
        languages=languages_text(settings),
    )
    return what, when_text(settings)


def local_when(moment: datetime, timezone: str, now: datetime) -> str:
    """ "20:00" today, else "29.01 08:00", in the chat's zone."""
    zone = ZoneInfo(timezone)
    local = moment.astimezone(zone)
    if local.date() == now.astimezone(zone).date():
        return local.strftime("%H:%M")
    return local.strftime("%d.%m %H:%M")


def due_at(settings: ChatSettings, now: datetime) -> datetime | None:
    """When the chat's next scheduled digest is due (only in the TIMES mode)."""
    if settings.mode is not ScheduleMode.TIMES:
        return None
    return next_run(settings.times, settings.timezone, now)


def _schedule_changed(old: ChatSettings, new: ChatSettings) -> bool:
    return (old.mode, old.times, old.timezone) != (new.mode, new.times, new.timezone)


def chat_lock(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> asyncio.Lock:
    """Updates run concurrently; presses in one chat must not overwrite each other."""
    locks = context.bot_data.get("chat_locks")
    if locks is None:
        locks = context.bot_data["chat_locks"] = [asyncio.Lock() for _ in range(_LOCKS)]
    lock = locks[chat_id % _LOCKS]
    assert isinstance(lock, asyncio.Lock)
    return lock


@dataclass(frozen=True, slots=True)
class Change:
    """The outcome of `change_settings`: the settings now, and whether they changed."""

    settings: ChatSettings
    changed: bool


Edit = Callable[[ChatSettings], ChatSettings | None]


async def change_settings(
    update: Update, context: ContextTypes.DEFAULT_TYPE, edit: Edit, *, lock: bool = True
) -> Change | None:
    """Read the chat's settings (creating the chat, inactive with the defaults, if new), apply
    `edit` and store the result, all in one transaction.

    The next digest time is recomputed only when the schedule changed, so a digest that is
    due right now is not skipped because someone toggled a topic. None: no chat in the update.
    """
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return None
    rt = runtime(context)
    now = rt.clock()
    async with contextlib.AsyncExitStack() as stack:
        if lock:
            await stack.enter_async_context(chat_lock(context, chat.id))
        session = await stack.enter_async_context(rt.db.transaction())
        row = await chats.lock_row(session, chat.id)
        if row is None:
            row, _ = await chats.ensure_chat(
                session,
                chat.id,
                chat_type=chat.type,
                title=chat.title or chat.full_name,
                ui_language=ui_language(user.language_code if user else None),
                defaults=rt.chat_defaults(),
                now=now,
            )
        old = chats.to_settings(row)
        new = edit(old)
        if new is None or new == old:
            return Change(old, False)
        due = due_at(new, now) if _schedule_changed(old, new) else row.next_digest_at
        await chats.save_settings(session, new, next_digest_at=due)
    return Change(new, True)


def default_settings(rt: Runtime, chat_id: int, ui_lang: str) -> ChatSettings:
    """What a chat that never wrote to us would get: the config defaults, not subscribed."""
    defaults = rt.chat_defaults()
    return ChatSettings(
        chat_id=chat_id,
        ui_language=ui_lang,
        languages=defaults.languages,
        topics=None,
        mode=defaults.mode,
        times=defaults.times,
        timezone=defaults.timezone,
        active=False,
    )


async def load_settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> ChatSettings | None:
    """The chat's settings for reading; the defaults (nothing stored) for an unknown chat."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return None
    rt = runtime(context)
    async with rt.db.transaction() as session:
        settings = await chats.get_settings(session, chat.id)
    if settings is None:
        settings = default_settings(rt, chat.id, ui_language(user.language_code if user else None))
    return settings


async def refuse_unless_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """True (after a polite no) when the sender may not change this group's settings."""
    if await may_change(update, context):
        return False
    await reply(update, t(await chat_language(update, context), "group.admins_only"))
    return True


async def reply_lines(update: Update, lines: list[str], limit: int = 4000) -> None:
    """Reply with as many messages as needed, split between lines (Telegram: 4096)."""
    chunk: list[str] = []
    size = 0
    for line in lines:
        if chunk and size + len(line) + 1 > limit:
            await reply(update, "\n".join(chunk))
            chunk, size = [], 0
        chunk.append(line)
        size += len(line) + 1
    if chunk:
        await reply(update, "\n".join(chunk))
