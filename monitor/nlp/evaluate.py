"""Held-out evaluation of the topic and stance classifiers (`monitor eval`).

    sections = run_eval(["topic", "stance", "cameo"])    # None: all of them
    print(format_report(sections))

Sections:
    topic   corpus/stories/heldout.jsonl: 3 labels, plus relevant (either conflict label)
            against other
    stance  corpus/stance/heldout.jsonl, the StanceClassifier alone
    cameo   ConfliBERT cameo_class test split (shared data): each sentence through the topic
            classifier. Gold relevant = material conflict (CAMEO 14-20: protest, force posture,
            coerce, assault, fight, mass violence); gold other = neutral, verbal and material
            cooperation (CAMEO 01-08). Verbal conflict (09-13: disapprove, accuse, reject,
            threaten) is neither: it mixes diplomatic spats with accusations of atrocities, so
            it is left out of the scores and only its predicted-relevant rate is reported.

The public sets are read from `../shared/data` (or `$MONITOR_SHARED_DATA`); a section whose
data is absent comes back with `skipped` set instead of failing. Scoring functions are pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from monitor.nlp import datasets
from monitor.nlp.eval_pairs import ClassScore, class_scores
from monitor.records import STANCES, TOPIC_LABELS

if TYPE_CHECKING:
    from monitor.nlp.classify import TextEncoder, TopicClassifier

SECTIONS = ("topic", "stance", "cameo")
RELEVANT, OTHER = "relevant", "other"
CAMEO_GOLD = {"neutral": OTHER, "verbal_cooperation": OTHER, "material_cooperation": OTHER,
              "material_conflict": RELEVANT}


@dataclass(frozen=True)
class Metrics:
    """Scores of one labelling: per label, macro-F1, accuracy and the confusion matrix."""

    name: str
    labels: tuple[str, ...]
    per_label: tuple[ClassScore, ...]
    macro_f1: float
    accuracy: float
    confusion: tuple[tuple[int, ...], ...]  # rows gold, columns predicted, in `labels` order

    def score(self, label: str) -> ClassScore:
        return next(s for s in self.per_label if s.label == label)


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    metrics: tuple[Metrics, ...] = ()
    notes: tuple[str, ...] = ()
    skipped: str | None = None


def score(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str],
          name: str = "") -> Metrics:
    """Per-label precision/recall/F1 with support, macro-F1, accuracy, confusion."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, predicted, strict=True):
        matrix[index[g]][index[p]] += 1
    per_label = class_scores(list(gold), list(predicted), labels)
    macro = sum(s.f1 for s in per_label) / len(per_label) if per_label else 0.0
    right = sum(matrix[i][i] for i in range(len(labels)))
    return Metrics(name, tuple(labels), per_label, macro, right / max(len(gold), 1),
                   tuple(tuple(row) for row in matrix))


def relevance(label: str) -> str:
    return OTHER if label == "other" else RELEVANT


def score_topic(gold: Sequence[str], predicted: Sequence[str]) -> Section:
    """Topic labels, then the same predictions folded to relevant vs other."""
    three = score(gold, predicted, TOPIC_LABELS, "topic")
    two = score([relevance(g) for g in gold], [relevance(p) for p in predicted],
                (RELEVANT, OTHER), "relevant vs other")
    return Section("topic", f"Topic, corpus/stories/heldout.jsonl (n={len(gold)})", (three, two))


def score_stance(gold: Sequence[str], predicted: Sequence[str]) -> Section:
    metrics = score(gold, predicted, STANCES, "stance")
    title = f"Stance, classifier alone, corpus/stance/heldout.jsonl (n={len(gold)})"
    return Section("stance", title, (metrics,))


def score_cameo(gold: Sequence[str], predicted: Sequence[str]) -> Section:
    """CAMEO penta-class names against predicted topic labels (mapping in the docstring)."""
    kept = [(CAMEO_GOLD[g], relevance(p)) for g, p in zip(gold, predicted, strict=True)
            if g in CAMEO_GOLD]
    metrics = score([g for g, _ in kept], [p for _, p in kept], (RELEVANT, OTHER),
                    "relevant vs other")
    verbal = [relevance(p) for g, p in zip(gold, predicted, strict=True) if g not in CAMEO_GOLD]
    rate = verbal.count(RELEVANT) / len(verbal) if verbal else 0.0
    note = f"verbal conflict (unscored): {verbal.count(RELEVANT)}/{len(verbal)} " \
           f"= {rate:.1%} predicted relevant"
    title = f"ConfliBERT cameo_class test (n={len(gold)}, scored {len(kept)})"
    return Section("cameo", title, (metrics,), (note,))


def format_report(sections: Sequence[Section]) -> str:
    """Plain-text tables, one block per section."""
    return "\n\n".join(_format_section(s) for s in sections) + "\n"


def _format_section(section: Section) -> str:
    lines = [f"== {section.title}"]
    if section.skipped:
        return "\n".join([*lines, f"skipped: {section.skipped}"])
    for metrics in section.metrics:
        lines += _format_metrics(metrics)
    return "\n".join([*lines, *section.notes])


def _format_metrics(m: Metrics) -> list[str]:
    width = max(len(label) for label in m.labels) + 2
    lines = [f"-- {m.name}", f"{'label':<{width}}{'prec':>7}{'recall':>8}{'f1':>7}{'support':>9}"]
    lines += [f"{s.label:<{width}}{s.precision:>7.3f}{s.recall:>8.3f}{s.f1:>7.3f}{s.support:>9}"
              for s in m.per_label]
    lines.append(f"macro-F1 {m.macro_f1:.3f}  accuracy {m.accuracy:.3f}")
    lines.append("confusion (rows gold, columns predicted): " + " ".join(m.labels))
    lines += ["  " + " ".join(f"{n:>5}" for n in row) for row in m.confusion]
    return lines


def run_eval(sections: Sequence[str] | None = None,
             encoder: TextEncoder | None = None) -> list[Section]:
    """Load the classifiers once and evaluate the named sections (None: all), in order."""
    wanted = list(sections or SECTIONS)
    unknown = [s for s in wanted if s not in SECTIONS]
    if unknown:
        raise ValueError(f"unknown eval sections {unknown}; choose from {SECTIONS}")
    return [_RUNNERS[name](encoder) for name in wanted]


def _run_topic(encoder: TextEncoder | None) -> Section:
    path = datasets.STORIES / "heldout.jsonl"
    if not path.exists():
        return Section("topic", "Topic", skipped=f"{path} not found")
    rows = datasets.read_jsonl(path)
    topics = _topic_classifier(encoder).classify_texts([datasets.story_text(r) for r in rows])
    return score_topic([r["label"] for r in rows], [t.label for t in topics])


def _run_stance(encoder: TextEncoder | None) -> Section:
    from monitor.nlp.stance import load_stance_classifier

    path = datasets.STANCE / "heldout.jsonl"
    if not path.exists():
        return Section("stance", "Stance", skipped=f"{path} not found")
    rows = datasets.read_jsonl(path)
    predicted = load_stance_classifier(_encoder(encoder)).predict([r["text"] for r in rows])
    return score_stance([r["stance"] for r in rows], [label for label, _ in predicted])


def _run_cameo(encoder: TextEncoder | None) -> Section:
    root = datasets.shared_data()
    if not (root / "conflibert-subsets" / "cameo_class" / "test.tsv").exists():
        return Section("cameo", "ConfliBERT cameo_class", skipped=f"no shared data at {root}")
    rows = datasets.cameo("test", root)
    topics = _topic_classifier(encoder).classify_texts([text for text, _ in rows])
    return score_cameo([name for _, name in rows], [t.label for t in topics])


def _topic_classifier(encoder: TextEncoder | None) -> TopicClassifier:
    from monitor.nlp.classify import load_topic_classifier

    return load_topic_classifier(_encoder(encoder))


def _encoder(encoder: TextEncoder | None) -> TextEncoder:
    from monitor.nlp.encoder import load_encoder

    return encoder if encoder is not None else load_encoder()


_RUNNERS = {"topic": _run_topic, "stance": _run_stance, "cameo": _run_cameo}
