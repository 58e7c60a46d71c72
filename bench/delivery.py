"""Benchmark: send N pending digests against the fake Bot API enforcing Telegram's limits.

The fake runs in its own process (so the bot's CPU is its own) with Telegram's flood
limits switched on: R messages a second overall, about one a second per private chat,
20 a minute per group, answering 429 when they are exceeded. The bot side is the
production path: the PTB Application's bot (with its AIORateLimiter) driven by the
outbox `Sender` at rate R, on a real SQLite (or --db-url) database.

Prints one JSON line: achieved messages/s, achieved/R, 429s, digests lost, peak RSS.

    .venv/bin/python -m bench.delivery                 # 10,000 chats at 300/s
    .venv/bin/python -m bench.delivery --chats 300     # CI size
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, select

from bot.app import build_application
from bot.config import validate
from bot.context import Runtime
from bot.db import chats, digests
from bot.db.engine import Database, make_engine
from bot.db.migrate import upgrade
from bot.db.models import DigestRow
from bot.delivery.sender import Sender

ROOT = Path(__file__).resolve().parents[1]
DEFAULTS = chats.ChatDefaults(languages=("uk", "en"), times=(), timezone="UTC")


async def serve_fake(chats_count: int, rate: float, burst: int) -> None:
    """The fake Bot API, limits on, users 1..N started; prints its base URL."""
    from tests.fakes.telegram import FakeTelegram
    from tests.fakes.telegram_limits import RateLimits

    limits = RateLimits(global_per_second=rate, global_burst=burst)
    fake = FakeTelegram(limits=limits, record_calls=False)
    for user_id in range(1, chats_count + 1):
        fake.add_private_chat(user_id)
    await fake.start()
    print(fake.base_url, flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until closed
    await fake.stop()


async def fill_outbox(db: Database, chats_count: int, parts: int) -> None:
    now = datetime.now(UTC)
    async with db.transaction() as session:
        for chat_id in range(1, chats_count + 1):
            row, _ = await chats.ensure_chat(
                session,
                chat_id,
                chat_type="private",
                title=None,
                ui_language="en",
                defaults=DEFAULTS,
                now=now,
            )
            row.active = True  # as chats.activate, minus a watermark query per chat
            texts = [f"<b>Digest</b> for {chat_id}, part {p + 1}" for p in range(parts)]
            await digests.enqueue(session, row, texts, item_ids=[], kind="scheduled", now=now)


async def fake_stats(base_url: str) -> dict[str, Any]:
    url = base_url.removesuffix("/bot") + "/_fake/stats"
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        stats: dict[str, Any] = await response.json()
        return stats


def start_fake(args: argparse.Namespace) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bench.delivery",
            "--serve-fake",
            "--chats",
            str(args.chats),
            "--rate",
            str(args.rate),
            "--burst",
            str(args.burst or int(args.rate)),
        ],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )


async def bench(args: argparse.Namespace, base_url: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        db_url = args.db_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        db = Database(make_engine(db_url))
        await upgrade(db.engine)
        await fill_outbox(db, args.chats, args.parts)
        config = validate(
            {
                "telegram": {
                    "token": "123456789:TEST-newsbot-fake-token",
                    "api_base_url": base_url,
                    "max_messages_per_second": args.rate,
                },
                "database": {"url": db_url},
            },
            env={},
        )
        app = build_application(Runtime.create(config, db))
        await app.initialize()
        sender = Sender(
            app.bot,
            db,
            rate=args.rate,
            max_pending=config.digest.max_pending,
            max_in_flight=args.in_flight or None,
        )
        before = await fake_stats(base_url)
        started = time.monotonic()
        await sender.send_pending_once()
        wall = time.monotonic() - started
        after = await fake_stats(base_url)
        async with db.transaction() as session:
            lost = await session.scalar(select(func.count()).where(DigestRow.status != "sent"))
        await app.shutdown()
        await db.dispose()
    messages = after["messages_sent"] - before["messages_sent"]
    achieved = messages / wall
    return {
        "bench": "delivery",
        "chats": args.chats,
        "parts": args.parts,
        "rate": args.rate,
        "messages": messages,
        "wall_s": round(wall, 2),
        "achieved_per_s": round(achieved, 1),
        "achieved_ratio": round(achieved / args.rate, 3),
        "http_429": after["rate_limited"] - before["rate_limited"],
        "http_429_by": after["rate_limited_by"],
        "sender_retry_after": sender.stats.retry_after,
        "sender_retries": sender.stats.retries,
        "last_error": sender.stats.last_error,
        "digests_lost": int(lost or 0),
        "max_in_flight": sender.max_in_flight,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "db": db_url.split(":", 1)[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=300.0, help="messages per second, R")
    parser.add_argument("--parts", type=int, default=1, help="messages per digest")
    parser.add_argument("--burst", type=int, default=0, help="fake's global burst (default R)")
    parser.add_argument("--in-flight", type=int, default=0, help="sender's max_in_flight")
    parser.add_argument("--db-url", default="", help="default: a temporary SQLite file")
    parser.add_argument("--serve-fake", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fake:
        asyncio.run(serve_fake(args.chats, args.rate, args.burst))
        return
    fake = start_fake(args)
    try:
        assert fake.stdout is not None
        base_url = fake.stdout.readline().decode().strip()
        result = asyncio.run(bench(args, base_url))
    finally:
        if fake.stdin is not None:
            fake.stdin.close()
        fake.wait(10)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
