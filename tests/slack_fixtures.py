"""A Slack stand-in on 127.0.0.1: `chat.postMessage` and an incoming webhook, in a thread.

`slack_server` starts one per test. It checks the bearer token, Block Kit's limits and the
channel, records every message, and answers like Slack. Failures are scripted:
`rate_limit(n)` (429 with Retry-After), `server_error(n)` (500),
`api_error(n, "channel_not_found")`, `webhook_rate_limit(n)`, and a full outage with `stop()`
(connection refused) and `restart()` (the same port again). WebClient reaches it with
`base_url=server.base_url`.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import pytest

TOKEN = "xoxb-test-token"
WEBHOOK_PATH = "/services/T/B/X"


def block_problems(text: str, blocks: list[dict[str, Any]]) -> list[str]:
    """Where a message breaks Slack's documented limits (empty when it does not)."""
    problems = [] if len(text) <= 40_000 else [f"text has {len(text)} characters"]
    if len(blocks) > 50:
        problems.append(f"{len(blocks)} blocks")
    for i, block in enumerate(blocks):
        problems += [f"block {i}: {p}" for p in _one_block(block)]
    return problems


def _one_block(block: dict[str, Any]) -> list[str]:
    kind, out = block.get("type"), []
    text = (block.get("text") or {}).get("text", "")
    if kind == "header" and (len(text) > 150 or block["text"].get("type") != "plain_text"):
        out.append(f"header of {len(text)} characters")
    if kind == "section":
        fields = block.get("fields") or []
        if len(text) > 3000 or not (text or fields):
            out.append(f"section text of {len(text)} characters")
        if len(fields) > 10 or any(len(f.get("text", "")) > 2000 for f in fields):
            out.append("section fields too many or too long")
    if kind == "context" and any(len(e.get("text", "")) > 3000 for e in block["elements"]):
        out.append("context element too long")
    return out


@dataclass
class FakeSlack:
    """The server's state; tests read `messages` / `webhook_messages` and script failures."""

    token: str = TOKEN
    messages: list[dict[str, Any]] = field(default_factory=list)
    webhook_messages: list[dict[str, Any]] = field(default_factory=list)
    calls: int = 0
    port: int = 0
    _script: deque[tuple[str, Any]] = field(default_factory=deque)
    _webhook_script: deque[tuple[str, Any]] = field(default_factory=deque)
    _channels: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    # -- life ---------------------------------------------------------------------------------
    def start(self) -> FakeSlack:
        server = ThreadingHTTPServer(("127.0.0.1", self.port), _Handler)
        server.daemon_threads = True
        server.slack = self  # type: ignore[attr-defined]
        self.port = server.server_address[1]
        self._server = server
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        """A full outage: the port refuses connections until `restart()`."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def restart(self) -> None:
        self.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    @property
    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{WEBHOOK_PATH}"

    # -- scripting ----------------------------------------------------------------------------
    def rate_limit(self, n: int, retry_after: int = 1) -> None:
        self._script.extend([("429", retry_after)] * n)

    def server_error(self, n: int, status: int = 500) -> None:
        self._script.extend([("status", status)] * n)

    def api_error(self, n: int, error: str = "channel_not_found") -> None:
        self._script.extend([("error", error)] * n)

    def webhook_rate_limit(self, n: int, retry_after: int = 30) -> None:
        self._webhook_script.extend([("429", retry_after)] * n)

    def channel_id(self, name: str) -> str:
        with self._lock:
            return self._channel(name)

    def _channel(self, name: str) -> str:
        if name in self._channels.values():
            return name
        return self._channels.setdefault(name, f"C{len(self._channels) + 1:08d}")

    # -- the API ------------------------------------------------------------------------------
    def post_message(self, auth: str, payload: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        with self._lock:
            self.calls += 1
            if self._script:
                return _scripted(self._script.popleft())
            if auth != f"Bearer {self.token}":
                return 200, {}, {"ok": False, "error": "invalid_auth"}
            return 200, {}, self._accept(payload)

    def _accept(self, payload: dict[str, Any]) -> dict[str, Any]:
        requested = str(payload.get("channel") or "")
        unknown_id = requested.startswith("C") and requested not in self._channels.values()
        if not requested or unknown_id:
            return {"ok": False, "error": "channel_not_found"}
        blocks = payload.get("blocks") or []
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        text = str(payload.get("text") or "")
        if problems := block_problems(text, blocks):
            return {"ok": False, "error": "invalid_blocks", "errors": problems}
        channel = self._channel(requested)
        ts = f"{1700000000 + len(self.messages)}.{len(self.messages) + 1:06d}"
        message = {"channel": channel, "text": text, "blocks": blocks, "ts": ts,
                   "thread_ts": payload.get("thread_ts"), "payload": payload}
        self.messages.append(message)
        return {"ok": True, "channel": channel, "ts": ts,
                "message": {"text": text, "blocks": blocks, "ts": ts}}

    def webhook(self, payload: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        with self._lock:
            self.calls += 1
            if self._webhook_script:
                _, wait = self._webhook_script.popleft()
                return 429, {"Retry-After": str(wait)}, "rate_limited"
            self.webhook_messages.append(payload)
            return 200, {}, "ok"

    # -- reading ------------------------------------------------------------------------------
    def texts(self) -> list[str]:
        """Every posted message as one string: fallback text plus all block text."""
        return [m["text"] + "\n" + json.dumps(m["blocks"], ensure_ascii=False)
                for m in self.messages]


def _scripted(step: tuple[str, Any]) -> tuple[int, dict[str, str], Any]:
    kind, value = step
    if kind == "429":
        return 429, {"Retry-After": str(value)}, {"ok": False, "error": "ratelimited"}
    if kind == "status":
        return value, {}, "<html>Internal Server Error</html>"
    return 200, {}, {"ok": False, "error": value}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        slack: FakeSlack = self.server.slack  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        payload = self._payload(body)
        if self.path == "/api/chat.postMessage":
            answer = slack.post_message(self.headers.get("Authorization", ""), payload)
        elif self.path == WEBHOOK_PATH:
            answer = slack.webhook(payload)
        else:
            answer = (404, {}, {"ok": False, "error": "unknown_method"})
        self._reply(*answer)

    def _payload(self, body: str) -> dict[str, Any]:
        if "json" in (self.headers.get("Content-Type") or ""):
            return dict(json.loads(body or "{}"))
        return dict(parse_qsl(body))

    def _reply(self, status: int, headers: dict[str, str], body: Any) -> None:
        is_text = isinstance(body, str)
        data = (body if is_text else json.dumps(body)).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain" if is_text else "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base signature
        pass


@pytest.fixture
def slack_server() -> Iterator[FakeSlack]:
    server = FakeSlack().start()
    yield server
    server.stop()
