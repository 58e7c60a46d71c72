"""Reading Bot API requests and checking their markup as Telegram does."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web
from aiohttp.web_request import FileField

from tests.fakes.telegram_html import is_valid_url
from tests.fakes.telegram_records import JSON, ApiError

# Form fields whose string value is the value itself, never JSON.
_STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "action",
        "language_code",
        "url",
        "inline_message_id",
        "description",
        "short_description",
        "name",
        "title",
        "secret_token",
        "emoji",
    }
)
_BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)


def link_preview(params: JSON) -> JSON | None:
    options = params.get("link_preview_options")
    if isinstance(options, dict):
        return options
    if params.get("disable_web_page_preview"):
        return {"is_disabled": True}
    return None


def check_markup(markup: Any) -> JSON | None:
    """Validate a reply_markup as Telegram does; an empty inline keyboard means none."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        return markup  # reply keyboards and removals: recorded, not checked
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError(400, "Bad Request: can't parse inline keyboard: rows must be arrays")
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise ApiError(
                    400, "Bad Request: can't parse inline keyboard button: text is empty"
                )
            if not _BUTTON_ACTIONS & button.keys():
                raise ApiError(
                    400,
                    "Bad Request: can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard",
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            if "url" in button and not is_valid_url(str(button["url"])):
                raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")
    if not any(rows):
        return None
    return {"inline_keyboard": rows}


async def read_params(request: web.Request) -> JSON:
    """Parameters from a JSON body, a urlencoded or multipart form, or the query string.

    PTB sends forms whose complex values (reply_markup, entities, ...) are JSON strings and whose
    numbers and booleans are JSON too; plain string fields stay as sent.
    """
    params: JSON = {k: _decode_field(k, v) for k, v in request.query.items()}
    if not request.body_exists:
        return params
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            params.update(body)
        return params
    form = await request.post()
    for key, value in form.items():
        if isinstance(value, str):
            params[key] = _decode_field(key, value)
        elif isinstance(value, FileField):  # an upload; the fake only notes its name
            params[key] = {"filename": value.filename}
    return params


def _decode_field(key: str, value: str) -> Any:
    if key in _STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value
