"""Thin PTB callbacks: parse arguments, call repository functions, reply."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CommandHandler, MessageHandler, filters

from bot.handlers.help import help_command, unknown_command, unknown_text
from bot.handlers.subscription import start, stop


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Attach every handler; the order matters: known commands before the fallbacks."""
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("stop", stop))
    app.add_handler(CommandHandler("help", help_command))
    # Fallbacks last in the same group: the first matching handler of a group wins.
    app.add_handler(MessageHandler(filters.COMMAND, unknown_command))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, unknown_text))
