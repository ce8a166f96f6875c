"""poll_feed / poll_all against a loopback server: storage, schedule state, failures as data."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from monitor.feeds.fetch import HostLimiter
from monitor.feeds.poller import PollOutcome, poll_all, poll_feed
from monitor.records import Article
from monitor.store import Store
from monitor.store.feeds import FeedState, active_feeds, add_feed, get_state
from tests.feed_fixtures import NOW, POLICY
from tests.feedserver import MISBEHAVIOUR, FeedServer, item, rss_feed

LIMITER = HostLimiter(4)


def subscribe(store: Store, url: str, name: str | None = None) -> FeedState:
    fid, _ = add_feed(store, name or url.rsplit("/", 1)[-1], url, "config", NOW)
    state = get_state(store, fid)
    assert state is not None
    return state


def poll(store: Store, client: httpx.Client, fid: str, now: datetime = NOW,
         process: Any = None) -> PollOutcome:
    state = get_state(store, fid)
    assert state is not None
    return poll_feed(state, client, store, POLICY, LIMITER, now, process)


def rows(store: Store, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    with store.reading() as db:
        return list(db.query(sql, params or []))


def feed_row(store: Store, fid: str) -> dict[str, Any]:
    return rows(store, "select * from feeds where id = ?", [fid])[0]


def fetch_rows(store: Store, fid: str) -> list[dict[str, Any]]:
    return rows(store, "select * from fetches where feed_id = ? order by id", [fid])


def count(store: Store, table: str) -> int:
    return int(rows(store, f"select count(*) as n from {table}")[0]["n"])


def test_first_poll_stores_items_and_state(feed_server: FeedServer, feed_client: httpx.Client,
                                           feed_store: Store) -> None:
    state = subscribe(feed_store, feed_server.add("/a.xml", rss_feed("A", [item(1), item(2)])))
    seen: list[list[Article]] = []
    outcome = poll(feed_store, feed_client, state.feed.id, process=seen.append)
    assert (outcome.outcome, outcome.status, outcome.items, outcome.new_items) == ("ok", 200, 2, 2)
    assert [len(batch) for batch in seen] == [2]
    assert count(feed_store, "articles") == 2
    (fetch,) = fetch_rows(feed_store, state.feed.id)
    assert (fetch["outcome"], fetch["items"], fetch["new_items"]) == ("ok", 2, 2)
    assert fetch["error"] is None
    assert fetch["started_at"] == "2024-03-01T12:00:00Z" and fetch["bytes"] > 0
    feed = feed_row(feed_store, state.feed.id)
    assert feed["etag"] and feed["last_modified"] and feed["content_hash"]
    assert feed["last_success"] == feed["last_new_item"] == "2024-03-01T12:00:00Z"
    assert (feed["items_total"], feed["consecutive_failures"], feed["last_status"]) == (2, 0, 200)
    assert feed["next_poll"] == "2024-03-01T12:12:00Z"  # 900 s, shortened to 720 s


def test_second_poll_is_a_free_304(feed_server: FeedServer, feed_client: httpx.Client,
                                   feed_store: Store) -> None:
    state = subscribe(feed_store, feed_server.add("/a.xml", rss_feed("A", [item(1)])))
    poll(feed_store, feed_client, state.feed.id)
    called: list[object] = []
    later = NOW + timedelta(minutes=15)
    outcome = poll(feed_store, feed_client, state.feed.id, later, called.append)
    assert (outcome.outcome, outcome.status, outcome.items, outcome.new_items) == (
        "not_modified", 304, 0, 0)
    assert called == [] and count(feed_store, "articles") == 1
    assert [f["outcome"] for f in fetch_rows(feed_store, state.feed.id)] == ["ok", "not_modified"]
    assert feed_row(feed_store, state.feed.id)["last_success"] == "2024-03-01T12:15:00Z"
    assert feed_server.count("/a.xml") == 2


def test_content_hash_fallback_without_validators(feed_server: FeedServer,
                                                  feed_client: httpx.Client,
                                                  feed_store: Store) -> None:
    url = feed_server.add("/plain.xml", rss_feed("P", [item(1)]), validators=False)
    state = subscribe(feed_store, url)
    poll(feed_store, feed_client, state.feed.id)
    again = poll(feed_store, feed_client, state.feed.id, NOW + timedelta(minutes=15))
    assert (again.outcome, again.status, again.items) == ("unchanged", 200, 0)
    feed_server.set_body("/plain.xml", rss_feed("P", [item(1), item(2)]))
    third = poll(feed_store, feed_client, state.feed.id, NOW + timedelta(minutes=30))
    assert (third.outcome, third.items, third.new_items) == ("ok", 2, 1)


def test_new_snapshot_brings_only_new_items(feed_server: FeedServer, feed_client: httpx.Client,
                                            feed_store: Store) -> None:
    state = subscribe(feed_store, feed_server.add("/a.xml", rss_feed("A", [item(1), item(2)])))
    poll(feed_store, feed_client, state.feed.id)
    feed_server.set_body("/a.xml", rss_feed("A", [item(2), item(3), item(4)]))
    batches: list[list[Article]] = []
    outcome = poll(feed_store, feed_client, state.feed.id, NOW + timedelta(minutes=10),
                   batches.append)
    assert (outcome.items, outcome.new_items) == (3, 2)
    assert sorted(a.guid or "" for a in batches[0]) == ["urn:test:3", "urn:test:4"]
    assert feed_row(feed_store, state.feed.id)["items_total"] == 4


def test_revised_title_is_one_article_with_a_revision(feed_server: FeedServer,
                                                      feed_client: httpx.Client,
                                                      feed_store: Store) -> None:
    first = item(1, title="Strike hits a hospital in the north of the city")
    state = subscribe(feed_store, feed_server.add("/a.xml", rss_feed("A", [first])))
    poll(feed_store, feed_client, state.feed.id)
    revised = {**first, "title": "Strike hits a hospital: twelve dead, officials say"}
    feed_server.set_body("/a.xml", rss_feed("A", [revised]))
    outcome = poll(feed_store, feed_client, state.feed.id, NOW + timedelta(minutes=10))
    assert outcome.new_items == 0
    (article,) = rows(feed_store, "select * from articles")
    assert article["revisions"] == 1 and article["title"] == revised["title"]
    (old,) = rows(feed_store, "select * from article_revisions")
    assert old["article_id"] == article["id"] and old["title"] == first["title"]


def test_dedup_across_feeds_by_url_and_title(feed_server: FeedServer, feed_client: httpx.Client,
                                             feed_store: Store) -> None:
    shared = "Ceasefire talks resume in the capital after a week of strikes"
    a = [item(1, link="https://wire.example/story/1?utm_source=a"),
         item(2, title=shared, link="https://a.example/ceasefire")]
    b = [item(11, link="https://wire.example/story/1?utm_campaign=b&fbclid=z"),
         item(12, title=shared + ".", link="https://b.example/other-url")]
    feed_a = subscribe(feed_store, feed_server.add("/a.xml", rss_feed("A", a)))
    feed_b = subscribe(feed_store, feed_server.add("/b.xml", rss_feed("B", b)))
    outcomes = poll_all([feed_a, feed_b], feed_client, feed_store, POLICY, LIMITER, NOW,
                        workers=1)
    assert [o.new_items for o in outcomes] == [2, 0]
    assert count(feed_store, "articles") == 2


def test_every_misbehaviour_is_survived_and_recorded(feed_server: FeedServer,
                                                     feed_client: httpx.Client,
                                                     feed_store: Store) -> None:
    bad = {path: subscribe(feed_store, feed_server.url(path)) for path in MISBEHAVIOUR
           if not path.startswith("/hop/") and path != "/loop-b"}
    bad["/hop/0"] = subscribe(feed_store, feed_server.url("/hop/0"))
    good = [subscribe(feed_store, feed_server.add(f"/good{i}.xml",
                                                  rss_feed(f"G{i}", [item(100 * i + j)
                                                                     for j in range(3)])))
            for i in range(3)]
    outcomes = poll_all([*bad.values(), *good], feed_client, feed_store, POLICY, LIMITER, NOW,
                        workers=8)
    by_id = {o.feed_id: o for o in outcomes}
    for g in good:
        assert (by_id[g.feed.id].outcome, by_id[g.feed.id].new_items) == ("ok", 3)
    expected = {"/410": "gone", "/429": "rate_limited", "/503": "rate_limited",
                "/garbage": "parse_error", "/html": "parse_error", "/empty": "parse_error",
                "/bomb": "parse_error", "/cp1252-as-utf8": "ok", "/utf8-as-latin1": "ok"}
    for path, state in bad.items():
        outcome = by_id[state.feed.id]
        assert outcome.outcome == expected.get(path, "error"), path
        (fetch,) = fetch_rows(feed_store, state.feed.id)
        assert fetch["outcome"] == outcome.outcome
        feed = feed_row(feed_store, state.feed.id)
        if outcome.outcome == "ok":
            assert fetch["error"]  # the wrong charset declaration is on record
            continue
        assert fetch["error"] and feed["last_error"] == fetch["error"], path
        assert feed["consecutive_failures"] == 1 and feed["last_success"] is None
    assert count(feed_store, "articles") == 9 + 2  # the good feeds + the two charset feeds


def test_gone_feed_is_not_polled_again(feed_server: FeedServer, feed_client: httpx.Client,
                                       feed_store: Store) -> None:
    state = subscribe(feed_store, feed_server.url("/410"))
    outcome = poll(feed_store, feed_client, state.feed.id)
    assert outcome.outcome == "gone" and outcome.next_poll is None
    feed = feed_row(feed_store, state.feed.id)
    assert feed["gone"] == 1 and feed["next_poll"] is None
    assert state.feed.id not in {s.feed.id for s in active_feeds(feed_store)}


def test_rate_limited_feed_waits_for_retry_after(feed_server: FeedServer,
                                                 feed_client: httpx.Client,
                                                 feed_store: Store) -> None:
    state = subscribe(feed_store, feed_server.url("/429"))
    outcome = poll(feed_store, feed_client, state.feed.id)
    assert outcome.next_poll == NOW + timedelta(seconds=7200)
    assert feed_row(feed_store, state.feed.id)["next_poll"] == "2024-03-01T14:00:00Z"


def test_repeated_failures_back_off_exponentially(feed_server: FeedServer,
                                                  feed_client: httpx.Client,
                                                  feed_store: Store) -> None:
    state = subscribe(feed_store, feed_server.url("/500"))
    now, delays = NOW, []
    for _ in range(7):
        outcome = poll(feed_store, feed_client, state.feed.id, now)
        assert outcome.next_poll is not None
        delays.append(int((outcome.next_poll - now).total_seconds()))
        now = outcome.next_poll
    assert delays == [900, 1800, 3600, 7200, 14400, 21600, 21600]
    feed = feed_row(feed_store, state.feed.id)
    assert feed["consecutive_failures"] == 7 and feed["gone"] == 0
    assert state.feed.id in {s.feed.id for s in active_feeds(feed_store)}
    feed_server.add("/500", rss_feed("Back", [item(1)]))  # the server recovers
    assert poll(feed_store, feed_client, state.feed.id, now).outcome == "ok"
    assert feed_row(feed_store, state.feed.id)["consecutive_failures"] == 0


def test_unexpected_exception_is_recorded(feed_store: Store) -> None:
    def explode(request: httpx.Request) -> httpx.Response:
        raise RuntimeError("transport exploded")

    state = subscribe(feed_store, "http://127.0.0.1:9/feed.xml")
    with httpx.Client(transport=httpx.MockTransport(explode)) as client:
        outcome = poll(feed_store, client, state.feed.id)
    assert outcome.outcome == "error" and "transport exploded" in (outcome.error or "")
    (fetch,) = fetch_rows(feed_store, state.feed.id)
    assert fetch["outcome"] == "error" and "RuntimeError" in fetch["error"]
    assert feed_row(feed_store, state.feed.id)["consecutive_failures"] == 1


def test_failing_process_keeps_articles(feed_server: FeedServer, feed_client: httpx.Client,
                                        feed_store: Store) -> None:
    def broken(articles: list[Article]) -> None:
        raise ValueError("model not loaded")

    state = subscribe(feed_store, feed_server.add("/a.xml", rss_feed("A", [item(1)])))
    outcome = poll(feed_store, feed_client, state.feed.id, process=broken)
    assert outcome.outcome == "ok" and "model not loaded" in (outcome.process_error or "")
    assert count(feed_store, "articles") == 1


def test_one_info_line_per_poll(feed_server: FeedServer, feed_client: httpx.Client,
                                feed_store: Store, caplog: pytest.LogCaptureFixture) -> None:
    state = subscribe(feed_store, feed_server.add("/a.xml", rss_feed("A", [item(1)])), "Alpha")
    with caplog.at_level(logging.INFO, logger="monitor"):
        poll(feed_store, feed_client, state.feed.id)
    lines = [r.getMessage() for r in caplog.records
             if r.name == "monitor.feeds.poller" and r.levelno == logging.INFO]
    assert len(lines) == 1
    assert "Alpha" in lines[0] and "200 ok" in lines[0] and "1 new" in lines[0]
    assert " ms" in lines[0]


def test_poll_all_takes_a_clock(feed_server: FeedServer, feed_client: httpx.Client,
                                feed_store: Store) -> None:
    states = [subscribe(feed_store, feed_server.add(f"/{i}.xml", rss_feed("X", [item(i)])))
              for i in range(4)]
    outcomes = poll_all(states, feed_client, feed_store, POLICY, LIMITER, lambda: NOW, workers=2)
    assert [o.feed_id for o in outcomes] == [s.feed.id for s in states]
    assert all(o.outcome == "ok" for o in outcomes)
