"""SQLAlchemy models: sources, items, chats and the digest outbox.

All times are stored in UTC. Telegram chat ids are 64-bit (supergroups are -100...),
so they live in a BigInteger column apart from the chat's own primary key: a group
that migrates to a supergroup changes `telegram_id` and keeps everything else.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a real BIGINT.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite has no time zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use UTC-aware datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_name)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map = {  # noqa: RUF012 (SQLAlchemy reads this class attribute)
        datetime: UtcDateTime(),
        dict[str, Any]: JSON,
        list[str]: JSON,
        list[int]: JSON,
    }


class SourceRow(Base):
    """A configured source and its fetch state."""

    __tablename__ = "sources"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(10))
    feed_url: Mapped[str | None] = mapped_column(Text)  # an HTML page's discovered feed
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    next_check_at: Mapped[datetime | None]
    last_checked_at: Mapped[datetime | None]
    last_ok_at: Mapped[datetime | None]
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    failing_since: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ItemRow(Base):
    """A news item, stored once per source."""

    __tablename__ = "items"
    __table_args__ = (
        UniqueConstraint("source_id", "key"),
        Index("ix_items_stored_at", "stored_at"),
        Index("ix_items_url", "url"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8))
    topics: Mapped[list[str]] = mapped_column(default=list)
    categories: Mapped[list[str]] = mapped_column(default=list)
    published_at: Mapped[datetime]
    stored_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Stored by a source's first poll as known history: kept for grouping and /start's
    # latest headlines, never sent in a digest.
    history: Mapped[bool] = mapped_column(Boolean, default=False)


class ChatRow(Base):
    """A Telegram chat and its preferences; its digest watermark keeps per-chat state O(1)."""

    __tablename__ = "chats"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    type: Mapped[str] = mapped_column(String(20), default="private")
    title: Mapped[str | None] = mapped_column(Text)
    ui_language: Mapped[str] = mapped_column(String(8), default="en")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    languages: Mapped[list[str]] = mapped_column(default=list)  # [] = every language
    topics: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)  # None = all
    schedule_mode: Mapped[str] = mapped_column(String(10), default="times")
    times: Mapped[list[str]] = mapped_column(default=list)  # "HH:MM", local
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    watermark: Mapped[int] = mapped_column(BigInteger, default=0)  # last item id considered
    next_digest_at: Mapped[datetime | None]
    last_digest_at: Mapped[datetime | None]
    subscribed_at: Mapped[datetime] = mapped_column(default=utcnow)
    unsubscribed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_chats_due", "active", "schedule_mode", "next_digest_at"),)


class DigestRow(Base):
    """The outbox: one digest for one chat, written with the watermark move in one transaction."""

    __tablename__ = "digests"
    __table_args__ = (Index("ix_digests_pending", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="scheduled")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    item_ids: Mapped[list[int]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending|sent|dropped
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    parts: Mapped[list[DigestPartRow]] = relationship(
        back_populates="digest", order_by="DigestPartRow.seq", cascade="all, delete-orphan"
    )


class DigestPartRow(Base):
    """One Telegram message of a digest; marked sent with its message_id as soon as accepted."""

    __tablename__ = "digest_parts"
    __table_args__ = (UniqueConstraint("digest_id", "seq"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    digest_id: Mapped[int] = mapped_column(ForeignKey("digests.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    sent_at: Mapped[datetime | None]

    digest: Mapped[DigestRow] = relationship(back_populates="parts")
