"""The daemon as a process: one pass, graceful stop, and a SIGKILL in the middle of a poll."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor import config as config_mod
from monitor.daemon import Daemon
from monitor.feeds.fetch import HostLimiter, make_client
from monitor.feeds.schedule import PollPolicy
from monitor.pipeline import Components
from monitor.store import open_store
from tests.feedserver import FeedServer, item, rss_feed

REPO = Path(__file__).resolve().parents[1]
NOW = datetime(2024, 3, 1, 12, tzinfo=UTC)


def _feed(n: int, prefix: str) -> bytes:
    items = [item(i, title=f"{prefix} story {i}: shelling of the city continues, officials say",
                  link=f"https://news.example/{prefix}/{i}", guid=f"urn:{prefix}:{i}")
             for i in range(n)]
    return rss_feed(f"{prefix} feed", items)


def _config(tmp: Path, server: FeedServer, paths: list[str], **polling: object) -> Path:
    lines = [f'[storage]\npath = "{tmp / "m.db"}"', "[polling]", "jitter = 0",
             "connect_timeout = 1.0", "read_timeout = 2.0"]
    lines += [f"{k} = {v!r}" for k, v in polling.items()]
    for path in paths:
        lines.append(f'[[feeds]]\nname = "{path}"\nurl = "{server.url(path)}"')
    cfg = tmp / "monitor.toml"
    cfg.write_text("\n".join(lines) + "\n")
    return cfg


def _count(db: Path, sql: str) -> int:
    if not db.exists():
        return 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return int(conn.execute(sql).fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def _wait(predicate, timeout: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the daemon")
        time.sleep(0.05)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as s:
        yield s


def _daemon(tmp: Path, server: FeedServer, parts: Components) -> Daemon:
    cfg = config_mod.load(_config(tmp, server, ["/a.xml", "/b.xml", "/gone"]), env={})
    store = open_store(cfg.db_path)
    client = make_client(cfg["polling"], trust_env=False)
    return Daemon(cfg, store, parts, client, PollPolicy.from_settings(cfg["polling"]),
                  HostLimiter(2), clock=lambda: NOW)


def test_run_once_stores_analyses_and_survives_a_bad_feed(
        tmp_path: Path, server: FeedServer, keyword_classifier: object) -> None:
    server.add("/a.xml", _feed(5, "a"))
    server.add("/b.xml", _feed(3, "b"))
    daemon = _daemon(tmp_path, server, Components(classifier=keyword_classifier))  # type: ignore[arg-type]
    outcomes = {o.name: o for o in daemon.run_once()}
    assert outcomes["/a.xml"].new_items == 5 and outcomes["/b.xml"].new_items == 3
    assert outcomes["/gone"].error  # 404 from the server: recorded, others unaffected
    db = daemon.store.db
    assert db["articles"].count == 8
    assert db.execute("select count(*) from articles where topic = 'armed_conflict'"
                      ).fetchone()[0] == 8
    assert db["fetches"].count == 3
    again = {o.name: o for o in daemon.run_once()}
    assert again["/a.xml"].outcome == "not_modified" and db["articles"].count == 8


def _spawn(cfg: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("SLACK_BOT_TOKEN", None)
    env.pop("SLACK_WEBHOOK_URL", None)
    return subprocess.Popen([sys.executable, "-m", "monitor.cli", "--config", str(cfg), *args],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


@pytest.mark.model
def test_sigterm_finishes_writes_and_exits_cleanly(tmp_path: Path, server: FeedServer) -> None:
    server.add("/a.xml", _feed(20, "a"))
    cfg = _config(tmp_path, server, ["/a.xml"])
    proc = _spawn(cfg, "run")
    db = tmp_path / "m.db"
    try:
        _wait(lambda: _count(db, "select count(*) from fetches") >= 1 or proc.poll() is not None)
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=240)  # generous: the 2-core CI box may be busy
    finally:
        proc.kill()
    assert proc.returncode == 0, out
    assert "stopped" in out
    assert _count(db, "select count(*) from articles") == 20
    assert _count(db, "select count(*) from articles where analyzed_at is null") == 0


@pytest.mark.model
def test_sigkill_mid_poll_loses_nothing_and_stores_nothing_twice(
        tmp_path: Path, server: FeedServer) -> None:
    server.add("/big.xml", _feed(400, "big"))
    cfg = _config(tmp_path, server, ["/big.xml", "/slow"])
    db = tmp_path / "m.db"
    proc = _spawn(cfg, "run")
    try:
        # articles committed, analysis under way, the slow feed's request in flight
        _wait(lambda: _count(db, "select count(*) from articles") > 0 or proc.poll() is not None)
        assert server.count("/slow") >= 1 or _count(db, "select count(*) from fetches") < 2
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        proc.kill()
    unanalysed = _count(db, "select count(*) from articles where analyzed_at is null")
    assert unanalysed > 0, "the kill came too late to test recovery"
    again = _spawn(cfg, "poll", "--once")
    out, _ = again.communicate(timeout=300)
    assert again.returncode == 0, out
    assert _count(db, "select count(*) from articles") == 400
    assert _count(db, "select count(distinct canonical_url) from articles") == 400
    assert _count(db, "select count(*) from articles where analyzed_at is null") == 0
    claims = _count(db, "select count(*) from claims")
    assert claims == _count(db, "select count(distinct article_id || '/' || idx) from claims")
