"""A fake Telegram Bot API server for tests and benchmarks.

The real python-telegram-bot ``Application`` talks to it over HTTP (``base_url(fake.base_url)``),
so tests exercise the bot's real request building, error handling and update loop; nothing in
PTB is patched. Answers have Telegram's shapes and error wording, and the fake checks what
Telegram checks (HTML, length, keyboards) so bugs show up here rather than in production.

Tests drive it as a user would (``user_sends``, ``user_presses``), read what the bot did
(``sent``, ``calls``), wait on events (``wait_for_message``; never sleeps), and inject faults
(``fail_next``, ``block``, ``migrate``, ``limits=True``)::

    async with FakeTelegram() as fake:
        fake.add_private_chat(42, "Olena", language_code="uk")
        app = ApplicationBuilder().token(fake.token).base_url(fake.base_url).build()
        ...  # add handlers, initialize, start, updater.start_polling(timeout=...)
        await fake.user_sends(42, 42, "/start")
        reply = await fake.wait_for_message(42, "Welcome")

Waits start, by default, from the user's last action in the chat, so "the reply to what the
user just did" needs no bookkeeping; pass ``since=fake.seq`` to wait only for later events.
Run ``python -m tests.fakes.telegram --private-chats N [--limits]`` to serve it from its own
process (benchmarks); ``GET /_fake/stats`` then reports the counts.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web

from tests.fakes.telegram_html import (
    MAX_MESSAGE_LENGTH,
    HtmlParseError,
    ParsedText,
    parse_message_text,
    utf16_len,
)
from tests.fakes.telegram_limits import RateLimiter, RateLimits
from tests.fakes.telegram_records import (
    ADMIN_RIGHTS,
    JSON,
    ApiError,
    Call,
    CallbackQueryRecord,
    FakeChat,
    FakeStats,
    FakeUser,
    SentMessage,
)
from tests.fakes.telegram_requests import check_markup, link_preview, read_params

__all__ = [
    "BOT_USERNAME",
    "DEFAULT_TOKEN",
    "ApiError",
    "Call",
    "CallbackQueryRecord",
    "FakeChat",
    "FakeStats",
    "FakeTelegram",
    "FakeUser",
    "RateLimits",
    "SentMessage",
]

T = TypeVar("T")

DEFAULT_TOKEN = "123456789:TEST-newsbot-fake-token"
BOT_USERNAME = "newsbot_test_bot"

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
GET_UPDATES_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
# Telegram leaves these out of getUpdates unless they are asked for by name.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_BOT_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")


def _command_entities(text: str) -> list[JSON]:
    """`bot_command` entities for every /command in the text, offsets in UTF-16 units."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: m.start()]),
            "length": utf16_len(m.group()),
        }
        for m in _COMMAND.finditer(text)
    ]


@dataclass
class _Fault:
    method: str
    chat_id: int | None
    error: ApiError | None  # None: drop the connection instead of answering
    times: int


@dataclass
class _Waiter:
    check: Callable[[], Any]
    future: asyncio.Future[Any]


class _Disconnect(Exception):
    """Close the connection without an answer (a network failure as the client sees it)."""


Predicate = Callable[[SentMessage], bool] | str | None


class FakeTelegram:
    """The fake server plus the test-side API; see the module docstring."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        username: str = BOT_USERNAME,
        limits: bool | RateLimits = False,
        clock: Callable[[], float] = time.monotonic,
        privacy_mode: bool = True,
        record_calls: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.username = username
        self.privacy_mode = privacy_mode
        self.record_calls = record_calls
        self.stats = FakeStats()
        self.rate_limiter: RateLimiter | None = None
        if limits:
            self.rate_limiter = RateLimiter(
                limits if isinstance(limits, RateLimits) else RateLimits(), clock
            )
            self.stats.rate_limited_by = self.rate_limiter.rejected
        self._host, self._port = host, port
        self._runner: web.AppRunner | None = None
        self._closing = False
        self._users: dict[int, FakeUser] = {}
        self._chats: dict[int, FakeChat] = {}
        self._bot_messages: dict[int, dict[int, SentMessage]] = {}
        self._user_messages: dict[tuple[int, int], JSON] = {}
        self._updates: deque[JSON] = deque()
        self._next_update_id = 100_000
        self._fetched_up_to = 0
        self._updates_changed = asyncio.Event()
        self._poll_generation = 0
        self._polls_waiting = 0
        self._allowed_updates: frozenset[str] | None = None
        self._webhook_url = ""
        self._calls: list[Call] = []
        self._faults: list[_Fault] = []
        self._callback_queries: dict[str, CallbackQueryRecord] = {}
        self._next_query_id = 4_000_000_000
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._waiters: list[_Waiter] = []
        self._seq = 0
        self._mark = 0  # seq at the last user action in any chat
        self._handlers: dict[str, Callable[[JSON], Any]] = {
            "getme": self._get_me,
            "logout": _true,
            "close": _true,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "setmydescription": _true,
            "setmyshortdescription": _true,
            "setmyname": _true,
            "setchatmenubutton": _true,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback_query,
            "getchat": self._get_chat,
            "getchatmember": self._get_chat_member,
            "getchatadministrators": self._get_chat_administrators,
            "getchatmembercount": self._get_chat_member_count,
            "sendchataction": self._send_chat_action,
        }

    # ------------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``; valid after ``start()``."""
        return f"http://{self._host}:{self._port}"

    @property
    def base_url(self) -> str:
        """What to give PTB's ``ApplicationBuilder().base_url(...)``."""
        return f"{self.url}/bot"

    @property
    def bot_user(self) -> JSON:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Newsbot Test",
            "username": self.username,
        }

    async def start(self) -> None:
        self._closing = False
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/_fake/stats", self._handle_stats)
        self._runner = web.AppRunner(
            app, handler_cancellation=True, shutdown_timeout=1.0, access_log=None
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Stop; a pending long poll returns at once so the bot's shutdown is not delayed."""
        self._closing = True
        self._updates_changed.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ world setup

    def add_user(
        self,
        user_id: int,
        first_name: str | None = None,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> FakeUser:
        user = FakeUser(user_id, first_name or f"User{user_id}", last_name, username, language_code)
        self._users[user_id] = user
        return user

    def add_private_chat(
        self,
        user_id: int,
        first_name: str | None = None,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> FakeChat:
        """A user who has started the bot; the chat id is the user id, as in Telegram."""
        if user_id <= 0:
            raise ValueError("private chat ids (user ids) are positive")
        user = self.add_user(
            user_id,
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        chat = FakeChat(user_id, "private", user=user)
        self._chats[user_id] = chat
        return chat

    def add_group(
        self,
        chat_id: int,
        title: str = "Test group",
        *,
        admins: Iterable[int] = (),
        members: Iterable[int] = (),
        creator: int | None = None,
        supergroup: bool = False,
        bot_is_admin: bool = False,
        username: str | None = None,
    ) -> FakeChat:
        """A group with the bot in it; unknown user ids become users named ``User<id>``."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative (supergroups: -100...)")
        admin_ids, member_ids = list(admins), list(members)
        for uid in [*admin_ids, *member_ids, *([creator] if creator is not None else [])]:
            if uid not in self._users:
                self.add_user(uid)
        chat = FakeChat(
            chat_id,
            "supergroup" if supergroup else "group",
            title=title,
            creator=creator,
            admins=admin_ids,
            members=member_ids,
            bot_status="administrator" if bot_is_admin else "member",
            username=username,
        )
        self._chats[chat_id] = chat
        return chat

    def chat(self, chat_id: int) -> FakeChat:
        """The chat's record (type, people, bot status, block/migration state)."""
        return self._known_chat(chat_id)

    # ------------------------------------------------------------------ users act

    async def user_sends(
        self, chat_id: int, user_id: int, text: str, *, reply_to: int | None = None
    ) -> int | None:
        """The user types ``text``; returns the update id, or ``None`` when Telegram would not
        deliver it: a group the bot is not in, or, with privacy mode on and the bot not an
        admin, group chatter that is no command for this bot, reply to it or mention of it.

        Commands get ``bot_command`` entities. A user who blocked the bot and writes again has
        restarted it: the bot first gets the ``my_chat_member`` update that says so.
        """
        chat = self._known_chat(chat_id)
        if chat.type == "private" and chat_id != user_id:
            raise ValueError("in a private chat the chat id is the user id")
        user = self._users.get(user_id) or self.add_user(user_id)
        if chat.type != "private" and chat.status_of(user_id) == "left":
            chat.members.append(user_id)
        if chat.type == "private" and chat.forbidden is not None:
            chat.forbidden = None
            self.inject_update(
                {"my_chat_member": self._member_update(chat, user, "kicked", "member")}
            )
        message: JSON = {
            "message_id": chat.take_message_id(),
            "from": user.to_api(),
            "chat": chat.to_api(),
            "date": int(time.time()),
            "text": text,
        }
        if entities := _command_entities(text):
            message["entities"] = entities
        replied = None
        if reply_to is not None:
            replied = self._bot_messages.get(chat_id, {}).get(reply_to)
            original = self._user_messages.get((chat_id, reply_to))
            if replied is not None:
                original = self._message_api(replied)
            if original is None:
                raise KeyError(f"no message {reply_to} in chat {chat_id}")
            message["reply_to_message"] = original
        self._user_messages[(chat_id, message["message_id"])] = message
        self._user_acted(chat)
        if chat.type != "private":
            if chat.bot_status in ("left", "kicked"):
                return None
            private_mode = self.privacy_mode and chat.bot_status != "administrator"
            if private_mode and not self._bot_sees(text, replied):
                return None
        return self.inject_update({"message": message})

    def add_channel(
        self, chat_id: int, title: str = "Test channel", *, admins: Iterable[int] = ()
    ) -> FakeChat:
        """A channel with the bot as an administrator (bots post in channels only as admins)."""
        if chat_id >= 0:
            raise ValueError("channel ids are negative (-100...)")
        for uid in admins:
            if uid not in self._users:
                self.add_user(uid)
        chat = FakeChat(
            chat_id, "channel", title=title, admins=list(admins), bot_status="administrator"
        )
        self._chats[chat_id] = chat
        return chat

    async def channel_posts(self, chat_id: int, text: str) -> int:
        """An admin posts ``text`` in the channel: a ``channel_post`` update, signed by the
        channel itself (no ``from``), as Telegram delivers it to an admin bot."""
        chat = self._known_chat(chat_id)
        post: JSON = {
            "message_id": chat.take_message_id(),
            "sender_chat": chat.to_api(),
            "chat": chat.to_api(),
            "date": int(time.time()),
            "text": text,
        }
        if entities := _command_entities(text):
            post["entities"] = entities
        self._user_messages[(chat_id, post["message_id"])] = post
        self._user_acted(chat)
        return self.inject_update({"channel_post": post})

    async def user_presses(
        self,
        chat_id: int,
        user_id: int,
        message_id: int,
        callback_data: str,
        *,
        check_button: bool = True,
    ) -> str:
        """The user presses an inline button of a bot message; returns the callback query id.

        With ``check_button`` the message must be showing a button with that data, as a real
        user can only press what is on screen.
        """
        chat = self._known_chat(chat_id)
        user = self._users.get(user_id) or self.add_user(user_id)
        message = self._bot_messages.get(chat_id, {}).get(message_id)
        if message is None or message.deleted:
            raise KeyError(f"the bot has no message {message_id} in chat {chat_id}")
        if check_button and not any(
            b.get("callback_data") == callback_data for row in message.buttons for b in row
        ):
            raise AssertionError(
                f"message {message_id} shows no button with callback_data {callback_data!r}; "
                f"buttons: {message.buttons}"
            )
        self._next_query_id += 1
        query_id = str(self._next_query_id)
        self._callback_queries[query_id] = CallbackQueryRecord(
            query_id, chat_id, user_id, message_id, callback_data
        )
        self._user_acted(chat)
        self.inject_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user.to_api(),
                    "message": self._message_api(message),
                    "chat_instance": str(abs(chat_id) * 31 + self.bot_id),
                    "data": callback_data,
                }
            }
        )
        return query_id

    def inject_update(self, update: JSON) -> int:
        """Queue any update for ``getUpdates``; assigns ``update_id``; returns it."""
        self._next_update_id += 1
        update = {**update, "update_id": self._next_update_id}
        self._updates.append(update)
        self._notify_updates()
        return self._next_update_id

    def bot_blocked_by(self, user_id: int) -> int:
        """The user blocks the bot: later sends get 403, and the bot is told by an update."""
        chat = self._known_chat(user_id)
        assert chat.user is not None
        self.block(user_id)
        return self.inject_update(
            {"my_chat_member": self._member_update(chat, chat.user, "member", "kicked")}
        )

    def bot_added_to_group(
        self,
        chat_id: int,
        by_user: int,
        *,
        title: str = "Test group",
        supergroup: bool = False,
        as_admin: bool = False,
    ) -> int:
        """``by_user`` adds the bot to a group (created, with them as creator, if new)."""
        chat = self._chats.get(chat_id) or self.add_group(
            chat_id, title, creator=by_user, supergroup=supergroup
        )
        old = chat.bot_status if chat.bot_status in ("left", "kicked") else "left"
        chat.bot_status = "administrator" if as_admin else "member"
        chat.forbidden = None
        user = self._users.get(by_user) or self.add_user(by_user)
        return self.inject_update(
            {"my_chat_member": self._member_update(chat, user, old, chat.bot_status)}
        )

    def bot_removed_from_group(self, chat_id: int, by_user: int) -> int:
        """``by_user`` removes the bot: later sends get 403 'bot was kicked'."""
        chat = self._known_chat(chat_id)
        old = chat.bot_status
        chat.bot_status = "kicked"
        user = self._users.get(by_user) or self.add_user(by_user)
        return self.inject_update(
            {"my_chat_member": self._member_update(chat, user, old, "kicked")}
        )

    def group_migrated(self, old_id: int, new_id: int) -> list[int]:
        """The group becomes a supergroup: the state changes (see ``migrate``) and the bot gets
        both service messages Telegram sends; returns their update ids."""
        old = self._known_chat(old_id)
        new = self.migrate(old_id, new_id)
        people = [p for p in [old.creator, *old.admins, *old.members] if p is not None]
        user = self._users[people[0]].to_api() if people else self.bot_user
        return [
            self.inject_update({"message": _service_message(old, user, migrate_to_chat_id=new_id)}),
            self.inject_update(
                {"message": _service_message(new, user, migrate_from_chat_id=old_id)}
            ),
        ]

    # ------------------------------------------------------------------ faults

    def fail_next(
        self,
        method: str,
        chat_id: int | None = None,
        *,
        error_code: int = 429,
        description: str | None = None,
        retry_after: int = 3,
        migrate_to_chat_id: int | None = None,
        times: int = 1,
        disconnect: bool = False,
    ) -> None:
        """The next ``times`` calls of ``method`` (to ``chat_id``, if given) fail.

        429 carries ``parameters.retry_after``; ``migrate_to_chat_id`` adds that parameter;
        ``disconnect`` drops the connection with no answer (the client sees a network error).
        """
        parameters: JSON = {}
        if error_code == 429:
            parameters["retry_after"] = retry_after
        if migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = migrate_to_chat_id
        default = {
            429: f"Too Many Requests: retry after {retry_after}",
            400: "Bad Request",
            403: "Forbidden: bot was blocked by the user",
            500: "Internal Server Error",
            502: "Bad Gateway",
        }.get(error_code, "Error")
        error = None if disconnect else ApiError(error_code, description or default, parameters)
        self._faults.append(_Fault(method.lower(), chat_id, error, times))

    def block(self, chat_id: int, description: str | None = None) -> None:
        """Later calls into this chat get 403 (blocked by the user / kicked from the group)."""
        chat = self._known_chat(chat_id)
        if description is None:
            description = (
                "Forbidden: bot was blocked by the user"
                if chat.type == "private"
                else f"Forbidden: bot was kicked from the {chat.type} chat"
            )
        chat.forbidden = description

    def unblock(self, chat_id: int) -> None:
        self._known_chat(chat_id).forbidden = None

    def migrate(self, chat_id: int, new_chat_id: int) -> FakeChat:
        """The group is now supergroup ``new_chat_id`` (same people); sends to the old id get
        400 with ``parameters.migrate_to_chat_id``, as PTB's ``ChatMigrated`` expects."""
        old = self._known_chat(chat_id)
        old.migrated_to = new_chat_id
        return self._chats.get(new_chat_id) or self.add_group(
            new_chat_id,
            old.title or "Test group",
            admins=old.admins,
            members=old.members,
            creator=old.creator,
            supergroup=True,
            bot_is_admin=old.bot_status == "administrator",
        )

    # ------------------------------------------------------------------ reading back

    @property
    def seq(self) -> int:
        """The current event number; pass it as ``since`` to wait only for later events."""
        return self._seq

    def sent(self, chat_id: int, *, include_deleted: bool = False) -> list[SentMessage]:
        """The bot's messages in the chat, oldest first, as they are now."""
        messages = self._bot_messages.get(chat_id, {}).values()
        return [m for m in messages if include_deleted or not m.deleted]

    def calls(self, method: str | None = None) -> list[Call]:
        """Recorded requests (all, or of one method, case-insensitive), oldest first."""
        if method is None:
            return list(self._calls)
        name = method.lower()
        return [c for c in self._calls if c.method.lower() == name]

    def callback_queries(self) -> list[CallbackQueryRecord]:
        return list(self._callback_queries.values())

    def unanswered_callback_queries(self) -> list[CallbackQueryRecord]:
        return [q for q in self._callback_queries.values() if q.answer is None]

    def my_commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """Commands set by ``setMyCommands`` for exactly this scope and language."""
        return list(self._commands.get((_scope_key(scope), language_code), []))

    async def wait_for_message(
        self,
        chat_id: int,
        predicate: Predicate = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - the test-facing name
        *,
        since: int | None = None,
    ) -> SentMessage:
        """The first bot message in the chat sent after the user's last action there (or after
        event ``since``) that matches; a ``str`` predicate means "text contains it"."""
        match = _matcher(predicate)
        start = self._known_chat(chat_id).mark if since is None else since

        def check() -> SentMessage | None:
            for message in self._bot_messages.get(chat_id, {}).values():
                if message.created_seq > start and not message.deleted and match(message):
                    return message
            return None

        return await self._wait_until(
            check,
            timeout,
            lambda: f"no matching message in chat {chat_id}; " + (self._describe(chat_id)),
        )

    async def wait_for_edit(
        self,
        chat_id: int,
        message_id: int | None = None,
        predicate: Predicate = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - the test-facing name
        *,
        since: int | None = None,
    ) -> SentMessage:
        """A bot message (this one, or any) edited after the user's last action in the chat (or
        after event ``since``), matching as it is now."""
        match = _matcher(predicate)
        start = self._known_chat(chat_id).mark if since is None else since

        def check() -> SentMessage | None:
            for message in self._bot_messages.get(chat_id, {}).values():
                if (message_id is None or message.message_id == message_id) and (
                    message.edited_seq > start and not message.deleted and match(message)
                ):
                    return message
            return None

        return await self._wait_until(
            check,
            timeout,
            lambda: f"no matching edit in chat {chat_id}; " + (self._describe(chat_id)),
        )

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - the test-facing name
        *,
        since: int | None = None,
    ) -> Call:
        """A request of ``method`` made after the last user action (or event ``since``)."""
        name = method.lower()
        start = self._mark if since is None else since

        def check() -> Call | None:
            for call in self._calls:
                if (
                    call.seq > start
                    and call.method.lower() == name
                    and (predicate is None or predicate(call))
                ):
                    return call
            return None

        return await self._wait_until(
            check,
            timeout,
            lambda: (
                f"no {method} call; calls: " + str([c.method for c in self._calls if c.seq > start])
            ),
        )

    async def wait_fetched(self, update_id: int, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Until the bot has fetched the update through ``getUpdates`` (not: handled it)."""
        await self._wait_until(
            lambda: True if self._fetched_up_to >= update_id else None,
            timeout,
            lambda: f"update {update_id} not fetched; last fetched {self._fetched_up_to}",
        )

    async def wait_for_poll(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Until a ``getUpdates`` long poll is waiting at the server (the bot is listening)."""
        await self._wait_until(
            lambda: True if self._polls_waiting else None, timeout, lambda: "nobody is polling"
        )

    # ------------------------------------------------------------------ internals: test side

    def _known_chat(self, chat_id: int) -> FakeChat:
        chat = self._chats.get(chat_id)
        if chat is None:
            raise KeyError(f"unknown chat {chat_id}: add_private_chat/add_group it first")
        return chat

    def _user_acted(self, chat: FakeChat) -> None:
        self._seq += 1
        chat.mark = self._mark = self._seq

    def _bot_sees(self, text: str, replied: SentMessage | None) -> bool:
        """Privacy mode: commands not addressed to another bot, replies to it, mentions."""
        if replied is not None or f"@{self.username}".lower() in text.lower():
            return True
        command = _COMMAND.match(text)
        return command is not None and (
            "@" not in command.group()
            or command.group().split("@", 1)[1].lower() == self.username.lower()
        )

    def _member_update(self, chat: FakeChat, by: FakeUser, old: str, new: str) -> JSON:
        return {
            "chat": chat.to_api(),
            "from": by.to_api(),
            "date": int(time.time()),
            "old_chat_member": self._member_api(self.bot_user, old),
            "new_chat_member": self._member_api(self.bot_user, new),
        }

    @staticmethod
    def _member_api(user: JSON, status: str) -> JSON:
        if status == "creator":
            return {"status": "creator", "user": user, "is_anonymous": False}
        if status == "administrator":
            return {"status": "administrator", "user": user, **ADMIN_RIGHTS}
        if status == "kicked":
            return {"status": "kicked", "user": user, "until_date": 0}
        return {"status": status, "user": user}

    def _message_api(self, message: SentMessage) -> JSON:
        api: JSON = {
            "message_id": message.message_id,
            "from": self.bot_user,
            "chat": self._chats[message.chat_id].to_api(),
            "date": message.date,
            "text": message.text,
        }
        if message.entities:
            api["entities"] = message.entities
        if message.link_preview_options:
            api["link_preview_options"] = message.link_preview_options
        if message.buttons:
            api["reply_markup"] = {"inline_keyboard": message.buttons}
        if message.edit_date is not None:
            api["edit_date"] = message.edit_date
        if message.reply_to_message_id is not None:
            original = self._user_messages.get((message.chat_id, message.reply_to_message_id))
            if original is not None:
                api["reply_to_message"] = original
        return api

    def _describe(self, chat_id: int) -> str:
        return "bot messages: " + repr(
            [(m.message_id, m.text[:80], "edited" if m.edited else "") for m in self.sent(chat_id)]
        )

    async def _wait_until(
        self,
        check: Callable[[], T | None],
        timeout: float,  # noqa: ASYNC109
        explain: Callable[[], str],
    ) -> T:
        found = check()
        if found is not None:
            return found
        waiter = _Waiter(check, asyncio.get_running_loop().create_future())
        self._waiters.append(waiter)
        try:
            result: T = await asyncio.wait_for(waiter.future, timeout)
            return result
        except TimeoutError:
            raise AssertionError(f"timed out after {timeout}s: {explain()}") from None
        finally:
            with contextlib.suppress(ValueError):
                self._waiters.remove(waiter)

    def _changed(self) -> None:
        """Re-check waiters after any change the bot made; O(waiters)."""
        for waiter in self._waiters:
            if not waiter.future.done():
                found = waiter.check()
                if found is not None:
                    waiter.future.set_result(found)

    def _notify_updates(self) -> None:
        self._updates_changed.set()
        self._updates_changed = asyncio.Event()

    # ------------------------------------------------------------------ internals: HTTP

    async def _handle_stats(self, request: web.Request) -> web.Response:
        return web.json_response(self.stats.to_dict())

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        name = method.lower()
        self.stats.requests[method] += 1
        try:
            params = await read_params(request)
        except ValueError:
            return web.json_response(
                {"ok": False, "error_code": 400, "description": "Bad Request: invalid body"},
                status=400,
            )
        try:
            self._apply_fault(name, params)
            if name == "getupdates":
                result = await self._get_updates(params)
            else:
                handler = self._handlers.get(name)
                if handler is None:
                    raise ApiError(404, "Not Found")
                result = handler(params)
        except _Disconnect:
            self._record(method, params, 0, "connection dropped")
            if request.transport is not None:
                request.transport.close()
            raise asyncio.CancelledError() from None
        except ApiError as error:
            self.stats.errors[error.code] += 1
            self._record(method, params, error.code, error.description)
            return web.json_response(error.body(), status=error.code)
        self._record(method, params, 200, None)
        return web.json_response({"ok": True, "result": result})

    def _record(self, method: str, params: JSON, status: int, description: str | None) -> None:
        self._seq += 1
        if self.record_calls:
            self._calls.append(Call(method, params, status, description, self._seq))
        if self._waiters:
            self._changed()

    def _apply_fault(self, name: str, params: JSON) -> None:
        if not self._faults:
            return
        chat_id = params.get("chat_id")
        for fault in self._faults:
            if fault.method == name and fault.chat_id in (None, chat_id):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                if fault.error is None:
                    raise _Disconnect()
                raise fault.error

    # ------------------------------------------------------------------ Bot API methods

    def _get_me(self, params: JSON) -> JSON:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: JSON) -> list[JSON]:
        if self._webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = _int(params.get("offset"))
        limit = min(max(_int(params.get("limit")) or 100, 1), 100)
        timeout = min(max(float(params.get("timeout") or 0), 0.0), 50.0)
        allowed = params.get("allowed_updates")
        if allowed is not None:
            self._allowed_updates = frozenset(allowed) or None
        if offset is not None:
            self._confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify_updates()  # an older long poll sees it was superseded
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            if self._closing:
                return []
            if generation != self._poll_generation:
                raise ApiError(409, GET_UPDATES_CONFLICT)
            batch = self._pending(limit)
            remaining = deadline - asyncio.get_running_loop().time()
            if batch or remaining <= 0:
                if batch:
                    self._fetched_up_to = max(self._fetched_up_to, batch[-1]["update_id"])
                return batch
            self._polls_waiting += 1
            if self._waiters:
                self._changed()
            try:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._updates_changed.wait(), remaining)
            finally:
                self._polls_waiting -= 1

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            while len(self._updates) > -offset:
                self._updates.popleft()
            return
        while self._updates and self._updates[0]["update_id"] < offset:
            self._updates.popleft()

    def _pending(self, limit: int) -> list[JSON]:
        """Up to ``limit`` queued updates of allowed types; others are dropped as Telegram
        does."""
        batch: list[JSON] = []
        dropped = False
        for update in self._updates:
            if len(batch) >= limit:
                break
            if self._wanted(update):
                batch.append(update)
            else:
                dropped = True
        if dropped:
            self._updates = deque(u for u in self._updates if self._wanted(u))
        return batch

    def _wanted(self, update: JSON) -> bool:
        kind = next(k for k in update if k != "update_id")
        if self._allowed_updates is None:
            return kind not in _OPT_IN_UPDATES
        return kind in self._allowed_updates

    def _set_webhook(self, params: JSON) -> bool:
        self._webhook_url = str(params.get("url") or "")
        return True

    def _delete_webhook(self, params: JSON) -> bool:
        self._webhook_url = ""
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _get_webhook_info(self, params: JSON) -> JSON:
        return {
            "url": self._webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _set_my_commands(self, params: JSON) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: commands must be an array")
        for command in commands:
            name = command.get("command", "") if isinstance(command, dict) else ""
            if not _BOT_COMMAND_NAME.fullmatch(name):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise ApiError(400, "Bad Request: command description must be non-empty")
        language = str(params.get("language_code") or "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise ApiError(400, "Bad Request: invalid language code specified")
        self._commands[(_scope_key(params.get("scope")), language)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _get_my_commands(self, params: JSON) -> list[JSON]:
        key = (_scope_key(params.get("scope")), str(params.get("language_code") or ""))
        return list(self._commands.get(key, []))

    def _delete_my_commands(self, params: JSON) -> bool:
        key = (_scope_key(params.get("scope")), str(params.get("language_code") or ""))
        self._commands.pop(key, None)
        return True

    def _resolve_chat(self, params: JSON, *, sending: bool = True) -> FakeChat:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        chat: FakeChat | None = None
        if isinstance(raw, str) and raw.startswith("@"):
            chat = next((c for c in self._chats.values() if c.username == raw[1:]), None)
        else:
            with contextlib.suppress(TypeError, ValueError):
                chat = self._chats.get(int(raw))
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        if chat.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        if sending:
            if chat.forbidden is not None:
                raise ApiError(403, chat.forbidden)
            if chat.bot_status == "kicked":
                raise ApiError(403, f"Forbidden: bot was kicked from the {chat.type} chat")
            if chat.bot_status == "left":
                raise ApiError(403, f"Forbidden: bot is not a member of the {chat.type} chat")
        return chat

    def _parse_text(self, params: JSON) -> tuple[str, str | None, ParsedText]:
        text = params.get("text")
        if text is None or text == "":
            raise ApiError(400, "Bad Request: message text is empty")
        text = str(text)
        parse_mode = params.get("parse_mode") or None
        if parse_mode is not None and str(parse_mode).lower() not in (
            "html",
            "markdown",
            "markdownv2",
        ):
            raise ApiError(400, "Bad Request: unsupported parse_mode")
        try:
            # Markdown modes are not modelled: their text is taken as plain.
            parsed = parse_message_text(text, parse_mode)
        except HtmlParseError as error:
            raise ApiError(400, f"Bad Request: can't parse entities: {error}") from None
        if parse_mode is None and isinstance(params.get("entities"), list):
            parsed = ParsedText(parsed.text, list(params["entities"]))
        if not parsed.text:
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(parsed.text) > MAX_MESSAGE_LENGTH:
            raise ApiError(400, "Bad Request: message is too long")
        return text, parse_mode, parsed

    def _send_message(self, params: JSON) -> JSON:
        chat = self._resolve_chat(params)
        if self.rate_limiter is not None:
            retry_after = self.rate_limiter.acquire(chat.id, chat.type == "private")
            if retry_after is not None:
                self.stats.rate_limited += 1
                raise ApiError(
                    429,
                    f"Too Many Requests: retry after {retry_after}",
                    {"retry_after": retry_after},
                )
        raw_text, parse_mode, parsed = self._parse_text(params)
        markup = check_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat, params)
        self._seq += 1
        message = SentMessage(
            chat_id=chat.id,
            message_id=chat.take_message_id(),
            text=parsed.text,
            raw_text=raw_text,
            parse_mode=parse_mode,
            entities=parsed.entities,
            reply_markup=markup,
            link_preview_options=link_preview(params),
            date=int(time.time()),
            reply_to_message_id=reply_to,
            created_seq=self._seq,
        )
        self._bot_messages.setdefault(chat.id, {})[message.message_id] = message
        self.stats.messages_sent += 1
        return self._message_api(message)

    def _reply_target(self, chat: FakeChat, params: JSON) -> int | None:
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            target, lenient = (
                _int(reply.get("message_id")),
                reply.get("allow_sending_without_reply"),
            )
        else:
            target = _int(params.get("reply_to_message_id"))
            lenient = params.get("allow_sending_without_reply")
        if target is None:
            return None
        exists = (chat.id, target) in self._user_messages or target in self._bot_messages.get(
            chat.id, {}
        )
        if not exists:
            if lenient:
                return None
            raise ApiError(400, "Bad Request: message to be replied not found")
        return target

    def _own_message(self, chat: FakeChat, params: JSON, action: str) -> SentMessage:
        if params.get("inline_message_id"):
            raise ApiError(400, "Bad Request: inline messages are not supported by the fake")
        message_id = _int(params.get("message_id"))
        message = self._bot_messages.get(chat.id, {}).get(message_id or 0)
        if message is None or message.deleted:
            if (chat.id, message_id) in self._user_messages:
                raise ApiError(400, f"Bad Request: message can't be {action}ed")
            raise ApiError(400, f"Bad Request: message to {action} not found")
        return message

    def _edit_message_text(self, params: JSON) -> JSON:
        chat = self._resolve_chat(params)
        message = self._own_message(chat, params, "edit")
        raw_text, parse_mode, parsed = self._parse_text(params)
        markup = check_markup(params.get("reply_markup"))
        if (parsed.text, parsed.entities, markup) == (
            message.text,
            message.entities,
            message.reply_markup,
        ):
            raise ApiError(400, NOT_MODIFIED)
        message.history.append(message.text)
        message.text, message.raw_text, message.parse_mode = parsed.text, raw_text, parse_mode
        message.entities = parsed.entities
        # As in Telegram, an edit without reply_markup removes the inline keyboard.
        message.reply_markup = markup
        if "link_preview_options" in params or "disable_web_page_preview" in params:
            message.link_preview_options = link_preview(params)
        self._mark_edited(message)
        return self._message_api(message)

    def _edit_message_reply_markup(self, params: JSON) -> JSON:
        chat = self._resolve_chat(params)
        message = self._own_message(chat, params, "edit")
        markup = check_markup(params.get("reply_markup"))
        if markup == message.reply_markup:
            raise ApiError(400, NOT_MODIFIED)
        message.reply_markup = markup
        self._mark_edited(message)
        return self._message_api(message)

    def _mark_edited(self, message: SentMessage) -> None:
        self._seq += 1
        message.edited_seq = self._seq
        message.edit_date = int(time.time())

    def _delete_message(self, params: JSON) -> bool:
        chat = self._resolve_chat(params)
        message_id = _int(params.get("message_id")) or 0
        if self._user_messages.pop((chat.id, message_id), None) is not None:
            return True
        message = self._bot_messages.get(chat.id, {}).get(message_id)
        if message is None or message.deleted:
            raise ApiError(400, "Bad Request: message to delete not found")
        self._seq += 1
        message.deleted = True
        return True

    def _answer_callback_query(self, params: JSON) -> bool:
        query = self._callback_queries.get(str(params.get("callback_query_id", "")))
        if query is None or query.answer is not None:
            raise ApiError(400, QUERY_INVALID)
        if len(str(params.get("text") or "")) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        query.answer = {k: v for k, v in params.items() if k != "callback_query_id"}
        return True

    def _get_chat(self, params: JSON) -> JSON:
        chat = self._resolve_chat(params, sending=False)
        return {
            **chat.to_api(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _chat_member(self, chat: FakeChat, user_id: int) -> JSON:
        if user_id == self.bot_id:
            return self._member_api(self.bot_user, chat.bot_status)
        user = self._users.get(user_id)
        if user is None:
            raise ApiError(400, "Bad Request: user not found")
        return self._member_api(user.to_api(), chat.status_of(user_id))

    def _get_chat_member(self, params: JSON) -> JSON:
        chat = self._resolve_chat(params, sending=False)
        return self._chat_member(chat, _int(params.get("user_id")) or 0)

    def _get_chat_administrators(self, params: JSON) -> list[JSON]:
        chat = self._resolve_chat(params, sending=False)
        if chat.type == "private":
            raise ApiError(400, "Bad Request: there are no administrators in the private chat")
        ids = [*([chat.creator] if chat.creator is not None else []), *chat.admins]
        if chat.bot_status == "administrator":
            ids.append(self.bot_id)
        return [self._chat_member(chat, uid) for uid in ids]

    def _get_chat_member_count(self, params: JSON) -> int:
        chat = self._resolve_chat(params, sending=False)
        if chat.type == "private":
            return 2
        people = {*chat.admins, *chat.members, *([chat.creator] if chat.creator else [])}
        return len(people) + (1 if chat.bot_status in ("member", "administrator") else 0)

    def _send_chat_action(self, params: JSON) -> bool:
        self._resolve_chat(params)
        return True


def _service_message(chat: FakeChat, user: JSON, **content: Any) -> JSON:
    return {
        "message_id": chat.take_message_id(),
        "from": user,
        "chat": chat.to_api(),
        "date": int(time.time()),
        **content,
    }


def _true(params: JSON) -> bool:
    return True


def _int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApiError(400, f"Bad Request: invalid integer value {value!r}") from None


def _scope_key(scope: Any) -> str:
    return json.dumps(scope or {"type": "default"}, sort_keys=True)


def _matcher(predicate: Predicate) -> Callable[[SentMessage], bool]:
    if predicate is None:
        return lambda message: True
    if isinstance(predicate, str):
        needle = predicate
        return lambda message: needle in message.text
    return predicate


# ---------------------------------------------------------------------- standalone use


async def _serve(args: argparse.Namespace) -> None:
    fake = FakeTelegram(
        args.token, limits=args.limits, record_calls=False, host=args.host, port=args.port
    )
    for user_id in range(1, args.private_chats + 1):
        fake.add_private_chat(user_id)
    await fake.start()
    print(fake.base_url, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await fake.stop()


def main() -> None:
    """Run the fake as its own process (benchmarks: keeps the bot's CPU to itself)."""
    parser = argparse.ArgumentParser(description="Fake Telegram Bot API server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--limits", action="store_true", help="enforce flood limits (429)")
    parser.add_argument("--private-chats", type=int, default=0, help="users 1..N have started")
    asyncio.run(_serve(parser.parse_args()))


if __name__ == "__main__":
    main()
