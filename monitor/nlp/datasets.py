"""Reading the labelled corpora for training and evaluation (never used at inference).

Our own sets live in the repo (`corpus/stories/`, `corpus/stance/`); the public sets in the
shared data folder beside the checkout (`../shared/data`, or `$MONITOR_SHARED_DATA`), which
training may read but inference never does. Only train splits of the public sets are used
for training; `feed-items-2023-10` is never read here.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from monitor.records import TOPIC_LABELS

REPO = Path(__file__).resolve().parents[2]
STORIES = REPO / "corpus" / "stories"
STANCE = REPO / "corpus" / "stance"
SPLIT_SEED = "conflict-monitor-2024"
HELDOUT_FRACTION = 0.25


@dataclass(frozen=True)
class Example:
    """One labelled text; `group` keeps items of one story on one side of a split."""

    text: str
    label: str
    group: str


def shared_data() -> Path:
    """`$MONITOR_SHARED_DATA`, else `shared/data` beside the repository."""
    configured = os.environ.get("MONITOR_SHARED_DATA")
    return Path(configured) if configured else REPO.parent / "shared" / "data"


def read_jsonl(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def write_jsonl(path: Path, rows: Iterable[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def story_text(row: dict[str, str]) -> str:
    """Title and summary, joined as `Article.body` joins them."""
    return "\n".join(part for part in (row.get("title", ""), row.get("summary", "")) if part)


def story_examples(rows: Sequence[dict[str, str]]) -> list[Example]:
    return [Example(story_text(r), r["label"], r["group"]) for r in rows]


def stance_examples(rows: Sequence[dict[str, str]]) -> list[Example]:
    return [Example(r["text"], r["stance"], r["group"]) for r in rows]


def is_heldout(group: str, seed: str = SPLIT_SEED, fraction: float = HELDOUT_FRACTION) -> bool:
    """A stable per-group draw: adding groups later never moves an existing one."""
    digest = hashlib.sha256(f"{seed}\x00{group}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < fraction


def split_stories(directory: Path = STORIES) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """All labelled story files, split by group into (train, heldout)."""
    rows = [row for label in TOPIC_LABELS for row in read_jsonl(directory / f"{label}.jsonl")]
    train = [r for r in rows if not is_heldout(r["group"])]
    heldout = [r for r in rows if is_heldout(r["group"])]
    return train, heldout


def write_story_split(directory: Path = STORIES) -> tuple[int, int]:
    """Write train.jsonl and heldout.jsonl beside the label files; return their sizes."""
    train, heldout = split_stories(directory)
    write_jsonl(directory / "train.jsonl", train)
    write_jsonl(directory / "heldout.jsonl", heldout)
    return len(train), len(heldout)


def read_tsv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE) if row]


CAMEO_NAMES = ("neutral", "verbal_cooperation", "material_cooperation",
               "verbal_conflict", "material_conflict")


def cameo(split: str, root: Path | None = None) -> list[tuple[str, str]]:
    """ConfliBERT cameo_class sentences with their penta-class name (see its SOURCE.md)."""
    path = (root or shared_data()) / "conflibert-subsets" / "cameo_class" / f"{split}.tsv"
    return [(row[0], CAMEO_NAMES[int(row[1])]) for row in read_tsv(path)]
