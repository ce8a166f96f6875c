"""A real HTTP feed server on 127.0.0.1 in a background thread, for tests and benchmarks.

    server = FeedServer()                      # binds 127.0.0.1 on a free port, starts serving
    server.add("/news.xml", rss_feed(...))     # ETag + Last-Modified, 304 on a conditional GET
    server.set_body("/news.xml", newer)        # a new snapshot: new validators
    server.count("/news.xml")                  # requests seen on that path
    server.url("/slow")                        # one of the scripted misbehaviours below
    server.close()                             # stops the loops, joins every handler thread

Scripted misbehaviour (paths in `MISBEHAVIOUR`): slower than any test timeout, a body or
headers trickled forever, an endless fast body, a Content-Length over the cap, a redirect
loop and an over-long redirect chain, 404, 410, 500, 429 and 503 with Retry-After (seconds
and HTTP date), garbage bytes, an HTML page, an empty body, an entity-expansion bomb, and
both wrong-charset cases.
"""

from __future__ import annotations

import hashlib
import random
import socket
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

RSS_TYPE = "application/rss+xml; charset=utf-8"
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
STALL_SECONDS = 10.0  # longer than any timeout a test uses; cut short by close()


@dataclass(frozen=True)
class Route:
    """A static response; `validators` False sends no ETag / Last-Modified."""

    body: bytes
    status: int = 200
    content_type: str = RSS_TYPE
    validators: bool = True
    version: int = 0
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'

    @property
    def modified(self) -> datetime:
        return EPOCH + timedelta(minutes=self.version)


class FeedServer:
    """Serves registered paths; see the module docstring."""

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._routes: dict[str, Route] = {}
        self._counts: Counter[str] = Counter()
        self._sockets: set[socket.socket] = set()
        self._httpd = _Server(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = False
        self._httpd.block_on_close = True
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add(self, path: str, body: bytes, content_type: str = RSS_TYPE,
            validators: bool = True, status: int = 200,
            headers: Mapping[str, str] | None = None) -> str:
        """Serve `body` at `path`; returns the full URL."""
        route = Route(body, status, content_type, validators, 0, dict(headers or {}))
        with self._lock:
            self._routes[path] = route
        return self.url(path)

    def set_body(self, path: str, body: bytes) -> None:
        """Replace the content at `path` (a new snapshot, with new validators)."""
        with self._lock:
            old = self._routes[path]
            self._routes[path] = replace(old, body=body, version=old.version + 1)

    def count(self, path: str) -> int:
        with self._lock:
            return self._counts[path]

    def close(self) -> None:
        """Stop serving, cut open connections and join every handler thread."""
        self.stopping.set()
        self._httpd.shutdown()
        with self._lock:
            open_sockets = list(self._sockets)
        for sock in open_sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FeedServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # used by the handler
    def _route(self, path: str) -> Route | None:
        with self._lock:
            self._counts[path] += 1
            return self._routes.get(path) or self._routes.get(urlsplit(path).path)

    def _track(self, sock: socket.socket, add: bool) -> None:
        with self._lock:
            (self._sockets.add if add else self._sockets.discard)(sock)


class _Server(ThreadingHTTPServer):
    request_queue_size = 1024  # a burst of connections must not overflow the listen backlog

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up on misbehaving routes is expected; anything else is printed."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


def _handler_for(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(_Handler):
        feeds = server

    return Handler


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    feeds: FeedServer

    def setup(self) -> None:
        super().setup()
        self.feeds._track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.feeds._track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests read counts, not logs

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        route = self.feeds._route(self.path)
        action = MISBEHAVIOUR.get(urlsplit(self.path).path)
        try:
            if route is not None:
                self._static(route)
            elif action is not None:
                action(self)
            else:
                self._send(404, b"not found", "text/plain")
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError):
            self.close_connection = True  # the client gave up: expected for misbehaviour

    def _static(self, route: Route) -> None:
        headers = dict(route.headers)
        if route.validators:
            headers["ETag"] = route.etag
            headers["Last-Modified"] = format_datetime(route.modified, usegmt=True)
            if route.status == 200 and self._not_modified(route):
                self._send(304, b"", None, headers)
                return
        self._send(route.status, route.body, route.content_type, headers)

    def _not_modified(self, route: Route) -> bool:
        match = self.headers.get("If-None-Match")
        if match is not None:
            return route.etag in [t.strip() for t in match.split(",")] or match.strip() == "*"
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return route.modified <= parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
        return False

    def _send(self, status: int, body: bytes, content_type: str | None,
              headers: Mapping[str, str] | None = None) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and status != 304:
            self.wfile.write(body)

    def _open_ended(self, content_type: str = RSS_TYPE) -> None:
        """Headers for a body with no length, ended only by closing the connection."""
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    def _stall(self) -> None:
        self.feeds.stopping.wait(STALL_SECONDS)

    def _drip(self, chunks: Iterable[bytes], pause: float) -> None:
        for chunk in chunks:
            if self.feeds.stopping.wait(pause):
                return
            self.wfile.write(chunk)
            self.wfile.flush()


# ---- scripted misbehaviour ------------------------------------------------------------------

def _slow(h: _Handler) -> None:
    h._stall()
    h._send(200, rss_feed("Too late", [item(1)]), RSS_TYPE)


def _trickle_body(h: _Handler) -> None:
    h._open_ended()
    h.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel>')
    h._drip(_forever(b"<!-- . -->"), 0.02)


def _trickle_headers(h: _Handler) -> None:
    h.wfile.write(b"HTTP/1.1 200 OK\r\n")
    h._drip((f"X-Drip-{i}: 1\r\n".encode() for i in range(10**9)), 0.02)
    h.close_connection = True


def _endless(h: _Handler) -> None:
    h._open_ended()
    chunk = b"<!--" + b"x" * 65_536 + b"-->"
    for _ in _forever(chunk):
        if h.feeds.stopping.is_set():
            return
        h.wfile.write(chunk)


def _huge_declared(h: _Handler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", RSS_TYPE)
    h.send_header("Content-Length", str(2_000_000_000))
    h.end_headers()
    h.close_connection = True
    h._stall()


def _redirect(target: str, status: int = 302) -> Callable[[_Handler], None]:
    def send(h: _Handler) -> None:
        h._send(status, b"", None, {"Location": target})

    return send


def _status(status: int, headers: Callable[[], Mapping[str, str]] | None = None
            ) -> Callable[[_Handler], None]:
    def send(h: _Handler) -> None:
        h._send(status, f"HTTP {status}".encode(), "text/plain", headers() if headers else None)

    return send


def _retry_date() -> Mapping[str, str]:
    when = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=600)
    return {"Retry-After": format_datetime(when, usegmt=True)}


def _fixed(body: bytes, content_type: str) -> Callable[[_Handler], None]:
    def send(h: _Handler) -> None:
        h._send(200, body, content_type)

    return send


def _forever(chunk: bytes) -> Iterable[bytes]:
    while True:
        yield chunk


# ---- documents --------------------------------------------------------------------------------

def item(n: int, title: str | None = None, link: str | None = None, guid: str | None = None,
         published: datetime | None = None, description: str = "") -> dict[str, Any]:
    """One item for `rss_feed`; every field derived from `n` unless given."""
    return {
        "title": title if title is not None else f"Item number {n} of the test feed",
        "link": link if link is not None else f"https://news.example.org/story/{n}?utm_source=rss",
        "guid": guid if guid is not None else f"urn:test:{n}",
        "published": published or EPOCH + timedelta(hours=n),
        "description": description or f"Summary of item {n} with <b>markup</b> &amp; entities.",
    }


def rss_feed(title: str, items: Iterable[Mapping[str, Any]], language: str | None = "en",
             encoding: str = "utf-8", declare: str | None = None) -> bytes:
    """An RSS 2.0 document; `declare` puts another encoding in the XML declaration."""
    parts = [f'<?xml version="1.0" encoding="{declare or encoding}"?>',
             '<rss version="2.0"><channel>', f"<title>{escape(title)}</title>",
             "<link>https://news.example.org/</link>", "<description>test</description>"]
    if language:
        parts.append(f"<language>{language}</language>")
    for it in items:
        parts.append(_rss_item(it))
    parts.append("</channel></rss>")
    return "\n".join(parts).encode(encoding, errors="xmlcharrefreplace")


def _rss_item(it: Mapping[str, Any]) -> str:
    fields = ["<item>"]
    if it.get("title") is not None:
        fields.append(f"<title>{escape(it['title'])}</title>")
    if it.get("link"):
        fields.append(f"<link>{escape(it['link'])}</link>")
    if it.get("guid"):
        fields.append(f'<guid isPermaLink="false">{escape(it["guid"])}</guid>')
    if it.get("published"):
        fields.append(f"<pubDate>{format_datetime(it['published'], usegmt=True)}</pubDate>")
    if it.get("description"):
        fields.append(f"<description>{escape(it['description'])}</description>")
    fields.append("</item>")
    return "".join(fields)


def entity_bomb() -> bytes:
    """The 'billion laughs' document, as an RSS feed."""
    decls = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">'
        for i in range(1, 10)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [' + "".join(decls) + "]>\n"
        '<rss version="2.0"><channel><title>Bomb</title><item><title>&lol9;</title>'
        "<link>https://news.example.org/bomb</link></item></channel></rss>"
    ).encode()


CP1252_TITLE = "Café owners’ “naïve” plan – €5 rise"


def cp1252_body() -> bytes:
    return rss_feed("Charset", [item(901, title=CP1252_TITLE)], encoding="cp1252",
                    declare="utf-8")


def utf8_body() -> bytes:
    return rss_feed("Charset", [item(902, title="Kyiv – Київ, Gaza – غزة")], encoding="utf-8",
                    declare="iso-8859-1")


def garbage() -> bytes:
    return random.Random(7).randbytes(20_000)


HTML_PAGE = b"<!doctype html><html><head><title>Error 404</title></head><body>gone</body></html>"

MISBEHAVIOUR: dict[str, Callable[[_Handler], None]] = {
    "/slow": _slow,
    "/trickle": _trickle_body,
    "/trickle-headers": _trickle_headers,
    "/endless": _endless,
    "/huge-declared": _huge_declared,
    "/loop-a": _redirect("/loop-b"),
    "/loop-b": _redirect("/loop-a", 301),
    **{f"/hop/{i}": _redirect(f"/hop/{i + 1}") for i in range(20)},
    "/404": _status(404),
    "/410": _status(410),
    "/500": _status(500),
    "/429": _status(429, lambda: {"Retry-After": "7200"}),
    "/503": _status(503, _retry_date),
    "/garbage": _fixed(garbage(), "application/rss+xml"),
    "/html": _fixed(HTML_PAGE, "text/html; charset=utf-8"),
    "/empty": _fixed(b"", "application/rss+xml"),
    "/bomb": _fixed(entity_bomb(), "application/rss+xml"),
    "/cp1252-as-utf8": _fixed(cp1252_body(), "application/rss+xml; charset=utf-8"),
    "/utf8-as-latin1": _fixed(utf8_body(), "text/xml; charset=iso-8859-1"),
}
