"""/languages, /schedule and /timezone: buttons, typed values, bad values, groups."""

from __future__ import annotations

from datetime import UTC, datetime, time

from bot.db import chats
from bot.db.engine import Database, make_engine
from bot.domain import ScheduleMode
from tests.e2e.harness import make_config, running_bot
from tests.e2e.test_conversation_topics import marked, press, say, settings_of
from tests.fakes.telegram import BOT_USERNAME, FakeTelegram

NOW = datetime(2026, 1, 28, 10, 0, tzinfo=UTC)  # 12:00 in Kyiv
GROUP, ADMIN, MEMBER = -700, 21, 22


def clock() -> datetime:
    return NOW


async def next_digest_at(db_url: str, chat_id: int) -> datetime | None:
    db = Database(make_engine(db_url))
    try:
        async with db.transaction() as session:
            row = await chats.get_row(session, chat_id)
    finally:
        await db.dispose()
    assert row is not None
    due = row.next_digest_at
    return None if due is None else due.replace(tzinfo=due.tzinfo or UTC)


async def test_news_languages(fake_telegram: FakeTelegram, db_url: str) -> None:
    fake = fake_telegram
    fake.add_private_chat(1, "John", language_code="en")
    fake.add_private_chat(2, "Olena", language_code="uk")
    fake.add_group(GROUP, admins=[ADMIN], members=[MEMBER])
    config = make_config(fake, db_url, digest={"languages": ["uk", "en", "de"]})
    async with running_bot(config, fake):
        screen = await say(fake, 1, 1, "/languages")
        assert "News languages" in screen.text and "/language" in screen.text
        assert marked(screen) == {"Ukrainian", "English", "German"}
        await press(fake, 1, 1, screen, "German")
        assert marked(screen) == {"Ukrainian", "English"}
        await press(fake, 1, 1, screen, "English")
        refused = await press(fake, 1, 1, screen, "Ukrainian")
        assert refused.get("show_alert") and "at least one" in str(refused["text"])
        assert (await settings_of(db_url, 1)).languages == ("uk",)
        await press(fake, 1, 1, screen, "All")
        assert marked(screen) == {"Ukrainian", "English", "German", "All"}
        assert (await settings_of(db_url, 1)).languages == ()

        uk_screen = await say(fake, 2, 2, "/languages")
        assert "Мови новин" in uk_screen.text
        assert {"Українська", "Англійська", "Німецька"} <= marked(uk_screen)

        typed = await say(fake, 2, 2, "/languages uk,en")
        assert "Мови новин: Українська, Англійська" in typed.text
        assert (await settings_of(db_url, 2)).languages == ("uk", "en")
        bad = await say(fake, 2, 2, "/languages klingon")
        assert "“klingon”" in bad.text and "uk: Українська" in bad.text

        no = await say(fake, GROUP, MEMBER, f"/languages@{BOT_USERNAME} en")
        assert "administrators" in no.text
        yes = await say(fake, GROUP, ADMIN, f"/languages@{BOT_USERNAME} en")
        assert "News languages: English" in yes.text
    assert not fake.unanswered_callback_queries()


async def test_schedule(fake_telegram: FakeTelegram, db_url: str) -> None:
    fake = fake_telegram
    fake.add_private_chat(1, "John", language_code="en")
    fake.add_private_chat(2, "Olena", language_code="uk")
    fake.add_group(GROUP, admins=[ADMIN], members=[MEMBER])
    async with running_bot(make_config(fake, db_url), fake, clock=clock):
        await say(fake, 1, 1, "/start")
        shown = await say(fake, 1, 1, "/schedule")
        assert "every day at 08:00, 20:00 (Europe/Kyiv)" in shown.text
        assert marked(shown) == {"08:00, 20:00"}

        typed = await say(fake, 1, 1, "/schedule 21:30 7.00")
        assert "07:00, 21:30" in typed.text and "Next digest: 21:30" in typed.text
        settings = await settings_of(db_url, 1)
        assert settings.times == (time(7), time(21, 30)) and settings.mode is ScheduleMode.TIMES
        assert await next_digest_at(db_url, 1) == datetime(2026, 1, 28, 19, 30, tzinfo=UTC)

        instant = await say(fake, 1, 1, "/schedule instant")
        assert "as soon as news arrives" in instant.text
        assert (await settings_of(db_url, 1)).mode is ScheduleMode.INSTANT
        assert await next_digest_at(db_url, 1) is None

        off = await say(fake, 1, 1, "/schedule off")
        assert "/digest" in off.text
        assert (await settings_of(db_url, 1)).mode is ScheduleMode.OFF

        bad = await say(fake, 1, 1, "/schedule 25:00 noon")
        assert "“25:00”, “noon”" in bad.text and "08:00 20:00" in bad.text
        many = await say(fake, 1, 1, "/schedule 1:00 2:00 3:00 4:00 5:00 6:00 7:00")
        assert "At most 6" in many.text
        assert (await settings_of(db_url, 1)).mode is ScheduleMode.OFF, "unchanged"

        screen = await say(fake, 2, 2, "/schedule")
        assert "Розклад" in screen.text
        await press(fake, 2, 2, screen, "08:00")  # "08:00" alone is the first such preset
        assert "щодня о 08:00 (Europe/Kyiv)" in screen.text
        await press(fake, 2, 2, screen, "Щойно")
        assert "щойно з'являються новини" in screen.text
        assert (await settings_of(db_url, 2)).mode is ScheduleMode.INSTANT
        not_subscribed = await say(fake, 2, 2, "/schedule 9:00")
        assert "09:00" in not_subscribed.text and "/start" in not_subscribed.text

        no = await say(fake, GROUP, MEMBER, f"/schedule@{BOT_USERNAME} off")
        assert "administrators" in no.text
        group_screen = await say(fake, GROUP, MEMBER, f"/schedule@{BOT_USERNAME}")
        answer = await press(fake, GROUP, MEMBER, group_screen, "Only on /digest")
        assert answer.get("show_alert")
        yes = await say(fake, GROUP, ADMIN, f"/schedule@{BOT_USERNAME} 12:00")
        assert "12:00" in yes.text
    assert not fake.unanswered_callback_queries()


async def test_timezone(fake_telegram: FakeTelegram, db_url: str) -> None:
    fake = fake_telegram
    fake.add_private_chat(1, "John", language_code="en")
    fake.add_private_chat(2, "Olena", language_code="uk")
    fake.add_group(GROUP, admins=[ADMIN], members=[MEMBER])
    async with running_bot(make_config(fake, db_url), fake, clock=clock):
        await say(fake, 1, 1, "/start")
        lower = await say(fake, 1, 1, "/timezone america/new_york")
        assert "Time zone: America/New_York" in lower.text and "05:00" in lower.text
        assert (await settings_of(db_url, 1)).timezone == "America/New_York"
        # 08:00 in New York on 28 January is 13:00 UTC
        assert await next_digest_at(db_url, 1) == datetime(2026, 1, 28, 13, 0, tzinfo=UTC)

        city = await say(fake, 2, 2, "/timezone Київ")
        assert "Часовий пояс: Europe/Kyiv" in city.text

        wrong = await say(fake, 1, 1, "/timezone Europe/Kyyiv")
        assert "Europe/Kyiv" in wrong.text and "Did you mean" in wrong.text
        await press(fake, 1, 1, wrong, "Europe/Kyiv")
        assert "Time zone: Europe/Kyiv" in wrong.text and "✅ Europe/Kyiv" in str(wrong.buttons)
        assert (await settings_of(db_url, 1)).timezone == "Europe/Kyiv"

        nonsense = await say(fake, 1, 1, "/timezone qwertyuiopasdf")
        assert "Europe/Kyiv" in nonsense.text and "Region/City" in nonsense.text

        screen = await say(fake, 2, 2, "/timezone")
        await press(fake, 2, 2, screen, "Europe/London")
        assert "Часовий пояс</b>" not in screen.text and "Europe/London" in screen.text
        assert (await settings_of(db_url, 2)).timezone == "Europe/London"

        no = await say(fake, GROUP, MEMBER, f"/timezone@{BOT_USERNAME} UTC")
        assert "administrators" in no.text
        yes = await say(fake, GROUP, ADMIN, f"/timezone@{BOT_USERNAME} utc")
        assert "Time zone: UTC" in yes.text
    assert not fake.unanswered_callback_queries()
