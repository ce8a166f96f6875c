"""Fixtures for the feed tests; tests/conftest.py re-exports them.

    feed_server   a FeedServer on 127.0.0.1 (tests/feedserver.py), closed after the test
    feed_client   an httpx client that ignores proxy settings from the environment
    feed_store    a fresh in-memory store

`FAST` limits and `POLICY` keep every misbehaving request under a second. `SHARED_DATA` is
../shared/data beside the repository (or $MONITOR_SHARED_DATA); tests skip when it is absent.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from monitor.feeds.fetch import Limits, make_client
from monitor.feeds.schedule import PollPolicy
from monitor.store import Store, open_store
from tests.feedserver import FeedServer

SHARED_DATA = Path(os.environ.get(
    "MONITOR_SHARED_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data"))
NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
FAST = Limits(connect_timeout=0.5, read_timeout=0.5, deadline=1.0, max_bytes=1_000_000,
              max_redirects=3, user_agent="conflict-monitor-tests/1.0")
POLICY = PollPolicy(default_interval=900, min_interval=300, max_interval=3600,
                    failure_max_backoff=21600, jitter=30, dedup_window_hours=48, limits=FAST)
CLIENT_SETTINGS = {"user_agent": FAST.user_agent, "read_timeout": 0.5, "connect_timeout": 0.5,
                   "workers": 8}


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def feed_client() -> Iterator[httpx.Client]:
    with make_client(CLIENT_SETTINGS, trust_env=False) as client:
        yield client


@pytest.fixture
def feed_store() -> Iterator[Store]:
    store = open_store(None)
    try:
        yield store
    finally:
        store.close()
