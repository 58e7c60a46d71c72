"""The `newsbot` command run as an operator runs it: a real process, a bare environment."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _env(cwd: Path, extra: dict[str, str] | None) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(cwd), **(extra or {}), "PYTHONPATH": str(ROOT)}


def newsbot(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=_env(cwd, env),
        capture_output=True,
        text=True,
        timeout=60,
    )


async def newsbot_async(*args: str, cwd: Path) -> tuple[int, str, str]:
    """(exit code, stdout, stderr), without blocking the loop that serves the feeds it fetches."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=cwd,
        env=_env(cwd, None),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(60):
        out, err = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()
