"""Reproduce the committed weights in monitor/nlp/weights/ (needs the `train` extras).

    python -m monitor.nlp.train all       # split, encoder, topic, stance, in that order
    python -m monitor.nlp.train split     # corpus/stories/{train,heldout}.jsonl, by group
    python -m monitor.nlp.train encoder   # fine-tune the top layers on topic + stance train
    python -m monitor.nlp.train topic     # topic head on the tuned encoder
    python -m monitor.nlp.train stance    # stance head on the tuned encoder

Only training splits are read: corpus/stories/train.jsonl and corpus/stance/train.jsonl.
The held-out files are never read here; the head's regularisation is chosen by grouped
cross-validation on train. Seeds are fixed; on CPU with the same thread count the run
repeats exactly.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

import numpy as np

from monitor.nlp import datasets
from monitor.nlp.finetune import Task, TuneSettings, finetune
from monitor.nlp.heads import WEIGHTS_DIR, Head, Layer, save_head
from monitor.nlp.tuned import TUNED_LAYERS, save_layers
from monitor.records import STANCES, TOPIC_LABELS

log = logging.getLogger(__name__)

SETTINGS = TuneSettings()
C_GRID = (0.3, 1.0, 3.0, 10.0, 30.0)
FOLDS = 5
COMMAND = "python -m monitor.nlp.train all"


def topic_train() -> list[datasets.Example]:
    return datasets.story_examples(datasets.read_jsonl(datasets.STORIES / "train.jsonl"))


def stance_train(extra: bool = True) -> list[datasets.Example]:
    """Stance training sentences: train.jsonl, plus train_extra.jsonl (written later, after
    the encoder was tuned) for the head. The encoder step reads train.jsonl alone."""
    rows = datasets.read_jsonl(datasets.STANCE / "train.jsonl")
    if extra and (datasets.STANCE / "train_extra.jsonl").exists():
        rows += datasets.read_jsonl(datasets.STANCE / "train_extra.jsonl")
    return datasets.stance_examples(rows)


def train_split() -> None:
    train, heldout = datasets.write_story_split()
    log.info("stories split by group: %d train, %d held out", train, heldout)


def train_encoder(settings: TuneSettings = SETTINGS) -> None:
    """Fine-tune the top layers on both tasks; store only those layers."""
    tasks = {"topic": _task(topic_train(), TOPIC_LABELS),
             "stance": _task(stance_train(extra=False), STANCES)}
    model, _ = finetune(tasks, settings)
    first = model.config.num_hidden_layers - settings.layers
    meta = {"tasks": {k: len(t.texts) for k, t in tasks.items()}, "settings": vars_of(settings),
            "command": COMMAND}
    save_layers(model, first, TUNED_LAYERS, meta)
    log.info("tuned layers %d.. written to %s", first, TUNED_LAYERS)


def train_head(name: str, examples: Sequence[datasets.Example], labels: tuple[str, ...]) -> Head:
    """Logistic regression on the tuned encoder's embeddings, C by grouped CV on train. The
    embeddings are the ones the product serves: the default runtime (int8), one text at a
    time, so a head learns the very inputs it will read."""
    from monitor.nlp.encoder import DEFAULT_RUNTIME, Encoder

    encoder = Encoder(runtime=DEFAULT_RUNTIME, batch_size=1, layers=TUNED_LAYERS)
    x = encoder.embed([e.text for e in examples])
    y = np.array([e.label for e in examples])
    groups = np.array([e.group for e in examples])
    c, cv_f1 = _choose_c(x, y, groups)
    model = _logistic(c).fit(x, y)
    head = _head_from(model, labels, {"task": name, "C": c, "cv_macro_f1": round(cv_f1, 4),
                                      "examples": _counts(y), "command": COMMAND})
    save_head(head, WEIGHTS_DIR / f"{name}.npz")
    log.info("%s head: C=%s, CV macro-F1 %.3f, %d examples", name, c, cv_f1, len(y))
    return head


def _choose_c(x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> tuple[float, float]:
    from sklearn.metrics import f1_score
    from sklearn.model_selection import GroupKFold

    scores = {}
    for c in C_GRID:
        predicted = np.empty(len(y), dtype=object)
        for train, test in GroupKFold(FOLDS).split(x, y, groups):
            predicted[test] = _logistic(c).fit(x[train], y[train]).predict(x[test])
        scores[c] = float(f1_score(y, predicted, average="macro"))
    best = max(C_GRID, key=lambda c: scores[c])
    return best, scores[best]


def _logistic(c: float):  # type: ignore[no-untyped-def]
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=5000, class_weight="balanced")


def _head_from(model: object, labels: tuple[str, ...], meta: dict[str, object]) -> Head:
    classes = [str(c) for c in model.classes_]  # type: ignore[attr-defined]
    order = [classes.index(label) for label in labels]
    weight = model.coef_[order].T.astype(np.float32)  # type: ignore[attr-defined]
    bias = model.intercept_[order].astype(np.float32)  # type: ignore[attr-defined]
    return Head(labels, (Layer(weight, bias),), meta)


def _task(examples: Sequence[datasets.Example], labels: tuple[str, ...]) -> Task:
    return Task([e.text for e in examples], [e.label for e in examples], labels)


def _counts(y: np.ndarray) -> dict[str, int]:
    values, counts = np.unique(y, return_counts=True)
    return {str(v): int(n) for v, n in zip(values, counts, strict=True)}


def vars_of(settings: TuneSettings) -> dict[str, object]:
    return dict(vars(settings))


STEPS: dict[str, Callable[[], object]] = {
    "split": train_split,
    "encoder": train_encoder,
    "topic": lambda: train_head("topic", topic_train(), TOPIC_LABELS),
    "stance": lambda: train_head("stance", stance_train(), STANCES),
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m monitor.nlp.train", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=[*STEPS, "all"])
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    for step in STEPS if args.step == "all" else [args.step]:
        STEPS[step]()
    return 0


if __name__ == "__main__":
    sys.exit(main())
