"""/help and the replies to what the bot does not understand."""

from __future__ import annotations

from telegram import Chat, Update
from telegram.ext import ContextTypes

from bot.handlers.common import chat_language, is_group, reply
from bot.i18n import t


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, t(await chat_language(update, context), "help"))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is not None and chat.type != Chat.PRIVATE:
        message = update.effective_message
        text = message.text if message and message.text else ""
        command = text.split()[0] if text else ""
        if "@" not in command or command.split("@", 1)[1].lower() != context.bot.username.lower():
            return  # a command for another bot, or not addressed to us: stay silent
    await reply(update, t(await chat_language(update, context), "unknown_command"))


async def unknown_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is not None and is_group(chat):
        return  # in groups, messages not addressed to the bot are not ours to answer
    await reply(update, t(await chat_language(update, context), "unknown_text"))
