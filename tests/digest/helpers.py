"""Building digest inputs tersely."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain import StoredItem, Topic

DAY = datetime(2025, 1, 28, tzinfo=UTC)

TOPICS = (
    Topic("defense", {"en": "Defense", "uk": "Оборона"}, emoji="🛡"),
    Topic("politics", {"en": "Politics", "uk": "Політика"}, emoji="🏛"),
    Topic("education", {"en": "Education", "uk": "Освіта"}, emoji="🎓"),
)


def at(hh: int, mm: int = 0) -> datetime:
    """A UTC time on 28 January 2025."""
    return DAY.replace(hour=hh, minute=mm)


def item(
    id: int,
    title: str = "",
    *,
    source: str = "src",
    name: str | None = None,
    url: str | None = None,
    lang: str = "en",
    topics: tuple[str, ...] = ("defense",),
    published: datetime | None = None,
) -> StoredItem:
    published = published or at(10)
    return StoredItem(
        id=id,
        source_id=source,
        source_name=name or source.title(),
        url=url or f"https://{source}.example/news/{id}",
        title=title or f"Headline number {id}",
        language=lang,
        topics=topics,
        published_at=published,
        stored_at=published,
    )
