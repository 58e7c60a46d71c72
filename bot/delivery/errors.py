"""What a Telegram error means for the outbox, and how long to back off.

PTB raises one exception class per HTTP status; the Bad Request wording tells the
cases apart. Anything not recognised is treated as passing trouble and retried with
backoff, because dropping a digest is the one thing that cannot be undone (the digest
is still dropped once it has been pending longer than `digest.max_pending`).
"""

from __future__ import annotations

import random
import warnings
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning


class Action(Enum):
    PAUSE = "pause"  # 429: everyone waits retry_after, then the same part again
    MIGRATE = "migrate"  # the group is now a supergroup: move the chat, resend there
    DEACTIVATE = "deactivate"  # blocked, kicked, deleted: unsubscribe, drop its digests
    PLAIN = "plain"  # our HTML was refused: resend this part as plain text
    SPLIT = "split"  # too long: split at line boundaries and resend
    RETRY = "retry"  # network, timeout, 5xx, anything else: back off and retry


@dataclass(frozen=True, slots=True)
class Verdict:
    action: Action
    reason: str
    retry_after: float = 0.0
    new_chat_id: int | None = None


# Bad Request wordings meaning the chat is gone for us (Telegram sends these as 400).
_GONE = (
    "chat not found",
    "peer_id_invalid",
    "user not found",
    "bot was kicked",
    "not enough rights to send",
    "need administrator rights",
    "chat_write_forbidden",
    "group chat was deactivated",
)


def retry_after_seconds(error: RetryAfter) -> float:
    """`retry_after` in seconds, without PTB's int-to-timedelta deprecation warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value: object = error.retry_after
    if isinstance(value, timedelta):
        return float(value.total_seconds())
    return float(value) if isinstance(value, int | float) else 1.0


def classify(error: TelegramError) -> Verdict:
    """The action an error from sendMessage calls for."""
    reason = f"{type(error).__name__}: {error.message}"
    if isinstance(error, RetryAfter):
        return Verdict(Action.PAUSE, reason, retry_after=retry_after_seconds(error))
    if isinstance(error, ChatMigrated):
        return Verdict(Action.MIGRATE, reason, new_chat_id=error.new_chat_id)
    if isinstance(error, Forbidden):
        return Verdict(Action.DEACTIVATE, reason)
    if isinstance(error, BadRequest):
        text = error.message.lower()
        if "can't parse entities" in text or "can't find end" in text:
            return Verdict(Action.PLAIN, reason)
        if "message is too long" in text or "message_too_long" in text:
            return Verdict(Action.SPLIT, reason)
        if any(words in text for words in _GONE):
            return Verdict(Action.DEACTIVATE, reason)
    return Verdict(Action.RETRY, reason)


def backoff(
    attempts: int,
    *,
    base: float = 5.0,
    cap: float = 600.0,
    rng: random.Random | None = None,
) -> float:
    """Seconds before retry number `attempts` (1 = the first retry): exponential with
    "equal jitter" (half fixed, half random), so chats that failed together do not all
    come back in the same instant."""
    ceiling: float = min(cap, base * 2.0 ** max(0, attempts - 1))
    return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)
