"""`newsbot run` as a process, with the faults an operator meets: a wrong token, Telegram
down at start, a signal in the middle of a poll cycle. Asserts what the terminal shows,
the exit code, and that the token never appears, even at `-v`.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.fakes.conftest_feed import feed_server
from tests.fakes.feed_server import FeedServer
from tests.fakes.telegram import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
__all__ = ["feed_server"]


@dataclass
class Bot:
    """A running `newsbot run`; its output is read line by line as it comes."""

    proc: asyncio.subprocess.Process
    lines: list[str] = field(default_factory=list)
    _new_line: asyncio.Event = field(default_factory=asyncio.Event)

    async def read(self) -> None:
        assert self.proc.stdout is not None
        async for raw in self.proc.stdout:
            self.lines.append(raw.decode(errors="replace").rstrip("\n"))
            self._new_line.set()
        self._new_line.set()

    async def wait_for_line(self, text: str, timeout: float = 20) -> str:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            while True:
                if found := next((line for line in self.lines if text in line), None):
                    return found
                if self.proc.returncode is not None:
                    raise AssertionError(f"exited without {text!r}:\n{self.output}")
                self._new_line.clear()
                await self._new_line.wait()

    async def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        self.proc.send_signal(sig)
        return await asyncio.wait_for(self.proc.wait(), 20)

    @property
    def output(self) -> str:
        return "\n".join(self.lines)


@asynccontextmanager
async def newsbot_run(tmp_path: Path, config: str, token: str, *flags: str) -> AsyncIterator[Bot]:
    path = tmp_path / "config.toml"
    path.write_text(
        config + f'\n[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "bot.db"}"\n',
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSBOT_")}
    env["NEWSBOT_TOKEN"] = token
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--config", str(path), *flags,
        cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    bot = Bot(proc)
    reader = asyncio.create_task(bot.read())
    try:
        yield bot
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await reader


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def test_a_rejected_token_stops_the_start_with_one_clear_line(
    fake_telegram: FakeTelegram, tmp_path: Path
) -> None:
    wrong = "987654321:AAE-not-the-right-token-secret"
    config = f'[telegram]\napi_base_url = "{fake_telegram.base_url}"\n'
    async with newsbot_run(tmp_path, config, wrong, "-v") as bot:
        code = await asyncio.wait_for(bot.proc.wait(), 30)
        await asyncio.sleep(0)  # the reader drains the pipe
    assert code == 1, bot.output
    errors = [line for line in bot.lines if " ERROR " in line]
    assert len(errors) == 1 and "Telegram rejected the bot token" in errors[0]
    assert "NEWSBOT_TOKEN" in errors[0] and "telegram.api_base_url" in errors[0]
    assert "Traceback" not in bot.output
    assert "not-the-right-token-secret" not in bot.output


async def test_telegram_down_at_start_is_waited_for_then_the_bot_answers(tmp_path: Path) -> None:
    port = free_port()
    fake = FakeTelegram(port=port)
    fake.add_private_chat(41, "Olena", language_code="en")
    config = f'[telegram]\napi_base_url = "{fake.base_url}"\n'
    async with newsbot_run(tmp_path, config, fake.token) as bot:
        line = await bot.wait_for_line("cannot reach the Telegram Bot API")
        assert " WARNING " in line and "retrying in" in line
        async with fake:  # Telegram comes back
            await fake.wait_for_poll(timeout=30)
            await fake.user_sends(41, 41, "/start")
            await fake.wait_for_message(41, timeout=15)
            code = await bot.stop(signal.SIGINT)
    assert code == 0, bot.output
    assert "Traceback" not in bot.output
    assert fake.token.split(":", 1)[1] not in bot.output


async def test_stopped_while_telegram_is_still_down_exits_cleanly(tmp_path: Path) -> None:
    config = f'[telegram]\napi_base_url = "http://127.0.0.1:{free_port()}/bot"\n'
    async with newsbot_run(tmp_path, config, "123:AAE-still-down-secret") as bot:
        await bot.wait_for_line("cannot reach the Telegram Bot API")
        code = await bot.stop()
    assert code == 0, bot.output
    assert "Traceback" not in bot.output and "still-down-secret" not in bot.output


async def test_sigterm_during_a_poll_cycle_stops_promptly(
    fake_telegram: FakeTelegram, feed_server: FeedServer, tmp_path: Path
) -> None:
    """A fetch that never answers (polling.timeout 60s) does not hold the stop for a minute."""
    feed_server.add_file("/hanging.xml", "rss20.xml", gate=asyncio.Event())  # never answers
    config = (
        f'[telegram]\napi_base_url = "{fake_telegram.base_url}"\n'
        '[polling]\ntimeout = "60s"\ninterval = "1s"\n'  # due at the first tick
        f'[[sources]]\nid = "hanging"\nurl = "{feed_server.url("/hanging.xml")}"\n'
        'language = "uk"\n'
    )
    async with newsbot_run(tmp_path, config, fake_telegram.token, "-v") as bot:
        await feed_server.wait_for_request("/hanging.xml")  # the poll cycle is in flight
        loop = asyncio.get_running_loop()
        started = loop.time()
        code = await bot.stop(signal.SIGTERM)
        took = loop.time() - started
    assert code == 0, bot.output
    assert took < 15, f"took {took:.1f}s to stop while a fetch hung"
    assert "Traceback" not in bot.output
    assert fake_telegram.token.split(":", 1)[1] not in bot.output
    assert any("cancelling it" in line and " WARNING " in line for line in bot.lines)
    assert not [line for line in bot.lines if " ERROR " in line]
