"""/topics and /languages: many-of choices, by buttons or typed ids.

"All" is stored as the open value (topics None, languages empty): it also takes news with no
topic or in a language no source declares, and topics added to the config later. Naming every
id explicitly is different and is kept as named ("uk en" means only those two).
"""

from __future__ import annotations

from dataclasses import replace

from telegram import Update
from telegram.ext import ContextTypes

from bot.context import Runtime
from bot.domain import UI_LANGUAGES, ChatSettings
from bot.handlers.common import (
    change_settings,
    echo_words,
    inactive_hint,
    language_name,
    languages_text,
    load_settings,
    refuse_unless_admin,
    reply,
    runtime,
    topics_text,
)
from bot.handlers.parse import ParseError, choose, is_all, words
from bot.handlers.screens import (
    language_options,
    languages_screen,
    topic_options,
    topics_screen,
    valid_list,
)
from bot.i18n import t


def topic_aliases(rt: Runtime) -> dict[str, str]:
    """Topic names in every interface language ("оборона", "defence" if so named) -> id."""
    return {
        name.lower(): topic.id
        for topic in rt.topics
        for name in (topic.name(code) for code in UI_LANGUAGES)
        if " " not in name
    }


def language_aliases(valid: tuple[str, ...]) -> dict[str, str]:
    """News language names in every interface language ("українська", "english") -> code;
    "ua" too, the code people often guess for Ukrainian."""
    aliases = {"ua": "uk"} if "uk" in valid else {}
    for code in valid:
        for ui in UI_LANGUAGES:
            name = language_name(code, ui)
            if " " not in name:
                aliases[name.lower()] = code
    return aliases


def set_topics(settings: ChatSettings, chosen: tuple[str, ...] | None) -> ChatSettings:
    return replace(settings, topics=chosen)


def set_languages(settings: ChatSettings, chosen: tuple[str, ...] | None) -> ChatSettings:
    return replace(settings, languages=chosen or ())


async def topics_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    args = words(context.args or [])
    settings = await load_settings(update, context)
    if settings is None:
        return
    if not args or not rt.topics:
        await reply(update, *topics_screen(settings, rt))
        return
    if await refuse_unless_admin(update, context):
        return
    lang = settings.ui_language
    chosen: tuple[str, ...] | None = None
    if not is_all(args):
        try:
            chosen = choose(args, rt.topic_ids, topic_aliases(rt))
        except ParseError as exc:
            text = t(
                lang,
                "topics.unknown",
                unknown=echo_words(exc.bad),
                valid=valid_list(topic_options(settings, rt)),
                example=" ".join(rt.topic_ids[:2]),
            )
            await reply(update, text)
            return
    result = await change_settings(update, context, lambda s: set_topics(s, chosen))
    if result is not None:
        text = t(lang, "topics.set", topics=topics_text(result.settings, rt))
        await reply(update, text + inactive_hint(result.settings))


async def languages_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    args = words(context.args or [])
    settings = await load_settings(update, context)
    if settings is None:
        return
    if not args:
        await reply(update, *languages_screen(settings, rt))
        return
    if await refuse_unless_admin(update, context):
        return
    lang = settings.ui_language
    valid = tuple(rt.config.news_languages)
    chosen: tuple[str, ...] | None = None
    if not is_all(args):
        try:
            chosen = choose(args, valid, language_aliases(valid))
        except ParseError as exc:
            text = t(
                lang,
                "languages.unknown",
                unknown=echo_words(exc.bad),
                valid=valid_list(language_options(settings, rt)),
                example=" ".join(valid[:2]),
            )
            await reply(update, text)
            return
    result = await change_settings(update, context, lambda s: set_languages(s, chosen))
    if result is not None:
        text = t(lang, "languages.set", languages=languages_text(result.settings))
        await reply(update, text + inactive_hint(result.settings))
