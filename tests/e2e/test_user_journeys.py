"""What a demanding user sees: odd inputs, both interface languages, groups, stale buttons,
digests with hostile headlines, and a chat that blocked the bot.

Every reply must say what was understood or what was wrong and what to do, in the chat's
language, and be a message Telegram accepts (the fake refuses bad HTML and over-long text).
"""

from __future__ import annotations

import html
from datetime import UTC, datetime, time, timedelta
from typing import Any

from bot.config import Config
from bot.domain import ScheduleMode
from tests.e2e.harness import make_config, running_bot
from tests.e2e.test_conversation_membership import until_inactive
from tests.e2e.test_conversation_topics import marked, press, say, settings_of
from tests.e2e.test_digest_delivery import eventually_stored
from tests.fakes.conftest_feed import feed_server  # noqa: F401  (fixture)
from tests.fakes.feed_server import FeedServer
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
        quoted = await say(fake, EN, EN, "/schedule “08:00”, '20:00'")
        assert "08:00, 20:00" in quoted.text
        french = await say(fake, EN, EN, "/schedule 20h 0730")
        assert "07:30, 20:00" in french.text
        assert (await settings_of(db_url, EN)).times == (time(7, 30), time(20))

        bad = await say(fake, EN, EN, "/schedule 25:00")
        assert "“25:00”" in bad.text and "/schedule 08:00 20:00" in bad.text
        assert (await settings_of(db_url, EN)).times == (time(7, 30), time(20)), "unchanged"

        off = await say(fake, EN, EN, "/schedule off")
        assert "/digest" in off.text
        on = await say(fake, EN, EN, "/schedule on")
        assert "every day at 07:30, 20:00" in on.text, "the times were kept"
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


async def test_topics_and_languages_by_their_names(
    fake_telegram: FakeTelegram, db_url: str
) -> None:
    fake = fake_telegram
    people(fake)
    async with running_bot(make_config(fake, db_url), fake):
        before_start = await say(fake, UK, UK, "/topics оборона Політика")
        assert "Теми: Оборона, Політика" in before_start.text
        assert "/start" in before_start.text, "not subscribed yet: nothing comes until /start"
        assert (await settings_of(db_url, UK)).topics == ("defense", "politics")
        langs = await say(fake, UK, UK, "/languages українська, English")
        assert "Мови новин: Українська, Англійська" in langs.text
        ua = await say(fake, UK, UK, "/languages ua")
        assert "Мови новин: Українська." in ua.text
        await say(fake, UK, UK, "/start")
        subscribed = await say(fake, UK, UK, "/topics усі")
        assert "усі теми" in subscribed.text and "/start" not in subscribed.text
        unknown = await say(fake, EN, EN, "/topics Sport")
        assert "“Sport”" in unknown.text and "defense: 🛡 Defense" in unknown.text
        zone = await say(fake, EN, EN, "/timezone EEST")
        assert "Time zone: Europe/Kyiv" in zone.text and "/start" in zone.text


# ---------------------------------------------------------------- digests from a real feed


def rss(*items: tuple[str, str]) -> bytes:
    """An RSS 2.0 document of (guid, title) items; titles are XML-escaped as a feed must."""
    entries = "".join(
        f"<item><title>{html.escape(title)}</title><link>https://news.example/{guid}</link>"
        f'<guid isPermaLink="false">{guid}</guid>'
        "<pubDate>Wed, 28 Jan 2026 09:40:12 +0000</pubDate></item>"
        for guid, title in items
    )
    head = '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title>'
    return f"{head}{entries}</channel></rss>".encode()


def feed_config(fake: FakeTelegram, db_url: str, url: str, **sections: Any) -> Config:
    source = {"id": "wire", "name": "Wire <&> News", "url": url, "interval": "1s"}
    return make_config(fake, db_url, sources=[source], polling={"first_poll_items": 0}, **sections)


async def subscribe(fake: FakeTelegram, chat: int, *commands: str, latest: str = "") -> None:
    """/start, then each command, each waited for; `latest`: a headline /start offers."""
    await say(fake, chat, chat, "/start")
    if latest:
        await fake.wait_for_message(chat, latest)
    for command in commands:
        await say(fake, chat, chat, command)


def digest_parts(fake: FakeTelegram, chat: int, since: int = 0) -> list[SentMessage]:
    """The bot's digest messages (header or continued section) after event `since`."""
    return [
        m
        for m in fake.sent(chat)
        if m.created_seq > since and m.text.startswith(("📰", "🗂", "🛡", "🏛", "🎭"))
    ]


HOSTILE = [
    ("amp", "Tom & Jerry <b>not bold</b> & 3 > 2 < 5 — NATO summit 🇺🇦🛡️🔥"),
    ("tag", "</a><i>Broken</i> &amp; &nbsp; <script>alert(1)</script> parliament vote"),
    ("long", "Parliament " + "very long headline with emoji 🎉 and words " * 20),
]


async def test_a_digest_of_hostile_headlines_is_valid_and_split(
    fake_telegram: FakeTelegram,
    feed_server: FeedServer,  # noqa: F811
    db_url: str,
) -> None:
    fake = fake_telegram
    people(fake)
    route = feed_server.add("/feed.xml", rss(("old", "Old story")))
    many = [(f"n{i:03d}", f"Story {i:03d} 🇺🇦 {'word ' * 30}& <more>") for i in range(80)]
    config = feed_config(fake, db_url, feed_server.url("/feed.xml"), digest={"max_items": 200})
    async with running_bot(config, fake, tick=timedelta(milliseconds=300)):
        await feed_server.wait_for_request("/feed.xml")
        await subscribe(fake, EN, "/schedule instant", latest="Old story")
        await subscribe(fake, UK, "/schedule instant", latest="Old story")
        since = fake.seq
        route.body = rss(("old", "Old story"), *HOSTILE, *many)
        for chat in (EN, UK):  # the first and the last story: every part has arrived
            await fake.wait_for_message(chat, "Story 000", timeout=15)
            await fake.wait_for_message(chat, "Story 079", timeout=15)

    for chat, other in ((EN, "🗂 Other"), (UK, "🗂 Інше")):
        parts = digest_parts(fake, chat, since)
        assert len(parts) >= 3, "80 long lines do not fit one message"
        text = "\n".join(part.text for part in parts)
        # markup in a title is the feed's formatting (dropped); <, > and & are text
        assert "Tom & Jerry not bold & 3 > 2 < 5 — NATO summit 🇺🇦🛡️🔥 —" in text
        assert "Broken & " in text and "parliament vote" in text
        assert "— Wire <&> News," in text
        assert "…" in text, "a very long headline is cut"
        for guid, _ in many:
            assert text.count(f"Story {guid[1:]}") == 1, f"{guid} once, in order of parts"
        assert "Old story" not in text
        assert parts[0].text.startswith("📰") and other in text
        assert all(not p.text.startswith("📰") for p in parts[1:]), "one header"
        assert all(p.link_preview_disabled for p in parts)
        assert "https://news.example/amp" in parts[0].links + [
            link for p in parts for link in p.links
        ]


async def test_nothing_matching_sends_nothing_and_digest_says_so(
    fake_telegram: FakeTelegram,
    feed_server: FeedServer,  # noqa: F811
    db_url: str,
) -> None:
    fake = fake_telegram
    people(fake)
    route = feed_server.add("/feed.xml", rss(("old", "Old story")))
    config = feed_config(fake, db_url, feed_server.url("/feed.xml"))
    async with running_bot(config, fake, tick=timedelta(milliseconds=300)):
        await feed_server.wait_for_request("/feed.xml")
        await subscribe(fake, UK, "/topics culture", "/languages uk", latest="Old story")
        since = fake.seq
        route.body = rss(("old", "Old story"), ("nato", "NATO army gets new weapons"))
        await eventually_stored(db_url, "NATO army gets new weapons")
        empty = await say(fake, UK, UK, "/digest")
        assert "Нічого нового за вашими темами та мовами" in empty.text
        assert "/topics" in empty.text and "/languages" in empty.text
        again = await say(fake, UK, UK, "/digest")
        assert "Нічого нового з" in again.text and "Наступний дайджест:" in again.text
    assert not digest_parts(fake, UK, since), "no empty digest is ever sent"


async def test_a_chat_that_blocked_the_bot_is_unsubscribed_and_can_come_back(
    fake_telegram: FakeTelegram,
    feed_server: FeedServer,  # noqa: F811
    db_url: str,
) -> None:
    fake = fake_telegram
    people(fake)
    route = feed_server.add("/feed.xml", rss(("old", "Old story")))
    config = feed_config(fake, db_url, feed_server.url("/feed.xml"))
    async with running_bot(config, fake, tick=timedelta(milliseconds=300)):
        await feed_server.wait_for_request("/feed.xml")
        await subscribe(fake, EN, "/schedule instant", latest="Old story")
        await subscribe(fake, UK, "/schedule instant", latest="Old story")
        fake.block(EN)  # blocked; the my_chat_member update was lost
        fake.fail_next("sendMessage", UK, error_code=429, retry_after=1)
        route.body = rss(("old", "Old story"), ("p1", "Parliament passes the budget"))
        await fake.wait_for_message(UK, "Parliament passes", timeout=15)
        await until_inactive(fake, db_url, EN)

        back = await say(fake, EN, EN, "/start")  # writing again unblocks, as in Telegram
        assert "Welcome back" in back.text
        assert (await settings_of(db_url, EN)).active
    assert len([m for m in fake.sent(UK) if "Parliament passes" in m.text]) == 1


async def test_impatient_user_sends_commands_at_once(
    fake_telegram: FakeTelegram, db_url: str
) -> None:
    """Updates are handled concurrently: a new chat's first commands must not race."""
    fake = fake_telegram
    people(fake)
    async with running_bot(make_config(fake, db_url), fake):
        for text in ("/start", "/topics defense", "/schedule 9:00", "/start", "/languages en"):
            await fake.user_sends(UK, UK, text)
        for expected in ("Вітаю", "Теми: Оборона", "09:00", "Мови новин: Англійська"):
            await fake.wait_for_message(UK, expected)
        fake.fail_next("sendMessage", EN, error_code=429, retry_after=1)
        slowed = await say(fake, EN, EN, "/help")  # Telegram said "too many": retried
        assert "/topics" in slowed.text
    for chat in (UK, EN):
        assert not [m for m in fake.sent(chat) if "went wrong" in m.text]
    settings = await settings_of(db_url, UK)
    assert settings.active and settings.topics == ("defense",) and settings.times == (time(9),)


async def test_added_to_a_group_by_a_startgroup_link(
    fake_telegram: FakeTelegram, db_url: str
) -> None:
    """t.me/<bot>?startgroup=defense-politics: Telegram adds the bot and, at once, posts
    "/start@<bot> defense-politics" from the adder; both updates arrive together."""
    fake = fake_telegram
    fake.add_user(ADMIN, "Admin", language_code="uk")
    async with running_bot(make_config(fake, db_url), fake):
        fake.bot_added_to_group(-990, ADMIN, title="Громада")
        await fake.user_sends(-990, ADMIN, f"/start@{BOT_USERNAME} defense-politics")
        await fake.wait_for_message(-990, "Вітаю всіх")
        await fake.wait_for_message(-990, "Оборона, Політика")
        member = await say(fake, -990, MEMBER, f"/topics@{BOT_USERNAME} culture")
        assert "адміністратори" in member.text
    settings = await settings_of(db_url, -990)
    assert settings.active and settings.topics == ("defense", "politics")
    assert not [m for m in fake.sent(-990) if "не так" in m.text]
