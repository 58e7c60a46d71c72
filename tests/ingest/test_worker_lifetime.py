"""Worker processes die with the bot: a kill -9 of the bot leaves no 180 MB orphans."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import time
from bot.ingest_cpu import start_processes
start_processes(2)
print("started", flush=True)
time.sleep(120)
"""


def workers_of(pid: int) -> list[int]:
    """The spawned pool processes whose parent is `pid`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid and "spawn_main" in cmdline:
            found.append(int(entry))
    return found


def running(pid: int) -> bool:
    """Alive and not a zombie (an exited child nobody has reaped yet)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def eventually(check: object, what: str, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError(what)


def test_workers_exit_when_the_bot_is_killed() -> None:
    bot = subprocess.Popen(
        [sys.executable, "-c", CHILD], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert bot.stdout is not None and bot.stdout.readline().strip() == "started"
        eventually(lambda: len(workers_of(bot.pid)) == 2, "two workers started")
        workers = workers_of(bot.pid)
        os.kill(bot.pid, signal.SIGKILL)
        bot.wait(10)
        eventually(
            lambda: not any(running(p) for p in workers),
            f"workers {workers} outlived the killed bot",
        )
    finally:
        if bot.poll() is None:
            bot.kill()
