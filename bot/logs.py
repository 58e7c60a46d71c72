"""Logging: one line per event, and the bot token never written anywhere."""

from __future__ import annotations

import asyncio
import logging
import re

_TOKEN_IN_URL = re.compile(r"bot\d+:[A-Za-z0-9_-]+")
_TOKEN = re.compile(r"\b\d{3,}:[A-Za-z0-9_-]{20,}\b")  # a bare token anywhere


def redact(text: str, token: str) -> str:
    """`text` without the token, nor anything shaped like a bot token."""
    if token:
        text = text.replace(token, "[REDACTED]")
        secret = token.partition(":")[2]
        if len(secret) >= 8:  # the part after the colon alone is the secret too
            text = text.replace(secret, "[REDACTED]")
    return _TOKEN.sub("[REDACTED]", _TOKEN_IN_URL.sub("bot[REDACTED]", text))


class RedactToken(logging.Filter):
    """Replaces the token (and anything shaped like a bot token in a URL) in every record."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message, self.token)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class QuietNetworkErrors(logging.Filter):
    """PTB logs every failed long poll with a 60-line traceback; an outage is one line each.

    Telegram being unreachable is an operating condition, not a bug: PTB retries on its
    own, so the record becomes a WARNING naming the error, without the traceback (which
    `-v` keeps).
    """

    def __init__(self, verbose: bool) -> None:
        super().__init__()
        self.verbose = verbose

    def filter(self, record: logging.LogRecord) -> bool:
        from telegram.error import NetworkError  # here: `newsbot --help` need not load PTB

        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, NetworkError) and record.name.startswith("telegram"):
            record.msg = f"{record.getMessage()} {type(exc).__name__}: {exc} (retrying)"
            record.args = None
            if record.levelno > logging.WARNING:
                record.levelno, record.levelname = logging.WARNING, "WARNING"
            if not self.verbose:
                record.exc_info = record.exc_text = None
        return True


class DropCancelledJobs(logging.Filter):
    """A cycle cancelled at shutdown (after `bot.app` says so) is not an ERROR with a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not (
            isinstance(exc, asyncio.CancelledError) and record.name.startswith("apscheduler")
        )


class RedactingFormatter(logging.Formatter):
    """Redacts the whole formatted record, tracebacks included (exception texts may quote URLs)."""

    def __init__(self, token: str) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.token = token

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.token)


def setup(level: str, token: str) -> None:
    """Configure the root logger; httpx logs full request URLs (with the token) at INFO."""
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter(token))
    handler.addFilter(RedactToken(token))
    handler.addFilter(QuietNetworkErrors(verbose=level == "DEBUG"))
    handler.addFilter(DropCancelledJobs())
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
