"""Simple summaries are read without html.parser: the text must be what the parser gives."""

from __future__ import annotations

from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

import bot.sources.text as text_module
from bot.sources.text import html_to_text

_NAMES = ["p", "P", "a", "br", "div", "span", "b", "li", "img", "h2", "script", "style", "x"]
_SPACE = st.sampled_from(["", " ", "\n", "\t", "\xa0"])
_VALUE = st.sampled_from(['"x"', "'y'", "z", '"a>b"', "'<'", '""', "x/", '"&amp;"', "=", "`q`"])
_ATTR = st.tuples(_SPACE, st.sampled_from(["href", "class", "data-x", "1bad"]), _VALUE).map(
    lambda t: f"{t[0] or ' '}{t[1]}={t[2]}"
)
_TAG = st.one_of(
    st.tuples(st.sampled_from(_NAMES), st.lists(_ATTR, max_size=2), _SPACE).map(
        lambda t: f"<{t[0]}{''.join(t[1])}{t[2]}>"
    ),
    st.sampled_from(_NAMES).map(lambda name: f"</{name}>"),
    st.sampled_from(["<br/>", "<!-- c -->", "< p>", "<", ">", "</ p>", "<p", "<![CDATA[x]]>"]),
)
_TEXT = st.one_of(
    st.text(max_size=6),
    st.sampled_from(["&amp;", "&amp;quot;", "&lt;b&gt;", "&notes", "&#65", "&am", "p;", "Київ"]),
)
_FRAGMENT = st.lists(st.one_of(_TAG, _TEXT), max_size=10).map("".join)


@settings(max_examples=500, deadline=None)
@given(fragment=_FRAGMENT)
def test_fast_path_gives_what_html_parser_gives(fragment: str) -> None:
    fast = html_to_text(fragment)
    with mock.patch.object(text_module, "_FAST_PATH", False):
        assert fast == html_to_text(fragment)


def test_typical_summary_takes_the_fast_path_and_reads_right() -> None:
    summary = "<p>Курс &amp; ставка</p><p><a href='/x' class=\"more\">Читати далі</a></p>"
    assert text_module._simple_text(summary) is not None
    assert html_to_text(summary) == "Курс & ставка Читати далі"
    assert text_module._simple_text("<script>x</script>y") is None  # the parser decides
