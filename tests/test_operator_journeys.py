"""A newcomer installs newsbot and runs it: what they see on the terminal, and the exit codes.

Each test is one journey through the real CLI in a subprocess; it asserts the lines the
operator reads (stdout for results, stderr for problems), never a Python traceback, and
that the bot token never appears.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

from tests.fakes.cli import ROOT, newsbot_async
from tests.fakes.cli import newsbot as run_newsbot
from tests.fakes.conftest_feed import feed_server
from tests.fakes.feed_server import FeedServer

EXAMPLE = ROOT / "config.example.toml"
TOKEN = "123456789:AAE-operator-journey-secret_xyz"
__all__ = ["feed_server"]


def newsbot(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    result = run_newsbot(*args, cwd=cwd, env=env)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def problems(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("config: ")]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- the command line itself -----------------------------------------------------------------


def test_help_lists_every_command_and_each_command_has_help(tmp_path: Path) -> None:
    top = newsbot("--help", cwd=tmp_path)
    assert top.returncode == 0
    for command in ("run", "check-config", "poll", "preview", "reclassify", "db"):
        assert re.search(rf"^\s+{command}\b", top.stdout, re.MULTILINE), command
    for command, flag in (("poll", "--once"), ("preview", "--since"), ("reclassify", "")):
        sub = newsbot(command, "--help", cwd=tmp_path)
        assert sub.returncode == 0 and sub.stdout.startswith(f"usage: newsbot {command}")
        assert flag in sub.stdout


def test_no_command_shows_the_commands_and_exits_2(tmp_path: Path) -> None:
    result = newsbot(cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    last = result.stderr.strip().splitlines()[-1]
    assert (
        last == "newsbot: error: choose a command: run, check-config, poll, preview, reclassify, db"
    )

    db = newsbot("db", cwd=tmp_path)
    assert db.returncode == 2
    assert db.stderr.strip().splitlines()[-1] == "newsbot db: error: choose a command: upgrade"


def test_a_mistyped_command_suggests_the_right_one(tmp_path: Path) -> None:
    result = newsbot("chek-config", cwd=tmp_path)
    assert result.returncode == 2
    assert "invalid choice: 'chek-config'" in result.stderr
    assert "did you mean 'check-config'?" in result.stderr


def test_a_wrong_flag_is_blamed_on_its_command(tmp_path: Path) -> None:
    run = newsbot("run", "--bogus", cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr.splitlines() == [
        "usage: newsbot run [-h] [--config PATH] [-v]",
        "newsbot run: error: unrecognized arguments: --bogus",
    ]
    poll = newsbot("poll", "--onse", cwd=tmp_path)
    assert poll.returncode == 2
    assert "newsbot poll: error: unrecognized arguments: --onse" in poll.stderr
    missing = newsbot("preview", "--since", cwd=tmp_path)
    assert missing.returncode == 2
    assert "newsbot preview: error: argument --since: expected one argument" in missing.stderr


def test_version(tmp_path: Path) -> None:
    result = newsbot("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert re.fullmatch(r"newsbot \S+\n", result.stdout)


# --- config: where it comes from ---------------------------------------------------------------


def test_without_a_config_file_each_command_says_what_to_do(tmp_path: Path) -> None:
    check = newsbot("check-config", cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    assert check.stdout.splitlines()[0].startswith("config.toml absent, the defaults: OK")
    assert "copy config.example.toml to config.toml" in check.stdout

    poll = newsbot("poll", "--once", cwd=tmp_path)
    assert poll.returncode == 1
    assert poll.stdout == ""
    assert poll.stderr.startswith("newsbot: nothing to poll: no config file config.toml here")
    assert "copy config.example.toml to config.toml" in poll.stderr

    run = newsbot("run", cwd=tmp_path)
    assert run.returncode == 1
    assert "NEWSBOT_TOKEN" in run.stderr and "config.example.toml" in run.stderr


def test_a_config_path_that_leads_nowhere(tmp_path: Path) -> None:
    for args, env in (
        (["check-config"], {"NEWSBOT_CONFIG": str(tmp_path / "nowhere.toml")}),
        (["poll", "--once", "--config", str(tmp_path / "nowhere.toml")], {}),
        (["run"], {"NEWSBOT_CONFIG": str(tmp_path / "nowhere.toml"), "NEWSBOT_TOKEN": TOKEN}),
    ):
        result = newsbot(*args, cwd=tmp_path, env=env)
        assert result.returncode == 1, args
        assert problems(result) == [
            f"config: {tmp_path / 'nowhere.toml'}: no such config file; "
            "copy config.example.toml and edit it"
        ]


def test_check_config_of_the_shipped_example(tmp_path: Path) -> None:
    result = newsbot("check-config", "--config", str(EXAMPLE), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    first, *notes = result.stdout.splitlines()
    assert re.fullmatch(
        rf"{re.escape(str(EXAMPLE))}: OK \(\d+ sources, \d+ topics, database sqlite\+aiosqlite\)",
        first,
    )
    assert notes == ["note: telegram.token: empty; set it or NEWSBOT_TOKEN before `newsbot run`"]
    with_token = newsbot(
        "check-config", "--config", str(EXAMPLE), cwd=tmp_path, env={"NEWSBOT_TOKEN": TOKEN}
    )
    assert with_token.stdout.splitlines() == [first]
    assert TOKEN.split(":")[1] not in with_token.stdout + with_token.stderr


# --- config: mistakes ----------------------------------------------------------------------------


def test_toml_syntax_errors_name_the_line_and_column(tmp_path: Path) -> None:
    cfg = write(tmp_path / "c.toml", '[telegram]\nadmins = []\n[polling\ninterval = "5m"\n')
    result = newsbot("check-config", "--config", str(cfg), cwd=tmp_path)
    assert result.returncode == 1
    assert problems(result) == [
        f"config: {cfg}, line 3, column 9: not valid TOML: "
        "expected ']' at the end of a table declaration"
    ]

    write(cfg, "[polling]\ninterval = 10m\n")
    unquoted = newsbot("check-config", "--config", str(cfg), cwd=tmp_path)
    assert unquoted.returncode == 1
    (problem,) = problems(unquoted)
    assert problem.startswith(f"config: {cfg}, line 2, column 14: not valid TOML")
    assert 'does a text value miss its quotes? (interval = "10m")' in problem


def test_wrong_types_and_unknown_keys_are_all_reported_in_plain_words(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "c.toml",
        '[telegram]\ntokn = "x"\nadmins = ["me"]\nmax_messages_per_second = "fast"\n'
        '[pollng]\ninterval = "5m"\n'
        '[[sources]]\nid = "a"\nurl = "https://a.example/feed"\nintervl = "5m"\n'
        '[sources.html]\nitme = "article"\n',
    )
    result = newsbot("check-config", "--config", str(cfg), cwd=tmp_path)
    assert result.returncode == 1
    assert sorted(problems(result)) == sorted(
        [
            "config: telegram.tokn: unknown key; did you mean 'token'? "
            "check the spelling against config.example.toml",
            'config: telegram.admins[0]: expected a whole number, got "me"',
            'config: telegram.max_messages_per_second: expected a number, got "fast"',
            "config: pollng: unknown key; did you mean 'polling'? "
            "check the spelling against config.example.toml",
            "config: sources[0].intervl: unknown key; did you mean 'interval'? "
            "check the spelling against config.example.toml",
            "config: sources[0].html.item: required key is missing",
            "config: sources[0].html.itme: unknown key; did you mean 'item'? "
            "check the spelling against config.example.toml",
        ]
    )
    assert result.stderr.strip().splitlines()[-1] == (
        "newsbot: 7 problem(s) in the config; fix them and run `newsbot check-config` again"
    )


def test_bad_durations_sizes_time_zones_and_times(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "c.toml",
        '[polling]\ninterval = "10 minutes"\ntimeout = "0s"\nmax_body = "huge"\n'
        '[digest]\ntimezone = "Kyiv"\ntimes = ["08:00", "25:00"]\n',
    )
    result = newsbot("check-config", "--config", str(cfg), cwd=tmp_path)
    assert result.returncode == 1
    found = {p.split(":")[1].strip(): p for p in problems(result)}
    assert set(found) == {
        "polling.interval",
        "polling.timeout",
        "polling.max_body",
        "digest.timezone",
        "digest.times",
    }
    assert '"10m"' in found["polling.interval"] and "'10 minutes'" in found["polling.interval"]
    assert "positive" in found["polling.timeout"]
    assert '"10MB"' in found["polling.max_body"]
    assert "did you mean 'Europe/Kyiv'?" in found["digest.timezone"]
    assert "['25:00']" in found["digest.times"]


def test_times_written_the_short_way_are_read(tmp_path: Path) -> None:
    cfg = write(tmp_path / "c.toml", '[digest]\ntimes = "8:00"\ntimezone = "UTC"\n')
    result = newsbot("check-config", "--config", str(cfg), cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_a_token_that_cannot_be_a_token_is_refused_without_printing_it(tmp_path: Path) -> None:
    secret = "bot123456:AAE-do-not-print-me"
    cfg = write(tmp_path / "c.toml", '[telegram]\ntoken = "paste your token here"\n')
    from_env = "telegram.token (from NEWSBOT_TOKEN)"
    for args, env, label, hint in (
        (["check-config"], {"NEWSBOT_TOKEN": secret}, from_env, "drop the 'bot' in front of it"),
        (["run", "-v", "--config", str(cfg)], {}, "telegram.token", "again from @BotFather"),
    ):
        result = newsbot(*args, cwd=tmp_path, env=env)
        assert result.returncode == 1
        (problem,) = problems(result)
        assert problem.startswith(f"config: {label}: does not look like a bot token")
        assert problem.endswith(hint)
        assert "do-not-print-me" not in result.stdout + result.stderr
        assert "paste your token" not in result.stdout + result.stderr


def test_a_bot_api_url_without_bot_is_refused(tmp_path: Path) -> None:
    cfg = write(tmp_path / "c.toml", '[telegram]\napi_base_url = "https://api.telegram.org"\n')
    result = newsbot("check-config", "--config", str(cfg), cwd=tmp_path)
    assert result.returncode == 1
    (problem,) = problems(result)
    assert problem.startswith("config: telegram.api_base_url: expected a URL ending in /bot")


def test_environment_overrides_win_over_the_file(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "config.toml",
        f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "from-file.db"}"\n',
    )
    env_db = tmp_path / "from-env.db"
    result = newsbot(
        "db", "upgrade", cwd=tmp_path, env={"NEWSBOT_DATABASE_URL": f"sqlite:///{env_db}"}
    )
    assert result.returncode == 0, result.stderr
    assert env_db.exists() and not (tmp_path / "from-file.db").exists()

    wrong = newsbot(
        "check-config",
        "--config",
        str(cfg),
        cwd=tmp_path,
        env={"NEWSBOT_DATABASE_URL": "mysql://x"},
    )
    assert wrong.returncode == 1
    (problem,) = problems(wrong)
    assert problem.startswith("config: database.url (from NEWSBOT_DATABASE_URL): expected")


# --- the database ------------------------------------------------------------------------------


def test_db_upgrade_twice_is_a_no_op(tmp_path: Path) -> None:
    env = {"NEWSBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'n.db'}"}
    first = newsbot("db", "upgrade", cwd=tmp_path, env=env)
    second = newsbot("db", "upgrade", cwd=tmp_path, env=env)
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout
    assert re.fullmatch(r"database is up to date \(revision \w+\)\n", second.stdout)
    assert second.stderr == ""


def _one_database_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("newsbot: cannot use the database ")
    assert "NEWSBOT_DATABASE_URL" in lines[0]
    return lines[0]


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    junk = write(tmp_path / "junk.db", "this is not a database, it is a shopping list\n" * 100)
    line = _one_database_line(
        newsbot("db", "upgrade", cwd=tmp_path, env={"NEWSBOT_DATABASE_URL": f"sqlite:///{junk}"})
    )
    assert "file is not a database" in line
    assert junk.read_text(encoding="utf-8").startswith("this is not a database")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_a_database_in_a_read_only_directory(tmp_path: Path) -> None:
    locked = tmp_path / "ro"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        url = f"sqlite+aiosqlite:///{locked / 'n.db'}"
        line = _one_database_line(
            newsbot("db", "upgrade", cwd=tmp_path, env={"NEWSBOT_DATABASE_URL": url})
        )
        assert "not writable" in line
    finally:
        locked.chmod(0o755)


async def test_a_locked_database_is_waited_for_and_nothing_is_lost(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    """Another process holds the write lock for a moment: the poll waits, then stores all."""
    feed_server.add_file("/good.xml", "rss20.xml")
    cfg = poll_config(tmp_path, {"good": feed_server.url("/good.xml")})
    path = tmp_path / "n.db"
    code, _out, err = await anewsbot("db", "upgrade", "--config", str(cfg), cwd=tmp_path)
    assert code == 0, err
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a writer elsewhere (WAL: readers still read)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "poll", "--once", "--config", str(cfg),
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    with contextlib.suppress(TimeoutError):  # it must not finish while the lock is held
        await asyncio.wait_for(asyncio.shield(proc.wait()), 1.5)
    assert proc.returncode is None
    holder.execute("ROLLBACK")
    holder.close()
    async with asyncio.timeout(60):
        stdout, stderr = await proc.communicate()
    out, err = stdout.decode(), stderr.decode()
    assert proc.returncode == 0, err
    assert out.split()[:3] == ["good", "ok", "4"]
    stored = sqlite3.connect(path).execute("SELECT count(*) FROM items").fetchone()[0]
    assert stored == 4


def _pg_available() -> bool:
    async def probe() -> bool:
        try:
            conn = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres", timeout=2)
        except (OSError, asyncpg.PostgresError, TimeoutError):
            return False
        await conn.close()
        return True

    return asyncio.run(probe())


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("postgresql+asyncpg://postgres:hunter2@127.0.0.1:1/test", "Connect call failed"),
        ("postgresql+asyncpg://nobody_here:hunter2@127.0.0.1:5432/test", 'role "nobody_here"'),
        ("postgresql+asyncpg://postgres:hunter2@127.0.0.1:5432/no_such_db", '"no_such_db"'),
    ],
)
def test_postgresql_that_will_not_have_us(tmp_path: Path, url: str, reason: str) -> None:
    if ":5432/" in url and not _pg_available():
        pytest.skip("no PostgreSQL server on 127.0.0.1:5432")
    result = newsbot("db", "upgrade", cwd=tmp_path, env={"NEWSBOT_DATABASE_URL": url})
    line = _one_database_line(result)
    assert reason in line
    assert "hunter2" not in result.stderr and "***" in line


# --- poll and preview ---------------------------------------------------------------------------


async def anewsbot(*args: str, cwd: Path) -> tuple[int, str, str]:
    """The CLI without blocking the loop that serves the feeds it fetches."""
    code, out, err = await newsbot_async(*args, cwd=cwd)
    assert "Traceback" not in err
    return code, out, err


def poll_config(tmp_path: Path, sources: dict[str, str]) -> Path:
    text = [
        f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "n.db"}"\n'
        '[polling]\ntimeout = "1s"\n'
        '[[topics]]\nid = "defense"\nname = { en = "Defense", uk = "Оборона" }\n'
        'keywords = { en = ["NATO"], uk = ["*оборон*"] }\n'
    ]
    for sid, url in sources.items():
        text.append(f'[[sources]]\nid = "{sid}"\nurl = "{url}"\nlanguage = "uk"\n')
    return write(tmp_path / "config.toml", "\n".join(text))


async def test_poll_once_with_good_failing_and_slow_sources_then_preview(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    feed_server.add_file("/good.xml", "rss20.xml")
    feed_server.error("/broken.xml", 503, "Service Unavailable")
    feed_server.add_file("/slow.xml", "rss20.xml", gate=asyncio.Event())  # never answers
    cfg = poll_config(
        tmp_path,
        {
            "good": feed_server.url("/good.xml"),
            "broken": feed_server.url("/broken.xml"),
            "slow": feed_server.url("/slow.xml"),
        },
    )

    code, out, err = await anewsbot("poll", "--once", "--config", str(cfg), cwd=tmp_path)

    assert code == 0, err  # some sources worked: the cycle did its job
    lines = {line.split()[0]: line.split() for line in out.splitlines()}
    assert set(lines) == {"good", "broken", "slow"}
    assert lines["good"][1:4] == ["ok", "4", "new"]
    assert lines["broken"][1] == "error" and "503" in " ".join(lines["broken"])
    assert lines["slow"][1] == "error"
    assert err.strip() == "polled 3 sources: 1 ok, 2 failed, 4 new items"

    # Polling again stores nothing twice.
    code, out, err = await anewsbot("poll", "--once", "--config", str(cfg), cwd=tmp_path)
    assert code == 0 and err.strip() == "polled 3 sources: 1 ok, 2 failed, 0 new items"

    code, out, err = await anewsbot(
        "preview", "--config", str(cfg), "--languages", "uk", "--topics", "defense",
        "--since", "3650d", "--timezone", "Europe/Kyiv", "--ui", "uk", cwd=tmp_path,
    )  # fmt: skip
    assert code == 0, err
    assert "Оборона" in out and "Міноборони" in out
    code, html, err = await anewsbot(
        "preview", "--config", str(cfg), "--since", "3650d", "--html", cwd=tmp_path
    )
    assert code == 0, err
    assert html.startswith("--- part 1/1: ") and '<a href="' in html


def test_preview_refuses_bad_flags_with_the_flag_named(tmp_path: Path) -> None:
    cfg = poll_config(tmp_path, {"a": "https://a.example/feed"})
    for flags, message in (
        (["--since", "yesterday"], "newsbot: --since: expected a duration"),
        (["--topics", "sport"], "newsbot: unknown topic(s) sport; known: defense"),
        (["--timezone", "Kyiv"], "newsbot: --timezone: unknown time zone 'Kyiv'; did you mean"),
        (["--languages", "ukrainian"], "newsbot: --languages: expected codes like uk,en"),
    ):
        result = newsbot("preview", "--config", str(cfg), *flags, cwd=tmp_path)
        assert result.returncode == 1 and result.stderr.startswith(message), (flags, result)
    assert not (tmp_path / "n.db").exists()  # refused before touching the database
    ui = newsbot("preview", "--config", str(cfg), "--ui", "de", cwd=tmp_path)
    assert ui.returncode == 2 and "argument --ui: invalid choice: 'de'" in ui.stderr


async def test_poll_once_when_every_source_fails_exits_1(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    cfg = poll_config(
        tmp_path, {"gone": feed_server.url("/gone.xml"), "dead": "http://127.0.0.1:1/"}
    )
    code, out, err = await anewsbot("poll", "--once", "--config", str(cfg), cwd=tmp_path)
    assert code == 1
    assert [line.split()[:2] for line in sorted(out.splitlines())] == [
        ["dead", "error"],
        ["gone", "error"],
    ]
    assert err.strip() == "polled 2 sources: 0 ok, 2 failed, 0 new items"
