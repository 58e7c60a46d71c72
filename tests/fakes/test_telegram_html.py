"""The fake's Telegram HTML parser: what it accepts, what it rejects, how it counts."""

from __future__ import annotations

import html
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fakes.telegram_html import (
    HtmlParseError,
    ParsedText,
    is_valid_url,
    parse_html,
    parse_message_text,
    utf16_len,
)

TAGS = {"b": "bold", "i": "italic", "u": "underline", "s": "strikethrough", "code": "code"}


def test_entities_are_decoded() -> None:
    parsed = parse_html("&lt;b&gt; &amp; &quot;x&quot; &#128512; &#x41;")
    assert parsed.text == '<b> & "x" 😀 A'
    assert parsed.entities == []


def test_offsets_count_emoji_twice() -> None:
    parsed = parse_html("😀 <b>bold</b>")
    assert parsed.entities == [{"type": "bold", "offset": 3, "length": 4}]


def test_nested_tags_sort_outer_first() -> None:
    parsed = parse_html("<b>a <i>b</i></b>")
    assert parsed.entities == [
        {"type": "bold", "offset": 0, "length": 3},
        {"type": "italic", "offset": 2, "length": 1},
    ]


def test_attributes_quoted_unquoted_and_blockquote_kinds() -> None:
    parsed = parse_html(
        "<a href=https://e.com/x>x</a><blockquote expandable>q</blockquote>"
        "<blockquote>r</blockquote><tg-emoji emoji-id='5368324170671202286'>👍</tg-emoji>"
    )
    assert [e["type"] for e in parsed.entities] == [
        "text_link",
        "expandable_blockquote",
        "blockquote",
        "custom_emoji",
    ]


def test_link_with_unusable_href_is_plain_text() -> None:
    assert parse_html('<a href="not a url">x</a>') == ParsedText("x", [])


@pytest.mark.parametrize(
    "source",
    ["<b>", "<p>x</p>", "a & b", "&nbsp;", "&#0;", "<b>x</i>", "</b>", "<b x", "<a href='x>y</a>"],
)
def test_rejected(source: str) -> None:
    with pytest.raises(HtmlParseError):
        parse_html(source)


def test_error_offsets_are_in_utf8_bytes() -> None:
    with pytest.raises(HtmlParseError, match="byte offset 6"):
        parse_html("ї я <x>")


def test_message_text_is_trimmed_with_entities_kept_in_place() -> None:
    parsed = parse_message_text("\n <b> hi</b> \n", "HTML")
    assert parsed == ParsedText("hi", [{"type": "bold", "offset": 0, "length": 2}])
    assert parse_message_text("<b>x</b>", None).text == "<b>x</b>"


def test_urls() -> None:
    assert is_valid_url("https://rubryka.com/a?b=1")
    assert is_valid_url("tg://user?id=1")
    assert not is_valid_url("javascript:alert(1)")
    assert not is_valid_url("https://exa mple.com")
    assert not is_valid_url("")


@given(st.text())
def test_any_escaped_text_parses_back_to_itself(text: str) -> None:
    assert parse_html(html.escape(text, quote=False)) == ParsedText(text, [])


@given(st.text())
def test_utf16_len_matches_telegrams_unit(text: str) -> None:
    assert utf16_len(text) == sum(2 if ord(c) > 0xFFFF else 1 for c in text)


@given(st.lists(st.tuples(st.sampled_from([None, *TAGS]), st.text(min_size=1)), max_size=8))
def test_each_tagged_segment_becomes_an_entity_over_exactly_its_text(
    segments: list[tuple[str | None, str]],
) -> None:
    source = "".join(
        html.escape(text, quote=False) if tag is None else f"<{tag}>{html.escape(text)}</{tag}>"
        for tag, text in segments
    )
    parsed = parse_html(source)
    assert parsed.text == "".join(text for _, text in segments)
    expected: list[dict[str, Any]] = []
    offset = 0
    for tag, text in segments:
        if tag is not None:
            expected.append({"type": TAGS[tag], "offset": offset, "length": utf16_len(text)})
        offset += utf16_len(text)
    assert parsed.entities == sorted(expected, key=lambda e: (e["offset"], -e["length"]))


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30))
def test_arbitrary_input_either_parses_or_raises_parse_error(source: str) -> None:
    try:
        parsed = parse_html(source)
    except HtmlParseError:
        return
    total = utf16_len(parsed.text)
    assert all(e["offset"] >= 0 and e["offset"] + e["length"] <= total for e in parsed.entities)
