"""The digest texts exist in both languages with the same placeholders."""

from __future__ import annotations

import string

from bot.i18n import texts_digest


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_english_and_ukrainian_have_the_same_keys_and_placeholders() -> None:
    assert texts_digest.EN.keys() == texts_digest.UK.keys()
    for key, english in texts_digest.EN.items():
        assert placeholders(english) == placeholders(texts_digest.UK[key]), key
