"""The command line as an operator uses it: clear one-line errors, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakes.cli import ROOT, newsbot


def test_run_without_token_exits_1_with_one_clear_line(tmp_path: Path) -> None:
    result = newsbot("run", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "NEWSBOT_TOKEN" in lines[0] and "BotFather" in lines[0]
    assert "Traceback" not in result.stderr


def test_check_config_example_ok(tmp_path: Path) -> None:
    result = newsbot("check-config", "--config", str(ROOT / "config.example.toml"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


def test_check_config_reports_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[telegram]\ntokn = "x"\n[polling]\ninterval = "5 minutes"\n'
        '[[sources]]\nid = "a"\nname = "A"\nurl = "ftp://x"\n',
        encoding="utf-8",
    )
    result = newsbot("check-config", "--config", str(bad), cwd=tmp_path)
    assert result.returncode == 1
    problems = [line for line in result.stderr.splitlines() if line.startswith("config: ")]
    assert len(problems) == 3
    assert any("telegram.tokn" in p for p in problems)
    assert any("polling.interval" in p for p in problems)
    assert any("sources[0].url" in p for p in problems)


def test_config_from_environment_variable(tmp_path: Path) -> None:
    cfg = tmp_path / "elsewhere.toml"
    cfg.write_text('[digest]\ntimezone = "Mars/Olympus"\n', encoding="utf-8")
    result = newsbot("check-config", cwd=tmp_path, env={"NEWSBOT_CONFIG": str(cfg)})
    assert result.returncode == 1
    assert "digest.timezone" in result.stderr


def test_db_upgrade_creates_schema(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
    result = newsbot("db", "upgrade", cwd=tmp_path, env={"NEWSBOT_DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    again = newsbot("db", "upgrade", cwd=tmp_path, env={"NEWSBOT_DATABASE_URL": url})
    assert again.returncode == 0


@pytest.mark.parametrize("command", [["run"], ["check-config"], ["db", "upgrade"]])
def test_every_subcommand_has_help(tmp_path: Path, command: list[str]) -> None:
    result = newsbot(*command, "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "usage: newsbot" in result.stdout


def test_check_config_reports_bad_keywords_and_selectors(tmp_path: Path) -> None:
    bad = tmp_path / "rules.toml"
    bad.write_text(
        '[[topics]]\nid = "x"\nname = { en = "X" }\nkeywords = { en = ["**", "fine"] }\n'
        '[[sources]]\nid = "p"\nname = "P"\nurl = "https://x.example/"\n'
        '[sources.html]\nitem = "div[["\n',
        encoding="utf-8",
    )
    result = newsbot("check-config", "--config", str(bad), cwd=tmp_path)
    assert result.returncode == 1
    assert "topics[0].keywords.en[0]" in result.stderr
    assert "sources[0].html.item" in result.stderr


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+asyncpg://newsbot:hunter2@127.0.0.1:1/newsbot",
        "sqlite+aiosqlite:////nonexistent-dir/newsbot.db",
    ],
)
def test_unreachable_database_is_one_clear_line(tmp_path: Path, url: str) -> None:
    result = newsbot("db", "upgrade", cwd=tmp_path, env={"NEWSBOT_DATABASE_URL": url})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot use the database" in lines[0]
    assert "NEWSBOT_DATABASE_URL" in lines[0]
    assert "hunter2" not in result.stderr and "Traceback" not in result.stderr
