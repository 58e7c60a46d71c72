"""The bot's screens: a text and its inline keyboard, built from a chat's settings.

Pure functions of (settings, runtime, now), so a button press can redraw the very message it
came from. Callback data is `<area>:<argument>`, always under Telegram's 64-byte limit:
t topic toggle, l news language toggle, s schedule preset, z time zone, u interface language,
o open a screen, d done.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.context import Runtime
from bot.domain import UI_LANGUAGES, ChatSettings, ScheduleMode
from bot.handlers.common import (
    describe,
    esc,
    language_name,
    languages_text,
    topics_text,
    when_text,
)
from bot.handlers.parse import MAX_TIMES, format_times, token, zone_label
from bot.i18n import t

ALL = "*"
DONE = "d"
ON, OFF = "✅ ", ""
COMMON_ZONES = (
    "Europe/Kyiv",
    "Europe/Warsaw",
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "UTC",
)
Screen = tuple[str, InlineKeyboardMarkup | None]


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


def _rows(buttons: Sequence[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + width]) for i in range(0, len(buttons), width)]


def _mark(on: bool) -> str:
    return ON if on else OFF


def _done(lang: str) -> InlineKeyboardButton:
    return _button(t(lang, "button.done"), DONE)


# ---------------------------------------------------------------- topics and news languages


@dataclass(frozen=True, slots=True)
class Options:
    """A many-of choice (topics, news languages): its area code, ids and labels."""

    area: str
    ids: tuple[str, ...]
    labels: tuple[str, ...]


def topic_options(settings: ChatSettings, rt: Runtime) -> Options:
    lang = settings.ui_language
    labels = tuple(" ".join(filter(None, (x.emoji, x.name(lang)))) for x in rt.topics)
    return Options("t", rt.topic_ids, labels)


def language_options(settings: ChatSettings, rt: Runtime) -> Options:
    ids = tuple(rt.config.news_languages)
    return Options("l", ids, tuple(language_name(c, settings.ui_language) for c in ids))


def chosen_topics(settings: ChatSettings) -> tuple[str, ...] | None:
    """None = all (also future ones)."""
    return settings.topics


def chosen_languages(settings: ChatSettings) -> tuple[str, ...] | None:
    return settings.languages or None


def options_keyboard(
    options: Options, chosen: tuple[str, ...] | None, lang: str
) -> InlineKeyboardMarkup:
    toggles = [
        _button(_mark(chosen is None or oid in chosen) + label, f"{options.area}:{token(oid)}")
        for oid, label in zip(options.ids, options.labels, strict=True)
    ]
    rows = _rows(toggles, 2)
    rows.append(
        [
            _button(_mark(chosen is None) + t(lang, "button.all"), f"{options.area}:{ALL}"),
            _done(lang),
        ]
    )
    return InlineKeyboardMarkup(rows)


def topics_keyboard(settings: ChatSettings, rt: Runtime) -> InlineKeyboardMarkup:
    options = topic_options(settings, rt)
    return options_keyboard(options, chosen_topics(settings), settings.ui_language)


def languages_keyboard(settings: ChatSettings, rt: Runtime) -> InlineKeyboardMarkup:
    options = language_options(settings, rt)
    return options_keyboard(options, chosen_languages(settings), settings.ui_language)


def topics_screen(settings: ChatSettings, rt: Runtime) -> Screen:
    lang = settings.ui_language
    if not rt.topics:
        return t(lang, "topics.none_configured"), None
    example = " ".join(rt.topic_ids[:2])
    return t(lang, "topics.screen", example=example), topics_keyboard(settings, rt)


def languages_screen(settings: ChatSettings, rt: Runtime) -> Screen:
    example = " ".join(rt.config.news_languages[:2])
    text = t(settings.ui_language, "languages.screen", example=example)
    return text, languages_keyboard(settings, rt)


def valid_list(options: Options) -> str:
    """One line per valid id with its name, for replies to unknown ids."""
    return "\n".join(
        f"• <code>{esc(oid)}</code>: {esc(label)}"
        for oid, label in zip(options.ids, options.labels, strict=True)
    )


# ---------------------------------------------------------------- schedule


def schedule_presets(rt: Runtime) -> list[tuple[time, ...]]:
    defaults = rt.chat_defaults().times
    presets = [defaults, (time(8),), (time(8), time(20)), (time(7), time(13), time(19))]
    return list(dict.fromkeys(p for p in presets if p))


def preset_data(times: Sequence[time]) -> str:
    return "s:" + ".".join(x.strftime("%H%M") for x in times)


def schedule_screen(settings: ChatSettings, rt: Runtime) -> Screen:
    lang = settings.ui_language
    times_mode = settings.mode is ScheduleMode.TIMES
    presets = [
        _button(_mark(times_mode and settings.times == p) + format_times(p), preset_data(p))
        for p in schedule_presets(rt)
    ]
    rows = _rows(presets, 2)
    rows.append(
        [
            _button(
                _mark(settings.mode is ScheduleMode.INSTANT) + t(lang, "button.instant"),
                "s:instant",
            ),
            _button(_mark(settings.mode is ScheduleMode.OFF) + t(lang, "button.off"), "s:off"),
        ]
    )
    rows.append([_button(t(lang, "button.timezone"), "o:z"), _done(lang)])
    text = t(lang, "schedule.screen", when=when_text(settings), max=MAX_TIMES)
    return text, InlineKeyboardMarkup(rows)


# ---------------------------------------------------------------- time zone


def local_now(timezone: str, now: datetime) -> str:
    return now.astimezone(ZoneInfo(timezone)).strftime("%H:%M")


def zones_keyboard(zones: Sequence[str], current: str | None, lang: str) -> InlineKeyboardMarkup:
    buttons = [_button(_mark(z == current) + zone_label(z), f"z:{token(z)}") for z in zones]
    rows = _rows(buttons, 2)
    rows.append([_done(lang)])
    return InlineKeyboardMarkup(rows)


def timezone_screen(settings: ChatSettings, rt: Runtime, now: datetime) -> Screen:
    lang = settings.ui_language
    zones = list(dict.fromkeys([rt.config.digest.timezone, *COMMON_ZONES, settings.timezone]))
    text = t(
        lang,
        "timezone.screen",
        timezone=zone_label(settings.timezone),
        now=local_now(settings.timezone, now),
    )
    return text, zones_keyboard(zones, settings.timezone, lang)


# ---------------------------------------------------------------- interface language


def ui_name(code: str) -> str:
    return t(code, f"ui.name.{code}")


def ui_screen(settings: ChatSettings) -> Screen:
    lang = settings.ui_language
    buttons = [_button(_mark(code == lang) + ui_name(code), f"u:{code}") for code in UI_LANGUAGES]
    text = t(lang, "ui.screen", name=ui_name(lang))
    return text, InlineKeyboardMarkup([buttons, [_done(lang)]])


# ---------------------------------------------------------------- settings and done


def settings_screen(settings: ChatSettings, rt: Runtime) -> Screen:
    lang = settings.ui_language
    text = t(
        lang,
        "settings.screen",
        status=t(lang, "settings.on" if settings.active else "settings.off"),
        topics=topics_text(settings, rt),
        languages=languages_text(settings),
        when=when_text(settings),
        timezone=zone_label(settings.timezone),
        ui=ui_name(lang),
    )
    rows = [
        [_button(t(lang, "button.topics"), "o:t"), _button(t(lang, "button.languages"), "o:l")],
        [_button(t(lang, "button.schedule"), "o:s"), _button(t(lang, "button.timezone"), "o:z")],
        [_button(t(lang, "button.ui") + f": {ui_name(lang)}", "o:u")],
    ]
    if not rt.topics:
        rows[0] = rows[0][1:]
    return text, InlineKeyboardMarkup(rows)


def saved_screen(settings: ChatSettings, rt: Runtime) -> Screen:
    what, when = describe(settings, rt)
    return t(settings.ui_language, "saved", what=what, when=when), None
