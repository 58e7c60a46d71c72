"""/schedule and /timezone: when digests come, in the chat's own time zone."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time

from telegram import Update
from telegram.ext import ContextTypes

from bot.domain import ChatSettings, ScheduleMode
from bot.handlers.common import (
    change_settings,
    due_at,
    echo,
    echo_words,
    inactive_hint,
    load_settings,
    local_when,
    refuse_unless_admin,
    reply,
    runtime,
    when_text,
)
from bot.handlers.parse import (
    MAX_TIMES,
    ParseError,
    parse_times,
    resolve_timezone,
    words,
    zone_label,
)
from bot.handlers.screens import local_now, schedule_screen, timezone_screen, zones_keyboard
from bot.i18n import t

INSTANT_WORDS = frozenset({"instant", "instantly", "now", "realtime", "одразу", "миттєво"})
OFF_WORDS = frozenset({"off", "none", "manual", "never", "вимк", "вимкнути", "ні"})
ON_WORDS = frozenset({"on", "daily", "увімк", "увімкнути"})  # back to the times kept


def set_schedule(
    settings: ChatSettings, mode: ScheduleMode, times: tuple[time, ...] = ()
) -> ChatSettings:
    """Times are kept when switching to instant or off, so switching back restores them."""
    return replace(settings, mode=mode, times=times or settings.times)


def schedule_reply(settings: ChatSettings, now: datetime) -> str:
    """What was understood, when the next digest comes, and a hint if not subscribed."""
    lang = settings.ui_language
    lines = [t(lang, "schedule.set", when=when_text(settings))]
    due = due_at(settings, now)
    if settings.active and due is not None:
        lines.append(t(lang, "schedule.next", next=local_when(due, settings.timezone, now)))
    if not settings.active:
        lines.append(t(lang, "schedule.inactive"))
    return "\n".join(lines)


async def schedule_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    args = words(context.args or [])
    settings = await load_settings(update, context)
    if settings is None:
        return
    if not args:
        await reply(update, *schedule_screen(settings, rt))
        return
    if await refuse_unless_admin(update, context):
        return
    lang = settings.ui_language
    first = args[0].lower()
    times: tuple[time, ...] = ()
    if len(args) == 1 and first in INSTANT_WORDS:
        mode = ScheduleMode.INSTANT
    elif len(args) == 1 and first in OFF_WORDS:
        mode = ScheduleMode.OFF
    elif len(args) == 1 and first in ON_WORDS and (settings.times or rt.chat_defaults().times):
        mode, times = ScheduleMode.TIMES, () if settings.times else rt.chat_defaults().times
    else:
        try:
            mode, times = ScheduleMode.TIMES, parse_times(args)
        except ParseError as exc:
            if exc.bad:
                bad = echo_words(exc.bad)
                await reply(update, t(lang, "schedule.bad", bad=bad, max=MAX_TIMES))
            else:
                await reply(update, t(lang, "schedule.too_many", max=MAX_TIMES))
            return
    result = await change_settings(update, context, lambda s: set_schedule(s, mode, times))
    if result is not None:
        await reply(update, schedule_reply(result.settings, rt.clock()))


def timezone_reply(settings: ChatSettings, now: datetime) -> str:
    """The zone understood, its time now; a fixed offset also gets a summer-time warning."""
    lang = settings.ui_language
    text = t(
        lang,
        "timezone.set",
        timezone=zone_label(settings.timezone),
        now=local_now(settings.timezone, now),
        when=when_text(settings),
    )
    if zone_label(settings.timezone) != settings.timezone:
        text += "\n\n" + t(lang, "timezone.fixed_offset")
    return text + inactive_hint(settings)


async def timezone_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    given = " ".join(context.args or []).strip()
    settings = await load_settings(update, context)
    if settings is None:
        return
    if not given:
        await reply(update, *timezone_screen(settings, rt, rt.clock()))
        return
    if await refuse_unless_admin(update, context):
        return
    lang = settings.ui_language
    match = resolve_timezone(given)
    if match.zone is None:
        if not match.suggestions:
            await reply(update, t(lang, "timezone.unknown_none", given=echo(given)))
            return
        suggestions = "\n".join(f"• {z}" for z in match.suggestions)
        text = t(lang, "timezone.unknown", given=echo(given), suggestions=suggestions)
        await reply(update, text, zones_keyboard(match.suggestions, None, lang))
        return
    zone = match.zone
    result = await change_settings(update, context, lambda s: replace(s, timezone=zone))
    if result is not None:
        await reply(update, timezone_reply(result.settings, rt.clock()))
