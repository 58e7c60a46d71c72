"""The fake feed server as a pytest fixture; import it into a conftest.py to use it:

from tests.fakes.conftest_feed import feed_server  # noqa: F401
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakes.feed_server import FeedServer


@pytest.fixture
async def feed_server() -> AsyncIterator[FeedServer]:
    """A FeedServer on 127.0.0.1:<random port>, closed after the test."""
    async with FeedServer() as server:
        yield server
