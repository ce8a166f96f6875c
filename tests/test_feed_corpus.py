"""Real feed documents served over loopback and polled end to end.

- feedparser's own test corpus (shared/data/feedparser-corpus): no poll may crash;
  the number of items recovered is printed and recorded as a user property of the test.
- five successive captures of BBC News and of CNN International (shared/data/feeds), served
  in capture order from one URL: every distinct item is stored exactly once.

Both skip when ../shared/data is absent.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from pathlib import Path

import feedparser
import httpx
import pytest

from monitor.feeds.fetch import HostLimiter
from monitor.feeds.poller import poll_all, poll_feed
from monitor.store import Store
from monitor.store.feeds import add_feed, get_state
from tests.feed_fixtures import NOW, POLICY, SHARED_DATA
from tests.feedserver import FeedServer

_HEADER = re.compile(rb"^Header:\s+Content-type:\s*(.+?)\s*$", re.MULTILINE | re.IGNORECASE)


def shared(*parts: str) -> Path:
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not present")
    return path


def content_type(path: Path) -> str:
    """The Content-Type the corpus file asks for in its `Header:` comment, or a default."""
    found = _HEADER.search(path.read_bytes()[:2000])
    if found:
        return found.group(1).decode("latin-1")
    return "application/json" if path.suffix == ".json" else "application/xml"


def test_feedparser_corpus_polls_without_a_crash(
    feed_server: FeedServer, feed_client: httpx.Client, feed_store: Store,
    request: pytest.FixtureRequest,
) -> None:
    root = shared("feedparser-corpus")
    files = sorted(p for p in root.rglob("*") if p.suffix in (".xml", ".json"))
    states = []
    for i, path in enumerate(files):
        url = feed_server.add(f"/corpus/{i}{path.suffix}", path.read_bytes(), content_type(path))
        fid, _ = add_feed(feed_store, str(path.relative_to(root)), url, "config", NOW)
        state = get_state(feed_store, fid)
        assert state is not None
        states.append(state)
    outcomes = poll_all(states, feed_client, feed_store, POLICY, HostLimiter(8), NOW, workers=8)
    crashed = [o for o in outcomes if (o.error or "").startswith("internal error")]
    transport = [o for o in outcomes if o.status != 200]
    recovered = sum(o.items for o in outcomes)
    by_outcome: dict[str, int] = {}
    for o in outcomes:
        by_outcome[o.outcome] = by_outcome.get(o.outcome, 0) + 1
    print(f"\nfeedparser corpus: {len(files)} files, {recovered} items recovered, {by_outcome}")
    # what the record_property fixture does, without its warning under junit_family=xunit2
    request.node.user_properties.extend([
        ("corpus_files", len(files)), ("corpus_items_recovered", recovered),
        ("corpus_outcomes", by_outcome),
    ])
    assert len(outcomes) == len(files) > 300
    assert crashed == [] and transport == []
    assert recovered > 0
    with feed_store.reading() as db:
        assert db["fetches"].count == len(files)


def snapshots(folder: str) -> list[tuple[datetime, Path]]:
    """The captures of one feed in capture order, from MANIFEST.csv."""
    base = shared("feeds")
    with (base / "MANIFEST.csv").open(newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["file"].startswith(folder + "/")]
    captures = sorted((datetime.fromisoformat(r["commit_date"]), base / r["file"]) for r in rows)
    assert len(captures) == 5
    return captures


def distinct_items(paths: list[Path]) -> set[str]:
    """Items across the captures, keyed by GUID (or link), parsed independently."""
    keys: set[str] = set()
    for path in paths:
        for entry in feedparser.parse(io.BytesIO(path.read_bytes())).entries:
            keys.add(entry.get("id") or entry.get("link") or entry.get("title"))
    return keys


@pytest.mark.parametrize("folder", ["gesab001-headlines/bbc-news-home",
                                    "gesab001-headlines/cnn-international"])
def test_successive_snapshots_store_each_item_once(
    folder: str, feed_server: FeedServer, feed_client: httpx.Client, feed_store: Store,
) -> None:
    captures = snapshots(folder)
    url = feed_server.add("/feed.rss", captures[0][1].read_bytes(), "text/xml; charset=utf-8")
    fid, _ = add_feed(feed_store, folder, url, "config", NOW)
    new_items = []
    for i, (taken, path) in enumerate(captures):
        if i:
            feed_server.set_body("/feed.rss", path.read_bytes())
        state = get_state(feed_store, fid)
        assert state is not None
        outcome = poll_feed(state, feed_client, feed_store, POLICY, HostLimiter(1), taken)
        assert outcome.outcome == "ok", outcome.error
        new_items.append(outcome.new_items)
    state = get_state(feed_store, fid)
    assert state is not None
    again = poll_feed(state, feed_client, feed_store, POLICY, HostLimiter(1), captures[-1][0])
    assert again.outcome == "not_modified"
    expected = distinct_items([p for _, p in captures])
    with feed_store.reading() as db:
        stored = [r["guid"] for r in db.query("select guid from articles where feed_id = ?", [fid])]
    assert len(stored) == len(set(stored)) == len(expected) == sum(new_items)
    assert set(stored) == expected
    assert new_items[0] > 0 and all(n >= 0 for n in new_items)
