"""The digest cycle with an injected clock: who gets what, when, and exactly once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from bot.config import DigestConfig
from bot.db import chats
from bot.db import items as items_repo
from bot.db.engine import Database
from bot.db.models import ChatRow, DigestRow, SourceRow
from bot.digest.schedule import next_run
from bot.digest_cycle import DigestBuilder
from bot.domain import Item, ScheduleMode, Topic

KYIV = "Europe/Kyiv"
TOPICS = (
    Topic("defense", {"en": "Defense", "uk": "Оборона"}, emoji="🛡"),
    Topic("culture", {"en": "Culture", "uk": "Культура"}, emoji="🎭"),
)
DEFAULTS = chats.ChatDefaults(languages=(), times=(time(8), time(20)), timezone=KYIV)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def item(key: str, title: str, language: str, topic: str, at: datetime) -> Item:
    return Item(
        source_id="src",
        key=key,
        url=f"https://news.example/{key}",
        title=title,
        summary="",
        language=language,
        topics=(topic,),
        published_at=at,
    )


async def store(db: Database, clock: Clock, *new: Item) -> None:
    async with db.transaction() as s:
        if await s.get(SourceRow, "src") is None:
            s.add(SourceRow(id="src", url="https://news.example/feed", error_count=0))
            await s.flush()
        await items_repo.store_items(s, list(new), now=clock())


async def subscribe(db: Database, clock: Clock, chat_id: int, **changes: object) -> None:
    async with db.transaction() as s:
        row, _ = await chats.ensure_chat(
            s,
            chat_id,
            chat_type="private",
            title=None,
            ui_language="uk",
            defaults=DEFAULTS,
            now=clock(),
        )
        settings = replace(chats.to_settings(row), **changes)  # type: ignore[arg-type]
        due = next_run(settings.times, settings.timezone, clock())
        due = due if settings.mode is ScheduleMode.TIMES else None
        await chats.activate(s, row, now=clock(), next_digest_at=due)
        await chats.save_settings(s, settings, next_digest_at=due)


async def outbox(db: Database) -> dict[int, list[str]]:
    """Each chat's digests as the joined text of their parts, by Telegram chat id."""
    found: dict[int, list[str]] = {}
    async with db.transaction() as s:
        rows = (await s.execute(select(DigestRow).order_by(DigestRow.id))).scalars().all()
        for digest in rows:
            await s.refresh(digest, ["parts"])
            chat = await s.get(ChatRow, digest.chat_id)
            assert chat is not None
            found.setdefault(chat.telegram_id, []).append("\n".join(p.text for p in digest.parts))
    return found


def builder(db: Database, clock: Clock) -> DigestBuilder:
    return DigestBuilder(db, TOPICS, {"src": "Рубрика"}, DigestConfig(), clock)


async def test_chats_get_their_languages_topics_and_times(database: Database) -> None:
    clock = Clock(datetime(2026, 1, 28, 15, 0, tzinfo=UTC))  # 17:00 in Kyiv
    await store(database, clock, item("old", "Старе оборонне", "uk", "defense", clock()))
    await subscribe(database, clock, 1, languages=("uk",), topics=("defense",))
    await subscribe(database, clock, 2, languages=("en",), mode=ScheduleMode.INSTANT)
    await subscribe(database, clock, 3, mode=ScheduleMode.OFF)

    clock.now += timedelta(minutes=30)
    await store(
        database,
        clock,
        item("uk-def", "Міноборони працює над бронежилетами", "uk", "defense", clock()),
        item("uk-cul", "У Львові відкрили Культурний хаб ЮНЕСКО", "uk", "culture", clock()),
        item("en-def", "NATO to share classified data with EU", "en", "defense", clock()),
    )
    digests = builder(database, clock)
    assert await digests.cycle() == 1  # only the instant chat: 20:00 has not come yet
    sent = await outbox(database)
    assert list(sent) == [2]
    assert "NATO to share classified data" in sent[2][0]
    assert "Міноборони" not in sent[2][0]

    clock.now = datetime(2026, 1, 28, 18, 0, 30, tzinfo=UTC)  # 20:00:30 in Kyiv
    assert await digests.cycle() == 1
    sent = await outbox(database)
    assert len(sent[1]) == 1
    assert "Міноборони працює над бронежилетами" in sent[1][0]
    assert "ЮНЕСКО" not in sent[1][0] and "NATO" not in sent[1][0]
    assert "Старе" not in sent[1][0], "items older than the subscription are not sent"
    assert 3 not in sent, "a chat with the schedule off gets nothing on its own"

    assert await digests.cycle() == 0, "the same items are never sent twice"


async def test_downtime_gives_one_catch_up_and_empty_digests_are_not_sent(
    database: Database,
) -> None:
    clock = Clock(datetime(2026, 1, 28, 5, 0, tzinfo=UTC))
    await subscribe(database, clock, 1)
    await store(database, clock, item("a", "Новина про оборону", "uk", "defense", clock()))
    clock.now += timedelta(days=3)  # the bot was down for six scheduled times
    digests = builder(database, clock)
    assert await digests.cycle() == 1
    assert await digests.cycle() == 0
    async with database.transaction() as s:
        row = await chats.get_row(s, 1)
    assert row is not None and row.next_digest_at is not None
    assert row.next_digest_at > clock(), "the next slot is in the future, not a missed one"

    clock.now = row.next_digest_at + timedelta(seconds=5)
    assert await digests.cycle() == 0, "nothing new: nothing is sent on a schedule"
    assert len((await outbox(database))[1]) == 1


async def test_manual_digest_moves_the_watermark(database: Database) -> None:
    clock = Clock(datetime(2026, 1, 28, 10, 0, tzinfo=UTC))
    await subscribe(database, clock, 5, mode=ScheduleMode.OFF)
    digests = builder(database, clock)
    nothing = await digests.manual(5)
    assert nothing is not None and nothing.digest.empty
    await store(database, clock, item("b", "Новина", "uk", "culture", clock()))
    got = await digests.manual(5)
    assert got is not None and not got.digest.empty
    again = await digests.manual(5)
    assert again is not None and again.digest.empty
    assert await digests.manual(999) is None
