"""Command line: one function per subcommand; errors are one clear line and exit 1."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import difflib
import logging
import re
import sys
from collections.abc import AsyncIterator, Sequence
from datetime import UTC
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from bot.config import Config
    from bot.db.engine import Database

# The heavy imports (pydantic, SQLAlchemy, Alembic, PTB) wait until a command runs, so
# `--help` and usage errors answer at once.


def rule_problems(cfg: Config) -> list[str]:
    """Problems only the parsers can see: topic keywords and CSS selectors, with their keys."""
    from bot.classify.topics import keyword_problem
    from bot.context import sources_from_config
    from bot.sources.html_page import selector_problems

    problems = []
    for i, topic in enumerate(cfg.topics):
        for lang, words in topic.keywords.items():
            for j, word in enumerate(words):
                if problem := keyword_problem(word):
                    problems.append(f"topics[{i}].keywords.{lang}[{j}]: {problem}")
    for i, source in enumerate(sources_from_config(cfg)):
        if source.html is not None:
            problems += [f"sources[{i}].{p}" for p in selector_problems(source.html)]
    return problems


def _read(args: argparse.Namespace) -> tuple[Path, Config]:
    """The config and the file it came from (which may be absent: then defaults apply)."""
    from bot import config as config_module
    from bot.config import ConfigError

    path = config_module.resolve_path(args.config)
    cfg = config_module.load(path)
    if problems := rule_problems(cfg):
        raise ConfigError(problems)
    args.config_path = path
    return path, cfg


def _no_sources(path: Path) -> str:
    """Why nothing will be polled, and what to do: a newcomer's first question."""
    if not path.exists():
        return (
            f"no config file {path} here, so no sources: copy config.example.toml to "
            "config.toml and edit it, or pass --config PATH"
        )
    return f"no enabled [[sources]] in {path}: add some (see config.example.toml)"


def _load(args: argparse.Namespace) -> Config:
    from bot import logs

    _path, cfg = _read(args)
    level = "DEBUG" if args.verbose else cfg.logging.level
    logs.setup(level, cfg.token)
    return cfg


@contextlib.asynccontextmanager
async def _database(cfg: Config) -> AsyncIterator[Database]:
    """The configured database, migrated, disposed afterwards."""
    from bot.db.engine import Database, make_engine
    from bot.db.migrate import upgrade

    db = Database(make_engine(cfg.database.url))
    try:
        await upgrade(db.engine)
        yield db
    finally:
        await db.dispose()


def cmd_run(args: argparse.Namespace) -> int:
    from bot import app

    cfg = _load(args)
    if not cfg.token:
        print(
            "newsbot: no bot token. Get one from @BotFather in Telegram, then set "
            "NEWSBOT_TOKEN or telegram.token in config.toml (see config.example.toml).",
            file=sys.stderr,
        )
        return 1
    if not any(s.enabled for s in cfg.sources):
        logging.getLogger("bot.cli").warning(
            "%s; the bot answers chats but has no news to send",
            _no_sources(args.config_path),
        )
    return app.run(cfg)


def cmd_check_config(args: argparse.Namespace) -> int:
    path, cfg = _read(args)
    notes = []
    if not cfg.token:
        notes.append("telegram.token: empty; set it or NEWSBOT_TOKEN before `newsbot run`")
    if not any(s.enabled for s in cfg.sources):
        notes.append(f"sources: {_no_sources(path)}")
    where = path if path.exists() else f"{path} absent, the defaults"
    print(
        f"{where}: OK ({len(cfg.sources)} sources, {len(cfg.topics)} topics, "
        f"database {cfg.database.url.split('://')[0]})"
    )
    for note in notes:
        print(f"note: {note}")
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from bot.db.migrate import current

    cfg = _load(args)

    async def go() -> str | None:
        async with _database(cfg) as db:
            return await current(db.engine)

    revision = asyncio.run(go())
    print(f"database is up to date (revision {revision})")
    return 0


def cmd_poll(args: argparse.Namespace) -> int:
    import aiohttp

    from bot.context import Runtime
    from bot.ingest import Poller

    cfg = _load(args)
    if args.once and not args.verbose:  # each failure is on its source's line already
        logging.getLogger("bot.ingest").setLevel(logging.ERROR)
    if not any(s.enabled for s in cfg.sources):
        print(f"newsbot: nothing to poll: {_no_sources(args.config_path)}", file=sys.stderr)
        return 1

    async def go() -> int:
        async with _database(cfg) as db, aiohttp.ClientSession() as http:
            rt = Runtime.create(cfg, db)
            poller = Poller(
                db, http, rt.sources, rt.topics, cfg.polling, cfg.news_languages, rt.clock
            )
            await poller.sync()
            while True:
                reports = await poller.cycle(force=args.once)
                for report in reports:
                    print(report.line(), flush=True)
                if args.once:
                    failed = sum(1 for r in reports if r.error)
                    print(
                        f"polled {len(reports)} sources: {len(reports) - failed} ok, "
                        f"{failed} failed, {sum(r.new_items for r in reports)} new items",
                        file=sys.stderr,
                    )
                    return 1 if reports and failed == len(reports) else 0
                await asyncio.sleep(30)

    return asyncio.run(go())


def _csv(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def cmd_preview(args: argparse.Namespace) -> int:
    from datetime import datetime

    from bot import config as config_module
    from bot.config import parse_duration
    from bot.context import Runtime
    from bot.db import items as items_repo
    from bot.digest.compose import compose_digest, compose_plain
    from bot.domain import ChatSettings

    cfg = _load(args)
    known = [t.id for t in cfg.topics]
    topics = _csv(args.topics)
    unknown = [t for t in topics if t not in known and t != "all"]
    if unknown:
        print(
            f"newsbot: unknown topic(s) {', '.join(unknown)}; known: {', '.join(known)}",
            file=sys.stderr,
        )
        return 1
    try:
        since = parse_duration(args.since)
    except ValueError as exc:
        print(f"newsbot: --since: {exc}", file=sys.stderr)
        return 1
    languages = [code.lower() for code in _csv(args.languages)]
    if bad := [code for code in languages if not config_module.is_language_code(code)]:
        print(
            f"newsbot: --languages: expected codes like uk,en, got {', '.join(bad)}",
            file=sys.stderr,
        )
        return 1
    if args.timezone:
        try:
            config_module.check_timezone(args.timezone)
        except ValueError as exc:
            print(f"newsbot: --timezone: {exc}", file=sys.stderr)
            return 1
    ui = args.ui or (languages[0] if languages and languages[0] in ("en", "uk") else "en")
    chat = ChatSettings(
        chat_id=0,
        ui_language=ui,
        languages=tuple(languages),
        topics=None if not topics or "all" in topics else tuple(topics),
        timezone=args.timezone or cfg.digest.timezone,
    )

    async def go() -> int:
        async with _database(cfg) as db:
            rt = Runtime.create(cfg, db)
            now = datetime.now(UTC)
            async with db.transaction() as session:
                items = await items_repo.recent_items(
                    session, since=now - since, source_names=rt.source_names, limit=5000
                )
            render = compose_digest if args.html else compose_plain
            result = render(
                items,
                chat=chat,
                topics=rt.topics,
                now=now,
                max_items=cfg.digest.max_items,
                window=cfg.digest.same_story_window,
            )
            if isinstance(result, str):
                print(result or f"(nothing matches among {len(items)} items since {args.since})")
                if not items:
                    print(
                        "newsbot: no stored items yet; run `newsbot poll --once` first",
                        file=sys.stderr,
                    )
                return 0
            for number, part in enumerate(result.parts, 1):
                print(f"--- part {number}/{len(result.parts)}: {len(part)} characters")
                print(part)
            if result.empty:
                print("(nothing to send)")
            return 0

    return asyncio.run(go())


def cmd_reclassify(args: argparse.Namespace) -> int:
    from bot.context import Runtime
    from bot.ingest import reclassify

    cfg = _load(args)

    async def go() -> tuple[int, int]:
        async with _database(cfg) as db:
            rt = Runtime.create(cfg, db)
            return await reclassify(db, rt.sources, rt.topics, cfg.news_languages)

    seen, changed = asyncio.run(go())
    print(f"reclassified {seen} items: {changed} changed")
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse with a "did you mean" for a mistyped command (`newsbot chek-config`)."""

    def error(self, message: str) -> NoReturn:
        if m := re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message):
            choices = re.findall(r"'([^']*)'", m.group(2))
            if close := difflib.get_close_matches(m.group(1), choices, n=1, cutoff=0.6):
                message += f"; did you mean {close[0]!r}?"
        super().error(message)


def build_parser() -> argparse.ArgumentParser:
    # --config and -v work before or after the subcommand: `newsbot run --config x.toml`.
    common = _Parser(add_help=False)
    common.add_argument(
        "--config",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="config file (default: $NEWSBOT_CONFIG, else ./config.toml)",
    )
    common.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="log at DEBUG"
    )
    parser = _Parser(
        prog="newsbot",
        description="A Telegram bot that sends news digests filtered by language and topic.",
        epilog="Start with `newsbot check-config`, then `newsbot poll --once`, then "
        "`newsbot run`. `newsbot COMMAND --help` describes each command.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"newsbot {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser(
        "run",
        parents=[common],
        help="run the bot: chat updates, the poll cycle and the digest cycle",
        description="Run the bot until SIGTERM/SIGINT: answers chats (long polling, or a "
        "webhook if telegram.webhook_url is set), polls sources and sends digests. "
        "Brings the database schema up to date first.",
    )
    run.set_defaults(func=cmd_run, parser=run)

    check = sub.add_parser(
        "check-config",
        parents=[common],
        help="validate the config and print every problem with its key",
        description="Validate the config file; prints every problem with its key and "
        "exits 1 if there is any.",
    )
    check.set_defaults(func=cmd_check_config, parser=check)

    poll = sub.add_parser(
        "poll",
        parents=[common],
        help="poll the sources and store new items (no chat is sent anything)",
        description="Poll sources and print a line per source: status, new items, time, "
        "errors. With --once, one cycle over every source, due or not; without it, keep "
        "polling sources as they fall due.",
    )
    poll.add_argument("--once", action="store_true", help="one cycle over every source, then exit")
    poll.set_defaults(func=cmd_poll, parser=poll)

    preview = sub.add_parser(
        "preview",
        parents=[common],
        help="print the digest a chat with these filters would get",
        description="Print the digest a chat with these filters would get from the items "
        "stored in the database (run `newsbot poll --once` first), as plain text or, with "
        "--html, the raw Telegram HTML parts.",
    )
    preview.add_argument("--languages", metavar="uk,en", help="news languages (default: all)")
    preview.add_argument("--topics", metavar="defense,politics", help="topics (default: all)")
    preview.add_argument("--since", default="24h", metavar="24h", help="how far back (default 24h)")
    preview.add_argument("--html", action="store_true", help="print the raw HTML message parts")
    preview.add_argument("--ui", choices=["en", "uk"], help="language of the digest's own texts")
    preview.add_argument("--timezone", metavar="Europe/Kyiv", help="time zone for the times shown")
    preview.set_defaults(func=cmd_preview, parser=preview)

    reclassify = sub.add_parser(
        "reclassify",
        parents=[common],
        help="re-apply the current language and topic rules to stored items",
        description="Re-apply the config's current topics and language rules to every "
        "stored item (after editing [[topics]]).",
    )
    reclassify.set_defaults(func=cmd_reclassify, parser=reclassify)

    db = sub.add_parser(
        "db", parents=[common], help="database maintenance", description="Database maintenance."
    )
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION")
    db_upgrade = db_sub.add_parser(
        "upgrade",
        parents=[common],
        help="bring the database schema up to date",
        description="Apply every pending schema migration (also done by `newsbot run`).",
    )
    db_upgrade.set_defaults(func=cmd_db_upgrade, parser=db_upgrade)
    db.set_defaults(parser=db)
    parser.set_defaults(parser=parser)
    return parser


def _version() -> str:
    try:
        return version("newsbot")
    except PackageNotFoundError:  # run from a checkout without `pip install`
        return "unknown"


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """argparse, but a stray flag or a missing command is reported by the command it is for.

    Plain argparse blames `newsbot` for `newsbot run --bogus` and shows the top usage.
    """
    args, extra = parser.parse_known_args(argv)
    where: argparse.ArgumentParser = args.parser
    if extra:
        where.error(f"unrecognized arguments: {' '.join(extra)}")
    if not hasattr(args, "func"):
        choices = [
            name
            for action in where._actions
            if isinstance(action, argparse._SubParsersAction)
            for name in action.choices
        ]
        where.print_help(sys.stderr)
        where.exit(2, f"\n{where.prog}: error: choose a command: {', '.join(choices)}\n")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(build_parser(), argv)
    from bot.config import ConfigError
    from bot.db.engine import DatabaseUnavailable

    args.config = getattr(args, "config", None)
    args.verbose = getattr(args, "verbose", False)
    try:
        code: int = args.func(args)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"config: {problem}", file=sys.stderr)
        print(
            f"newsbot: {len(exc.problems)} problem(s) in the config; fix them and run "
            "`newsbot check-config` again",
            file=sys.stderr,
        )
        return 1
    except DatabaseUnavailable as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return code
