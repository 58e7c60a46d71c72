"""A strict checker of Telegram's HTML parse mode, for the digest tests.

Stricter than Telegram where that is cheap: every ``&`` must start an entity Telegram knows,
every ``<`` must open or close a supported tag, tags must balance and ``<a>`` carries only
an http(s) ``href``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre"}
    | {"tg-spoiler", "span", "blockquote", "tg-emoji"}
)
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
_TAG = re.compile(r"</?([a-z][a-z-]*)[\s>/]")


class InvalidHtml(AssertionError):
    pass


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TAGS:
            raise InvalidHtml(f"unsupported tag <{tag}>")
        if tag == "a":
            if len(attrs) != 1 or attrs[0][0] != "href" or not attrs[0][1]:
                raise InvalidHtml(f"bad <a> attributes {attrs!r}")
            if not attrs[0][1].startswith(("http://", "https://")):
                raise InvalidHtml(f"bad href {attrs[0][1]!r}")
        elif attrs:
            raise InvalidHtml(f"attributes on <{tag}>")
        if tag in self.stack:
            raise InvalidHtml(f"<{tag}> nested in itself")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise InvalidHtml(f"unbalanced </{tag}>, open: {self.stack}")
        self.stack.pop()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise InvalidHtml(f"self-closing <{tag}/>")

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        raise InvalidHtml("comment")

    def handle_decl(self, decl: str) -> None:
        raise InvalidHtml("declaration")

    def handle_pi(self, data: str) -> None:
        raise InvalidHtml("processing instruction")

    def unknown_decl(self, data: str) -> None:
        raise InvalidHtml("declaration")


def visible_text(html: str) -> str:
    """The text Telegram would show for `html`; raises InvalidHtml when it would reject it."""
    for match in re.finditer("&", html):
        if not _ENTITY.match(html, match.start()):
            raise InvalidHtml(f"bare & at {match.start()}: {html[match.start() :][:20]!r}")
    for match in re.finditer("<", html):
        tag = _TAG.match(html, match.start())
        if not tag or tag.group(1) not in TAGS:
            raise InvalidHtml(f"stray < at {match.start()}: {html[match.start() :][:20]!r}")
    checker = _Checker()
    checker.feed(html)
    checker.close()
    if checker.stack:
        raise InvalidHtml(f"unclosed tags {checker.stack}")
    return "".join(checker.text)


def hrefs(html: str) -> list[str]:
    """The href of every link, unescaped."""

    found: list[str] = []

    class _Links(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "a":
                found.append(dict(attrs)["href"] or "")

    _Links(convert_charrefs=True).feed(html)
    return found


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2
