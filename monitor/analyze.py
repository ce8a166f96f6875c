"""`monitor analyze`: JSON Lines of articles in, one JSON object per article out, in order.

The same code path as the daemon: `pipeline.run_batch` over batches, on a given store or a
fresh temporary one, so a later article can alert against an earlier one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, replace
from datetime import UTC, datetime
from typing import Any

from monitor import pipeline
from monitor.errors import ConfigError
from monitor.records import Alert, Article, Claim
from monitor.store import Store
from monitor.text import plain_text

BATCH = 64


def parse_line(line: str, number: int) -> Article:
    """One input line to an Article; a bad line is a ConfigError naming the line number."""
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"line {number}: not JSON ({exc.msg})") from None
    if not isinstance(raw, dict) or not raw.get("id"):
        raise ConfigError(f"line {number}: expected an object with an \"id\"")
    return Article(
        id=str(raw["id"]), feed_id="", source=str(raw.get("source") or ""),
        url=str(raw.get("url") or ""), title=plain_text(str(raw.get("title") or "")),
        summary=plain_text(str(raw.get("text") or raw.get("summary") or "")),
        published=_time(raw.get("published"), number),
    )


def _time(value: Any, number: int) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(f"line {number}: published is not an ISO-8601 time: {value!r}") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def read_articles(lines: Iterable[str]) -> Iterator[Article]:
    for number, line in enumerate(lines, 1):
        if line.strip():
            yield parse_line(line, number)


def analyze_stream(articles: Iterable[Article], store: Store, parts: pipeline.Components,
                   threshold: float, clock: Any = None) -> Iterator[dict[str, Any]]:
    """Yield one output object per input article, in input order. While one batch goes
    through extraction and detection, the next one is already being classified."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="classify") as pool:
        ahead = pipeline.ClassifyAhead(parts.classifier, pool)
        staged = replace(parts, classifier=ahead)
        batches = _batches(articles)
        batch = next(batches, None)
        while batch is not None:
            following = next(batches, None)
            ahead.start(following or [])
            yield from _run(batch, store, staged, threshold, clock)
            batch = following


def _batches(articles: Iterable[Article]) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _run(batch: list[Article], store: Store, parts: pipeline.Components, threshold: float,
         clock: Any) -> Iterator[dict[str, Any]]:
    # Articles are processed one at a time through the stages so that order is preserved even
    # when two articles of one batch answer each other; classification is still batched.
    now = clock() if clock else datetime.now(UTC)
    results = pipeline.run_batch(store, batch, parts, now, threshold=threshold)
    for article, result in zip(batch, results, strict=True):
        yield to_json(article.id, result, store)


def to_json(article_id: str, result: pipeline.Result, store: Store) -> dict[str, Any]:
    topic = result.topic
    if topic is None:  # already known: report what the store holds
        return _stored(article_id, result.article.id, store)
    claims = {c.id: c for c in result.claims}
    return {
        "id": article_id,
        "topic": {"label": topic.label, "scores": _rounded(topic.scores)},
        "claims": [claim_json(c) for c in result.claims],
        "alerts": [alert_json(a, claims, store) for a in result.alerts if not a.thread_of],
        # A re-report joins an earlier alert's thread rather than being a new alert; it is listed
        # apart so a consumer counting "alerts" counts each event once.
        "rereports": [alert_json(a, claims, store) for a in result.alerts if a.thread_of],
    }


def _stored(article_id: str, stored_id: str, store: Store) -> dict[str, Any]:
    with store.reading() as db:
        row = db.execute(
            "select topic, topic_scores from articles where id = ?", [stored_id]
        ).fetchone()
    label, scores = (row[0], json.loads(row[1])) if row and row[0] else ("other", {})
    return {"id": article_id, "topic": {"label": label, "scores": _rounded(scores)},
            "claims": [], "alerts": [], "rereports": [], "duplicate_of": stored_id}


def claim_json(claim: Claim) -> dict[str, Any]:
    data = asdict(claim)
    for key in ("published",):
        data.pop(key, None)
    data["casualties"] = [asdict(c) for c in claim.casualties]
    data["places"] = list(claim.places)
    data["flags"] = list(claim.flags)
    data["stance_score"] = round(claim.stance_score, 4)
    return data


def alert_json(alert: Alert, claims: dict[str, Claim], store: Store) -> dict[str, Any]:
    new = claims.get(alert.claim_id)
    with store.reading() as db:
        answered = [
            {"article_id": r[0], "text": r[1], "speaker": r[2]}
            for cid in alert.answers
            for r in db.execute(
                "select article_id, text, speaker from claims where id = ?", [cid]
            ).fetchall()
        ]
    return {
        "kind": alert.kind, "text": new.text if new else "", "speaker": new.speaker if new else "",
        "reason": alert.reason, "score": round(alert.score, 4), "answers": answered,
        "thread_of": alert.thread_of,
    }


def _rounded(scores: dict[str, float]) -> dict[str, float]:
    return {k: round(float(v), 4) for k, v in scores.items()}
