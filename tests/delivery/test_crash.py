"""Crash safety: kill -9 `newsbot run` in the middle of sending, start it again.

Every chat ends with exactly its digest: zero parts missing, and at most one part
duplicated per chat (the one in flight when the process died).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.db.engine import Database, make_engine
from bot.db.migrate import upgrade
from tests.delivery.helpers import add_digest, state
from tests.fakes.telegram import Call, FakeTelegram

CHATS = 200
PARTS = 2
ROOT = Path(__file__).resolve().parents[2]


def expected(chat_id: int) -> list[str]:
    return [f"chat {chat_id} part {p}" for p in range(PARTS)]


def start_bot(config: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSBOT_")}
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--config", str(config)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


async def test_kill_9_mid_send_then_restart_loses_nothing(
    fake_telegram: FakeTelegram, tmp_path: Path
) -> None:
    fake = fake_telegram
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'newsbot.db'}"
    db = Database(make_engine(db_url))
    await upgrade(db.engine)
    digest_ids = []
    now = datetime.now(UTC)
    for chat_id in range(1, CHATS + 1):
        fake.add_private_chat(chat_id)
        digest_ids.append(await add_digest(db, chat_id, expected(chat_id), now=now))
    await db.dispose()
    config = tmp_path / "config.toml"
    config.write_text(
        f'[telegram]\ntoken = "{fake.token}"\napi_base_url = "{fake.base_url}"\n'
        "max_messages_per_second = 100\n"
        f'[database]\nurl = "{db_url}"\n[logging]\nlevel = "WARNING"\n[digest]\ntimes = []\n',
        encoding="utf-8",
    )
    log = tmp_path / "bot.log"

    def sent_at_least(count: int) -> object:
        return lambda _call: fake.stats.messages_sent >= count or None

    bot = start_bot(config, log)
    try:
        await fake.wait_for_call("sendMessage", sent_at_least(CHATS * PARTS // 3), 30, since=0)
        os.kill(bot.pid, signal.SIGKILL)
        await asyncio.to_thread(bot.wait, 10)
        killed_at = fake.stats.messages_sent
        assert killed_at < CHATS * PARTS, "killed in the middle of sending"

        bot = start_bot(config, log)
        delivered: set[tuple[int, str]] = set()

        def all_delivered(call: Call) -> bool | None:
            if call.status == 200:
                delivered.add((int(call.params["chat_id"]), str(call.params["text"])))
            return len(delivered) == CHATS * PARTS or None

        for call in fake.calls("sendMessage"):
            all_delivered(call)
        await fake.wait_for_call("sendMessage", all_delivered, 30, since=fake.seq)
        bot.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(bot.wait, 20) == 0, log.read_text()
    finally:
        if bot.poll() is None:
            bot.kill()

    duplicated = 0
    for chat_id in range(1, CHATS + 1):
        texts = [m.text for m in fake.sent(chat_id)]
        want = expected(chat_id)
        if texts != want:  # only allowed: one part sent twice in a row
            assert len(texts) == PARTS + 1, (chat_id, texts)
            i = (
                next(i for i in range(PARTS) if texts[i] != want[i])
                if texts[:PARTS] != want
                else PARTS
            )
            assert texts[i - 1] == texts[i] and texts[:i] + texts[i + 1 :] == want, texts
            duplicated += 1
    assert duplicated <= 64, "at most the sends in flight at the kill"
    db = Database(make_engine(db_url))
    try:
        for digest_id in digest_ids:
            status, message_ids = await state(db, digest_id)
            assert status == "sent" and None not in message_ids
    finally:
        await db.dispose()
