"""One poll of one feed, start to finish, and a concurrent round over many feeds.

    fetch (inside the host limiter)
      -> 304, or a 200 whose body hash is the stored one: nothing to parse
      -> 200: parse, then ONE transaction: upsert the articles + the fetch row + the feed state
      -> after the commit: process(new articles), e.g. the pipeline's analysis
      -> errors, 410, 429: recorded as data, with the next poll pushed back

Whatever goes wrong inside one feed's poll is caught, recorded as a failed fetch and logged;
it never reaches the caller, so one bad feed never stops the others.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from monitor.feeds import schedule
from monitor.feeds.fetch import FetchResult, HostLimiter, fetch
from monitor.feeds.parse import ParsedFeed, parse_feed
from monitor.feeds.schedule import PollPolicy
from monitor.records import Article
from monitor.store import Store, iso
from monitor.store.articles import NEW, upsert_articles
from monitor.store.feeds import FeedState, record_poll

log = logging.getLogger(__name__)

Process = Callable[[list[Article]], object]
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class PollOutcome:
    """What one poll did; `outcome` is the value stored in `fetches.outcome`."""

    feed_id: str
    name: str
    outcome: str  # ok | not_modified | unchanged | error | gone | rate_limited | parse_error
    status: int | None
    items: int
    new_items: int
    ms: int
    error: str | None
    next_poll: datetime | None
    new_articles: tuple[Article, ...] = ()
    process_error: str | None = None


@dataclass(frozen=True)
class _Step:
    """The fetch, the parse (if any) and what they mean for the feed's state."""

    result: FetchResult
    outcome: str
    parsed: ParsedFeed | None = None
    body_hash: str | None = None


def poll_feed(state: FeedState, client: httpx.Client, store: Store, policy: PollPolicy,
              limiter: HostLimiter, now: datetime, process: Process | None = None) -> PollOutcome:
    """Poll one feed and record the result; never raises."""
    try:
        outcome = _poll(state, client, store, policy, limiter, now)
    except Exception as exc:  # noqa: BLE001 - one bad feed never stops the others
        log.exception("poll of %s failed unexpectedly", state.feed.name)
        outcome = _record_crash(state, store, policy, now, exc)
    _log(outcome)
    if process is not None and outcome.new_articles:
        outcome = _process(outcome, process)
    return outcome


def poll_all(states: Sequence[FeedState], client: httpx.Client, store: Store,
             policy: PollPolicy, limiter: HostLimiter, now: datetime | Clock,
             process: Process | None = None, workers: int = 8) -> list[PollOutcome]:
    """Poll every feed, `workers` at a time; outcomes in the order of `states`.

    `now` is one moment for the whole round, or a clock read as each poll starts.
    `process` is called from the worker threads, one call at a time.
    """
    serial = _serialised(process) if process is not None else None
    clock = now if callable(now) else (lambda: now)

    def one(state: FeedState) -> PollOutcome:
        return poll_feed(state, client, store, policy, limiter, clock(), serial)

    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="poll") as pool:
        return list(pool.map(one, states))


def _poll(state: FeedState, client: httpx.Client, store: Store, policy: PollPolicy,
          limiter: HostLimiter, now: datetime) -> PollOutcome:
    feed = state.feed
    with limiter.slot(feed.url):
        result = fetch(client, feed.url, state.etag, state.last_modified, policy.limits)
    step = _interpret(state, result, now)
    articles = step.parsed.articles if step.parsed else []
    with store.transaction() as db:
        upserted = upsert_articles(db, articles, now, policy.dedup_window) if articles else []
        fresh = tuple(u.article for u in upserted if u.status == NEW)
        row = _fetch_row(step, now, len(articles), len(fresh))
        new_state = _new_state(db, state, step, len(fresh), policy, now)
        record_poll(db, feed.id, row, new_state)
    return PollOutcome(
        feed_id=feed.id, name=feed.name, outcome=step.outcome, status=result.status,
        items=len(articles), new_items=len(fresh), ms=result.ms, error=row["error"],
        next_poll=_moment(new_state["next_poll"]), new_articles=fresh,
    )


def _interpret(state: FeedState, result: FetchResult, now: datetime) -> _Step:
    """Classify the fetch; parse the body only when it is new."""
    if result.outcome != "ok" or result.body is None:
        return _Step(result, result.outcome)
    digest = body_hash(result.body)
    if state.content_hash and digest == state.content_hash:
        return _Step(result, "unchanged", body_hash=digest)
    parsed = parse_feed(result.body, state.feed, result.content_type, now)
    outcome = "parse_error" if parsed.error and not parsed.articles else "ok"
    return _Step(result, outcome, parsed, digest)


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]


def _fetch_row(step: _Step, now: datetime, items: int, new_items: int) -> dict[str, Any]:
    error = step.result.error
    if error is None and step.parsed is not None:
        error = step.parsed.error  # a feed that parsed with complaints keeps them on record
    return {
        "started_at": iso(now), "status": step.result.status, "outcome": step.outcome,
        "bytes": step.result.bytes, "ms": step.result.ms, "items": items,
        "new_items": new_items, "error": error,
    }


def _new_state(db: Any, state: FeedState, step: _Step, new_items: int, policy: PollPolicy,
               now: datetime) -> dict[str, Any]:
    result = step.result
    values: dict[str, Any] = {"last_polled": iso(now), "last_status": result.status}
    if step.outcome == "gone":
        return {**values, "gone": 1, "next_poll": None, "last_error": result.error,
                "consecutive_failures": state.consecutive_failures + 1}
    if step.outcome in ("error", "rate_limited", "parse_error"):
        failures = state.consecutive_failures + 1
        delay = _failure_delay(state, failures, result.retry_after, policy)
        error = result.error or (step.parsed.error if step.parsed else None)
        return {**values, "consecutive_failures": failures, "last_error": error,
                "next_poll": iso(now + timedelta(seconds=delay))}
    interval = schedule.next_interval(state.interval, new_items, _since(state, now), policy,
                                      state.fixed_interval)
    values.update({
        "interval": interval, "next_poll": iso(now + timedelta(seconds=interval)),
        "last_success": iso(now), "last_error": None, "consecutive_failures": 0,
        "etag": result.etag or state.etag,
        "last_modified": result.last_modified or state.last_modified,
    })
    if step.body_hash:
        values["content_hash"] = step.body_hash
    if new_items:
        values["last_new_item"] = iso(now)
        values["items_total"] = _items_total(db, state.feed.id) + new_items
    return values


def _failure_delay(state: FeedState, failures: int, retry_after: float | None,
                   policy: PollPolicy) -> int:
    interval = state.fixed_interval or state.interval
    return schedule.retry_delay(failures, interval, retry_after, policy)


def _since(state: FeedState, now: datetime) -> float | None:
    last = _moment(state.last_new_item)
    return (now - last).total_seconds() if last and last < now else None


def _items_total(db: Any, feed_id: str) -> int:
    row = db.execute("select items_total from feeds where id = ?", [feed_id]).fetchone()
    return int(row[0] or 0) if row else 0


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def _record_crash(state: FeedState, store: Store, policy: PollPolicy, now: datetime,
                  exc: Exception) -> PollOutcome:
    """Record an unexpected failure as a failed fetch; if even that fails, only log it."""
    message = f"internal error: {type(exc).__name__}: {exc}"[:500]
    failures = state.consecutive_failures + 1
    next_poll = now + timedelta(seconds=_failure_delay(state, failures, None, policy))
    row = {"started_at": iso(now), "status": None, "outcome": "error", "bytes": 0, "ms": 0,
           "items": 0, "new_items": 0, "error": message}
    new_state = {"last_polled": iso(now), "last_error": message, "last_status": None,
                 "consecutive_failures": failures, "next_poll": iso(next_poll)}
    try:
        with store.transaction() as db:
            record_poll(db, state.feed.id, row, new_state)
    except Exception:  # noqa: BLE001 - the store itself is failing; the log has it
        log.exception("could not record the failed poll of %s", state.feed.name)
    return PollOutcome(state.feed.id, state.feed.name, "error", None, 0, 0, 0, message,
                       next_poll)


def _process(outcome: PollOutcome, process: Process) -> PollOutcome:
    try:
        process(list(outcome.new_articles))
    except Exception as exc:  # noqa: BLE001 - stored articles stay for a later analysis
        log.exception("processing new items of %s failed", outcome.name)
        return PollOutcome(**{**outcome.__dict__, "process_error": f"{type(exc).__name__}: {exc}"})
    return outcome


def _serialised(process: Process) -> Process:
    lock = threading.Lock()

    def one_at_a_time(articles: list[Article]) -> object:
        with lock:
            return process(articles)

    return one_at_a_time


def _log(outcome: PollOutcome) -> None:
    status = outcome.status if outcome.status is not None else "-"
    suffix = f" error={outcome.error}" if outcome.error else ""
    log.info("poll %s: %s %s, %d new of %d, %d ms%s", outcome.name, status, outcome.outcome,
             outcome.new_items, outcome.items, outcome.ms, suffix)
