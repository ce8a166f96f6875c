"""Read the October 2023 feed-item archive (../shared/data/feed-items-2023-10) as analyze input.

Evaluation and benchmarks only: nothing here is ever used to train or tune.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ARCHIVE = Path(os.environ.get("MONITOR_SHARED_DATA", REPO.parent / "shared" / "data")) / (
    "feed-items-2023-10"
)


def items(limit: int | None = None) -> Iterator[dict[str, str]]:
    """Archive items as `monitor analyze` input lines, in publication order."""
    rows = []
    for path in sorted(ARCHIVE.glob("2023-10-*/*.json")):
        for raw in json.loads(path.read_text(encoding="utf-8")):
            if raw.get("title"):
                rows.append(raw)
    rows.sort(key=lambda r: r.get("date_published") or "")
    for n, raw in enumerate(rows[:limit] if limit else rows):
        yield {
            "id": f"arch-{n}", "source": raw.get("album") or raw.get("source") or "",
            "url": raw.get("link") or "", "published": raw.get("date_published") or "",
            "title": raw["title"], "text": raw.get("description") or "",
        }
