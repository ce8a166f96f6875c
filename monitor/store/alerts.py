"""Queries on `alerts` (the outbox), `alert_answers` and `mutes`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from monitor.records import Alert
from monitor.store import Store, iso

PENDING, SENT, LOGGED, MUTED, THREADED = "pending", "sent", "logged", "muted", "threaded"


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
        db["mutes"].insert({"kind": kind, "value": value, "created_at": iso(now), "note": note},
                           ignore=True)
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
