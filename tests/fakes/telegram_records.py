"""Records of the fake Telegram world: users, chats, sent messages, calls, counts.

Plain data the fake server keeps and tests read back; shapes follow the Bot API objects.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

JSON = dict[str, Any]

ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_pin_messages": True,
}


class ApiError(Exception):
    """An error answer: HTTP status = ``error_code``, Telegram's ``description`` wording."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def body(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass
class FakeUser:
    """A Telegram user the tests act as."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "en"

    def to_api(self) -> JSON:
        user: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key) is not None:
                user[key] = getattr(self, key)
        return user


ChatType = Literal["private", "group", "supergroup", "channel"]
BotStatus = Literal["member", "administrator", "left", "kicked"]


@dataclass
class FakeChat:
    """A chat the bot can talk in, and how the bot stands in it."""

    id: int
    type: ChatType
    title: str | None = None
    user: FakeUser | None = None  # the other side of a private chat
    creator: int | None = None
    admins: list[int] = field(default_factory=list)
    members: list[int] = field(default_factory=list)
    bot_status: BotStatus = "member"
    forbidden: str | None = None  # set by block(): every send answers 403 with this
    migrated_to: int | None = None
    username: str | None = None
    next_message_id: int = 1
    mark: int = 0  # event seq at the last user action here; default start of waits

    def to_api(self) -> JSON:
        chat: JSON = {"id": self.id, "type": self.type}
        if self.user is not None:
            chat.update(
                {k: v for k, v in self.user.to_api().items() if k in ("first_name", "last_name")}
            )
            if self.user.username:
                chat["username"] = self.user.username
        else:
            chat["title"] = self.title
            if self.username:
                chat["username"] = self.username
        return chat

    def status_of(self, user_id: int) -> str:
        if self.type == "private":
            return "member" if self.user is not None and self.user.id == user_id else "left"
        if user_id == self.creator:
            return "creator"
        if user_id in self.admins:
            return "administrator"
        return "member" if user_id in self.members else "left"

    def take_message_id(self) -> int:
        self.next_message_id += 1
        return self.next_message_id - 1


@dataclass(eq=False)
class SentMessage:
    """A message the bot sent, as it is now (a live view: edits and deletes show up here)."""

    chat_id: int
    message_id: int
    text: str  # plain text after entity parsing, as a user sees it
    raw_text: str  # exactly what the bot sent, e.g. the HTML source
    parse_mode: str | None
    entities: list[JSON]
    reply_markup: JSON | None
    link_preview_options: JSON | None
    date: int
    reply_to_message_id: int | None = None
    edit_date: int | None = None
    history: list[str] = field(default_factory=list)  # earlier texts, oldest first
    deleted: bool = False
    created_seq: int = 0
    edited_seq: int = 0

    @property
    def edited(self) -> bool:
        return self.edit_date is not None

    @property
    def link_preview_disabled(self) -> bool:
        return bool(self.link_preview_options and self.link_preview_options.get("is_disabled"))

    @property
    def buttons(self) -> list[list[JSON]]:
        """Rows of inline keyboard buttons (``[]`` when there is no inline keyboard)."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [list(row) for row in rows]

    def button(self, text_contains: str) -> JSON:
        """The first inline button whose label contains ``text_contains``."""
        for row in self.buttons:
            for button in row:
                if text_contains in button.get("text", ""):
                    return button
        labels = [b.get("text") for row in self.buttons for b in row]
        raise AssertionError(f"no button containing {text_contains!r}; buttons: {labels}")

    @property
    def links(self) -> list[str]:
        """URLs of the text links, in order."""
        return [e["url"] for e in self.entities if e["type"] == "text_link"]


@dataclass
class Call:
    """One request the bot made, with its decoded parameters and how the fake answered."""

    method: str
    params: JSON
    status: int
    description: str | None
    seq: int


@dataclass
class CallbackQueryRecord:
    """A button press a test made, and the bot's answer to it (``None`` until answered)."""

    id: str
    chat_id: int
    user_id: int
    message_id: int
    data: str
    answer: JSON | None = None


@dataclass
class FakeStats:
    """Counts for benchmarks; ``rate_limited`` counts 429s from the ``limits`` enforcer."""

    requests: Counter[str] = field(default_factory=Counter)
    errors: Counter[int] = field(default_factory=Counter)
    messages_sent: int = 0
    rate_limited: int = 0
    rate_limited_by: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> JSON:
        return {
            "requests": dict(self.requests),
            "errors": {str(k): v for k, v in self.errors.items()},
            "messages_sent": self.messages_sent,
            "rate_limited": self.rate_limited,
            "rate_limited_by": dict(self.rate_limited_by),
        }
