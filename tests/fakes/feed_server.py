"""A real local HTTP server that plays every kind of news source, good or bad.

Tests and benchmarks register documents per path (from tests/data/ or from
memory) and per-path behaviour: validators for 304s, a gate (asyncio.Event) or
delay before answering, error statuses, Retry-After, redirects and redirect
loops, gzip bombs, bodies over a size, streamed bodies without a length. It binds
127.0.0.1 on a random free port and counts requests per path.

    async with FeedServer() as server:
        server.add_file("/feed.xml", "rss20.xml", etag='"v1"')
        url = server.url("/feed.xml")
"""

from __future__ import annotations

import asyncio
import gzip
import mimetypes
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from aiohttp import web
from multidict import CIMultiDictProxy

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
WAIT_LIMIT = 30.0  # seconds a test waits for the code under test to fetch a path

_TYPES = {
    ".xml": "application/rss+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}


@dataclass
class Route:
    """How one path answers; tests may change fields between requests."""

    body: bytes = b""
    status: int = 200
    content_type: str | None = "application/rss+xml; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    gate: asyncio.Event | None = None  # answer only once this is set
    delay: float = 0.0  # seconds to wait before answering (benchmarks: simulated latency)
    location: str | None = None  # redirect target for 3xx statuses
    content_encoding: str | None = None  # body is already encoded (e.g. a gzip bomb)
    chunked: bool = False  # stream without Content-Length, so only counting can cap it


@dataclass(frozen=True)
class SeenRequest:
    path: str
    headers: CIMultiDictProxy[str]


class FeedServer:
    """The server; use as `async with FeedServer() as server:` (or start()/close())."""

    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        self.data_dir = data_dir
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.requests: list[SeenRequest] = []
        self._arrived: dict[str, asyncio.Event] = {}
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    async def __aenter__(self) -> FeedServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=0.5
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"

    async def close(self) -> None:
        for route in self.routes.values():  # let held requests finish so shutdown is quick
            if route.gate is not None:
                route.gate.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def url(self, path: str) -> str:
        return self.base_url + path

    # --- registering answers ---------------------------------------------------------------

    def add(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        content_type: str | None = "application/rss+xml; charset=utf-8",
        **options: object,
    ) -> Route:
        """Serve `body` (kept in memory) at `path`; options are Route fields."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        route = Route(body=data, content_type=content_type, **options)  # type: ignore[arg-type]
        self.routes[path] = route
        return route

    def add_file(
        self, path: str, filename: str, *, content_type: str | None = None, **options: object
    ) -> Route:
        """Serve tests/data/<filename>; the type follows the suffix unless given."""
        file = self.data_dir / filename
        guessed = _TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0]
        return self.add(path, file.read_bytes(), content_type=content_type or guessed, **options)

    def error(self, path: str, status: int = 500, body: str = "Internal Server Error") -> Route:
        return self.add(path, body, status=status, content_type="text/plain; charset=utf-8")

    def too_many_requests(self, path: str, retry_after: str = "120", status: int = 429) -> Route:
        return self.add(
            path,
            "slow down",
            status=status,
            content_type="text/plain",
            headers={"Retry-After": retry_after},
        )

    def redirect(self, path: str, to: str, status: int = 302) -> Route:
        return self.add(path, b"", status=status, content_type=None, location=to)

    def redirect_loop(self, first: str, second: str) -> None:
        self.redirect(first, second)
        self.redirect(second, first)

    def gzip_bomb(self, path: str, inflated: int) -> Route:
        """A small gzip body that inflates to `inflated` bytes of an RSS-looking document."""
        head = b'<?xml version="1.0"?><rss version="2.0"><channel><title>'
        packed = gzip.compress(head + b" " * max(0, inflated - len(head)), compresslevel=9)
        return self.add(path, packed, content_encoding="gzip")

    def oversized(self, path: str, size: int, *, chunked: bool = True) -> Route:
        """`size` bytes of a feed-looking body; streamed without Content-Length by default."""
        head = b'<?xml version="1.0"?><rss version="2.0"><channel><title>'
        return self.add(path, head + b"x" * max(0, size - len(head)), chunked=chunked)

    # --- observing ---------------------------------------------------------------------------

    async def wait_for_request(self, path: str) -> None:
        """Return once `path` has been requested at least once (no sleeping, no polling).

        Fails after `WAIT_LIMIT` seconds, naming the paths that were asked for, instead of
        hanging the test run when the code under test never polls (a frozen clock, say).
        """
        if self.hits[path]:
            return
        try:
            async with asyncio.timeout(WAIT_LIMIT):
                await self._arrived.setdefault(path, asyncio.Event()).wait()
        except TimeoutError:
            asked = sorted(self.hits) or ["nothing"]
            raise AssertionError(
                f"{path} was not requested within {WAIT_LIMIT:g}s; requested: {', '.join(asked)}"
            ) from None

    def headers_of_last(self, path: str) -> Mapping[str, str]:
        for seen in reversed(self.requests):
            if seen.path == path:
                return seen.headers
        raise KeyError(path)

    # --- serving -----------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.hits[path] += 1
        self.requests.append(SeenRequest(path, request.headers))
        self._arrived.setdefault(path, asyncio.Event()).set()
        route = self.routes.get(path)
        if route is None:
            return web.Response(status=404, text="Not Found")
        if route.gate is not None:
            await route.gate.wait()
        if route.delay:
            await asyncio.sleep(route.delay)
        headers = dict(route.headers)
        if route.etag:
            headers["ETag"] = route.etag
        if route.last_modified:
            headers["Last-Modified"] = route.last_modified
        if route.location is not None:
            headers["Location"] = route.location
            return web.Response(status=route.status, headers=headers)
        if _not_modified(request, route):
            return web.Response(status=304, headers=headers)
        if route.content_type:
            headers["Content-Type"] = route.content_type
        if route.content_encoding:
            headers["Content-Encoding"] = route.content_encoding
        if not route.chunked:
            return web.Response(status=route.status, body=route.body, headers=headers)
        response = web.StreamResponse(status=route.status, headers=headers)
        response.enable_chunked_encoding()
        await response.prepare(request)
        try:
            for start in range(0, len(route.body), 64 * 1024):
                await response.write(route.body[start : start + 64 * 1024])
            await response.write_eof()
        except (ConnectionError, RuntimeError):  # the client stopped reading: expected here
            pass
        return response


def _not_modified(request: web.Request, route: Route) -> bool:
    if route.status != 200:
        return False
    if_none_match = request.headers.get("If-None-Match")
    if route.etag and if_none_match:
        wanted = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return route.etag.removeprefix("W/") in wanted or "*" in wanted
    since = request.headers.get("If-Modified-Since")
    return bool(route.last_modified and since and since == route.last_modified)
