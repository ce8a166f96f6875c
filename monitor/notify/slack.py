"""The three ways an alert leaves: the Slack Web API, an incoming webhook, or the log.

Each sender has one method, `post(message) -> Posted`, and raises `DeliveryFailed` (a
`DeliveryError`) when the message did not go out. `scope` on the error tells the outbox how far
the failure reaches: "message" (only this one), "channel" (every message to that channel) or
"service" (Slack is down, rate-limited past our patience, or refuses our credentials).

- `SlackWebSender` posts with `chat.postMessage` and can answer in a thread (`thread_ts`).
  Its `WebClient` (from `make_web_client`) retries connection errors and 429s itself, waiting
  out `Retry-After` up to a cap; messages to one channel are paced by a monotonic-clock gate.
- `WebhookSender` posts to an incoming webhook. Webhooks cannot start or answer threads and do
  not return a message `ts`, so every alert is its own top-level message and re-reports are
  short standalone messages. `WebhookClient` does not raise on errors: the status and body are
  checked here, and a 429 becomes `DeliveryFailed` with its `Retry-After`.
- `LogSender` writes one INFO line per message; the outbox marks those alerts `logged`.
"""

from __future__ import annotations

import http.client
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.http_retry.handler import default_interval_calculator
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.webhook import WebhookClient

from monitor.errors import DeliveryError

log = logging.getLogger(__name__)

SENT, LOGGED = "sent", "logged"
MESSAGE, CHANNEL, SERVICE = "message", "channel", "service"
CHANNEL_ERRORS = frozenset({
    "channel_not_found", "not_in_channel", "is_archived", "restricted_action",
    "restricted_action_read_only_channel", "restricted_action_thread_only_channel",
    "restricted_action_non_threadable_channel", "team_access_not_granted",
})
SERVICE_ERRORS = frozenset({
    "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
    "no_permission", "missing_scope", "ratelimited", "rate_limited", "fatal_error",
    "internal_error", "service_unavailable", "request_timeout", "team_is_restricted",
})


@dataclass(frozen=True)
class Message:
    """What is posted: fallback text, blocks, an optional thread, and a plain line for logs."""

    text: str
    blocks: Sequence[dict[str, Any]] = ()
    thread_ts: str | None = None
    channel: str | None = None  # None: the sender's channel
    line: str = ""


@dataclass(frozen=True)
class Posted:
    """Where a message went; `ts` is None when the sender cannot tell (webhook, log)."""

    channel: str | None
    ts: str | None
    status: str = SENT


class Sender(Protocol):
    threads: bool  # True when `thread_ts` is honoured and `Posted.ts` can open a thread

    def post(self, message: Message) -> Posted: ...


class DeliveryFailed(DeliveryError):
    """A message did not go out; `retry_after` in seconds when Slack said, `scope` as above."""

    def __init__(self, message: str, scope: str = MESSAGE, retry_after: float | None = None,
                 status: int | None = None) -> None:
        super().__init__(message)
        self.scope = scope
        self.retry_after = retry_after
        self.status = status


def retry_after(headers: Mapping[str, Any] | None) -> float | None:
    """Seconds from a Retry-After header (values may be lists, as in slack_sdk's retry API)."""
    for key, value in (headers or {}).items():
        if key.lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) else value
            try:
                return max(float(raw), 0.0)
            except (TypeError, ValueError):
                return None
    return None


class RateLimitHandler(RateLimitErrorRetryHandler):
    """slack_sdk's 429 handler, waiting exactly Retry-After with an injectable sleep, and
    giving up (to the outbox's back-off) when Slack asks for more than `max_wait` seconds."""

    def __init__(self, max_retry_count: int = 2, max_wait: float = 30.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait
        self.sleep = sleep

    def _can_retry(self, *, state: RetryState, request: HttpRequest,
                   response: HttpResponse | None = None, error: Exception | None = None) -> bool:
        if response is None or response.status_code != 429:
            return False
        return (retry_after(response.headers) or 1.0) <= self.max_wait

    def prepare_for_next_attempt(self, *, state: RetryState, request: HttpRequest,
                                 response: HttpResponse | None = None,
                                 error: Exception | None = None) -> None:
        state.next_attempt_requested = True
        wait = retry_after(response.headers if response else None)
        self.sleep(1.0 if wait is None else wait)
        state.increment_current_attempt()


def _connection_retries(count: int, interval: float | None) -> ConnectionErrorRetryHandler:
    calculator = (default_interval_calculator if interval is None
                  else FixedValueRetryIntervalCalculator(interval))
    return ConnectionErrorRetryHandler(max_retry_count=count, interval_calculator=calculator)


def make_web_client(token: str, base_url: str, *, rate_limit_retries: int = 2,
                    max_wait: float = 30.0, connection_retries: int = 1,
                    retry_interval: float | None = None, timeout: int = 30,
                    sleep: Callable[[float], None] = time.sleep) -> WebClient:
    """A WebClient that retries 429s (Retry-After) and connection errors on its own."""
    handlers = [
        RateLimitHandler(max_retry_count=rate_limit_retries, max_wait=max_wait, sleep=sleep),
        _connection_retries(connection_retries, retry_interval),
    ]
    return WebClient(token=token, base_url=base_url, timeout=timeout, retry_handlers=handlers)


def make_webhook_client(url: str, *, connection_retries: int = 1,
                        retry_interval: float | None = None, timeout: int = 30) -> WebhookClient:
    """A WebhookClient retrying connection errors only: its 429s come back as responses."""
    handlers = [_connection_retries(connection_retries, retry_interval)]
    return WebhookClient(url, timeout=timeout, retry_handlers=list(handlers))


@dataclass
class Pace:
    """At most one message per `seconds` to each channel, on a monotonic clock."""

    seconds: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _last: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, channel: str) -> None:
        """Sleep until `channel` may have its next message."""
        with self._lock:
            last = self._last.get(channel)
        if last is not None and (gap := last + self.seconds - self.clock()) > 0:
            self.sleep(gap)

    def done(self, channel: str) -> None:
        """A message (or an attempt) went to `channel` now."""
        with self._lock:
            self._last[channel] = self.clock()


_CONNECTION_ERRORS = (URLError, OSError, http.client.HTTPException, TimeoutError)


class SlackWebSender:
    """Posts with `chat.postMessage`; `channel` is the default, a thread keeps its own."""

    threads = True

    def __init__(self, client: WebClient, channel: str, pace: float = 1.0,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.client = client
        self.channel = channel
        self.pace = Pace(pace, clock, sleep)
        self._ids: dict[str, str] = {}  # "#name" -> the channel id Slack answered with

    def post(self, message: Message) -> Posted:
        channel = message.channel or self.channel
        key = self._ids.get(channel, channel)
        self.pace.wait(key)
        try:
            response = self.client.chat_postMessage(
                channel=channel, text=message.text, blocks=list(message.blocks) or None,
                thread_ts=message.thread_ts, unfurl_links=False, unfurl_media=False,
            )
        except SlackApiError as exc:
            raise _api_failure(exc) from exc
        except (*_CONNECTION_ERRORS, SlackClientError) as exc:
            raise DeliveryFailed(f"Slack unreachable: {exc}", SERVICE) from exc
        finally:
            self.pace.done(key)
        posted = Posted(str(response["channel"]), str(response["ts"]))
        self._ids[channel] = posted.channel or channel
        self.pace.done(self._ids[channel])
        log.debug("posted to %s ts=%s thread=%s", posted.channel, posted.ts, message.thread_ts)
        return posted


def _api_failure(exc: SlackApiError) -> DeliveryFailed:
    response = exc.response
    status = response.status_code
    data = response.data if isinstance(response.data, dict) else {}
    error = str(data.get("error") or f"HTTP {status}")[:200]
    wait = retry_after(response.headers)
    if status == 429 or status >= 500 or error in SERVICE_ERRORS:
        scope = SERVICE
    else:
        scope = CHANNEL if error in CHANNEL_ERRORS else MESSAGE
    return DeliveryFailed(f"Slack refused: {error} (HTTP {status})", scope, wait, status)


class WebhookSender:
    """Posts to an incoming webhook: no threads, no `ts`; failures checked by status code."""

    threads = False

    def __init__(self, url: str, pace: float = 1.0, client: WebhookClient | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.client = client or make_webhook_client(url)
        self.pace = Pace(pace, clock, sleep)

    def post(self, message: Message) -> Posted:
        self.pace.wait("webhook")
        try:
            response = self.client.send(text=message.text, blocks=list(message.blocks) or None,
                                        unfurl_links=False, unfurl_media=False)
        except (*_CONNECTION_ERRORS, SlackClientError) as exc:
            raise DeliveryFailed(f"webhook unreachable: {exc}", SERVICE) from exc
        finally:
            self.pace.done("webhook")
        status, body = response.status_code, (response.body or "").strip()
        if status == 200 and body == "ok":
            return Posted(None, None)
        scope = MESSAGE if status == 400 else SERVICE
        raise DeliveryFailed(f"webhook refused: HTTP {status} {body[:200]}", scope,
                             retry_after(response.headers), status)


class LogSender:
    """No Slack configured: each message becomes one INFO line; alerts end up `logged`."""

    threads = False

    def post(self, message: Message) -> Posted:
        log.info("alert: %s", message.line or message.text)
        return Posted(None, None, LOGGED)
