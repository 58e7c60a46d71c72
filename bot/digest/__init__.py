"""Digests: choose a chat's items, fold the same story from several outlets into one
line, and format Telegram HTML messages. Pure: no SQL, no Telegram, no config."""

from bot.digest.compose import compose_digest, compose_plain
from bot.digest.format import RenderedDigest, build_digest, render_plain
from bot.digest.group import STORY_WINDOW, group_stories
from bot.digest.select import select_items

__all__ = [
    "STORY_WINDOW",
    "RenderedDigest",
    "build_digest",
    "compose_digest",
    "compose_plain",
    "group_stories",
    "render_plain",
    "select_items",
]
