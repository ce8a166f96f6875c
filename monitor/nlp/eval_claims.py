"""Held-out figures for claim extraction: stance per sentence, speakers, and the seed story.

    from monitor.nlp.eval_claims import stance_eval, seed_eval
    print(stance_eval().format())          # corpus/stance/heldout.jsonl, full extractor
    result = seed_eval()                   # None when ../shared/seed is absent
    print(result.format() if result else "no seed")

`stance_eval` reads each held-out sentence alone (no article context), runs the extractor's
per-sentence logic, and scores the stance (P/R/F1 per label, macro-F1), the special flags, and
"speaker found": among sentences with a gold speaker, the share whose predicted speaker matches
(case-insensitive, containment either way; a gold "He"/"She" matches any prediction). The
ablation scores the same sentences with the classifier alone (every sentence, and inside the
extractor), the cue rules alone, and both combined. `seed_eval` runs the extractor over the
seed file (one article per line, as the pipeline sees it) against `SEED_EXPECTED`, written from
the seed README's table. `throughput` times `extract` on title + summary of 1,000 stories.

    python -m monitor.nlp.eval_claims            # all of it: held-out, seed, throughput
    python -m monitor.nlp.eval_claims --path corpus/stance/train.jsonl --no-throughput

The cue rules and thresholds are developed on corpus/stance/train.jsonl only; the held-out
file is for measuring, never for fitting.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from monitor.nlp.claims import ClaimExtractor, decide
from monitor.nlp.eval_pairs import ClassScore, class_scores
from monitor.records import STANCES, TOPIC_LABELS, Article, Claim

__all__ = ["ClassScore", "StanceResult", "SeedResult", "stance_eval", "seed_eval",
           "throughput", "SEED_EXPECTED", "SEED_DETAILS", "scores", "main"]

REPO = Path(__file__).resolve().parents[2]
HELDOUT = REPO / "corpus" / "stance" / "heldout.jsonl"
STORIES = REPO / "corpus" / "stories"
FLAGS = ("deflection", "justification", "counter_accusation")

# The seed README's reading of each sentence, keyed by the sentence's first words; a tuple
# lists the stances that count as right (the first is the one scored as gold otherwise).
SEED_EXPECTED: dict[str, tuple[str, ...]] = {
    "Amnesty: Russian bombing": ("allegation",),
    "Amnesty International released a report": ("allegation",),
    "Amnesty’s 28-page report": ("other",),
    "“In others, they seem": ("allegation",),
    "Russia’s Defense Ministry is dismissing": ("denial",),
    "Each cluster bomb scatters": ("other",),
    "The think tank found": ("allegation",),
    "Amnesty said that Russian bombers": ("allegation",),
    "Each such vehicle is a tactical unit": ("denial",),
    "Some of the attacks": ("allegation",),
    "“They must halt all use": ("allegation", "other"),
    "Fixed-wing military aircraft": ("other",),
    "A spokesman for Russian President": ("other",),
    "Kristyan Benedict": ("allegation",),
    "Igor Konashenkov": ("denial",),
    "In one attack on October 15": ("allegation",),
    "The Kremlin doesn’t have information": ("other", "denial"),
}

# The rest of the README's reading, checked on the claim of each sentence: who speaks for
# whom, whom it accuses, the first figure (min, qualifier), places and date, a flag.
SEED_DETAILS: dict[str, dict[str, str]] = {
    "Amnesty: Russian bombing": {"speaker_actor": "Amnesty International",
                                 "accused_actor": "Russia", "flag": "war_crime"},
    "Amnesty International released a report": {
        "speaker_actor": "Amnesty International", "accused_actor": "Russia",
        "figure": "200 at_least", "places": "Homs, Idlib, Aleppo"},
    "Amnesty said that Russian bombers": {"speaker_actor": "Amnesty International",
                                          "accused_actor": "Russia", "figure": "119 exact"},
    "In one attack on October 15": {"speaker_actor": "Amnesty International",
                                    "figure": "46 at_least", "places": "Homs",
                                    "date": "2015-10-15"},
    "Some of the attacks": {"speaker_actor": "Amnesty International", "flag": "war_crime"},
    "Russia’s Defense Ministry is dismissing": {"speaker_actor": "Russia"},
    "Igor Konashenkov": {"speaker": "Igor Konashenkov", "speaker_actor": "Russia"},
    "Each such vehicle is a tactical unit": {"speaker_actor": "Russia",
                                             "flag": "justification"},
    "A spokesman for Russian President": {"speaker_actor": "Russia", "flag": "deflection"},
    "The Kremlin doesn’t have information": {"speaker_actor": "Russia"},
    "The think tank found": {"accused_actor": "Russia"},
    "Kristyan Benedict": {"speaker_actor": "Amnesty International", "accused_actor": "Russia"},
}


@dataclass(frozen=True)
class StanceResult:
    name: str  # the file scored
    n: int
    macro_f1: float
    classes: tuple[ClassScore, ...]
    flags: tuple[ClassScore, ...]
    speaker_found: int
    speaker_total: int
    ablation: tuple[tuple[str, float, tuple[ClassScore, ...]], ...]
    seconds: float

    @property
    def speaker_rate(self) -> float:
        return self.speaker_found / self.speaker_total if self.speaker_total else 0.0

    def format(self) -> str:
        lines = [f"Stance, {self.name} ({self.n} sentences): macro-F1 {self.macro_f1:.3f} "
                 f"[{self.seconds:.1f}s]", _table(self.classes), "flags:", _table(self.flags),
                 f"speaker found: {self.speaker_found}/{self.speaker_total} "
                 f"= {self.speaker_rate:.3f}", "ablation (F1 per stance, macro):"]
        head = "  " + f"{'':<24}" + "".join(f"{s:>12}" for s in STANCES) + f"{'macro':>8}"
        lines.append(head)
        for name, macro, classes in self.ablation:
            cells = "".join(f"{c.f1:>12.3f}" for c in classes)
            lines.append(f"  {name:<24}{cells}{macro:>8.3f}")
        return "\n".join(lines)


@dataclass(frozen=True)
class SeedResult:
    n: int
    macro_f1: float
    classes: tuple[ClassScore, ...]
    rows: tuple[tuple[str, str, str], ...]  # (first words, expected, predicted)
    missing: tuple[str, ...]
    details: tuple[tuple[str, str, str, str], ...] = ()  # (first words, field, expected, got)

    @property
    def correct(self) -> int:
        return sum(exp == got for _, exp, got in self.rows)

    @property
    def details_ok(self) -> int:
        return sum(exp == got for _, _, exp, got in self.details)

    def format(self) -> str:
        wrong = [f"  {start!r}: expected {exp}, got {got}" for start, exp, got in self.rows
                 if exp != got]
        off = [f"  {start!r} {name}: expected {exp!r}, got {got!r}"
               for start, name, exp, got in self.details if exp != got]
        head = (f"Seed ({self.n} sentences): stance {self.correct}/{self.n} right, "
                f"macro-F1 {self.macro_f1:.3f}")
        return "\n".join([head, _table(self.classes), *wrong,
                          *(f"  missing: {m!r}" for m in self.missing),
                          f"seed details (speaker, accused, figures, places, date, flag): "
                          f"{self.details_ok}/{len(self.details)} right", *off])


def stance_eval(path: Path = HELDOUT, extractor: ClaimExtractor | None = None) -> StanceResult:
    """Score the full extractor, and its parts, on the held-out stance sentences."""
    started = time.perf_counter()
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    extractor = extractor or _default_extractor()
    readings = extractor.read_sentences([r["text"] for r in rows])
    predictions = extractor.predictions(readings)
    raw = extractor.stance.predict([r["text"] for r in rows]) if extractor.stance else []
    gold = [r["stance"] for r in rows]
    decided = {mode: [decide(rd, p, mode) if rd.candidate else ("other", 0.0, ())
                      for rd, p in zip(readings, predictions, strict=True)]
               for mode in ("classifier", "rules", "combined")}
    combined = decided["combined"]
    ablation = []
    if raw:
        ablation.append(_row("classifier, every sentence", gold, [p[0] for p in raw]))
    for mode, name in (("classifier", "classifier alone"), ("rules", "rules alone"),
                       ("combined", "combined")):
        ablation.append(_row(name, gold, [d[0] for d in decided[mode]]))
    macro, classes = scores(gold, [d[0] for d in combined], STANCES)
    _, flags = scores([r.get("flag") or "-" for r in rows],
                      [next((f for f in d[2] if f in FLAGS), "-") for d in combined], FLAGS)
    said = [(r["speaker"], rd.attribution.speaker) for r, rd in zip(rows, readings, strict=True)
            if r.get("speaker")]
    found = sum(speaker_matches(g, p) for g, p in said)
    return StanceResult(path.name, len(rows), macro, classes, flags, found, len(said),
                        tuple(ablation), time.perf_counter() - started)


def seed_eval(shared: Path | None = None,
              extractor: ClaimExtractor | None = None) -> SeedResult | None:
    """Score the extractor on the seed story; None when the seed file is absent."""
    folder = (shared or shared_dir()) / "seed"
    files = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    if not files:
        return None
    lines = [x.strip() for x in files[0].read_text(encoding="utf-8").splitlines() if x.strip()]
    extractor = extractor or _default_extractor()
    claims = [c for cs in extractor.extract(seed_articles(lines)) for c in cs]
    rows, missing, details = [], [], []
    for start, allowed in SEED_EXPECTED.items():
        if not any(start in line for line in lines):
            missing.append(start)
            continue
        claim = next((c for c in claims if c.text.startswith(start)), None)
        got = claim.stance if claim is not None else "other"
        rows.append((start, got if got in allowed else allowed[0], got))
        details += [(start, name, exp, _field(claim, name))
                    for name, exp in SEED_DETAILS.get(start, {}).items()]
    macro, classes = scores([r[1] for r in rows], [r[2] for r in rows], STANCES)
    return SeedResult(len(rows), macro, classes, tuple(rows), tuple(missing), tuple(details))


def _field(claim: Claim | None, name: str) -> str:
    """One checked field of a seed claim, written as in SEED_DETAILS."""
    if claim is None:
        return "(no claim)"
    if name == "figure":
        first = claim.casualties[0] if claim.casualties else None
        return f"{first.min} {first.qualifier}" if first else ""
    if name == "places":
        return ", ".join(claim.places)
    if name == "flag":
        return claim.flags[0] if claim.flags else ""
    return str(getattr(claim, name))


def throughput(extractor: ClaimExtractor | None = None, n: int = 1000) -> tuple[float, int]:
    """(articles per second, claims) for `extract` over title + summary of `n` stories."""
    extractor = extractor or _default_extractor()
    files = [STORIES / f"{label}.jsonl" for label in TOPIC_LABELS]
    rows = [json.loads(line) for path in files if path.exists()
            for line in path.read_text(encoding="utf-8").splitlines() if line]
    articles = [Article(id=str(i), feed_id="", source="bench", url="", title=r["title"],
                        summary=r.get("summary", ""), published=None)
                for i, r in enumerate(rows[:n])]
    extractor.extract(articles[:20])  # warm-up
    started = time.perf_counter()
    claims = sum(len(c) for c in extractor.extract(articles))
    return len(articles) / (time.perf_counter() - started), claims


def seed_articles(lines: Sequence[str]) -> list[Article]:
    """The seed as a stream: the headline, then one article per later line, two hours apart."""
    t0 = datetime(2015, 12, 23, 6, 0, tzinfo=UTC)
    return [Article(id=f"seed-{n:02d}", feed_id="", source="seed", url=f"https://seed.test/{n}",
                    title=line if n == 0 else "", summary="" if n == 0 else line,
                    published=t0 + timedelta(hours=2 * n)) for n, line in enumerate(lines)]


def shared_dir() -> Path:
    """$MONITOR_SHARED, else the `shared` folder beside the repository."""
    configured = os.environ.get("MONITOR_SHARED")
    return Path(configured) if configured else REPO.parent / "shared"


def speaker_matches(gold: str, predicted: str) -> bool:
    g, p = gold.strip().lower(), predicted.strip().lower()
    if not p:
        return False
    return g in ("he", "she") or g in p or p in g


def scores(gold: Sequence[str], predicted: Sequence[str],
           labels: Sequence[str]) -> tuple[float, tuple[ClassScore, ...]]:
    """(macro-F1, per-label scores) over `labels`; the macro average leaves out a label that
    is neither in the gold nor predicted (the seed story has no admission)."""
    out = class_scores(list(gold), list(predicted), labels)
    present = [c for c in out if c.support or c.predicted]
    return (sum(c.f1 for c in present) / len(present) if present else 0.0), tuple(out)


def _row(name: str, gold: Sequence[str],
         predicted: Sequence[str]) -> tuple[str, float, tuple[ClassScore, ...]]:
    macro, classes = scores(gold, list(predicted), STANCES)
    return name, macro, classes


def _table(classes: Sequence[ClassScore]) -> str:
    lines = [f"  {'label':<20}{'P':>7}{'R':>7}{'F1':>7}{'gold':>7}{'pred':>7}"]
    lines += [f"  {c.label:<20}{c.precision:>7.3f}{c.recall:>7.3f}{c.f1:>7.3f}"
              f"{c.support:>7d}{c.predicted:>7d}" for c in classes]
    return "\n".join(lines)


def _default_extractor() -> Any:
    from monitor.nlp.claims import load_extractor

    return load_extractor()


def main(argv: Sequence[str] | None = None, extractor: ClaimExtractor | None = None) -> int:
    """Print the held-out stance figures, the seed story and the throughput."""
    parser = argparse.ArgumentParser(prog="python -m monitor.nlp.eval_claims",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--path", type=Path, default=HELDOUT, help="stance JSONL to score")
    parser.add_argument("--stories", type=int, default=1000, help="articles for throughput")
    parser.add_argument("--no-throughput", action="store_true", help="skip the timing")
    parser.add_argument("--shared", type=Path, default=None,
                        help="folder holding seed/ (default: $MONITOR_SHARED or ../shared)")
    args = parser.parse_args(argv)
    extractor = extractor or _default_extractor()
    print(stance_eval(args.path, extractor).format())
    seed = seed_eval(args.shared, extractor=extractor)
    print(seed.format() if seed else "Seed: no seed file under ../shared/seed (skipped)")
    if not args.no_throughput:
        rate, claims = throughput(extractor, args.stories)
        print(f"Throughput: {rate:.1f} articles/s (title + summary, {args.stories} stories, "
              f"{claims} claims; spaCy + stance encoder, {os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
