"""Queries on `feeds` and `fetches`: the subscription list and each feed's polling state."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from monitor.records import Feed
from monitor.store import Store, iso
from monitor.text import short_id


@dataclass(frozen=True)
class FeedState:
    """What the poller needs to know about a feed between polls."""

    feed: Feed
    active: bool
    gone: bool
    interval: int | None
    fixed_interval: int | None
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    consecutive_failures: int
    last_new_item: str | None
    next_poll: str | None


def feed_id(url: str) -> str:
    return short_id("f", url.strip())


def add_feed(store: Store, name: str, url: str, origin: str, now: datetime,
             interval: int | None = None) -> tuple[str, bool]:
    """Subscribe to `url` (re-activating it if removed); returns (id, created)."""
    fid = feed_id(url)
    with store.transaction() as db:
        row = db.execute("select id from feeds where url = ?", [url]).fetchone()
        if row:
            db.table("feeds").update(
                row[0], {"active": 1, "name": name, "fixed_interval": interval})
            return row[0], False
        db.table("feeds").insert(
            {
                "id": fid, "name": name, "url": url, "origin": origin, "active": 1, "gone": 0,
                "fixed_interval": interval, "added_at": iso(now), "consecutive_failures": 0,
                "items_total": 0,
            }
        )
    return fid, True


def sync_config_feeds(store: Store, feeds: Iterable[tuple[str, str, int | None]],
                      now: datetime) -> int:
    """Add the configured feeds that the store does not know yet; returns how many were added.

    A feed removed with `monitor feeds remove` stays removed even if the file still lists it.
    """
    added = 0
    for name, url, interval in feeds:
        with store.reading() as db:
            known = db.execute("select 1 from feeds where url = ?", [url]).fetchone()
        if not known:
            add_feed(store, name, url, "config", now, interval)
            added += 1
    return added


def remove_feed(store: Store, name_or_url: str) -> int:
    """Stop polling feeds matching a name, URL or id; their articles stay. Returns the count."""
    with store.transaction() as db:
        cur = db.execute(
            "update feeds set active = 0 where active = 1 and (url = ? or name = ? or id = ?)",
            [name_or_url, name_or_url, name_or_url],
        )
        return cur.rowcount


def _state(row: dict[str, Any]) -> FeedState:
    return FeedState(
        feed=Feed(id=row["id"], name=row["name"], url=row["url"]),
        active=bool(row["active"]), gone=bool(row["gone"]), interval=row["interval"],
        fixed_interval=row["fixed_interval"], etag=row["etag"],
        last_modified=row["last_modified"], content_hash=row["content_hash"],
        consecutive_failures=row["consecutive_failures"] or 0,
        last_new_item=row["last_new_item"], next_poll=row["next_poll"],
    )


def active_feeds(store: Store) -> list[FeedState]:
    """Feeds to poll: active and not gone."""
    with store.reading() as db:
        rows = db.query("select * from feeds where active = 1 and gone = 0 order by name")
        return [_state(r) for r in rows]


def get_state(store: Store, fid: str) -> FeedState | None:
    with store.reading() as db:
        rows = list(db.query("select * from feeds where id = ?", [fid]))
    return _state(rows[0]) if rows else None


def list_feeds(store: Store, include_removed: bool = False) -> list[dict[str, Any]]:
    where = "" if include_removed else "where active = 1"
    with store.reading() as db:
        return list(db.query(f"select * from feeds {where} order by name"))


def record_poll(db: Any, fid: str, fetch_row: dict[str, Any], state: dict[str, Any]) -> None:
    """Inside a transaction: one `fetches` row and the feed's new polling state."""
    db.table("fetches").insert({"feed_id": fid, **fetch_row})
    db.table("feeds").update(fid, state)


def health(store: Store, now: datetime, stale_after_hours: int) -> list[dict[str, Any]]:
    """Each active feed with its last success, failures, next poll and items in the last day."""
    since = iso(now - timedelta(days=1))
    stale_before = iso(now - timedelta(hours=stale_after_hours))
    sql = """
        select f.id, f.name, f.url, f.gone, f.last_success, f.last_status, f.last_error,
               f.consecutive_failures, f.next_poll, f.last_new_item, f.interval,
               (select count(*) from articles a where a.feed_id = f.id and a.first_seen >= ?)
                 as items_last_day
        from feeds f where f.active = 1 order by f.name
    """
    with store.reading() as db:
        rows = list(db.query(sql, [since]))
    for row in rows:
        row["state"] = _health_label(row, stale_before)
    return rows


def _health_label(row: dict[str, Any], stale_before: str | None) -> str:
    if row["gone"]:
        return "gone"
    if row["last_success"] is None:
        return "failing" if row["consecutive_failures"] else "new"
    if row["consecutive_failures"]:
        return "failing"
    last_item = row["last_new_item"]
    if stale_before and (last_item is None or last_item < stale_before):
        return "stale"
    return "ok"
