"""Queries on `articles`: idempotent upserts with de-duplication and revisions."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from monitor.records import Article, Topic
from monitor.store import Store, iso
from monitor.text import canonical_url, content_hash, title_key

NEW, REVISED, SEEN = "new", "revised", "seen"


@dataclass(frozen=True)
class Upserted:
    article: Article  # as stored: the id is the one the store already knew, if any
    status: str  # new | revised | seen


def _find_existing(db: Any, article: Article, key: str, window: timedelta,
                   when: datetime) -> dict[str, Any] | None:
    rows = list(db.query("select * from articles where id = ?", [article.id]))
    if not rows and article.url:
        rows = list(db.query(
            "select * from articles where canonical_url = ? limit 1", [canonical_url(article.url)]
        ))
    if not rows and len(key) >= 20:
        lo, hi = iso(when - window), iso(when + window)
        rows = list(db.query(
            "select * from articles where title_key = ? and coalesce(published, first_seen)"
            " between ? and ? limit 1",
            [key, lo, hi],
        ))
    return rows[0] if rows else None


def upsert_articles(db: Any, articles: Iterable[Article], now: datetime,
                    window: timedelta) -> list[Upserted]:
    """Inside a transaction: store new articles, record revisions, skip what is known.

    The same story is recognised by id (GUID), by canonical URL, or by the same normalised
    title within `window`; a changed title or summary is kept as a revision.
    """
    out: list[Upserted] = []
    stamp = iso(now)
    for article in articles:
        key = title_key(article.title)
        digest = content_hash(article.title, article.summary)
        when = article.published or now
        existing = _find_existing(db, article, key, window, when)
        if existing is None:
            db["articles"].insert(_row(article, key, digest, stamp))
            out.append(Upserted(article, NEW))
            continue
        stored = _with_id(article, existing["id"])
        if existing["content_hash"] == digest:
            out.append(Upserted(stored, SEEN))
            continue
        db["article_revisions"].insert({
            "article_id": existing["id"], "seen_at": existing["updated_at"],
            "title": existing["title"], "summary": existing["summary"],
            "content_hash": existing["content_hash"],
        })
        db["articles"].update(existing["id"], {
            "title": article.title, "summary": article.summary, "title_key": key,
            "content_hash": digest, "updated_at": stamp,
            "revisions": (existing["revisions"] or 0) + 1,
        })
        out.append(Upserted(stored, REVISED))
    return out


def _with_id(article: Article, article_id: str) -> Article:
    if article.id == article_id:
        return article
    return Article(
        id=article_id, feed_id=article.feed_id, source=article.source, url=article.url,
        title=article.title, summary=article.summary, published=article.published,
        language=article.language, text=article.text, guid=article.guid,
    )


def _row(article: Article, key: str, digest: str, stamp: str | None) -> dict[str, Any]:
    return {
        "id": article.id, "feed_id": article.feed_id or None, "source": article.source,
        "url": article.url, "canonical_url": canonical_url(article.url) if article.url else None,
        "title": article.title, "title_key": key, "summary": article.summary,
        "text": article.text, "published": iso(article.published), "language": article.language,
        "guid": article.guid, "content_hash": digest, "first_seen": stamp, "updated_at": stamp,
        "revisions": 0,
    }


def set_topic(db: Any, article_id: str, topic: Topic, now: datetime) -> None:
    # Plain SQL: sqlite-utils' `update` reads the row and the schema first, for every article.
    db.execute(
        "update articles set topic = ?, topic_score = ?, topic_scores = ?, analyzed_at = ?"
        " where id = ?",
        [topic.label, topic.scores.get(topic.label, 0.0), json.dumps(topic.scores), iso(now),
         article_id],
    )


def set_text(db: Any, article_id: str, text: str) -> None:
    db["articles"].update(article_id, {"text": text})


def unanalyzed(store: Store, limit: int = 500) -> list[Article]:
    """Articles stored but not yet through the pipeline (e.g. after a crash)."""
    with store.reading() as db:
        rows = list(db.query(
            "select * from articles where analyzed_at is null order by first_seen limit ?",
            [limit],
        ))
    return [from_row(r) for r in rows]


def from_row(row: dict[str, Any]) -> Article:
    published = row.get("published")
    return Article(
        id=row["id"], feed_id=row.get("feed_id") or "", source=row.get("source") or "",
        url=row.get("url") or "", title=row.get("title") or "", summary=row.get("summary") or "",
        published=_parse_time(published), language=row.get("language"), text=row.get("text"),
        guid=row.get("guid"),
    )


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
