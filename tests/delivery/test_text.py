"""Plain-text fallback and further splitting of parts Telegram refused."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.delivery.text import split_further, split_lines, to_plain, utf16_len


def test_plain_text_strips_tags_and_unescapes() -> None:
    html = '<b>News</b>\n• <a href="https://x.test/?a=1&amp;b=2">Tom &amp; Jerry &lt;3</a>'
    assert to_plain(html) == "News\n• Tom & Jerry <3"


def test_split_keeps_lines_whole_and_in_order() -> None:
    lines = [f"• headline number {i} " + "x" * 50 for i in range(200)]
    pieces = split_lines("\n".join(lines), 1000)
    assert len(pieces) > 1
    assert all(utf16_len(p) <= 1000 for p in pieces)
    assert [line for p in pieces for line in p.split("\n")] == lines


def test_a_line_longer_than_the_limit_is_cut_not_lost() -> None:
    text = "short\n" + "😀" * 30 + "\nend"
    pieces = split_lines(text, 20)
    assert all(utf16_len(p) <= 20 for p in pieces)
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")


def test_split_further_always_makes_progress() -> None:
    assert len(split_further("line one\nline two")) == 2
    assert len(split_further("x" * 100)) == 2


@given(
    st.lists(st.text(alphabet=st.characters(blacklist_characters="\n"), max_size=60), max_size=40),
    st.integers(min_value=2, max_value=200),
)
def test_split_never_exceeds_the_limit_and_loses_nothing(lines: list[str], limit: int) -> None:
    text = "\n".join(lines)
    pieces = split_lines(text, limit)
    assert all(utf16_len(p) <= limit for p in pieces) or pieces == [text]
    visible = "".join(ch for ch in text if not ch.isspace())
    assert "".join(ch for p in pieces for ch in p if not ch.isspace()) == visible


@given(st.text(max_size=300))
def test_plain_text_never_keeps_a_tag(text: str) -> None:
    assert "<b>" not in to_plain(text.replace("<", "").replace(">", "") + "<b></b>")
