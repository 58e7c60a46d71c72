"""`newsbot poll --once` and `newsbot reclassify` as an operator runs them (a real process)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.db.engine import Database, make_engine
from bot.db.models import ItemRow
from tests.fakes.cli import newsbot_async as newsbot
from tests.fakes.feed_server import FeedServer

TOPICS = """
[[topics]]
id = "defense"
name = { en = "Defense", uk = "Оборона" }
keywords = { en = ["NATO"], uk = ["*оборон*"] }

[[topics]]
id = "culture"
name = { en = "Culture", uk = "Культура" }
keywords = { uk = [%s] }
"""


def config(db_url: str, sources: dict[str, str], culture_keywords: str = "") -> str:
    # A fixed language keeps each run fast: the detector's model takes a second to load.
    lines = [f'[database]\nurl = "{db_url}"\n', TOPICS % culture_keywords]
    for sid, url in sources.items():
        lines.append(f'[[sources]]\nid = "{sid}"\nname = "{sid}"\nurl = "{url}"\nlanguage = "uk"\n')
    return "\n".join(lines)


async def topics_by_title(db_url: str) -> dict[str, list[str]]:
    db = Database(make_engine(db_url))
    try:
        async with db.transaction() as session:
            rows = (await session.execute(select(ItemRow))).scalars()
            return {row.title[:20]: row.topics for row in rows}
    finally:
        await db.dispose()


async def test_poll_once_prints_a_line_per_source_then_reclassify_applies_new_keywords(
    feed_server: FeedServer, db_url: str, tmp_path: Path
) -> None:
    feed_server.add_file("/rss.xml", "rss20.xml")
    feed_server.add_file("/feed.json", "jsonfeed.json")
    feed_server.error("/down.xml", 500)
    cfg = tmp_path / "config.toml"
    urls = {
        "rubryka": feed_server.url("/rss.xml"),
        "epravda": feed_server.url("/feed.json"),
        "down": feed_server.url("/down.xml"),
    }
    cfg.write_text(config(db_url, urls), encoding="utf-8")

    code, out, err = await newsbot("poll", "--once", "--config", str(cfg), cwd=tmp_path)

    assert code == 0, err
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert set(lines) == set(urls)
    assert lines["rubryka"].split()[1:3] == ["ok", "4"]
    assert lines["epravda"].split()[1:3] == ["ok", "3"]
    assert "error #1: HTTP 500 Internal Server Error" in lines["down"]
    assert "Traceback" not in err

    before = await topics_by_title(db_url)
    assert before["У Львові відкрили пе"] == []
    assert before["Міноборони працює на"] == ["defense"]

    cfg.write_text(config(db_url, urls, culture_keywords='"ЮНЕСКО"'), encoding="utf-8")
    code, out, err = await newsbot("reclassify", "--config", str(cfg), cwd=tmp_path)

    assert code == 0, err
    assert out.strip() == "reclassified 7 items: 1 changed"
    after = await topics_by_title(db_url)
    assert after["У Львові відкрили пе"] == ["culture"]
    assert after["Міноборони працює на"] == ["defense"]


async def test_poll_once_exits_1_when_every_source_fails(
    feed_server: FeedServer, db_url: str, tmp_path: Path
) -> None:
    feed_server.add_file("/empty.xml", "truncated.xml")
    cfg = tmp_path / "config.toml"
    urls = {"gone": feed_server.url("/gone.xml"), "broken": feed_server.url("/empty.xml")}
    cfg.write_text(config(db_url, urls), encoding="utf-8")

    code, out, err = await newsbot("poll", "--once", "--config", str(cfg), cwd=tmp_path)

    assert code == 1, (out, err)
    assert len(out.splitlines()) == 2
    assert all(" error " in line for line in out.splitlines())
