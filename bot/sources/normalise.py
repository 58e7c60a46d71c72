"""From what a feed said (RawEntry) to what we store: plain text, canonical link, UTC time.

The identity key decides what counts as "new": a feed's guid when it has one, else
its canonical link (tracking parameters and fragments dropped, so the same story
linked from a newsletter is not new), else a sha256 of the text. Keys are bounded
in length because they are indexed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote, urljoin, urlsplit

from bot.domain import RawEntry
from bot.sources.text import collapse, html_to_text, shorten

MAX_KEY = 256
MAX_TITLE = 300
MAX_SUMMARY = 500
MAX_URL = 2048
FUTURE_TOLERANCE = timedelta(minutes=5)
_FALLBACK_TITLE_WORDS = 12
_SUMMARY_HTML_BUDGET = 4 * MAX_SUMMARY  # HTML characters read at first for a summary
_SUMMARY_SLACK = 100  # text beyond MAX_SUMMARY, so a cut at the budget never shows

_TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "at_", "_hs", "hsa_", "vero_")
_TRACKING = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid",
        "twclid", "ttclid", "li_fat_id", "igshid", "mc_cid", "mc_eid", "mkt_tok",
        "oly_anon_id", "oly_enc_id", "rb_clickid", "s_cid", "wickedid", "_ga", "_gl",
        "ref_src", "ref_url", "cmpid", "ito", "ncid", "sr_share", "ocid", "spm",
    }
)  # fmt: skip
_DEFAULT_PORTS = {"http": 80, "https": 443}
# WordPress appends this to every excerpt; it says nothing about the story.
_WP_FOOTER_WORDS = " appeared first on "
_WP_FOOTER = re.compile(r"\s*The post .{1,400}? appeared first on .{1,200}?\.?\s*$", re.S)


@dataclass(frozen=True, slots=True)
class NormalEntry:
    """An entry ready for classification and storage; every string is plain text."""

    key: str
    url: str  # canonical, absolute http(s); the source's base URL if the entry had none
    title: str  # never empty
    summary: str  # at most ~500 characters
    published_at: datetime  # aware, UTC
    categories: tuple[str, ...]
    language_hint: str | None  # primary subtag, lower case ("uk" from "uk-UA"); often wrong


def normalise(
    entry: RawEntry, *, base_url: str, fetched_at: datetime, home_url: str | None = None
) -> NormalEntry | None:
    """Clean one entry; None when it has no text at all to show a reader.

    `base_url` is the URL the document was fetched from (after redirects); `home_url` the
    site's home page, where an entry without any link points (not the feed itself: a reader
    tapping it would get raw XML); `fetched_at` stands in for a missing or future time.
    """
    summary = _summary_text(entry.summary)
    if _WP_FOOTER_WORDS in summary:  # the regex tries every position: skip it when it cannot match
        summary = _WP_FOOTER.sub("", summary)
    summary = shorten(summary, MAX_SUMMARY)
    title = html_to_text(entry.title) or _title_from(summary)
    if not title:
        return None
    title = shorten(title, MAX_TITLE)
    link = canonical_url(entry.link, base_url=base_url)
    guid = collapse(entry.guid)
    if not link and guid.startswith(("http://", "https://")):
        link = canonical_url(guid, base_url=base_url)
    key = _key(guid, link) or _digest(f"{title}\n{summary}")
    return NormalEntry(
        key=key,
        url=link
        or canonical_url(home_url or "", base_url=base_url)
        or canonical_url(base_url, base_url=base_url)
        or base_url,
        title=title,
        summary=summary,
        published_at=published_utc(entry.published, fetched_at=fetched_at),
        categories=_categories(entry.categories),
        language_hint=_language(entry.language),
    )


def identity(entry: RawEntry, *, base_url: str) -> str | None:
    """The key `normalise` would give, when the guid or the link decides it; else None.

    Costs a fraction of `normalise` (no HTML, no dates), so a changed feed's entries that
    are already stored can be recognised and skipped before any of that work.
    """
    return _key(collapse(entry.guid), canonical_url(entry.link, base_url=base_url))


def _key(guid: str, link: str) -> str | None:
    if guid:
        return _bounded(guid)
    return _bounded(link) if link else None


def _summary_text(fragment: str) -> str:
    """Plain text of a summary, reading no more of its HTML than the stored text needs.

    Only `MAX_SUMMARY` characters are kept, but some feeds put whole articles (tens of
    KB) in their summaries; stripping all of it was most of the cost of such a feed. The
    HTML is cut before a `<` (never inside a tag or an entity) and read again with more
    if it gave too little text.
    """
    budget = _SUMMARY_HTML_BUDGET
    while len(fragment) > budget:
        cut = fragment.rfind("<", budget // 2, budget)
        text = html_to_text(fragment[: cut if cut > 0 else budget])
        if len(text) > MAX_SUMMARY + _SUMMARY_SLACK:
            return text
        budget *= 4
    return html_to_text(fragment)


def canonical_url(link: str, *, base_url: str) -> str:
    """Absolute http(s) URL without fragment or tracking parameters; "" if unusable."""
    link = collapse(link)
    if not link:
        return ""
    split = _split_plain(link) or _split_any(link, base_url)
    if split is None:
        return ""
    scheme, netloc, path, raw_query = split
    # Pairs are kept byte for byte (no re-encoding), so only tracking ones change the URL.
    query = "&".join(
        pair for pair in raw_query.split("&") if pair and not _tracking(unquote(pair.split("=")[0]))
    )
    url = f"{scheme}://{netloc}{path or '/'}{'?' if query else ''}{query}"
    return url if len(url) <= MAX_URL else ""


# An absolute URL that is already canonical up to its query: lower-case ASCII host, no
# port, no user. Nearly every feed link is one; matching it costs a fifth of urlsplit.
_PLAIN_URL = re.compile(
    r"(https?)://([a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(/[^?#\s]*)?(?:\?([^#\s]*))?(?:#\S*)?",
    re.ASCII,
)


def _split_plain(link: str) -> tuple[str, str, str, str] | None:
    match = _PLAIN_URL.fullmatch(link)
    if match is None:
        return None
    scheme, host, path, query = match.groups()
    return scheme, host, path or "", query or ""


def _split_any(link: str, base_url: str) -> tuple[str, str, str, str] | None:
    """(scheme, netloc, path, query) of any link, made absolute; None if not http(s)."""
    try:
        absolute = link.startswith(("https://", "http://"))  # urljoin is costly
        parts = urlsplit(link if absolute else urljoin(base_url, link))
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return None
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    return scheme, netloc, parts.path, parts.query


def published_utc(published: datetime | None, *, fetched_at: datetime) -> datetime:
    """UTC time of publication; naive times are taken as UTC; missing or future -> fetched_at."""
    fetched = _utc(fetched_at)
    if published is None:
        return fetched
    try:
        when = _utc(published)
    except (OverflowError, ValueError):
        return fetched
    return fetched if when > fetched + FUTURE_TOLERANCE else when


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING or lowered.startswith(_TRACKING_PREFIXES)


def _title_from(summary: str) -> str:
    words = summary.rstrip("…").split()
    if not words:
        return ""
    head = " ".join(words[:_FALLBACK_TITLE_WORDS])
    return head + "…" if len(words) > _FALLBACK_TITLE_WORDS else head


def _bounded(key: str) -> str:
    return key if len(key) <= MAX_KEY else _digest(key)


def _digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _categories(names: tuple[str, ...]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for name in names:
        clean = shorten(html_to_text(name), 100)
        if clean and clean.casefold() not in seen:
            seen[clean.casefold()] = clean
    return tuple(seen.values())


def _language(hint: str | None) -> str | None:
    if not hint:
        return None
    primary = hint.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary.isascii() and primary.isalpha() and 2 <= len(primary) <= 3 else None
