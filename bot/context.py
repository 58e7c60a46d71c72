"""The runtime every handler and job reads: config, database, topics, sources, clock.

Built once by the composition roots (`app`, `cli`) and stored in PTB's `bot_data`,
so handlers and jobs never import the roots.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

import aiohttp

from bot.config import Config
from bot.db.chats import ChatDefaults
from bot.db.engine import Database
from bot.digest_cycle import DigestBuilder
from bot.domain import HtmlSelectors, ScheduleMode, Source, Topic


def utc_now() -> datetime:
    return datetime.now(UTC)


def topics_from_config(config: Config) -> tuple[Topic, ...]:
    return tuple(
        Topic(
            id=t.id,
            names=dict(t.name),
            keywords={lang: tuple(words) for lang, words in t.keywords.items()},
            categories=tuple(t.categories),
            emoji=t.emoji,
        )
        for t in config.topics
    )


def sources_from_config(config: Config) -> tuple[Source, ...]:
    return tuple(
        Source(
            id=s.id,
            name=s.name,
            url=s.url,
            interval=config.source_interval(s),
            language=s.language,
            topics=tuple(s.topics),
            html=None
            if s.html is None
            else HtmlSelectors(
                item=s.html.item, title=s.html.title, link=s.html.link, time=s.html.time
            ),
        )
        for s in config.sources
        if s.enabled
    )


@dataclass
class Runtime:
    config: Config
    db: Database
    topics: tuple[Topic, ...]
    sources: tuple[Source, ...]
    clock: Callable[[], datetime] = utc_now
    http: aiohttp.ClientSession | None = None
    bot_username: str = ""
    digests: DigestBuilder | None = None  # set by jobs.schedule; /digest uses it
    poller: object | None = None  # the ingest Poller (typed loosely: handlers never poll)
    notify_sender: Callable[[], None] = field(default=lambda: None)  # wakes the outbox sender

    @classmethod
    def create(
        cls, config: Config, db: Database, clock: Callable[[], datetime] = utc_now
    ) -> Runtime:
        return cls(config, db, topics_from_config(config), sources_from_config(config), clock)

    @property
    def topic_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.topics)

    @property
    def source_names(self) -> dict[str, str]:
        return {s.id: s.name for s in self.sources}

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    def chat_defaults(self) -> ChatDefaults:
        digest = self.config.digest
        return ChatDefaults(
            languages=tuple(digest.languages),
            times=tuple(time.fromisoformat(t) for t in digest.times),
            timezone=digest.timezone,
            mode=ScheduleMode.TIMES if digest.times else ScheduleMode.OFF,
        )
