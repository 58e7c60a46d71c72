"""One HTTP GET of a source, with every failure turned into a sentence.

The poll cycle fetches hundreds of untrusted servers: each fetch is bounded in
time (total timeout), redirects (5) and size (counted after decompression, so a
gzip bomb stops at the cap), and sends the validators from the last fetch so an
unchanged feed costs a 304. Nothing here raises for network trouble: the caller
stores `FetchResult.error` as the source's last error and shows it to admins, so
it is plain text and never contains the URL's credentials or query.

Real servers also send header lines longer than aiohttp's 8 KB default (sprawling
Content-Security-Policy or Link headers) and bodies gzipped twice (a PHP
`ob_gzhandler` under a gzipping web server) or served as `.xml.gz`; both are read.
"""

from __future__ import annotations

import asyncio
import re
import time
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from http import HTTPStatus

import aiohttp

from bot.domain import FetchResult, FetchState

MAX_REDIRECTS = 5
_CHUNK = 64 * 1024
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.7, */*;q=0.5"
)
_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?(\d+)", re.IGNORECASE)
_NO_STORE = re.compile(r"(?:^|[,\s])(?:no-store|no-cache)(?:$|[,\s=])", re.IGNORECASE)
_RETRY_STATUSES = frozenset({429, 503})
_MAX_HEADER = 64 * 1024  # one header line; aiohttp's default of 8190 bytes is too small
_GZIP_MAGIC = b"\x1f\x8b"
_GZIP_LAYERS = 2  # a gzipped body inside Content-Encoding: gzip, at most one more inside that
_MAX_DELAY = timedelta(days=7)


async def fetch(
    session: aiohttp.ClientSession,
    url: str,
    state: FetchState,
    *,
    timeout: float,  # noqa: ASYNC109 - the caller's contract; applied with asyncio.timeout
    max_body: int,
    user_agent: str,
) -> FetchResult:
    """GET `url` conditionally; never raises for network, protocol or size problems.

    `FetchResult.url` is the final URL after redirects (the base for relative links).
    A 304 comes back with `not_modified=True` and the validators still in force.
    """
    started = time.monotonic()
    headers = {"User-Agent": user_agent, "Accept": _ACCEPT}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    try:
        async with asyncio.timeout(timeout):
            return await _get(session, url, state, headers, max_body, started)
    except TimeoutError:
        return _failed(url, started, f"timed out after {timeout:g}s")
    except aiohttp.TooManyRedirects:
        return _failed(url, started, f"too many redirects (more than {MAX_REDIRECTS})")
    except aiohttp.ClientError as exc:
        return _failed(url, started, _describe(exc))
    except (OSError, ValueError, UnicodeError) as exc:  # odd URLs, sockets, IDNA
        return _failed(url, started, f"request failed: {type(exc).__name__}")


async def _get(
    session: aiohttp.ClientSession,
    url: str,
    state: FetchState,
    headers: dict[str, str],
    max_body: int,
    started: float,
) -> FetchResult:
    async with session.get(
        url,
        headers=headers,
        allow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        max_line_size=_MAX_HEADER,
        max_field_size=_MAX_HEADER,
    ) as resp:
        final_url = str(resp.url)
        etag = resp.headers.get("ETag")
        last_modified = resp.headers.get("Last-Modified")
        content_type = resp.headers.get("Content-Type")
        if resp.status == 304:
            return FetchResult(
                url=final_url,
                status=resp.status,
                content_type=content_type,
                etag=etag or state.etag,
                last_modified=last_modified or state.last_modified,
                not_modified=True,
                max_age=_max_age(resp.headers.get("Cache-Control")),
                elapsed=time.monotonic() - started,
            )
        if not 200 <= resp.status < 300:
            retry = resp.headers.get("Retry-After") if resp.status in _RETRY_STATUSES else None
            return FetchResult(
                url=final_url,
                status=resp.status,
                content_type=content_type,
                retry_after=_retry_after(retry),
                error=f"HTTP {resp.status} {_reason(resp)}".rstrip(),
                elapsed=time.monotonic() - started,
            )
        declared = resp.content_length
        if declared is not None and declared > max_body:
            return _failed(final_url, started, f"body over {max_body} bytes", resp.status)
        body = bytearray()
        async for chunk in resp.content.iter_chunked(_CHUNK):
            body += chunk
            if len(body) > max_body:
                return _failed(final_url, started, f"body over {max_body} bytes", resp.status)
        data = _gunzip(bytes(body), max_body)
        if data is None:
            return _failed(final_url, started, f"body over {max_body} bytes", resp.status)
        return FetchResult(
            url=final_url,
            status=resp.status,
            content_type=content_type,
            body=data,
            etag=etag,
            last_modified=last_modified,
            max_age=_max_age(resp.headers.get("Cache-Control")),
            elapsed=time.monotonic() - started,
        )


def _gunzip(body: bytes, max_body: int) -> bytes | None:
    """`body` with gzip layers the transfer decoding left on it removed; None past `max_body`.

    A layer that does not inflate cleanly is left as it is, for the parser to reject.
    """
    for _ in range(_GZIP_LAYERS):
        if not body.startswith(_GZIP_MAGIC):
            break
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            inflated = inflater.decompress(body, max_body + 1)
        except zlib.error:
            break
        if len(inflated) > max_body:
            return None
        body = inflated
    return body


def _failed(url: str, started: float, error: str, status: int | None = None) -> FetchResult:
    return FetchResult(url=url, status=status, error=error, elapsed=time.monotonic() - started)


def _reason(resp: aiohttp.ClientResponse) -> str:
    try:
        return HTTPStatus(resp.status).phrase
    except ValueError:
        return (resp.reason or "").strip()[:80]


def _describe(exc: aiohttp.ClientError) -> str:
    """A sentence for the admin; built from parts, never str(exc), which may hold the URL."""
    if isinstance(exc, aiohttp.InvalidURL | aiohttp.NonHttpUrlClientError):
        return "invalid URL (only absolute http:// and https:// URLs can be fetched)"
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return f"TLS certificate rejected by {exc.host}"
    if isinstance(exc, aiohttp.ClientSSLError):
        return f"TLS handshake with {exc.host} failed"
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return f"host not found: {exc.host}"
    if isinstance(exc, aiohttp.ClientConnectorError):
        reason = exc.os_error.strerror or type(exc.os_error).__name__
        return f"cannot connect to {exc.host}:{exc.port}: {reason}"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "server closed the connection before answering"
    if isinstance(exc, aiohttp.ClientPayloadError):
        return "body could not be read (broken transfer or compression)"
    if isinstance(exc, aiohttp.ClientResponseError):
        return f"bad HTTP response: {exc.message}"[:200]
    return f"network error: {type(exc).__name__}"


def _max_age(cache_control: str | None) -> timedelta | None:
    if not cache_control or _NO_STORE.search(cache_control):
        return None
    match = _MAX_AGE.search(cache_control)
    if not match:
        return None
    return min(timedelta(seconds=int(match.group(1)[:9])), _MAX_DELAY)


def _retry_after(value: str | None, now: datetime | None = None) -> timedelta | None:
    """Retry-After as a delay: delta-seconds or an HTTP-date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(timedelta(seconds=int(value[:9])), _MAX_DELAY)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    delay = when - (now or datetime.now(UTC))
    return min(max(delay, timedelta(0)), _MAX_DELAY)
