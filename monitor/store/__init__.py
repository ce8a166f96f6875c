"""The one SQLite file: opening it, its schema, and the queries each stage needs.

`open_store(path)` returns a `Store`; the modules beside this one (`feeds`, `articles`,
`claims`, `alerts`) hold the queries, each taking the store as first argument.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from monitor.store.schema import migrate

__all__ = ["Store", "open_store", "utcnow", "iso"]


class Store:
    """A sqlite-utils database shared by threads; every use holds `lock`."""

    def __init__(self, db: sqlite_utils.Database, path: Path | None) -> None:
        self.db = db
        self.path = path
        self.lock = threading.RLock()

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """One atomic write: everything inside commits together or not at all."""
        with self.lock, self.db.atomic():
            yield self.db

    @contextmanager
    def reading(self) -> Iterator[sqlite_utils.Database]:
        with self.lock:
            yield self.db

    def close(self) -> None:
        with self.lock:
            self.db.close()


def open_store(path: Path | str | None) -> Store:
    """Open (creating and migrating) the store at `path`; None gives an in-memory store."""
    if path is None or str(path) == ":memory:":
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        file = None
    else:
        file = Path(path)
        file.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(file), check_same_thread=False, timeout=30)
    conn.execute("PRAGMA busy_timeout = 30000")
    conn.execute("PRAGMA foreign_keys = ON")
    db = sqlite_utils.Database(conn)
    if file is not None:
        db.enable_wal()
        conn.execute("PRAGMA synchronous = NORMAL")
    store = Store(db, file)
    with store.lock:
        migrate(db)
    return store


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime | None) -> str | None:
    """UTC ISO-8601 with a Z, the one timestamp format in the store."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
