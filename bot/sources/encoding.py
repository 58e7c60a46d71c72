"""Turning fetched bytes into text with the right character set.

Ukrainian outlets still serve windows-1251 and koi8-u, and servers often send a
wrong or default charset; a mistake here shows readers mojibake, so the rules are
explicit: a byte-order mark wins; then strict UTF-8, because non-ASCII text in a
single-byte charset is practically never valid UTF-8 while a UTF-8 document
mislabelled windows-1251 (an old hosting default) is common; then the HTTP charset
(RFC 7303) unless it is a server default contradicted by the document's own
declaration; then the declaration; then windows-1251. Each candidate must decode
strictly; only the last resort replaces bad bytes. One exception: UTF-8 with a few
broken sequences (PHP's byte-wise `substr` cutting a Cyrillic letter in half, which
Ukrainian CMSs do to excerpts all the time) is still UTF-8, with those few bytes
replaced, rather than a whole feed of windows-1251 mojibake.
"""

from __future__ import annotations

import codecs
import re

# Charsets that web servers send by default without knowing the document; a
# document that declares something else is more likely right.
_SERVER_DEFAULTS = frozenset({"iso8859-1", "latin-1", "ascii", "cp1252"})
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE)
_XML_DECL_TEXT = re.compile(r"^(\s*<\?xml[^>]*?)\sencoding\s*=\s*[\"'][^\"']*[\"']")
_BAD_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# Valid non-ASCII characters needed per broken sequence to call a document UTF-8 anyway.
# Legacy-charset text fails on nearly every non-ASCII character, so it is far below this.
_UTF8_GOOD_PER_BAD = 20

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def split_content_type(content_type: str | None) -> tuple[str, str | None]:
    """`text/xml; charset=UTF-8` -> ("text/xml", "utf-8"); tolerant of junk."""
    if not content_type:
        return "", None
    mime, _, params = content_type.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'").lower() or None
    return mime.strip().lower(), charset


def codec_name(label: str | None) -> str | None:
    """Python's canonical codec name for a charset label, or None if unknown."""
    if not label:
        return None
    try:
        return codecs.lookup(label).name
    except (LookupError, ValueError):
        return None


def _bom(body: bytes) -> tuple[str, int] | None:
    for mark, name in _BOMS:
        if body.startswith(mark):
            return name, len(mark)
    return None


def _by_bom(body: bytes) -> str | None:
    """The text its byte-order mark says, or None without one.

    Also None for a UTF-8 mark the bytes belie: a PHP include saved with a BOM prints it
    in front of windows-1251 output, and the rest of the rules then read that right.
    """
    bom = _bom(body)
    if bom is None:
        return None
    name, size = bom
    if name != "utf-8":
        return body[size:].decode(name, errors="replace")
    try:
        return body[size:].decode("utf-8")
    except UnicodeDecodeError:
        return _mostly_utf8(body[size:])


def _decode(body: bytes, candidates: list[str | None]) -> str:
    tried: list[str] = []
    for candidate in candidates:
        name = codec_name(candidate)
        if name is None or name in tried:
            continue
        tried.append(name)
        try:
            return body.decode(name)
        except (UnicodeDecodeError, LookupError):
            if name == "utf-8" and (text := _mostly_utf8(body)) is not None:
                return text
            continue
    return body.decode(tried[0] if tried else "utf-8", errors="replace")


def _mostly_utf8(body: bytes) -> str | None:
    """`body` as UTF-8 without its bad bytes, if it is UTF-8 apart from a few slips.

    The bad bytes are dropped, not shown as "�": they are half a letter at a cut.
    """
    text = body.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = len(text) - len(text.encode("ascii", errors="ignore")) - bad
    return text.replace("\ufffd", "") if good >= _UTF8_GOOD_PER_BAD * bad else None


def _choose(http_charset: str | None, declared: str | None) -> list[str | None]:
    http = codec_name(http_charset)
    doc = codec_name(declared)
    if http in _SERVER_DEFAULTS and doc is not None and doc != http:
        labelled: list[str | None] = [doc, http]
    else:
        labelled = [http, doc]
    wide = [name for name in labelled if name and name.startswith(("utf-16", "utf-32"))]
    return [*wide, "utf-8", *labelled, "cp1251"]


def decode_xml(body: bytes, http_charset: str | None) -> str:
    """Decode an XML document, and drop characters XML forbids (they break parsers)."""
    text = _by_bom(body)
    if text is None:
        body = body.removeprefix(codecs.BOM_UTF8)
        match = _XML_DECL.match(body[:512])
        declared = match.group(1).decode("ascii") if match else None
        text = _decode(body, _choose(http_charset, declared))
    return _BAD_XML_CHARS.sub("", text) if _BAD_XML_CHARS.search(text) else text


def xml_as_utf8(text: str) -> bytes:
    """Re-encode decoded XML as UTF-8 with a declaration that says so.

    Parsers then never second-guess the charset we already settled on.
    """
    return _XML_DECL_TEXT.sub(r"\1", text, count=1).lstrip().encode("utf-8", errors="replace")


def decode_html(body: bytes, http_charset: str | None) -> str:
    """Decode an HTML page: BOM, HTTP charset, `<meta charset>`, UTF-8, windows-1251."""
    text = _by_bom(body)
    if text is not None:
        return text
    body = body.removeprefix(codecs.BOM_UTF8)
    match = _META_CHARSET.search(body[:4096])
    declared = match.group(1).decode("ascii", errors="replace") if match else None
    return _decode(body, _choose(http_charset, declared))


def decode_json(body: bytes, http_charset: str | None) -> str:
    """JSON is UTF-8 by RFC 8259; honour a BOM or an explicit charset all the same."""
    text = _by_bom(body)
    if text is not None:
        return text
    return _decode(body.removeprefix(codecs.BOM_UTF8), _choose(http_charset, None))
