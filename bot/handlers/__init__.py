"""Thin PTB callbacks: parse arguments, call repository functions, reply."""

from __future__ import annotations

from typing import Any

from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.handlers.buttons import PATTERN, on_button, stale_button
from bot.handlers.choices import languages_command, topics_command
from bot.handlers.digest import digest_command
from bot.handlers.help import help_command, unknown_command, unknown_text
from bot.handlers.membership import migrated, my_chat_member
from bot.handlers.schedule import schedule_command, timezone_command
from bot.handlers.settings import language_command, settings_command, sources_command
from bot.handlers.subscription import start, stop

# Commands come in new messages and channel posts; an edited old command is not a new order.
NEW_POSTS = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Attach every handler; the order matters: the first matching handler of a group wins,
    so commands and buttons come before the fallbacks at the end."""
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, migrated))
    app.add_handler(ChatMemberHandler(my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(CommandHandler("start", start, filters=NEW_POSTS))
    app.add_handler(CommandHandler("stop", stop, filters=NEW_POSTS))
    app.add_handler(CommandHandler("topics", topics_command, filters=NEW_POSTS))
    app.add_handler(CommandHandler("languages", languages_command, filters=NEW_POSTS))
    app.add_handler(CommandHandler("schedule", schedule_command, filters=NEW_POSTS))
    app.add_handler(CommandHandler("timezone", timezone_command, filters=NEW_POSTS))
    app.add_handler(CommandHandler("settings", settings_command, filters=NEW_POSTS))
    app.add_handler(CommandHandler("sources", sources_command, filters=NEW_POSTS))
    app.add_handler(CommandHandler("language", language_command, filters=NEW_POSTS))
    app.add_handler(CommandHandler("help", help_command, filters=NEW_POSTS))
    app.add_handler(CommandHandler("digest", digest_command, filters=NEW_POSTS))
    # (new commands go here, before the fallbacks)
    app.add_handler(CallbackQueryHandler(on_button, pattern=PATTERN))
    # Fallbacks last.
    app.add_handler(CallbackQueryHandler(stale_button))
    app.add_handler(MessageHandler(filters.COMMAND & NEW_POSTS, unknown_command))
    app.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, unknown_text)
    )
