"""int8 ONNX against fp32 torch for the encoder, in one run: speed, agreement, held-out scores.

    python bench/bench_encoder.py [--threads 2] [--out bench/out/encoder.json]

Texts: every story (title + summary) and every stance sentence in corpus/ (over 2,000 real
news sentences). Reports texts/s for each runtime (best of 3 timed passes after a warm-up),
the speed ratio, mean and minimum cosine between the two embeddings of each text, agreement
of topic labels (all stories and the held-out set), and topic macro-F1, relevant-vs-other F1
and stance F1 on the held-out sets under each runtime.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from monitor.nlp import datasets
from monitor.nlp.classify import load_topic_classifier
from monitor.nlp.encoder import Encoder
from monitor.nlp.evaluate import score_stance, score_topic
from monitor.nlp.stance import load_stance_classifier
from monitor.nlp.tuned import TUNED_LAYERS

RUNTIMES = ("torch", "onnx-int8")


def corpus_texts() -> tuple[list[str], list[str]]:
    """(stories as title + summary, stance sentences), all of the corpus."""
    stories = [r for label in ("war_crime_allegation", "armed_conflict", "other")
               for r in datasets.read_jsonl(datasets.STORIES / f"{label}.jsonl")]
    sentences = [r for split in ("train", "heldout")
                 for r in datasets.read_jsonl(datasets.STANCE / f"{split}.jsonl")]
    return [datasets.story_text(r) for r in stories], [r["text"] for r in sentences]


def throughput(encoder: Encoder, texts: list[str], repeats: int = 3) -> float:
    encoder.embed(texts[:64])
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        encoder.embed(texts)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def heldout_scores(encoder: Encoder) -> dict[str, object]:
    stories = datasets.read_jsonl(datasets.STORIES / "heldout.jsonl")
    sentences = datasets.read_jsonl(datasets.STANCE / "heldout.jsonl")
    topics = load_topic_classifier(encoder).classify_texts(
        [datasets.story_text(r) for r in stories])
    stances = load_stance_classifier(encoder).predict([r["text"] for r in sentences])
    topic = score_topic([r["label"] for r in stories], [t.label for t in topics])
    stance = score_stance([r["stance"] for r in sentences], [s for s, _ in stances])
    three, two = topic.metrics
    return {
        "topic_labels": [t.label for t in topics],
        "topic_macro_f1": round(three.macro_f1, 4),
        "relevant_f1": round(two.score("relevant").f1, 4),
        "stance_macro_f1": round(stance.metrics[0].macro_f1, 4),
        "stance_f1": {s.label: round(s.f1, 4) for s in stance.metrics[0].per_label},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("bench/out/encoder.json"))
    args = parser.parse_args()
    stories, sentences = corpus_texts()
    texts = stories + sentences
    encoders = {rt: Encoder(rt, threads=args.threads, layers=TUNED_LAYERS) for rt in RUNTIMES}
    vectors = {rt: e.embed(texts) for rt, e in encoders.items()}
    speed = {rt: round(throughput(e, texts), 1) for rt, e in encoders.items()}
    cosine = (vectors["torch"] * vectors["onnx-int8"]).sum(axis=1)
    scores = {rt: heldout_scores(e) for rt, e in encoders.items()}
    labels = {rt: [t.label for t in load_topic_classifier(e).classify_texts(stories)]
              for rt, e in encoders.items()}
    heldout_labels = {rt: scores[rt].pop("topic_labels") for rt in RUNTIMES}
    result = {
        "texts": len(texts), "threads": args.threads, "texts_per_s": speed,
        "speed_ratio_int8_vs_fp32": round(speed["onnx-int8"] / speed["torch"], 2),
        "cosine_mean": round(float(cosine.mean()), 5), "cosine_min": round(float(cosine.min()), 5),
        "topic_agreement_all_stories": round(_agree(labels["torch"], labels["onnx-int8"]), 4),
        "topic_agreement_heldout": round(_agree(heldout_labels["torch"],
                                                heldout_labels["onnx-int8"]), 4),
        "heldout": scores,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


def _agree(a: object, b: object) -> float:
    pairs = zip(a, b, strict=True)  # type: ignore[call-overload]
    return float(np.mean([x == y for x, y in pairs]))


if __name__ == "__main__":
    main()
