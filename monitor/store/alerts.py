"""Queries on `alerts` (the outbox), `alert_answers` and `mutes`.

An alert is written `pending` (or `muted`) in the claim's transaction (`write_alerts`), then
`monitor.notify.outbox` leases it (`claim`), posts it and marks it `sent`, `logged` or
`digest` in its own transaction (`mark_sent`), or counts the failed attempt (`mark_failed`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from monitor.records import Alert
from monitor.store import Store, iso

PENDING, SENT, LOGGED, MUTED, DIGEST = "pending", "sent", "logged", "muted", "digest"
THREADED = "threaded"  # kept for old imports; re-reports posted in a thread are `sent`


def write_alerts(db: Any, alerts: Sequence[Alert], now: datetime) -> None:
    """Inside the claim's transaction: each alert joins the outbox as pending (or muted)."""
    for alert in alerts:
        status = MUTED if _is_muted(db, alert) else PENDING
        db["alerts"].insert({
            "id": alert.id, "kind": alert.kind, "claim_id": alert.claim_id,
            "story_id": alert.story_id, "answers": json.dumps(list(alert.answers)),
            "answers_claim_id": alert.answers[0] if alert.answers else None,
            "reason": alert.reason, "score": alert.score, "thread_of": alert.thread_of,
            "status": status, "created_at": iso(now), "attempts": 0,
        }, replace=True)
        for claim_id in alert.answers:
            db["alert_answers"].insert({"alert_id": alert.id, "claim_id": claim_id}, replace=True)


def _is_muted(db: Any, alert: Alert) -> bool:
    row = db.execute(
        """select 1 from mutes m where (m.kind = 'story' and m.value = ?)
           or (m.kind = 'speaker' and m.value in (
               select speaker from claims where id = ? union
               select speaker_actor from claims where id = ?))
           limit 1""",
        [alert.story_id, alert.claim_id, alert.claim_id],
    ).fetchone()
    return row is not None


def mute(store: Store, kind: str, value: str, now: datetime, note: str = "") -> None:
    with store.transaction() as db:
        row = {"kind": kind, "value": value, "created_at": iso(now), "note": note}
        db.table("mutes").insert(row, ignore=True)
        if kind == "story":
            db.execute("update stories set muted = 1 where id = ?", [value])


def unmute(store: Store, kind: str, value: str) -> None:
    with store.transaction() as db:
        db.execute("delete from mutes where kind = ? and value = ?", [kind, value])
        if kind == "story":
            db.execute("update stories set muted = 0 where id = ?", [value])


def list_mutes(store: Store) -> list[dict[str, Any]]:
    with store.reading() as db:
        return list(db.query("select kind, value, created_at from mutes order by created_at"))


# -- the outbox, read and marked by monitor.notify.outbox ---------------------------------------
def due_alerts(store: Store, now: datetime, limit: int) -> list[dict[str, Any]]:
    """Pending alerts whose next attempt is due, oldest first."""
    with store.reading() as db:
        return list(db.query(
            """select id, story_id, claim_id, thread_of, next_attempt, attempts, created_at
               from alerts where status = ? and (next_attempt is null or next_attempt <= ?)
               order by created_at, rowid limit ?""",
            [PENDING, iso(now), limit],
        ))


_DETAILS = """
select a.id, a.kind, a.story_id, a.reason, a.score, a.thread_of,
       coalesce(s.title, ar.title, '') as story_title, c.id as claim_id, c.text, c.speaker,
       c.speaker_org, c.speaker_actor, c.stance,
       coalesce(nullif(c.source, ''), ar.source, '') as source,
       coalesce(nullif(c.url, ''), ar.url, '') as url,
       coalesce(c.published, ar.published) as published
from alerts a join claims c on c.id = a.claim_id
left join articles ar on ar.id = c.article_id left join stories s on s.id = a.story_id
where a.id = ?"""

_ANSWERED = """
select c.id as claim_id, c.text, c.speaker, c.speaker_org, c.speaker_actor, c.stance,
       coalesce(nullif(c.source, ''), ar.source, '') as source,
       coalesce(nullif(c.url, ''), ar.url, '') as url,
       coalesce(c.published, ar.published) as published
from alert_answers x join claims c on c.id = x.claim_id
left join articles ar on ar.id = c.article_id
where x.alert_id = ? order by coalesce(c.published, ar.published), c.id"""


Row = dict[str, Any]


def alert_details(store: Store, alert_id: str) -> tuple[Row, list[Row]] | None:
    """The alert joined with its new claim (and article, story), and the claims it answers."""
    with store.reading() as db:
        row = next(iter(db.query(_DETAILS, [alert_id])), None)
        if row is None:
            return None
        return row, list(db.query(_ANSWERED, [alert_id]))


def muted_now(store: Store, alert_id: str) -> bool:
    """Whether a mute (story, speaker or actor, or `stories.muted`) silences the alert today."""
    with store.reading() as db:
        row = db.execute(
            """select 1 from alerts a join claims c on c.id = a.claim_id
               left join stories s on s.id = a.story_id
               where a.id = ? and (coalesce(s.muted, 0) = 1 or exists (
                   select 1 from mutes m where (m.kind = 'story' and m.value = a.story_id)
                   or (m.kind = 'speaker' and m.value in (c.speaker, c.speaker_actor))))""",
            [alert_id],
        ).fetchone()
    return row is not None


def alert_status(store: Store, alert_id: str) -> str | None:
    with store.reading() as db:
        row = db.execute("select status from alerts where id = ?", [alert_id]).fetchone()
    return None if row is None else str(row[0])


def story_thread(store: Store, story_id: str) -> tuple[str, str] | None:
    """(channel, ts) of the story's Slack thread, once its first alert has been posted."""
    with store.reading() as db:
        row = db.execute("select slack_channel, slack_ts from stories where id = ?",
                         [story_id]).fetchone()
    return (row[0], row[1]) if row and row[0] and row[1] else None


def claim(store: Store, alert_id: str, seen_next_attempt: str | None, until: datetime) -> bool:
    """Lease a pending alert before posting it, so that no other pass posts it too.

    Succeeds only if the alert is still pending with the `next_attempt` we read; the lease
    (`next_attempt = until`) lapses by itself if this process dies before marking it."""
    with store.transaction() as db:
        cursor = db.execute(
            """update alerts set next_attempt = ? where id = ? and status = ?
               and coalesce(next_attempt, '') = coalesce(?, '')""",
            [iso(until), alert_id, PENDING, seen_next_attempt],
        )
        return cursor.rowcount == 1


def mark_sent(store: Store, alert_ids: Sequence[str], now: datetime, status: str,
              channel: str | None, ts: str | None, opens_story: str | None = None) -> None:
    """Delivered: one transaction, right after the post; `opens_story` gets the thread."""
    with store.transaction() as db:
        for alert_id in alert_ids:
            db.execute(
                """update alerts set status = ?, sent_at = ?, slack_channel = ?, slack_ts = ?,
                   next_attempt = null, attempts = attempts + 1, last_error = null
                   where id = ?""",
                [status, iso(now), channel, ts, alert_id],
            )
        if opens_story and channel and ts:
            db.execute("""update stories set slack_channel = ?, slack_ts = ?
                          where id = ? and slack_ts is null""", [channel, ts, opens_story])


def mark_failed(store: Store, alert_ids: Sequence[str], error: str, retry_at: datetime) -> None:
    """Still pending: count the attempt, keep the error, wait until `retry_at`."""
    with store.transaction() as db:
        for alert_id in alert_ids:
            db.execute(
                """update alerts set attempts = attempts + 1, last_error = ?, next_attempt = ?
                   where id = ? and status = ?""",
                [error[:500], iso(retry_at), alert_id, PENDING],
            )


def mark_muted(store: Store, alert_id: str) -> None:
    with store.transaction() as db:
        db.execute("update alerts set status = ?, next_attempt = null where id = ? and status = ?",
                   [MUTED, alert_id, PENDING])


def hold_pending(store: Store, until: datetime) -> int:
    """Slack is down: no pending alert is tried before `until` (attempts are not counted)."""
    with store.transaction() as db:
        cursor = db.execute(
            """update alerts set next_attempt = ? where status = ?
               and (next_attempt is null or next_attempt < ?)""",
            [iso(until), PENDING, iso(until)],
        )
        return cursor.rowcount
