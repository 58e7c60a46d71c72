"""Inline button presses: change one setting and redraw the same message in place.

Every press is answered (Telegram shows a spinner until then), also when it changes nothing,
is refused, or comes from a stale keyboard whose topic or zone left the config.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import time

from telegram import CallbackQuery, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.domain import UI_LANGUAGES, ChatSettings, ScheduleMode
from bot.handlers.choices import set_languages, set_topics
from bot.handlers.common import (
    NO_PREVIEW,
    Change,
    Edit,
    change_settings,
    chat_language,
    chat_lock,
    load_settings,
    may_change,
    runtime,
)
from bot.handlers.parse import from_token, zone_names
from bot.handlers.schedule import set_schedule
from bot.handlers.screens import (
    ALL,
    Screen,
    languages_keyboard,
    languages_screen,
    saved_screen,
    schedule_screen,
    settings_screen,
    timezone_screen,
    topics_keyboard,
    topics_screen,
    ui_screen,
)
from bot.i18n import t, ui_language

log = logging.getLogger(__name__)

Answer = tuple[str | None, bool]  # (text, show as an alert)
NOTHING: Answer = (None, False)


class Refused(Exception):
    """The press cannot be applied; `key` is the text to answer with."""

    def __init__(self, key: str, alert: bool = False) -> None:
        super().__init__(key)
        self.key = key
        self.alert = alert


def toggle(current: tuple[str, ...] | None, item: str, valid: Sequence[str]) -> tuple[str, ...]:
    """Flip one id; None (all) starts from every valid id; never leaves nothing chosen."""
    chosen = set(valid if current is None else current)
    chosen ^= {item}
    result = tuple(v for v in valid if v in chosen)
    if not result:
        raise Refused("keep_one", alert=True)
    return result


async def redraw(message: Message, screen: Screen, *, markup_only: bool = False) -> None:
    """Edit the pressed message; an unchanged one, or one too old to edit, is left as is."""
    text, markup = screen
    try:
        if markup_only:
            await message.edit_reply_markup(markup)
        else:
            await message.edit_text(
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                link_preview_options=NO_PREVIEW,
            )
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            log.info("could not redraw message %s: %s", message.message_id, exc.message)


Context = ContextTypes.DEFAULT_TYPE
Handler = Callable[[Update, Context, Message, str], Awaitable[None]]


async def _apply(update: Update, context: Context, edit: Edit) -> Change:
    result = await change_settings(update, context, edit, lock=False)
    if result is None:
        raise Refused("callback.stale")
    return result


def _settled(change: Change) -> None:
    """After the redraw (an old screen may show stale marks): a press that changed nothing,
    such as the same button twice, is told so instead of seeming to do nothing."""
    if not change.changed:
        raise Refused("callback.unchanged")


async def _topics(update: Update, context: Context, message: Message, arg: str) -> None:
    rt = runtime(context)

    def edit(s: ChatSettings) -> ChatSettings:
        if arg == ALL:
            return set_topics(s, None)
        topic = from_token(arg, rt.topic_ids)
        if topic is None:
            raise Refused("callback.stale")
        try:
            return set_topics(s, toggle(s.topics, topic, rt.topic_ids))
        except Refused:
            raise Refused("topics.keep_one", alert=True) from None

    change = await _apply(update, context, edit)
    await redraw(message, ("", topics_keyboard(change.settings, rt)), markup_only=True)
    _settled(change)


async def _languages(update: Update, context: Context, message: Message, arg: str) -> None:
    rt = runtime(context)
    valid = tuple(rt.config.news_languages)

    def edit(s: ChatSettings) -> ChatSettings:
        if arg == ALL:
            return set_languages(s, None)
        code = from_token(arg, valid)
        if code is None:
            raise Refused("callback.stale")
        try:
            return set_languages(s, toggle(s.languages or None, code, valid))
        except Refused:
            raise Refused("languages.keep_one", alert=True) from None

    change = await _apply(update, context, edit)
    await redraw(message, ("", languages_keyboard(change.settings, rt)), markup_only=True)
    _settled(change)


def _preset(arg: str) -> tuple[ScheduleMode, tuple[time, ...]]:
    if arg in (ScheduleMode.INSTANT.value, ScheduleMode.OFF.value):
        return ScheduleMode(arg), ()
    try:
        times = tuple(time(int(x[:2]), int(x[2:])) for x in arg.split("."))
    except ValueError:
        raise Refused("callback.stale") from None
    if not times or any(len(x) != 4 for x in arg.split(".")):
        raise Refused("callback.stale")
    return ScheduleMode.TIMES, times


async def _schedule(update: Update, context: Context, message: Message, arg: str) -> None:
    mode, times = _preset(arg)
    change = await _apply(update, context, lambda s: set_schedule(s, mode, times))
    await redraw(message, schedule_screen(change.settings, runtime(context)))
    _settled(change)


async def _timezone(update: Update, context: Context, message: Message, arg: str) -> None:
    zones = zone_names()
    zone = from_token(arg, zones) if arg.startswith("#") else (arg if arg in zones else None)
    if zone is None:
        raise Refused("callback.stale")
    rt = runtime(context)
    change = await _apply(update, context, lambda s: replace(s, timezone=zone))
    await redraw(message, timezone_screen(change.settings, rt, rt.clock()))
    _settled(change)


async def _interface(update: Update, context: Context, message: Message, arg: str) -> None:
    if arg not in UI_LANGUAGES:
        raise Refused("callback.stale")
    change = await _apply(update, context, lambda s: replace(s, ui_language=arg))
    await redraw(message, ui_screen(change.settings))
    _settled(change)


async def _open(update: Update, context: Context, message: Message, arg: str) -> None:
    rt = runtime(context)
    settings = await load_settings(update, context)
    if settings is None:
        raise Refused("callback.stale")
    screens: dict[str, Callable[[], Screen]] = {
        "t": lambda: topics_screen(settings, rt),
        "l": lambda: languages_screen(settings, rt),
        "s": lambda: schedule_screen(settings, rt),
        "z": lambda: timezone_screen(settings, rt, rt.clock()),
        "u": lambda: ui_screen(settings),
        "settings": lambda: settings_screen(settings, rt),
    }
    if arg not in screens:
        raise Refused("callback.stale")
    await redraw(message, screens[arg]())


async def _done(update: Update, context: Context, message: Message, arg: str) -> None:
    settings = await load_settings(update, context)
    if settings is None:
        raise Refused("callback.stale")
    await redraw(message, saved_screen(settings, runtime(context)))


HANDLERS: dict[str, Handler] = {
    "t": _topics,
    "l": _languages,
    "s": _schedule,
    "z": _timezone,
    "u": _interface,
    "o": _open,
    "d": _done,
}
PATTERN = r"^(?:[tlszuo]:|d$)"


async def _press(update: Update, context: Context, query: CallbackQuery) -> Answer:
    chat, message = update.effective_chat, query.message
    area, _, arg = (query.data or "").partition(":")
    lang = await chat_language(update, context)
    if chat is None or not isinstance(message, Message) or area not in HANDLERS:
        return t(lang, "callback.stale"), False
    if not await may_change(update, context):
        return t(lang, "callback.admins_only"), True
    try:
        async with chat_lock(context, chat.id):
            await HANDLERS[area](update, context, message, arg)
    except Refused as refused:
        return t(await chat_language(update, context), refused.key), refused.alert
    return NOTHING


async def on_button(update: Update, context: Context) -> None:
    """Route a press by its area, then answer it whatever happened."""
    query = update.callback_query
    if query is None:
        return
    answer: Answer = NOTHING
    try:
        answer = await _press(update, context, query)
    except Exception:
        user = update.effective_user
        answer = t(ui_language(user.language_code if user else None), "error.internal"), True
        raise
    finally:
        with contextlib.suppress(TelegramError):
            await query.answer(answer[0], show_alert=answer[1])


async def stale_button(update: Update, context: Context) -> None:
    """A press whose data no handler knows (an old keyboard from an earlier version)."""
    query = update.callback_query
    if query is not None:
        with contextlib.suppress(TelegramError):
            await query.answer(t(await chat_language(update, context), "callback.stale"))
