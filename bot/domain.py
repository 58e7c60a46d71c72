"""Plain data shared by every layer.

Everything that crosses a layer boundary (sources -> classify -> db -> digest ->
delivery) is one of these frozen dataclasses, so the layers stay pure and testable
without SQL or Telegram.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum

UI_LANGUAGES: tuple[str, ...] = ("en", "uk")
"""Languages the bot itself speaks (its interface), not the languages of the news."""


class ScheduleMode(StrEnum):
    """How a chat wants its digests."""

    TIMES = "times"  # at the chat's local times
    INSTANT = "instant"  # after each poll cycle that found something
    OFF = "off"  # only on /digest


class FeedKind(StrEnum):
    RSS = "rss"
    ATOM = "atom"
    JSON = "json"
    RDF = "rdf"
    HTML = "html"


@dataclass(frozen=True, slots=True)
class Topic:
    """A topic a chat can follow; matched by keywords and feed categories."""

    id: str
    names: Mapping[str, str]  # UI language -> localised name
    keywords: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # news language -> words
    categories: tuple[str, ...] = ()
    emoji: str = ""

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names.get("en") or self.id


@dataclass(frozen=True, slots=True)
class HtmlSelectors:
    """CSS selectors reading headlines from a news page that has no feed."""

    item: str
    title: str | None = None
    link: str | None = None
    time: str | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """A configured news source."""

    id: str
    name: str
    url: str
    interval: timedelta
    language: str | None = None  # fixed language of every item; None = detect
    topics: tuple[str, ...] = ()  # topics every item carries
    html: HtmlSelectors | None = None


@dataclass(frozen=True, slots=True)
class RawEntry:
    """One entry as a parser found it: strings may still hold HTML and entities."""

    title: str = ""
    link: str = ""
    guid: str = ""
    summary: str = ""
    published: datetime | None = None  # timezone-aware when the feed said a zone
    categories: tuple[str, ...] = ()
    language: str | None = None  # the feed's hint, often wrong


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """What a parser made of one document."""

    kind: FeedKind
    title: str = ""
    language: str | None = None
    entries: tuple[RawEntry, ...] = ()
    ttl: timedelta | None = None  # RSS <ttl>: a lower bound on the next check
    feed_url: str | None = None  # an HTML page that links its feed: follow this
    link: str | None = None  # the site's home page: where an entry without a link points


@dataclass(frozen=True, slots=True)
class FetchState:
    """What we remember about a source between fetches (conditional GET)."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class FetchResult:
    """The outcome of one HTTP fetch; `error` set means it failed."""

    url: str
    status: int | None = None
    body: bytes | None = None
    content_type: str | None = None  # includes charset when the server sent one
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    retry_after: timedelta | None = None
    max_age: timedelta | None = None
    error: str | None = None
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True, slots=True)
class Item:
    """A normalised, classified item ready to store."""

    source_id: str
    key: str  # identity within the source: guid, canonical link or content hash
    url: str
    title: str
    summary: str
    language: str
    topics: tuple[str, ...]
    published_at: datetime  # UTC
    categories: tuple[str, ...] = ()  # the feed's own, kept so `reclassify` can re-apply rules


@dataclass(frozen=True, slots=True)
class StoredItem:
    """An item as the digest reads it back from the store."""

    id: int
    source_id: str
    source_name: str
    url: str
    title: str
    language: str
    topics: tuple[str, ...]
    published_at: datetime  # UTC
    stored_at: datetime  # UTC


@dataclass(frozen=True, slots=True)
class Story:
    """One line of a digest: the lead item and the other outlets that carried the same story."""

    lead: StoredItem
    others: tuple[StoredItem, ...] = ()

    @property
    def items(self) -> tuple[StoredItem, ...]:
        return (self.lead, *self.others)


@dataclass(frozen=True, slots=True)
class ChatSettings:
    """A chat's preferences; everything a digest needs to know about the chat."""

    chat_id: int  # Telegram chat id
    ui_language: str = "en"
    languages: tuple[str, ...] = ()  # news languages; empty = every language
    topics: tuple[str, ...] | None = None  # None = all topics
    mode: ScheduleMode = ScheduleMode.TIMES
    times: tuple[time, ...] = ()
    timezone: str = "UTC"
    active: bool = True
