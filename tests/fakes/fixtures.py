"""Pytest fixtures for the fake Telegram Bot API; ``tests/conftest.py`` imports them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakes.telegram import FakeTelegram


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    """A started fake Bot API server; point PTB at ``fake_telegram.base_url``."""
    async with FakeTelegram() as fake:
        yield fake
