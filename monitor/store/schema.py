"""The schema, created and migrated by code; each migration runs once, recorded in `_migrations`.

Documented table by table in docs/schema.md (a test checks every column is documented).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlite_utils

Migration = Callable[[sqlite_utils.Database], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(name: str) -> Callable[[Migration], Migration]:
    def register(fn: Migration) -> Migration:
        MIGRATIONS.append((name, fn))
        return fn

    return register


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply the migrations not yet recorded; return their names."""
    db.table("_migrations").create({"name": str, "applied_at": str}, pk="name", if_not_exists=True)
    done = {row["name"] for row in db.table("_migrations").rows}
    applied = []
    for name, fn in MIGRATIONS:
        if name in done:
            continue
        with db.atomic():
            fn(db)
            stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            db.table("_migrations").insert({"name": name, "applied_at": stamp})
        applied.append(name)
    return applied


def _fts(db: sqlite_utils.Database, table: str, columns: list[str]) -> None:
    db.table(table).enable_fts(columns, create_triggers=True, tokenize="porter")


@migration("001_feeds_fetches_articles")
def _ingestion(db: sqlite_utils.Database) -> None:
    db.table("feeds").create(
        {
            "id": str, "name": str, "url": str, "origin": str, "active": int, "gone": int,
            "fixed_interval": int, "interval": int, "etag": str, "last_modified": str,
            "content_hash": str, "added_at": str, "last_polled": str, "last_success": str,
            "last_status": int, "last_error": str, "consecutive_failures": int,
            "next_poll": str, "last_new_item": str, "items_total": int,
        },
        pk="id",
        not_null={"url", "name"},
        defaults={"active": 1, "gone": 0, "consecutive_failures": 0, "items_total": 0},
    )
    db.table("feeds").create_index(["url"], unique=True)
    db.table("fetches").create(
        {
            "id": int, "feed_id": str, "started_at": str, "status": int, "outcome": str,
            "bytes": int, "ms": int, "items": int, "new_items": int, "error": str,
        },
        pk="id",
        foreign_keys=[("feed_id", "feeds", "id")],
    )
    db.table("fetches").create_index(["feed_id", "started_at"])
    db.table("articles").create(
        {
            "id": str, "feed_id": str, "source": str, "url": str, "canonical_url": str,
            "title": str, "title_key": str, "summary": str, "text": str, "published": str,
            "language": str, "guid": str, "content_hash": str, "first_seen": str,
            "updated_at": str, "revisions": int, "topic": str, "topic_score": float,
            "topic_scores": str, "analyzed_at": str,
        },
        pk="id",
        foreign_keys=[("feed_id", "feeds", "id")],
        defaults={"revisions": 0},
    )
    db.table("articles").create_index(["canonical_url"])
    db.table("articles").create_index(["title_key"])
    db.table("articles").create_index(["published"])
    db.table("articles").create_index(["analyzed_at"])
    db.table("article_revisions").create(
        {
            "id": int, "article_id": str, "seen_at": str, "title": str, "summary": str,
            "content_hash": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    _fts(db, "articles", ["title", "summary", "text"])


@migration("002_stories_claims_alerts")
def _understanding(db: sqlite_utils.Database) -> None:
    db.table("stories").create(
        {
            "id": str, "title": str, "label": str, "first_seen": str, "last_seen": str,
            "actors": str, "places": str, "claims": int, "muted": int, "slack_ts": str,
            "slack_channel": str, "embedding": bytes,
        },
        pk="id",
        defaults={"claims": 0, "muted": 0},
    )
    db.table("claims").create(
        {
            "id": str, "article_id": str, "story_id": str, "idx": int, "text": str,
            "stance": str, "stance_score": float, "speaker": str, "speaker_org": str,
            "speaker_actor": str, "verb": str, "content": str, "accused": str,
            "accused_actor": str, "casualties": str, "casualties_min": int,
            "casualties_max": int, "casualties_qualifier": str, "places": str, "date": str,
            "flags": str, "published": str, "source": str, "url": str, "created_at": str,
            "embedding": bytes,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id"), ("story_id", "stories", "id")],
    )
    for cols in (["article_id"], ["story_id", "published"], ["stance"], ["speaker_actor"]):
        db.table("claims").create_index(cols)
    db.table("alerts").create(
        {
            "id": str, "kind": str, "claim_id": str, "story_id": str, "answers_claim_id": str,
            "answers": str, "reason": str, "score": float, "thread_of": str, "status": str,
            "created_at": str, "next_attempt": str, "attempts": int, "last_error": str,
            "sent_at": str, "slack_channel": str, "slack_ts": str,
        },
        pk="id",
        foreign_keys=[
            ("claim_id", "claims", "id"),
            ("story_id", "stories", "id"),
            ("answers_claim_id", "claims", "id"),
        ],
        defaults={"status": "pending", "attempts": 0},
    )
    db.table("alerts").add_foreign_key("thread_of", "alerts", "id")
    db.table("alerts").create_index(["status", "created_at"])
    db.table("alert_answers").create(
        {"alert_id": str, "claim_id": str},
        pk=("alert_id", "claim_id"),
        foreign_keys=[("alert_id", "alerts", "id"), ("claim_id", "claims", "id")],
    )
    db.table("mutes").create(
        {"id": int, "kind": str, "value": str, "created_at": str, "note": str}, pk="id"
    )
    db.table("mutes").create_index(["kind", "value"], unique=True)
    _fts(db, "claims", ["text", "speaker", "accused"])
