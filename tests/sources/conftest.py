from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.fakes.conftest_feed import feed_server  # noqa: F401  (fixture)

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


def data(name: str) -> bytes:
    return (DATA / name).read_bytes()
