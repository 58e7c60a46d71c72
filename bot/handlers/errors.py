"""The last resort: a handler that failed is logged with its update, and the user told."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.handlers.common import chat_language, reply
from bot.i18n import t, ui_language

log = logging.getLogger(__name__)


async def _language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The chat's interface language; the user's own when the database is what failed."""
    try:
        return await chat_language(update, context)
    except Exception:
        user = update.effective_user
        return ui_language(user.language_code if user else None)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure once; answer the user so a command never vanishes in silence."""
    log.error(
        "handler failed for update %s", getattr(update, "update_id", "?"), exc_info=context.error
    )
    if not isinstance(update, Update) or update.effective_message is None:
        return
    if update.callback_query is not None:
        return  # button handlers answer their own failures with an alert
    try:
        await reply(update, t(await _language(update, context), "error.internal"))
    except TelegramError as exc:
        log.warning("could not tell the user about the failure: %s", exc)
