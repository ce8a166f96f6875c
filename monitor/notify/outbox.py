"""The outbox: pending alerts in the store become Slack messages, each exactly once.

One pass (`deliver_pending`) takes the due pending alerts, oldest first. For each it checks the
mutes as they are now, renders the alert, leases the row (`claim`, so that no other pass posts
it too), posts it, and marks it in its own transaction right after the post. The first alert of
a story opens the story's thread (`stories.slack_ts`); later alerts of the story and re-reports
answer in that thread. A failure keeps the alert pending with an exponential back-off (at
least Retry-After); when Slack itself is down the pass stops and every pending alert waits.

With `digest_interval > 0` one message per interval lists the pending alerts (status `digest`)
and the story threads are not used. `build_sender` picks the sender from the configuration.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from monitor.backoff import exponential_delay
from monitor.config import Config
from monitor.errors import DeliveryError
from monitor.notify.render import (
    AlertView,
    Statement,
    render_alert,
    render_digest,
    render_line,
    render_rereport,
)
from monitor.notify.slack import (
    CHANNEL,
    LOGGED,
    SERVICE,
    LogSender,
    Message,
    Sender,
    SlackWebSender,
    WebhookSender,
    make_web_client,
)
from monitor.store import Store
from monitor.store import alerts as outbox_store

log = logging.getLogger(__name__)

LIMIT, DIGEST_LIMIT = 50, 500
LEASE = timedelta(minutes=5)
BACKOFF_BASE, BACKOFF_MAX = 30.0, 3600.0
_EVERY_CHANNEL = "*"


@dataclass(frozen=True)
class DeliveryReport:
    """What one pass did: alerts sent, logged, muted, failed or left for later; digests posted."""

    sent: int = 0
    logged: int = 0
    muted: int = 0
    failed: int = 0
    deferred: int = 0
    digests: int = 0

    @classmethod
    def of(cls, tally: Counter[str]) -> DeliveryReport:
        return cls(**{f.name: tally[f.name] for f in fields(cls)})

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


def backoff(attempts: int, retry_after: float | None = None) -> timedelta:
    """Wait before the next try after `attempts` earlier tries: 30 s doubling to 1 h, but at
    least what Slack asked for."""
    seconds = exponential_delay(BACKOFF_BASE, attempts, BACKOFF_MAX)
    return timedelta(seconds=max(seconds, retry_after or 0.0))


def deliver_pending(store: Store, sender: Sender, now: datetime, limit: int = LIMIT, *,
                    digest_interval: float = 0) -> DeliveryReport:
    """One pass over the due pending alerts; returns the counts (also logged when non-zero)."""
    if digest_interval > 0:
        report = _deliver_digest(store, sender, now, digest_interval)
    else:
        report = _deliver_each(store, sender, now, limit)
    if report:
        log.info("outbox: %s", report)
    return report


# -- one message per alert -------------------------------------------------------------------
def _deliver_each(store: Store, sender: Sender, now: datetime, limit: int) -> DeliveryReport:
    tally: Counter[str] = Counter()
    stopped: set[str | None] = set()
    for row in outbox_store.due_alerts(store, now, limit):
        if _EVERY_CHANNEL in stopped:
            break
        tally[_deliver_one(store, sender, row, now, stopped)] += 1
    return DeliveryReport.of(tally)


def _deliver_one(store: Store, sender: Sender, row: dict[str, Any], now: datetime,
                 stopped: set[str | None]) -> str:
    alert_id = row["id"]
    if outbox_store.muted_now(store, alert_id):
        outbox_store.mark_muted(store, alert_id)
        return "muted"
    original = outbox_store.alert_status(store, row["thread_of"]) if row["thread_of"] else None
    if original == outbox_store.PENDING:
        return "deferred"  # the statement's first alert goes first
    prepared = _prepare(store, sender, row, now, original)
    if prepared is None:
        return "failed"
    message, opens_thread = prepared
    if message.channel in stopped or not outbox_store.claim(
            store, alert_id, row["next_attempt"], now + LEASE):
        return "deferred"
    try:
        posted = sender.post(message)
    except DeliveryError as exc:
        _failed(store, [alert_id], row["attempts"], exc, now, stopped, message.channel)
        return "failed"
    outbox_store.mark_sent(store, [alert_id], now, posted.status, posted.channel, posted.ts,
                           opens_story=row["story_id"] if opens_thread else None)
    return "logged" if posted.status == LOGGED else "sent"


def _prepare(store: Store, sender: Sender, row: dict[str, Any], now: datetime,
             original: str | None) -> tuple[Message, bool] | None:
    """`_message`, or None (the attempt counted) when the row cannot be rendered."""
    rereport = original in (outbox_store.SENT, outbox_store.LOGGED)
    try:
        return _message(store, sender, row["id"], rereport)
    except Exception as exc:  # noqa: BLE001 - one bad row must not block the outbox
        log.exception("alert %s cannot be rendered", row["id"])
        outbox_store.mark_failed(store, [row["id"]], f"render: {exc}",
                                 now + backoff(row["attempts"]))
        return None


def _message(store: Store, sender: Sender, alert_id: str,
             rereport: bool) -> tuple[Message, bool]:
    """The message for one alert, and whether it opens its story's thread.

    A re-report of a statement already shown is a short line in the story's thread (or alone,
    for a sender without threads); when its first alert was muted or digested, or the story
    has no thread, it is shown as a full alert instead."""
    view = load_view(store, alert_id)
    thread = outbox_store.story_thread(store, view.story_id) if sender.threads else None
    rereport = rereport and (thread is not None or not sender.threads)
    text, blocks = render_rereport(view) if rereport else render_alert(view)
    line = render_line(view)
    if thread is not None:
        channel, ts = thread
        return Message(text, blocks, thread_ts=ts, channel=channel, line=line), False
    return Message(text, blocks, line=line), sender.threads


def _failed(store: Store, alert_ids: list[str], attempts: int, exc: DeliveryError,
            now: datetime, stopped: set[str | None], channel: str | None) -> None:
    scope = getattr(exc, "scope", SERVICE)
    retry_at = now + backoff(attempts, getattr(exc, "retry_after", None))
    outbox_store.mark_failed(store, alert_ids, str(exc), retry_at)
    log.warning("alert %s not delivered (%s): %s; next try %s", ",".join(alert_ids), scope,
                exc, retry_at.isoformat())
    if scope == SERVICE:
        stopped.add(_EVERY_CHANNEL)
        outbox_store.hold_pending(store, retry_at)
    elif scope == CHANNEL:
        stopped.add(channel)


# -- digests ---------------------------------------------------------------------------------
def _deliver_digest(store: Store, sender: Sender, now: datetime,
                    interval: float) -> DeliveryReport:
    tally: Counter[str] = Counter()
    live = []
    for row in outbox_store.due_alerts(store, now, DIGEST_LIMIT):
        if outbox_store.muted_now(store, row["id"]):
            outbox_store.mark_muted(store, row["id"])
            tally["muted"] += 1
        else:
            live.append(row)
    oldest = _published(live[0]["created_at"]) if live else None
    if live and (oldest or now) + timedelta(seconds=interval) > now:
        tally["deferred"] += len(live)  # the oldest has not waited a whole interval yet
    elif live:
        _post_digest(store, sender, now, live, tally)
    return DeliveryReport.of(tally)


def _post_digest(store: Store, sender: Sender, now: datetime, rows: list[dict[str, Any]],
                 tally: Counter[str]) -> None:
    rows = [r for r in rows if outbox_store.claim(store, r["id"], r["next_attempt"], now + LEASE)]
    if not rows:
        return
    ids = [r["id"] for r in rows]
    views = [load_view(store, alert_id) for alert_id in ids]
    text, blocks = render_digest(views)
    message = Message(text, blocks, line=" ## ".join(render_line(v) for v in views))
    try:
        posted = sender.post(message)
    except DeliveryError as exc:
        attempts = min(r["attempts"] for r in rows)
        _failed(store, ids, attempts, exc, now, set(), None)
        tally["failed"] += len(ids)
        return
    status = outbox_store.LOGGED if posted.status == LOGGED else outbox_store.DIGEST
    outbox_store.mark_sent(store, ids, now, status, posted.channel, posted.ts)
    tally["logged" if posted.status == LOGGED else "sent"] += len(ids)
    tally["digests"] += 1


# -- views -----------------------------------------------------------------------------------
def _published(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _statement(row: dict[str, Any]) -> Statement:
    return Statement(
        claim_id=row["claim_id"], text=row["text"] or "", speaker=row["speaker"] or "",
        speaker_org=row["speaker_org"] or "", speaker_actor=row["speaker_actor"] or "",
        source=row["source"] or "", url=row["url"] or "",
        published=_published(row["published"]), stance=row["stance"] or "",
    )


def load_view(store: Store, alert_id: str) -> AlertView:
    """The alert as the renderer needs it (raises KeyError when the alert is gone)."""
    found = outbox_store.alert_details(store, alert_id)
    if found is None:
        raise KeyError(alert_id)
    row, answered = found
    return AlertView(
        id=row["id"], kind=row["kind"], story_id=row["story_id"] or "",
        story_title=row["story_title"] or "", reason=row["reason"] or "",
        score=float(row["score"] or 0.0), new=_statement(row),
        answers=tuple(_statement(a) for a in answered), thread_of=row["thread_of"],
    )


# -- wiring ----------------------------------------------------------------------------------
def choose_sender(config: Config) -> Sender:
    """A bot token → Slack Web API; else a webhook URL → webhook; else the log."""
    slack = config["slack"]
    if config.slack_token:
        client = make_web_client(config.slack_token, slack["base_url"])
        return SlackWebSender(client, slack["channel"], pace=slack["pace"])
    if config.slack_webhook:
        return WebhookSender(config.slack_webhook, pace=slack["pace"])
    return LogSender()


def build_sender(config: Config, store: Store) -> Callable[[datetime], DeliveryReport]:
    """The daemon's sender: `sender(now)` runs one pass; passes never overlap."""
    sender = choose_sender(config)
    interval = float(config["slack"]["digest_interval"])
    lock = threading.Lock()
    log.info("alerts go to %s%s", type(sender).__name__,
             f" as digests every {interval:g} s" if interval else "")

    def send(now: datetime) -> DeliveryReport:
        with lock:
            return deliver_pending(store, sender, now, digest_interval=interval)

    return send
