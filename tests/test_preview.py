"""`newsbot preview`: what a chat with these filters would get, before any chat exists."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.db import items as items_repo
from bot.db.engine import Database, make_engine
from bot.db.migrate import upgrade
from bot.db.models import SourceRow
from bot.domain import Item

ROOT = Path(__file__).resolve().parents[1]
CONFIG = """
[database]
url = "sqlite+aiosqlite:///{db}"
[digest]
timezone = "Europe/Kyiv"
[[topics]]
id = "defense"
name = {{ en = "Defense", uk = "Оборона" }}
emoji = "🛡"
keywords = {{ uk = ["*оборон*"], en = ["NATO"] }}
[[topics]]
id = "culture"
name = {{ en = "Culture", uk = "Культура" }}
keywords = {{ uk = ["культур*"] }}
[[sources]]
id = "rubryka"
name = "Рубрика"
url = "https://rubryka.com/feed/"
"""


def item(key: str, title: str, language: str, topic: str) -> Item:
    return Item(
        source_id="rubryka",
        key=key,
        url=f"https://rubryka.com/{key}/?a=1&b=<2>",
        title=title,
        summary="",
        language=language,
        topics=(topic,),
        published_at=datetime.now(UTC) - timedelta(hours=1),
    )


async def prepare(tmp_path: Path) -> Path:
    db_file = tmp_path / "news.db"
    db = Database(make_engine(f"sqlite+aiosqlite:///{db_file}"))
    await upgrade(db.engine)
    async with db.transaction() as s:
        s.add(SourceRow(id="rubryka", url="https://rubryka.com/feed/", error_count=0))
        await s.flush()
        await items_repo.store_items(
            s,
            [
                item("a", "Міноборони працює над бронежилетами & касками", "uk", "defense"),
                item("b", "У Львові відкрили Культурний хаб", "uk", "culture"),
                item("c", "NATO to share classified data", "en", "defense"),
            ],
            now=datetime.now(UTC),
        )
    await db.dispose()
    config = tmp_path / "config.toml"
    config.write_text(CONFIG.format(db=db_file), encoding="utf-8")
    return config


def preview(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "preview", "--config", str(config), *args],
        cwd=config.parent,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )


async def test_preview_plain_and_html(tmp_path: Path) -> None:
    config = await prepare(tmp_path)
    plain = preview(config, "--languages", "uk", "--topics", "defense", "--since", "24h")
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.startswith("📰 Новини")
    assert "Оборона" in plain.stdout
    assert "Міноборони працює над бронежилетами & касками — Рубрика" in plain.stdout
    assert "Культурний хаб" not in plain.stdout and "NATO" not in plain.stdout

    html = preview(config, "--languages", "uk,en", "--topics", "defense", "--html", "--ui", "en")
    assert html.returncode == 0, html.stderr
    assert "--- part 1/1" in html.stdout
    assert "<b>📰 News" in html.stdout
    assert "бронежилетами &amp; касками" in html.stdout
    assert 'href="https://rubryka.com/a/?a=1&amp;b=%3C2%3E"' in html.stdout
    assert "NATO to share classified data" in html.stdout


async def test_preview_errors_and_empty(tmp_path: Path) -> None:
    config = await prepare(tmp_path)
    wrong = preview(config, "--topics", "sport")
    assert wrong.returncode == 1
    assert "unknown topic(s) sport; known: defense, culture" in wrong.stderr
    bad_since = preview(config, "--since", "yesterday")
    assert bad_since.returncode == 1 and "--since" in bad_since.stderr
    empty = preview(config, "--languages", "pl")
    assert empty.returncode == 0
    assert "nothing matches" in empty.stdout
