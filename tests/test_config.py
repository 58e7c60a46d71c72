"""Config: the shipped example is valid; mistakes are reported all at once with their keys."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import ConfigError, load, parse_duration, parse_size, resolve_path, validate

ROOT = Path(__file__).resolve().parents[1]


def test_example_config_is_valid(clean_env: None) -> None:
    cfg = load(ROOT / "config.example.toml", env={})
    assert cfg.polling.interval == timedelta(minutes=10)
    assert cfg.polling.max_body == 10_000_000
    assert cfg.digest.times == ["08:00", "20:00"]
    assert {"rubryka", "rubryka-en", "kyivindependent", "bbc-ukrainian"} <= {
        s.id for s in cfg.sources
    }
    assert {"defense", "politics", "economy", "culture", "education"} <= {t.id for t in cfg.topics}


def test_three_mistakes_give_three_messages() -> None:
    data = {
        "telegram": {"tokn": "x"},
        "polling": {"interval": "5 minutes"},
        "sources": [{"id": "a", "name": "A", "url": "ftp://example.com/feed"}],
    }
    with pytest.raises(ConfigError) as err:
        validate(data, env={})
    assert err.value.problems == [
        "telegram.tokn: unknown key; did you mean 'token'? "
        "check the spelling against config.example.toml",
        'polling.interval: expected a duration like "90s", "10m", "2h" or "1d", got \'5 minutes\'',
        "sources[0].url: not an http(s) URL: 'ftp://example.com/feed'",
    ]


def test_cross_references_are_checked() -> None:
    data = {
        "topics": [{"id": "defense", "name": {"en": "Defense"}}],
        "sources": [
            {"id": "a", "name": "A", "url": "https://a.example/feed", "topics": ["war"]},
            {"id": "a", "name": "B", "url": "https://b.example/feed"},
        ],
    }
    with pytest.raises(ConfigError) as err:
        validate(data, env={})
    assert "sources[0].topics: unknown topic 'war'; defined topics: defense" in err.value.problems
    assert "sources[1].id: duplicate source id 'a'" in err.value.problems


def test_bad_schedule_and_timezone() -> None:
    with pytest.raises(ConfigError) as err:
        validate({"digest": {"times": ["8am"], "timezone": "Kyiv"}}, env={})
    text = "\n".join(err.value.problems)
    assert "digest.times" in text and "HH:MM" in text
    assert "digest.timezone: unknown time zone 'Kyiv'" in text


def test_env_overrides_and_token_is_secret() -> None:
    cfg = validate(
        {"telegram": {"token": "1:file"}},
        env={"NEWSBOT_TOKEN": "123:SECRET", "NEWSBOT_DATABASE_URL": "sqlite+aiosqlite:///x.db"},
    )
    assert cfg.token == "123:SECRET"
    assert cfg.database.url == "sqlite+aiosqlite:///x.db"
    assert "SECRET" not in repr(cfg) and "SECRET" not in str(cfg.telegram)


def test_unsupported_database_url() -> None:
    with pytest.raises(ConfigError) as err:
        validate({"database": {"url": "mysql://root@localhost/x"}}, env={})
    assert err.value.problems[0].startswith("database.url: expected")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("90s", 90), ("10m", 600), ("2h", 7200), ("1d", 86400), ("1.5h", 5400), (30, 30)],
)
def test_durations(text: str | int, expected: int) -> None:
    assert parse_duration(text) == timedelta(seconds=expected)


@pytest.mark.parametrize("text", ["", "10", "ten minutes", "-5m", "0s", True])
def test_bad_durations(text: object) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_sizes() -> None:
    assert parse_size("10MB") == 10_000_000
    assert parse_size("512KB") == 512_000
    assert parse_size("1MiB") == 1_048_576
    assert parse_size(2048) == 2048
    with pytest.raises(ValueError):
        parse_size("lots")


def test_config_path_order(tmp_path: Path) -> None:
    assert resolve_path("x.toml", env={"NEWSBOT_CONFIG": "y.toml"}) == Path("x.toml")
    assert resolve_path(None, env={"NEWSBOT_CONFIG": "y.toml"}) == Path("y.toml")
    assert resolve_path(None, env={}) == Path("config.toml")


def test_missing_named_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load(tmp_path / "nope.toml", env={})
    assert "no such config file" in err.value.problems[0]


def test_broken_toml(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[telegram\ntoken=1", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load(path, env={})
    assert "not valid TOML" in err.value.problems[0]


def test_a_source_without_a_name_is_named_after_its_site(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[[sources]]\nid = "rub"\nurl = "https://www.rubryka.com/feed/"\n'
        '[[sources]]\nid = "named"\nname = "Рубрика"\nurl = "https://rubryka.com/feed/"\n',
        encoding="utf-8",
    )
    unnamed, named = load(path, env={}).sources
    assert unnamed.name == "rubryka.com"
    assert named.name == "Рубрика"
