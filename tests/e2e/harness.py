"""Run the real bot (`bot.app.serve`, the code path of `newsbot run`) in-process.

The PTB Application talks HTTP to the fake Bot API server; the database is real.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from typing import Any

from bot.app import serve
from bot.config import Config, validate
from tests.fakes.telegram import FakeTelegram

TOPICS: list[dict[str, Any]] = [
    {
        "id": "defense",
        "name": {"en": "Defense", "uk": "Оборона"},
        "emoji": "🛡",
        "keywords": {"en": ["NATO", "army", "weapon*"], "uk": ["НАТО", "*оборон*", "ЗСУ"]},
    },
    {
        "id": "politics",
        "name": {"en": "Politics", "uk": "Політика"},
        "emoji": "🏛",
        "keywords": {"en": ["president", "parliament"], "uk": ["Зеленськ*", "Рад*"]},
    },
    {
        "id": "culture",
        "name": {"en": "Culture", "uk": "Культура"},
        "emoji": "🎭",
        "keywords": {"en": ["museum*", "UNESCO"], "uk": ["культур*", "ЮНЕСКО"]},
    },
]


def make_config(
    fake: FakeTelegram, db_url: str, *, sources: list[dict[str, Any]] | None = None, **sections: Any
) -> Config:
    data: dict[str, Any] = {
        "telegram": {"token": fake.token, "api_base_url": fake.base_url},
        "database": {"url": db_url},
        "topics": TOPICS,
        "sources": sources or [],
    }
    for key, value in sections.items():
        data[key] = {**data.get(key, {}), **value}
    return validate(data, env={})


@contextlib.asynccontextmanager
async def running_bot(
    config: Config,
    fake: FakeTelegram,
    *,
    clock: Callable[[], datetime] | None = None,
    tick: timedelta | None = None,
) -> AsyncIterator[None]:
    """The bot serving until the block ends; waits until it is polling for updates."""
    stop = asyncio.Event()
    kwargs: dict[str, Any] = {"poll_timeout": 1}
    if tick is not None:
        kwargs["tick"] = tick
    if clock is not None:
        kwargs["clock"] = clock
    since = fake.seq
    task = asyncio.create_task(serve(config, stop, **kwargs))
    waiter = asyncio.create_task(fake.wait_for_call("getUpdates", timeout=20, since=since))
    done, _ = await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        waiter.cancel()
        task.result()  # raises what made the bot stop
        raise RuntimeError("the bot stopped before polling")
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=20)
