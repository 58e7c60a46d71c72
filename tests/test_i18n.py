"""Both catalogs say the same things: same keys, same placeholders; every key used exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

from bot.i18n import CATALOGS
from bot.i18n.commands import COMMANDS

ROOT = Path(__file__).resolve().parents[1] / "bot"
# t(lang, "key" ...) and t(settings.ui_language, "key" ...): the literal second argument.
USED_KEY = re.compile(r"""\bt\(\s*[^,()]+(?:\([^()]*\))?\s*,\s*["']([\w.]+)["']""")
# In handlers every dotted lower-case string literal is a key, also when chosen before the
# call (`key = "start.welcome"`, `"settings.on" if active else "settings.off"`).
DOTTED = re.compile(r"""["']([a-z_]+(?:\.[a-z_]+)+)["']""")


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_every_catalog_has_the_same_keys() -> None:
    english = set(CATALOGS["en"])
    for lang, catalog in CATALOGS.items():
        missing, extra = sorted(english - set(catalog)), sorted(set(catalog) - english)
        assert not missing and not extra, f"{lang}: missing {missing}, extra {extra}"


def test_every_text_has_the_same_placeholders_in_every_language() -> None:
    for lang, catalog in CATALOGS.items():
        for key, template in catalog.items():
            assert placeholders(template) == placeholders(CATALOGS["en"][key]), (lang, key)
            assert template.strip(), (lang, key)


def test_every_key_the_code_uses_exists() -> None:
    used: dict[str, str] = {}
    for path in ROOT.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for key in USED_KEY.findall(source):
            used.setdefault(key, str(path.relative_to(ROOT.parent)))
        if "handlers" in path.parts:
            for key in DOTTED.findall(source):
                used.setdefault(key, str(path.relative_to(ROOT.parent)))
    assert len(used) > 20, "the pattern finds the t() calls"
    missing = {key: where for key, where in used.items() if key not in CATALOGS["en"]}
    assert not missing, f"keys used but not in the catalogs: {missing}"


def test_command_menus_list_the_same_commands() -> None:
    names = {lang: [name for name, _ in commands] for lang, commands in COMMANDS.items()}
    assert set(names) == set(CATALOGS)
    for lang, listed in names.items():
        assert listed == names["en"], lang
        assert all(re.fullmatch(r"[a-z0-9_]{1,32}", name) for name in listed)
    assert all(0 < len(text) <= 256 for commands in COMMANDS.values() for _, text in commands)
