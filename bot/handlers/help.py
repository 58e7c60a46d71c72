"""/help and the replies to what the bot does not understand."""

from __future__ import annotations

import difflib

from telegram import Chat, Update
from telegram.ext import ContextTypes

from bot.handlers.common import chat_language, echo, is_group, reply
from bot.i18n import t
from bot.i18n.commands import COMMANDS


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, t(await chat_language(update, context), "help"))


def closest_command(name: str) -> str | None:
    """The known command a typo most likely meant ("/setings" -> "settings"), if any."""
    known = [command for command, _ in COMMANDS["en"]]
    close = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.7)
    return close[0] if close else None


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    text = message.text if message and message.text else ""
    command = text.split()[0] if text else ""
    name, _, addressee = command.partition("@")
    chat = update.effective_chat
    in_group = chat is not None and chat.type != Chat.PRIVATE
    if in_group and addressee.lower() != context.bot.username.lower():
        return  # a command for another bot, or not addressed to us: stay silent
    lang = await chat_language(update, context)
    answer = t(lang, "unknown_command", command=echo(name or "/"))
    if suggestion := closest_command(name.lstrip("/")):
        answer += "\n" + t(lang, "unknown_command.suggest", command=f"/{suggestion}")
    await reply(update, answer)


async def unknown_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is not None and is_group(chat):
        return  # in groups, messages not addressed to the bot are not ours to answer
    await reply(update, t(await chat_language(update, context), "unknown_text"))
