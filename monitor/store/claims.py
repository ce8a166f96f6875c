"""Queries on `claims`: writing a batch of an article's claims, reading them back.

    write_claims(db, claims, story_id, now)     # inside the article's transaction
    claims_for_article(db, article_id) -> list[Claim]

Claims are upserted on their stable id (`short_id("c", article_id, index)`), so re-analysing an
article updates its rows in place and keeps columns other stages own (`embedding`), unless
the sentence itself changed (a revised article): then its stale embedding is cleared, for
the detector to compute again. Lists
(casualties, places, flags) are stored as JSON; `casualties_min/max/qualifier` repeat the
headline figure (`primary_figure`: the first "killed" figure, else the first one) so Datasette
can sort and filter on it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from monitor.records import Casualties, Claim
from monitor.store import iso

__all__ = ["write_claims", "claims_for_article", "claim_from_row", "claim_row", "primary_figure"]


def write_claims(db: Any, claims: Sequence[Claim], story_id: str | None, now: datetime) -> None:
    """Insert or update each claim's row (the `ClaimWriter` of the pipeline)."""
    if not claims:
        return
    changed = _changed_text(db, claims)
    rows = [claim_row(claim, story_id, now) for claim in claims]
    kept = [r for r in rows if r["id"] not in changed]
    redone = [{**r, "embedding": None} for r in rows if r["id"] in changed]
    for batch in (kept, redone):  # one batch per column set: upsert_all nulls missing keys
        if batch:
            db["claims"].upsert_all(batch, pk="id")


def _changed_text(db: Any, claims: Sequence[Claim]) -> set[str]:
    """Ids of stored claims whose sentence differs from the new one."""
    if not db["claims"].exists():
        return set()
    new = {c.id: c.text for c in claims}
    marks = ",".join("?" * len(new))
    stored = db.execute(f"select id, text from claims where id in ({marks})", list(new))
    return {cid for cid, text in stored.fetchall() if text != new[cid]}


def claim_row(claim: Claim, story_id: str | None, now: datetime) -> dict[str, Any]:
    """The `claims` row of a Claim (without `embedding`, which the linker owns)."""
    figure = primary_figure(claim.casualties)
    return {
        "id": claim.id, "article_id": claim.article_id, "story_id": story_id,
        "idx": claim.index, "text": claim.text, "stance": claim.stance,
        "stance_score": claim.stance_score, "speaker": claim.speaker,
        "speaker_org": claim.speaker_org, "speaker_actor": claim.speaker_actor,
        "verb": claim.verb, "content": claim.content, "accused": claim.accused,
        "accused_actor": claim.accused_actor,
        "casualties": json.dumps([asdict(c) for c in claim.casualties], ensure_ascii=False),
        "casualties_min": figure.min if figure else None,
        "casualties_max": figure.max if figure else None,
        "casualties_qualifier": figure.qualifier if figure else None,
        "places": json.dumps(list(claim.places), ensure_ascii=False), "date": claim.date,
        "flags": json.dumps(list(claim.flags)), "published": iso(claim.published),
        "source": claim.source, "url": claim.url, "created_at": iso(now),
    }


def primary_figure(figures: Sequence[Casualties]) -> Casualties | None:
    """The figure that stands for the claim: the first deaths figure, else the first."""
    return next((f for f in figures if f.outcome == "killed"), figures[0] if figures else None)


def claims_for_article(db: Any, article_id: str) -> list[Claim]:
    """The stored claims of one article, in sentence order."""
    rows = db["claims"].rows_where("article_id = ?", [article_id], order_by="idx")
    return [claim_from_row(row) for row in rows]


def claim_from_row(row: dict[str, Any]) -> Claim:
    """A Claim from a `claims` row (a dict, as sqlite-utils returns them)."""
    return Claim(
        id=row["id"], article_id=row["article_id"], index=row["idx"] or 0,
        text=row["text"] or "", stance=row["stance"] or "other",
        stance_score=float(row["stance_score"] or 0.0), speaker=row["speaker"] or "",
        speaker_org=row["speaker_org"] or "", speaker_actor=row["speaker_actor"] or "",
        verb=row["verb"] or "", content=row["content"] or "", accused=row["accused"] or "",
        accused_actor=row["accused_actor"] or "",
        casualties=tuple(Casualties(**c) for c in _json_list(row.get("casualties"))),
        places=tuple(_json_list(row.get("places"))), date=row["date"] or "",
        flags=tuple(_json_list(row.get("flags"))), published=_parse_time(row.get("published")),
        source=row["source"] or "", url=row["url"] or "",
    )


def _json_list(value: str | None) -> list[Any]:
    if not value:
        return []
    loaded = json.loads(value)
    return loaded if isinstance(loaded, list) else []


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
