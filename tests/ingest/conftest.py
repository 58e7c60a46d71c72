"""The poll cycle end to end: the real feed server, a real database, an injected clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot.config import PollingConfig
from bot.db import sources as sources_repo
from bot.db.engine import Database
from bot.db.models import ItemRow
from bot.domain import HtmlSelectors, Source, Topic
from bot.ingest import Poller
from tests.fakes.conftest_feed import feed_server  # noqa: F401  (fixture)
from tests.fakes.feed_server import FeedServer

START = datetime(2025, 1, 29, 8, 0, tzinfo=UTC)
LANGUAGES = ("uk", "en")
TOPICS = (
    Topic(
        "defense",
        {"en": "Defense"},
        keywords={"en": ("NATO",), "uk": ("*оборон*", "ЗСУ")},
        categories=("War", "Війна"),
    ),
    Topic(
        "economy",
        {"en": "Economy"},
        keywords={"en": ("GDP", "econom*"), "uk": ("НБУ", "МВФ", "товар*")},
        categories=("economy", "Економіка"),
    ),
    Topic("politics", {"en": "Politics"}, categories=("politics", "Політика")),
    Topic(
        "culture",
        {"en": "Culture"},
        keywords={"uk": ("опер*", "музе*")},
        categories=("culture", "Культура"),
    ),
    Topic("education", {"en": "Education"}, keywords={"uk": ("освіт*", "НМТ", "шкіл*")}),
)


class Clock:
    """The poller's notion of now; tests move it instead of sleeping."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def polling(**overrides: Any) -> PollingConfig:
    """Test polling settings: small limits so faults are cheap to provoke."""
    base: dict[str, Any] = {
        "interval": "10m",
        "timeout": "5s",
        "max_body": "1MB",
        "max_backoff": "1d",
        "first_poll_items": 100,
    }
    return PollingConfig.model_validate({**base, **overrides})


def source(
    server: FeedServer,
    sid: str,
    path: str,
    *,
    language: str | None = None,
    topics: tuple[str, ...] = (),
    html: HtmlSelectors | None = None,
    interval: timedelta = timedelta(minutes=10),
) -> Source:
    return Source(
        id=sid,
        name=sid.title(),
        url=server.url(path),
        interval=interval,
        language=language,
        topics=topics,
        html=html,
    )


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def clock() -> Clock:
    return Clock()


MakePoller = Callable[..., Poller]


@pytest.fixture
def make_poller(database: Database, http: aiohttp.ClientSession, clock: Clock) -> MakePoller:
    """A Poller over these sources; `sync()` still has to be awaited."""

    def make(sources: Sequence[Source], **settings: Any) -> Poller:
        return Poller(database, http, sources, TOPICS, polling(**settings), LANGUAGES, clock)

    return make


async def items_of(db: Database, source_id: str) -> list[ItemRow]:
    """A source's stored items, in the order they were stored."""
    async with db.transaction() as session:
        stmt = select(ItemRow).where(ItemRow.source_id == source_id).order_by(ItemRow.id)
        return list((await session.execute(stmt)).scalars())


async def state_of(db: Database, source_id: str) -> sources_repo.SourceState:
    async with db.transaction() as session:
        return (await sources_repo.states(session))[source_id]
