"""The bot's own membership: added to or removed from a group, blocked by a user, and a group
upgraded to a supergroup (its settings move to the new chat id; nothing is lost)."""

from __future__ import annotations

import asyncio
import logging

from telegram import Chat, ChatMember, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.db import chats
from bot.handlers.common import NO_PREVIEW, chat_lock, describe, due_at, is_group, runtime
from bot.i18n import t, ui_language

log = logging.getLogger(__name__)

PRESENT = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER}
GONE = {ChatMember.LEFT, ChatMember.BANNED}


def _present(member: ChatMember) -> bool:
    return member.status in PRESENT or (
        member.status == ChatMember.RESTRICTED and bool(getattr(member, "is_member", False))
    )


async def my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Joined a group or channel: subscribe it (keeping any old settings) and say hello.
    Removed, kicked or blocked: unsubscribe, keeping the settings for a return."""
    change = update.my_chat_member
    if change is None:
        return
    chat = change.chat
    was, now_in = _present(change.old_chat_member), _present(change.new_chat_member)
    rt = runtime(context)
    now = rt.clock()
    if was and not now_in:
        async with rt.db.transaction() as session:
            await chats.deactivate(session, chat.id, now=now)
        log.info("chat %s left or blocked the bot: unsubscribed", chat.id)
        return
    if was or not now_in or chat.type == Chat.PRIVATE:
        return  # a rights change, or a user unblocking: /start says what they want
    adder = change.from_user
    async with chat_lock(context, chat.id), rt.db.transaction() as session:
        row, _ = await chats.ensure_chat(
            session,
            chat.id,
            chat_type=chat.type,
            title=chat.title,
            ui_language=ui_language(adder.language_code if adder else None),
            defaults=rt.chat_defaults(),
            now=now,
        )
        settings = chats.to_settings(row)
        await chats.activate(session, row, now=now, next_digest_at=due_at(settings, now))
    if is_group(chat):
        what, when = describe(settings, rt)
        text = t(settings.ui_language, "group.hello", what=what, when=when)
        try:
            await context.bot.send_message(
                chat.id, text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW
            )
        except TelegramError as exc:
            log.info("could not greet chat %s: %s", chat.id, exc)


def _migration_lock(context: ContextTypes.DEFAULT_TYPE) -> asyncio.Lock:
    """Telegram sends two service messages per migration, and updates run concurrently."""
    lock = context.bot_data.get("migration_lock")
    if lock is None:
        lock = context.bot_data["migration_lock"] = asyncio.Lock()
    assert isinstance(lock, asyncio.Lock)
    return lock


async def migrated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`migrate_to_chat_id` (in the old group) or `migrate_from_chat_id` (in the new
    supergroup): whichever comes first moves the settings; the other finds nothing to move."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return
    rt = runtime(context)
    async with _migration_lock(context), rt.db.transaction() as session:
        if await chats.migrate(session, old, new):
            log.info("chat %s became supergroup %s: settings moved", old, new)
