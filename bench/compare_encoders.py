"""Does fine-tuning the encoder's top layers win? The same heads on the frozen and tuned encoder.

    python bench/compare_encoders.py

For each task (topic, stance) a logistic head is trained on corpus/*/train.jsonl embeddings of
the packaged (frozen) encoder, with C chosen by the same grouped cross-validation as
`monitor.nlp.train`, and scored on the held-out file next to the committed head on the tuned
encoder. Held-out data is only scored, never used to choose anything.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from monitor.nlp import datasets, evaluate  # noqa: E402
from monitor.nlp.encoder import Encoder  # noqa: E402
from monitor.nlp.heads import WEIGHTS_DIR, load_head  # noqa: E402
from monitor.nlp.train import _choose_c, _logistic, stance_train, topic_train  # noqa: E402
from monitor.nlp.tuned import TUNED_LAYERS  # noqa: E402


def heldout(task: str) -> tuple[list[str], list[str]]:
    if task == "topic":
        rows = datasets.read_jsonl(datasets.STORIES / "heldout.jsonl")
        return [datasets.story_text(r) for r in rows], [r["label"] for r in rows]
    rows = datasets.read_jsonl(datasets.STANCE / "heldout.jsonl")
    return [r["text"] for r in rows], [r["stance"] for r in rows]


def main() -> None:
    frozen = Encoder(runtime="torch", layers=None)
    tuned = Encoder(runtime="torch", layers=TUNED_LAYERS)
    print(f"{'task':<8}{'encoder':<9}{'macro-F1':>10}{'accuracy':>10}")
    for task, examples in (("topic", topic_train()), ("stance", stance_train())):
        texts, gold = heldout(task)
        x = frozen.embed([e.text for e in examples])
        y = np.array([e.label for e in examples])
        c, _ = _choose_c(x, y, np.array([e.group for e in examples]))
        base_pred = list(_logistic(c).fit(x, y).predict(frozen.embed(texts)))
        head = load_head(WEIGHTS_DIR / f"{task}.npz")
        tuned_pred = [label for label, _ in head.predict(tuned.embed(texts))]
        for name, pred in (("frozen", base_pred), ("tuned", tuned_pred)):
            labels = sorted(set(gold))
            m = evaluate.score(gold, pred, labels, task)
            print(f"{task:<8}{name:<9}{m.macro_f1:>10.3f}{m.accuracy:>10.3f}")


if __name__ == "__main__":
    main()
