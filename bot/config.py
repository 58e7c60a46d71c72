"""Typed configuration from a TOML file plus environment overrides.

Every problem is collected and reported at once with its key path
(`sources[2].url: not an http(s) URL`), because fixing a config one error per run
is miserable. Unknown keys are errors: a typo must never be silently ignored.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, get_args
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

ENV_TOKEN = "NEWSBOT_TOKEN"
ENV_DATABASE_URL = "NEWSBOT_DATABASE_URL"
ENV_CONFIG = "NEWSBOT_CONFIG"

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$")
_DURATION_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|kib|mib|gib)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {
    "b": 1,
    "kb": 1000,
    "mb": 1000**2,
    "gb": 1000**3,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
}
_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_LANG = re.compile(r"^[a-z]{2,3}$")


class ConfigError(Exception):
    """The config cannot be used; `problems` holds one line per problem, each with its key."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def parse_duration(value: object) -> timedelta:
    """ "90s", "10m", "2h", "1d" (or a number of seconds) -> timedelta."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str) and (m := _DURATION.match(value)):
        seconds = float(m.group(1)) * _DURATION_UNITS[m.group(2)]
    else:
        raise ValueError(f'expected a duration like "90s", "10m", "2h" or "1d", got {value!r}')
    if seconds <= 0:
        raise ValueError(f"expected a positive duration, got {value!r}")
    return timedelta(seconds=seconds)


def parse_size(value: object) -> int:
    """ "10MB", "512KB", "1GiB" (or a number of bytes) -> bytes."""
    if isinstance(value, int) and not isinstance(value, bool):
        size = value
    elif isinstance(value, str) and (m := _SIZE.match(value)):
        size = int(float(m.group(1)) * _SIZE_UNITS[(m.group(2) or "b").lower()])
    else:
        raise ValueError(f'expected a size like "10MB" or "512KB", got {value!r}')
    if size <= 0:
        raise ValueError(f"expected a positive size, got {value!r}")
    return size


def _zone_like(value: str) -> str | None:
    """The IANA name an operator probably meant: "Kyiv" -> "Europe/Kyiv"."""
    zones = sorted(z for z in available_timezones() if "/" in z)
    wanted = value.strip().replace(" ", "_").casefold()
    by_city = {z.rsplit("/", 1)[-1].casefold(): z for z in zones}
    by_name = {z.casefold(): z for z in zones}
    if wanted in by_city:
        return by_city[wanted]
    close = difflib.get_close_matches(wanted, [*by_name, *by_city], n=1, cutoff=0.8)
    return (by_name.get(close[0]) or by_city.get(close[0])) if close else None


def check_timezone(value: str) -> str:
    """`value` if it names a time zone, else ValueError with a suggestion."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        hint = f"did you mean {guess!r}? " if (guess := _zone_like(value)) else ""
        raise ValueError(
            f'unknown time zone {value!r}; {hint}use an IANA name like "Europe/Kyiv" or "UTC"'
        ) from None
    return value


def _one_or_many(value: object) -> object:
    """`times = "08:00"` means `times = ["08:00"]`: a lone string is a list of one."""
    return [value] if isinstance(value, str) else value


def is_language_code(value: str) -> bool:
    return bool(_LANG.match(value))


def _check_times(values: list[str]) -> list[str]:
    bad = [v for v in values if not _HHMM.match(v)]
    if bad:
        raise ValueError(f'expected 24-hour times "HH:MM" like "08:00", got {bad}')
    if len(values) > 6:
        raise ValueError("at most 6 digest times")
    return sorted({v.zfill(5) for v in values})  # "8:00" -> "08:00"


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
Size = Annotated[int, BeforeValidator(parse_size)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class TelegramConfig(_Section):
    token: SecretStr = SecretStr("")
    api_base_url: str = "https://api.telegram.org/bot"
    admins: list[int] = Field(default_factory=list)
    max_messages_per_second: float = Field(default=30, gt=0, le=1000)
    webhook_url: str = ""  # public HTTPS URL; empty = long polling
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, gt=0, lt=65536)

    @field_validator("api_base_url", "webhook_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError(f"not an http(s) URL: {value!r}")
        return value

    @field_validator("api_base_url")
    @classmethod
    def _bot_path(cls, value: str) -> str:
        # The token is appended to this URL as is: without /bot it lands in the host name.
        if not value.endswith("/bot") and "{token}" not in value:
            raise ValueError(
                f'expected a URL ending in /bot, like "https://api.telegram.org/bot", got {value!r}'
            )
        return value

    @field_validator("token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        # Never quotes the value: it is a secret even when it is wrong.
        token = value.get_secret_value().strip()
        if token and not _TOKEN.match(token):
            hint = (
                "drop the 'bot' in front of it"
                if _TOKEN.match(token.removeprefix("bot"))
                else "copy it again from @BotFather"
            )
            raise ValueError(
                "does not look like a bot token (digits, a colon, then letters, digits, "
                f"_ or -, like 123456789:AAE...); {hint}"
            )
        return SecretStr(token)


_DRIVERS = {
    "sqlite://": "sqlite+aiosqlite://",
    "postgres://": "postgresql+asyncpg://",
    "postgresql://": "postgresql+asyncpg://",
}


class DatabaseConfig(_Section):
    url: str = "sqlite+aiosqlite:///newsbot.db"

    @field_validator("url")
    @classmethod
    def _supported(cls, value: str) -> str:
        # The usual spellings (Heroku's postgres://, SQLAlchemy's sqlite://) name our drivers.
        for plain, driver in _DRIVERS.items():
            if value.startswith(plain):
                value = driver + value.removeprefix(plain)
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                'expected "sqlite+aiosqlite:///PATH" or "postgresql+asyncpg://USER@HOST/DB", '
                f"got {value.split('://')[0]!r}"
            )
        return value


class PollingConfig(_Section):
    interval: Duration = timedelta(minutes=10)
    timeout: Duration = timedelta(seconds=20)
    max_body: Size = 10_000_000
    concurrency: int = Field(default=20, ge=1, le=1000)
    per_host: int = Field(default=2, ge=1, le=100)
    max_backoff: Duration = timedelta(days=1)
    retention: Duration = timedelta(days=30)
    first_poll_items: int = Field(default=3, ge=0, le=100)
    user_agent: str = "newsbot/0.1 (+https://github.com/newsbot/newsbot; Telegram news digest bot)"


class DigestConfig(_Section):
    timezone: str = "Europe/Kyiv"
    times: Annotated[list[str], BeforeValidator(_one_or_many)] = Field(
        default_factory=lambda: ["08:00", "20:00"]
    )
    languages: Annotated[list[str], BeforeValidator(_one_or_many)] = Field(default_factory=list)
    max_items: int = Field(default=30, ge=1, le=500)
    same_story_window: Duration = timedelta(hours=12)
    max_pending: Duration = timedelta(hours=24)

    _tz = field_validator("timezone")(check_timezone)
    _times = field_validator("times")(_check_times)

    @field_validator("languages")
    @classmethod
    def _langs(cls, values: list[str]) -> list[str]:
        bad = [v for v in values if not _LANG.match(v)]
        if bad:
            raise ValueError(f'expected language codes like "uk", "en", got {bad}')
        return values


class LoggingConfig(_Section):
    level: str = "INFO"

    @field_validator("level")
    @classmethod
    def _level(cls, value: str) -> str:
        upper = value.upper()
        if upper not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError(f"expected DEBUG, INFO, WARNING or ERROR, got {value!r}")
        return upper


class TopicConfig(_Section):
    id: str
    name: dict[str, str]
    emoji: str = ""
    keywords: dict[str, list[str]] = Field(default_factory=dict)
    categories: list[str] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(
                f"expected lowercase letters, digits and _ (like defense), got {value!r}"
            )
        return value

    @field_validator("name")
    @classmethod
    def _name(cls, value: dict[str, str]) -> dict[str, str]:
        if "en" not in value:
            raise ValueError('needs at least an English name: name = { en = "...", uk = "..." }')
        return value


class HtmlConfig(_Section):
    item: str
    title: str | None = None
    link: str | None = None
    time: str | None = None


class SourceConfig(_Section):
    id: str
    name: str = ""  # shown under each headline; empty: the site's host (rubryka.com)
    url: str
    language: str | None = None
    topics: list[str] = Field(default_factory=list)
    interval: Duration | None = None
    html: HtmlConfig | None = None
    enabled: bool = True

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not re.match(r"^[a-z0-9][a-z0-9_.-]*$", value):
            raise ValueError(
                f"expected lowercase letters, digits, _ . - (like rubryka), got {value!r}"
            )
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError(f"not an http(s) URL: {value!r}")
        return value

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        if value is not None and not _LANG.match(value):
            raise ValueError(f'expected a language code like "uk" or "en", got {value!r}')
        return value

    @model_validator(mode="before")
    @classmethod
    def _default_name(cls, data: Any) -> Any:
        if isinstance(data, dict) and not str(data.get("name") or "").strip():
            try:
                host = urlsplit(str(data.get("url", ""))).hostname
            except ValueError:  # a broken URL is reported by its own check
                host = None
            data = {**data, "name": (host or str(data.get("id", ""))).removeprefix("www.")}
        return data


class Config(_Section):
    telegram: TelegramConfig = Field(default_factory=TelegramConfig)
    database: DatabaseConfig = Field(default_factory=DatabaseConfig)
    polling: PollingConfig = Field(default_factory=PollingConfig)
    digest: DigestConfig = Field(default_factory=DigestConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)
    topics: list[TopicConfig] = Field(default_factory=list)
    sources: list[SourceConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references(self) -> Config:
        problems: list[str] = []
        topic_ids = [t.id for t in self.topics]
        for i, tid in enumerate(topic_ids):
            if tid in topic_ids[:i]:
                problems.append(f"topics[{i}].id: duplicate topic id {tid!r}")
        source_ids = [s.id for s in self.sources]
        for i, source in enumerate(self.sources):
            if source.id in source_ids[:i]:
                problems.append(f"sources[{i}].id: duplicate source id {source.id!r}")
            for topic in source.topics:
                if topic not in topic_ids:
                    problems.append(
                        f"sources[{i}].topics: unknown topic {topic!r}; "
                        f"defined topics: {', '.join(topic_ids) or 'none'}"
                    )
        if problems:
            raise ConfigError(problems)
        return self

    @property
    def token(self) -> str:
        return self.telegram.token.get_secret_value()

    def source_interval(self, source: SourceConfig) -> timedelta:
        return source.interval or self.polling.interval

    @property
    def news_languages(self) -> list[str]:
        """Languages a chat can choose: those the sources declare, the defaults, and uk, en."""
        found = {"uk", "en"} | set(self.digest.languages)
        found |= {s.language for s in self.sources if s.language}
        order = ["uk", "en"]
        return order + sorted(found - set(order))


def _key_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not path:
            path = part
        elif part in {"function-after", "function-before"} or part.startswith(
            ("function-", "constrained-")
        ):
            continue
        else:
            path += f".{part}"
    return path or "(top level)"


_TYPE_WORDS = {
    "string_type": "text in quotes",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list in [ ]",
    "dict_type": 'a table, like { en = "...", uk = "..." }',
    "model_type": "a table (a [section] or { key = value })",
    "model_attributes_type": "a table (a [section] or { key = value })",
}


def _show(value: object) -> str:
    """A value as the operator wrote it in TOML, cut short."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _fields_at(loc: tuple[int | str, ...]) -> list[str]:
    """The keys allowed where `loc` points (for "did you mean")."""
    model: type[BaseModel] = Config
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return []
        nested = _model_in(field.annotation)
        if nested is None:
            return []
        model = nested
    return list(model.model_fields)


def _model_in(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        if found := _model_in(arg):
            return found
    return None


def _describe(error: Any, secret: bool) -> str:
    kind = error["type"]
    msg: str = error["msg"]
    loc = tuple(error["loc"])
    if kind == "extra_forbidden":
        typed, known = str(loc[-1]), _fields_at(loc[:-1])
        swapped = [k for k in known if sorted(k) == sorted(typed)]  # "itme" is "item"
        close = swapped or difflib.get_close_matches(typed, known, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return f"unknown key; {hint}check the spelling against config.example.toml"
    if kind == "missing":
        return "required key is missing"
    if msg.startswith("Value error, "):
        return msg.removeprefix("Value error, ")
    got = "" if secret or "input" not in error else f", got {_show(error['input'])}"
    if kind in _TYPE_WORDS:
        return f"expected {_TYPE_WORDS[kind]}{got}"
    return (msg[0].lower() + msg[1:] if msg else kind) + got


def validate(data: dict[str, Any], env: dict[str, str] | None = None) -> Config:
    """Build a Config from parsed TOML, applying environment overrides; raises ConfigError."""
    env = dict(os.environ) if env is None else env
    data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in data.items()}
    from_env: dict[str, str] = {}
    overrides = ((ENV_TOKEN, "telegram", "token"), (ENV_DATABASE_URL, "database", "url"))
    for var, section, key in overrides:
        if (value := env.get(var, "").strip()) and isinstance(data.get(section, {}), dict):
            data.setdefault(section, {})[key] = value
            from_env[f"{section}.{key}"] = var
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        problems: list[str] = []
        for err in exc.errors():
            key = _key_path(tuple(err["loc"]))
            label = f"{key} (from {from_env[key]})" if key in from_env else key
            problems.append(f"{label}: {_describe(err, secret=key == 'telegram.token')}")
        raise ConfigError(problems) from None


def resolve_path(cli_path: str | None, env: dict[str, str] | None = None) -> Path:
    """--config PATH, else $NEWSBOT_CONFIG, else ./config.toml."""
    env = dict(os.environ) if env is None else env
    return Path(cli_path or env.get(ENV_CONFIG) or "config.toml")


def load(path: Path, env: dict[str, str] | None = None) -> Config:
    """Read and validate the config file; a missing file means all defaults plus env."""
    env = dict(os.environ) if env is None else env
    if not path.exists():
        if path.name == "config.toml" and not env.get(ENV_CONFIG):
            return validate({}, env)
        raise ConfigError([f"{path}: no such config file; copy config.example.toml and edit it"])
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([_toml_problem(path, str(exc))]) from None
    except UnicodeDecodeError:
        raise ConfigError([f"{path}: cannot read: not UTF-8 text; save it as UTF-8"]) from None
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    return validate(data, env)


def _toml_problem(path: Path, message: str) -> str:
    """`config.toml, line 3, column 12: not valid TOML: ...`, with a hint for the usual slip."""
    where = str(path)
    if m := re.search(r"\s*\(at line (\d+), column (\d+)\)$", message):
        where += f", line {m.group(1)}, column {m.group(2)}"
        message = message[: m.start()]
    elif m := re.search(r"\s*\(at end of document\)$", message):
        where += ", at the end"
        message = message[: m.start()]
    hint = ""
    if message.startswith(("Invalid value", "Expected newline or end of document")):
        hint = '; does a text value miss its quotes? (interval = "10m")'
    elif message.startswith("Cannot overwrite a value") or message.endswith("twice"):
        hint = "; a key or [section] appears twice"
    return f"{where}: not valid TOML: {message[:1].lower()}{message[1:]}{hint}"
