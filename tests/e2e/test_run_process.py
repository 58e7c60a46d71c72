"""`newsbot run` as an operator runs it: answers a user, stops cleanly on SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakes.telegram import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
async def test_run_answers_and_stops_cleanly(
    fake_telegram: FakeTelegram, tmp_path: Path, stop_signal: signal.Signals
) -> None:
    fake = fake_telegram
    fake.add_private_chat(77, "Iryna", language_code="uk")
    config = tmp_path / "config.toml"
    config.write_text(
        f'[telegram]\napi_base_url = "{fake.base_url}"\n'
        f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "bot.db"}"\n',
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSBOT_")}
    env["NEWSBOT_TOKEN"] = fake.token  # the token from the environment, as the README says
    log = tmp_path / "bot.log"
    with log.open("wb") as out:
        bot = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            "--config",
            str(config),
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        await fake.wait_for_poll(timeout=30)
        await fake.user_sends(77, 77, "/start")
        await fake.wait_for_message(77, "Вітаю", timeout=15)
        bot.send_signal(stop_signal)
        code = await asyncio.wait_for(bot.wait(), 20)
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
    output = log.read_text(encoding="utf-8")
    assert code == 0, output
    assert "Traceback" not in output
    assert fake.token.split(":", 1)[1] not in output
