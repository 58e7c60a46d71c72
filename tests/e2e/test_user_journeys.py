"""What a demanding user sees: odd inputs, both interface languages, groups, stale buttons,
digests with hostile headlines, and a chat that blocked the bot.

Every reply must say what was understood or what was wrong and what to do, in the chat's
language, and be a message Telegram accepts (the fake refuses bad HTML and over-long text).
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from bot.domain import ScheduleMode
from tests.e2e.harness import make_config, running_bot
from tests.e2e.test_conversation_topics import marked, press, say, settings_of
from tests.fakes.telegram import BOT_USERNAME, FakeTelegram, SentMessage

NOW = datetime(2026, 1, 28, 10, 0, tzinfo=UTC)  # 12:00 in Kyiv
GROUP, ADMIN, MEMBER = -800, 61, 62
EN, UK, RU, DE = 1, 2, 3, 4


def clock() -> datetime:
    return NOW


def people(fake: FakeTelegram) -> None:
    fake.add_private_chat(EN, "John", language_code="en")
    fake.add_private_chat(UK, "Olena", language_code="uk")
    fake.add_private_chat(RU, "Ivan", language_code="ru")
    fake.add_private_chat(DE, "Hans", language_code=None)
    fake.add_group(GROUP, admins=[ADMIN], members=[MEMBER])


def fits(message: SentMessage) -> None:
    """Telegram would have refused it otherwise; the fake already checked, this documents."""
    assert message.text.strip()
    assert len(message.text) <= 4096


async def test_schedule_as_people_type_it(fake_telegram: FakeTelegram, db_url: str) -> None:
    fake = fake_telegram
    people(fake)
    async with running_bot(make_config(fake, db_url), fake, clock=clock):
        await say(fake, EN, EN, "/start")
        one = await say(fake, EN, EN, "/schedule 8")
        assert "every day at 08:00 (Europe/Kyiv)" in one.text
        assert "Next digest: 29.01 08:00" in one.text
        two = await say(fake, EN, EN, "/schedule 08:00 20:00")
        assert "08:00, 20:00" in two.text and "Next digest: 20:00" in two.text
        commas = await say(fake, EN, EN, "/schedule 8:00,20:00")
        assert "08:00, 20:00" in commas.text
        ampm = await say(fake, EN, EN, "/schedule 7am 6:30pm")
        assert "07:00, 18:30" in ampm.text
        spaced = await say(fake, EN, EN, "/schedule 9 am, 9 pm")
        assert "09:00, 21:00" in spaced.text
        french = await say(fake, EN, EN, "/schedule 20h 0730")
        assert "07:30, 20:00" in french.text
        assert (await settings_of(db_url, EN)).times == (time(7, 30), time(20))

        bad = await say(fake, EN, EN, "/schedule 25:00")
        assert "“25:00”" in bad.text and "/schedule 08:00 20:00" in bad.text
        assert (await settings_of(db_url, EN)).times == (time(7, 30), time(20)), "unchanged"

        off = await say(fake, EN, EN, "/schedule off")
        assert "/digest" in off.text
        instant = await say(fake, EN, EN, "/schedule instant")
        assert "as soon as news arrives" in instant.text
        screen = await say(fake, EN, EN, "/schedule")
        assert "Schedule" in screen.text and marked(screen) == {"⚡ As news arrives"}

        uk_bad = await say(fake, UK, UK, "/schedule опівдні")
        assert "“опівдні”" in uk_bad.text and "/schedule 08:00 20:00" in uk_bad.text
        uk_off = await say(fake, UK, UK, "/schedule вимкнути")
        assert "лише коли ви надсилаєте /digest" in uk_off.text
        assert (await settings_of(db_url, UK)).mode is ScheduleMode.OFF


async def test_timezone_as_people_type_it(fake_telegram: FakeTelegram, db_url: str) -> None:
    fake = fake_telegram
    people(fake)
    async with running_bot(make_config(fake, db_url), fake, clock=clock):
        await say(fake, EN, EN, "/start")
        city = await say(fake, EN, EN, "/timezone Kyiv")
        assert "Time zone: Europe/Kyiv" in city.text and "12:00" in city.text
        iana = await say(fake, EN, EN, "/timezone Europe/Kyiv")
        assert "Time zone: Europe/Kyiv" in iana.text

        plus_two = await say(fake, EN, EN, "/timezone UTC+2")
        assert "UTC+2" in plus_two.text and "12:00" in plus_two.text, plus_two.text
        assert (await settings_of(db_url, EN)).timezone == "Etc/GMT-2"
        plus_three = await say(fake, EN, EN, "/timezone +3")
        assert "UTC+3" in plus_three.text and "13:00" in plus_three.text
        gmt = await say(fake, EN, EN, "/timezone GMT+3")
        assert "13:00" in gmt.text, "GMT+3 is three hours ahead, not behind"
        minus = await say(fake, EN, EN, "/timezone UTC-5")
        assert "UTC-5" in minus.text and "05:00" in minus.text
        settings = await say(fake, EN, EN, "/settings")
        assert "Time zone: UTC-5" in settings.text and "(UTC-5)" in settings.text

        garbage = await say(fake, EN, EN, "/timezone qwertyuiop")
        assert "“qwertyuiop”" in garbage.text and "/timezone Europe/Kyiv" in garbage.text
        assert (await settings_of(db_url, EN)).timezone == "Etc/GMT+5", "unchanged"
        too_far = await say(fake, EN, EN, "/timezone UTC+15")
        assert "“UTC+15”" in too_far.text

        uk = await say(fake, UK, UK, "/timezone UTC+2")
        assert "Часовий пояс: UTC+2" in uk.text
        uk_garbage = await say(fake, UK, UK, "/timezone абвгд")
        assert "«абвгд»" in uk_garbage.text and "Europe/Kyiv" in uk_garbage.text


async def test_huge_arguments_get_a_short_clear_answer(
    fake_telegram: FakeTelegram, db_url: str
) -> None:
    fake = fake_telegram
    people(fake)
    junk = " ".join(f"<b>&junk{i}" for i in range(500))  # ~5,000 characters of nonsense
    async with running_bot(make_config(fake, db_url), fake, clock=clock):
        for command, hint in (
            ("/schedule", "/schedule 08:00 20:00"),
            ("/topics", "/topics all"),
            ("/languages", "/languages all"),
            ("/timezone", "/timezone Europe/Kyiv"),
            ("/language", "/language uk"),
        ):
            answer = await say(fake, EN, EN, f"{command} {junk[:4000]}")
            fits(answer)
            assert hint in answer.text, (command, answer.text[:300])
            assert "went wrong" not in answer.text


async def test_unknown_commands_and_plain_text(fake_telegram: FakeTelegram, db_url: str) -> None:
    fake = fake_telegram
    people(fake)
    async with running_bot(make_config(fake, db_url), fake):
        foo = await say(fake, EN, EN, "/foo")
        assert "/foo" in foo.text and "/help" in foo.text
        typo = await say(fake, EN, EN, "/setings")
        assert "/setings" in typo.text and "Did you mean /settings?" in typo.text
        uk_foo = await say(fake, UK, UK, "/foo")
        assert "/foo" in uk_foo.text and "команди" in uk_foo.text
        text = await say(fake, EN, EN, "hello?")
        assert "/help" in text.text
        upper = await say(fake, EN, EN, "/HELP")
        assert "/topics" in upper.text, "commands are not case-sensitive"

        ru = await say(fake, RU, RU, "/start")
        assert "Hello" in ru.text, "other Telegram languages get English"
        nolang = await say(fake, DE, DE, "/help")
        assert "/topics" in nolang.text

        addressed = await say(fake, GROUP, MEMBER, f"/foo@{BOT_USERNAME}")
        assert "/foo" in addressed.text and "/help" in addressed.text
        before = len(fake.sent(GROUP))
        await fake.user_sends(GROUP, MEMBER, "/foo")  # may be for another bot: stay silent
        await fake.user_sends(GROUP, MEMBER, "/help@other_bot")
        await say(fake, GROUP, MEMBER, f"/help@{BOT_USERNAME}")
        assert len(fake.sent(GROUP)) == before + 1


async def test_stop_start_and_digest_when_nothing_is_new(
    fake_telegram: FakeTelegram, db_url: str
) -> None:
    fake = fake_telegram
    people(fake)
    async with running_bot(make_config(fake, db_url), fake, clock=clock):
        never = await say(fake, EN, EN, "/digest")
        assert "/start" in never.text
        await say(fake, EN, EN, "/start")
        empty = await say(fake, EN, EN, "/digest")
        assert "Nothing new" in empty.text and "Next digest: 20:00" in empty.text
        await say(fake, EN, EN, "/schedule off")
        empty_off = await say(fake, EN, EN, "/digest")
        assert "Nothing new" in empty_off.text and "as it arrives" not in empty_off.text
        await say(fake, EN, EN, "/schedule instant")
        empty_instant = await say(fake, EN, EN, "/digest")
        assert "as soon as" in empty_instant.text

        stopped = await say(fake, EN, EN, "/stop")
        assert "Unsubscribed" in stopped.text
        again = await say(fake, EN, EN, "/stop")
        assert "not subscribed" in again.text and "/start" in again.text
        after_stop = await say(fake, EN, EN, "/digest")
        assert "/start" in after_stop.text
        back = await say(fake, EN, EN, "/start")
        assert "Welcome back" in back.text and "as soon as news arrives" in back.text

        uk_stop = await say(fake, UK, UK, "/stop")
        assert "не підписані" in uk_stop.text
        await say(fake, UK, UK, "/start")
        uk_empty = await say(fake, UK, UK, "/digest")
        assert "Нічого нового" in uk_empty.text and "Наступний дайджест: 20:00" in uk_empty.text


async def test_old_buttons_and_the_same_button_twice(
    fake_telegram: FakeTelegram, db_url: str
) -> None:
    fake = fake_telegram
    people(fake)
    async with running_bot(make_config(fake, db_url), fake, clock=clock):
        welcome = await say(fake, EN, EN, "/start")
        schedule = await say(fake, EN, EN, "/schedule")
        await press(fake, EN, EN, schedule, "08:00")
        again = await press(fake, EN, EN, schedule, "08:00")
        assert "every day at 08:00 (Europe/Kyiv)" in schedule.text
        assert again.get("text"), "a press that changes nothing still says so"
        assert (await settings_of(db_url, EN)).times == (time(8),)

        await say(fake, EN, EN, "/stop")
        await press(fake, EN, EN, welcome, "Culture")  # the welcome's buttons still work
        assert (await settings_of(db_url, EN)).topics == ("defense", "politics")
        assert not (await settings_of(db_url, EN)).active, "a press does not resubscribe"

        settings = await say(fake, UK, UK, "/settings")
        await press(fake, UK, UK, settings, "Часовий пояс")
        await press(fake, UK, UK, settings, "Europe/London")
        await press(fake, UK, UK, settings, "Готово")
        assert "Збережено" in settings.text and settings.buttons == []
    assert not fake.unanswered_callback_queries()


async def test_group_commands_with_the_bot_name(fake_telegram: FakeTelegram, db_url: str) -> None:
    fake = fake_telegram
    people(fake)
    async with running_bot(make_config(fake, db_url), fake, clock=clock):
        refused = await say(fake, GROUP, MEMBER, f"/start@{BOT_USERNAME}")
        assert "administrators" in refused.text
        started = await say(fake, GROUP, ADMIN, f"/start@{BOT_USERNAME}")
        assert "Hello" in started.text
        shown = await say(fake, GROUP, MEMBER, f"/schedule@{BOT_USERNAME}")
        assert "08:00, 20:00" in shown.text
        set_ = await say(fake, GROUP, ADMIN, f"/schedule@{BOT_USERNAME} 9:00, 21:00")
        assert "09:00, 21:00" in set_.text
        member_digest = await say(fake, GROUP, MEMBER, f"/digest@{BOT_USERNAME}")
        assert "Nothing new" in member_digest.text
        stop = await say(fake, GROUP, MEMBER, f"/stop@{BOT_USERNAME}")
        assert "administrators" in stop.text
        assert (await settings_of(db_url, GROUP)).active
