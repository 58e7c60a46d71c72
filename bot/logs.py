"""Logging: one line per event, and the bot token never written anywhere."""

from __future__ import annotations

import logging
import re

_TOKEN_IN_URL = re.compile(r"bot\d+:[A-Za-z0-9_-]+")


class RedactToken(logging.Filter):
    """Replaces the token (and anything shaped like a bot token in a URL) in every record."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _TOKEN_IN_URL.sub("bot[REDACTED]", message)
        if self.token:
            redacted = redacted.replace(self.token, "[REDACTED]")
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def setup(level: str, token: str) -> None:
    """Configure the root logger; httpx logs full request URLs (with the token) at INFO."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactToken(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in (
        "httpx",
        "httpcore",
        "apscheduler",
        "aiosqlite",
        "telegram.ext.ExtBot",
        "alembic",
    ):
        logging.getLogger(noisy).setLevel(logging.WARNING)
