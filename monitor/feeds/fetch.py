"""One HTTP GET of a feed, with every limit a hostile or broken server needs.

`fetch(client, url, etag, last_modified, limits)` never raises for network trouble: a
timeout, a refused connection, a redirect loop, a body over the cap or an HTTP error all come
back as a `FetchResult` whose `error` says what happened. Limits:

- connect and per-read timeouts, and one deadline for the whole exchange (all redirects,
  headers and body): a server that trickles bytes forever is cut off when it passes;
- a body cap, checked against Content-Length first, then counted while streaming;
- at most `max_redirects` redirects, followed by hand; a loop ends as an error;
- a conditional GET (If-None-Match / If-Modified-Since) and a clear User-Agent.

The deadline is enforced twice: between body chunks, and by a watchdog timer that shuts the
request's socket down, which also stops a server that trickles its *headers*. The watchdog
learns the socket from httpx's `trace` extension, so it sees every connection the request
opens; `make_client` turns keep-alive off so that every request opens its own.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from monitor.errors import FetchError, TooLarge

log = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "conflict-monitor/0.1 (news monitoring)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
RATE_LIMITED = (429, 503)


@dataclass(frozen=True)
class Limits:
    """How long, how much and how far one fetch may go."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0  # longest wait for any one read
    deadline: float = 30.0  # the whole exchange: redirects, headers and body
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    user_agent: str = DEFAULT_USER_AGENT

    @classmethod
    def from_settings(cls, polling: Mapping[str, Any]) -> Limits:
        """From the `[polling]` settings; `read_timeout` bounds the whole response."""
        return cls(
            connect_timeout=float(polling["connect_timeout"]),
            read_timeout=float(polling["read_timeout"]),
            deadline=float(polling["read_timeout"]),
            max_bytes=int(polling["max_bytes"]),
            max_redirects=int(polling["max_redirects"]),
            user_agent=str(polling["user_agent"]),
        )


@dataclass(frozen=True)
class FetchResult:
    """What one fetch produced; `error` is None only for 2xx and 304."""

    status: int | None
    body: bytes | None
    etag: str | None
    last_modified: str | None
    content_type: str | None
    ms: int
    bytes: int
    error: str | None
    retry_after: float | None
    final_url: str

    @property
    def outcome(self) -> str:
        """ok | not_modified | gone | rate_limited | error."""
        if self.status == 304:
            return "not_modified"
        if self.status == 410:
            return "gone"
        if self.status in RATE_LIMITED:
            return "rate_limited"
        return "error" if self.error or self.body is None else "ok"


def make_client(polling: Mapping[str, Any], trust_env: bool = True) -> httpx.Client:
    """An httpx client for feeds: timeouts and User-Agent from settings, no keep-alive."""
    return httpx.Client(
        headers={"User-Agent": str(polling["user_agent"])},
        timeout=httpx.Timeout(float(polling["read_timeout"]),
                              connect=float(polling["connect_timeout"])),
        follow_redirects=False,
        limits=httpx.Limits(max_connections=max(10, 2 * int(polling["workers"])),
                            max_keepalive_connections=0),
        trust_env=trust_env,
    )


class HostLimiter:
    """At most `per_host` requests at once to one host; thread-safe."""

    def __init__(self, per_host: int) -> None:
        self.per_host = max(1, per_host)
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}

    @contextmanager
    def slot(self, url: str) -> Iterator[None]:
        """Hold one of the host's slots for the duration of the block."""
        with self._semaphore(host_of(url)):
            yield

    def _semaphore(self, host: str) -> threading.BoundedSemaphore:
        with self._lock:
            sem = self._slots.get(host)
            if sem is None:
                sem = self._slots[host] = threading.BoundedSemaphore(self.per_host)
            return sem


def host_of(url: str) -> str:
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return ""


class _Watchdog:
    """Shuts down the sockets a request opened once its deadline passes."""

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def trace(self, event: str, info: Mapping[str, Any]) -> None:
        """httpx `trace` hook: remember the socket of each new connection."""
        if event.endswith(".complete"):
            self.watch(info.get("return_value"))

    def watch(self, stream: Any) -> None:
        getter = getattr(stream, "get_extra_info", None)
        sock = getter("socket") if getter is not None else None
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            self._sockets.append(sock)
            if self.fired:
                _shutdown(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self._sockets:
                _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed: the request finished first


class _Exchange:
    """The state of one fetch across its redirects."""

    def __init__(self, url: str, limits: Limits, dog: _Watchdog) -> None:
        self.url = url
        self.limits = limits
        self.dog = dog
        self.started = time.monotonic()
        self.read = 0

    @property
    def ms(self) -> int:
        return int((time.monotonic() - self.started) * 1000)

    def check_deadline(self) -> None:
        if self.dog.fired or time.monotonic() - self.started > self.limits.deadline:
            raise FetchError(f"deadline of {self.limits.deadline:g}s exceeded")


def fetch(client: httpx.Client, url: str, etag: str | None, last_modified: str | None,
          limits: Limits) -> FetchResult:
    """GET `url` conditionally within `limits`; problems come back as `FetchResult.error`."""
    with _Watchdog(limits.deadline) as dog:
        ex = _Exchange(url, limits, dog)
        try:
            return _follow(client, ex, _headers(etag, last_modified, limits))
        except FetchError as exc:
            return _failure(ex, str(exc), exc.status)
        except httpx.TimeoutException as exc:
            return _failure(ex, _timeout_message(ex, exc), None)
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, OSError,
                ValueError) as exc:
            message = f"deadline of {limits.deadline:g}s exceeded" if dog.fired else _describe(exc)
            return _failure(ex, message, None)


def _headers(etag: str | None, last_modified: str | None, limits: Limits) -> dict[str, str]:
    headers = {"User-Agent": limits.user_agent, "Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _follow(client: httpx.Client, ex: _Exchange, headers: dict[str, str]) -> FetchResult:
    limits = ex.limits
    timeout = httpx.Timeout(min(limits.read_timeout, limits.deadline),
                            connect=min(limits.connect_timeout, limits.deadline))
    request = client.build_request("GET", ex.url, headers=headers, timeout=timeout,
                                   extensions={"trace": ex.dog.trace})
    seen = {str(request.url)}
    for _ in range(limits.max_redirects + 1):
        ex.check_deadline()
        response = client.send(request, stream=True, follow_redirects=False)
        try:
            ex.dog.watch(response.extensions.get("network_stream"))
            if response.next_request is None:
                return _result(response, ex, headers)
            request = response.next_request
        finally:
            response.close()
        if str(request.url) in seen:
            raise FetchError(f"redirect loop at {request.url}", response.status_code)
        seen.add(str(request.url))
    raise FetchError(f"more than {limits.max_redirects} redirects", response.status_code)


def _result(response: httpx.Response, ex: _Exchange, sent: Mapping[str, str]) -> FetchResult:
    status = response.status_code
    body: bytes | None = None
    error: str | None = None
    if 200 <= status < 300:
        body = _read_body(response, ex)
    elif status != 304:
        error = _status_error(status)
    retry_after = None
    if status in RATE_LIMITED:
        retry_after = parse_retry_after(response.headers.get("retry-after"),
                                        response.headers.get("date"))
    return FetchResult(
        status=status, body=body,
        etag=response.headers.get("etag") or (sent.get("If-None-Match") if status == 304 else None),
        last_modified=response.headers.get("last-modified")
        or (sent.get("If-Modified-Since") if status == 304 else None),
        content_type=response.headers.get("content-type"), ms=ex.ms, bytes=ex.read,
        error=error, retry_after=retry_after, final_url=str(response.url),
    )


def _read_body(response: httpx.Response, ex: _Exchange) -> bytes:
    cap = ex.limits.max_bytes
    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > cap:
        raise TooLarge(f"body of {declared} bytes is over the {cap}-byte cap", response.status_code)
    chunks: list[bytes] = []
    for chunk in response.iter_bytes():
        ex.read += len(chunk)
        if ex.read > cap:
            raise TooLarge(f"body passed the {cap}-byte cap", response.status_code)
        ex.check_deadline()
        chunks.append(chunk)
    ex.check_deadline()
    return b"".join(chunks)


def _status_error(status: int) -> str:
    if status == 410:
        return "gone (HTTP 410)"
    if status in RATE_LIMITED:
        return f"rate limited (HTTP {status})"
    if 300 <= status < 400:
        return f"HTTP {status} without a usable Location"
    return f"HTTP {status}"


def parse_retry_after(value: str | None, date: str | None = None) -> float | None:
    """Retry-After as seconds: a number, or an HTTP date measured from the `Date` header."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    when = _http_date(value)
    if when is None:
        return None
    reference = _http_date(date) if date else None
    return max(0.0, (when - (reference or datetime.now(UTC))).total_seconds())


def _http_date(value: str) -> datetime | None:
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _failure(ex: _Exchange, message: str, status: int | None) -> FetchResult:
    return FetchResult(
        status=status, body=None, etag=None, last_modified=None, content_type=None,
        ms=ex.ms, bytes=ex.read, error=message, retry_after=None, final_url=ex.url,
    )


def _timeout_message(ex: _Exchange, exc: httpx.TimeoutException) -> str:
    if ex.dog.fired:
        return f"deadline of {ex.limits.deadline:g}s exceeded"
    kind = {
        httpx.ConnectTimeout: "connect", httpx.ReadTimeout: "read",
        httpx.WriteTimeout: "write", httpx.PoolTimeout: "pool",
    }.get(type(exc), "")
    return f"{kind} timeout".strip()


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
