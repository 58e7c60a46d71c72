"""/settings (everything on one screen), /language (the bot's interface language) and
/sources (where the news comes from, and which sources are failing)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import ContextTypes

from bot.context import Runtime
from bot.db import sources as source_store
from bot.db.sources import SourceState
from bot.domain import UI_LANGUAGES, ChatSettings
from bot.handlers.common import (
    change_settings,
    esc,
    language_name,
    load_settings,
    refuse_unless_admin,
    reply,
    reply_lines,
    runtime,
)
from bot.handlers.screens import settings_screen, ui_name, ui_screen
from bot.i18n import t

UI_ALIASES = {
    "en": "en",
    "eng": "en",
    "english": "en",
    "англійська": "en",
    "uk": "uk",
    "ua": "uk",
    "ukr": "uk",
    "ukrainian": "uk",
    "українська": "uk",
}


async def settings_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    settings = await load_settings(update, context)
    if settings is not None:
        await reply(update, *settings_screen(settings, runtime(context)))


def ui_reply(settings: ChatSettings) -> str:
    lang = settings.ui_language
    return t(lang, "ui.set", name=ui_name(lang))


async def language_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    settings = await load_settings(update, context)
    if settings is None:
        return
    args = context.args or []
    if not args:
        await reply(update, *ui_screen(settings))
        return
    code = UI_ALIASES.get(args[0].lower()) if len(args) == 1 else None
    if code is None or code not in UI_LANGUAGES:
        await reply(update, t(settings.ui_language, "ui.unknown"))
        return
    if await refuse_unless_admin(update, context):
        return
    result = await change_settings(update, context, lambda s: replace(s, ui_language=code))
    if result is not None:
        await reply(update, ui_reply(result.settings))


def source_lines(
    rt: Runtime, states: dict[str, SourceState], lang: str, timezone: str
) -> list[str]:
    zone = ZoneInfo(timezone)

    def since(moment: datetime | None) -> str:
        if moment is None:
            return t(lang, "sources.failing_never")
        return t(lang, "sources.failing", since=moment.astimezone(zone).strftime("%d.%m %H:%M"))

    lines = []
    for source in rt.sources:
        language = (
            language_name(source.language, lang) if source.language else t(lang, "sources.detected")
        )
        names = [esc(x.name(lang)) for tid in source.topics if (x := rt.topic(tid))]
        topics = (
            t(lang, "sources.topics", topics=", ".join(names))
            if names
            else t(lang, "sources.by_keywords")
        )
        line = t(lang, "sources.line", name=esc(source.name), language=language, topics=topics)
        state = states.get(source.id)
        if state is not None and state.failing:
            line += " " + since(state.last_ok_at)
        lines.append(line)
    return lines


async def sources_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    settings = await load_settings(update, context)
    if settings is None:
        return
    lang = settings.ui_language
    if not rt.sources:
        await reply(update, t(lang, "sources.none"))
        return
    async with rt.db.transaction() as session:
        states = await source_store.states(session)
    lines = [t(lang, "sources.header", count=len(rt.sources))]
    lines += source_lines(rt, states, lang, settings.timezone)
    if any(s.failing for s in states.values() if s.id in rt.source_names):
        lines += ["", t(lang, "sources.failing_note")]
    await reply_lines(update, lines)
