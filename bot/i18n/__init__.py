"""Bot texts in English and Ukrainian.

Texts live in per-area catalogs (`texts_*.py`), each exporting `EN` and `UK` dicts with the
same keys and the same `{placeholders}`; a test checks that. `t()` falls back to English.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.i18n import texts_chat, texts_digest, texts_news

CATALOGS: Mapping[str, dict[str, str]] = {
    "en": {**texts_chat.EN, **texts_digest.EN, **texts_news.EN},
    "uk": {**texts_chat.UK, **texts_digest.UK, **texts_news.UK},
}


def ui_language(code: str | None) -> str:
    """The interface language for a Telegram `language_code`: Ukrainian for uk, else English."""
    if code and code.lower().split("-")[0] == "uk":
        return "uk"
    return "en"


def t(lang: str, key: str, /, **values: object) -> str:
    """The text `key` in `lang` (English if missing there), formatted with `values`."""
    catalog = CATALOGS.get(lang, CATALOGS["en"])
    template = catalog.get(key) or CATALOGS["en"][key]
    return template.format(**values) if values else template
