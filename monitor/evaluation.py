"""`monitor eval`: every held-out and public evaluation in one report.

    monitor eval                      # all sections, in the order of SECTIONS
    monitor eval topic stance seed    # just these

Sections (each one reads only data that no training or tuning step read):

    topic      corpus/stories/heldout.jsonl: topic per story, and relevant against other
    stance     corpus/stance/heldout.jsonl: the claim extractor (spaCy attribution, cue rules
               and the stance head) per sentence, with the ablation of its parts, speakers found
    seed       the seed story (../shared/seed) against the table in its README
    emergent   Emergent, the authors' test split: the pair-stance cross-encoder, 3 classes
    fnc        FNC-1 competition test: disagree F1 and the official FNC score
    cameo      ConfliBERT cameo_class test through the topic classifier
    timelines  corpus/timelines/timelines.jsonl: alerts through the real pipeline, on the
               reported blind split in full and on every earlier split in brief
    runtime    the int8 encoder against fp32 on the held-out sets (agreement and scores)

Sections that need `../shared/data` say "skipped" when it is absent. The modules that compute
each figure are the source of truth; this one loads the models once and lays the text out.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from monitor.config import Config
from monitor.errors import ConfigError

SECTIONS = ("topic", "stance", "seed", "emergent", "fnc", "cameo", "timelines", "runtime")


class _Models:
    """The models, loaded on first use and shared by the sections of one run."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._cache: dict[str, Any] = {}

    def get(self, name: str, build: Callable[[], Any]) -> Any:
        if name not in self._cache:
            self._cache[name] = build()
        return self._cache[name]

    @property
    def encoder(self) -> Any:
        from monitor.nlp.encoder import load_encoder

        settings = self.config["classification"]
        return self.get("encoder", lambda: load_encoder(
            runtime=settings["runtime"], threads=settings["threads"],
            batch_size=settings["batch_size"]))

    @property
    def extractor(self) -> Any:
        from monitor.nlp.claims import load_extractor

        return self.get("extractor", lambda: load_extractor(self.encoder))


def run(sections: Sequence[str] | None, config: Config) -> str:
    """The report of the named sections (None: all of them) as plain text."""
    wanted = list(sections or SECTIONS)
    unknown = [s for s in wanted if s not in SECTIONS]
    if unknown:
        raise ConfigError(f"eval: unknown section(s) {', '.join(unknown)}; "
                          f"choose from {', '.join(SECTIONS)}")
    models = _Models(config)
    blocks = []
    for name in wanted:
        started = time.perf_counter()
        body = _RUNNERS[name](models)
        blocks.append(f"{body.rstrip()}\n[{name}: {time.perf_counter() - started:.0f}s]")
    return "\n\n".join(blocks)


def _topic(models: _Models) -> str:
    from monitor.nlp import evaluate

    section = evaluate.run_eval(["topic"], models.encoder)[0]
    return evaluate.format_report([section])


def _stance(models: _Models) -> str:
    from monitor.nlp import evaluate
    from monitor.nlp.eval_claims import stance_eval

    result = stance_eval(extractor=models.extractor)
    head = evaluate.run_eval(["stance"], models.encoder)[0]
    return ("== Stance of held-out sentences: the claim extractor\n" + result.format()
            + "\n\n" + evaluate.format_report([head]))


def _seed(models: _Models) -> str:
    from monitor.nlp.eval_claims import seed_eval

    result = seed_eval(extractor=models.extractor)
    return "== Seed story\n" + (result.format() if result else "skipped: ../shared/seed absent")


def _emergent(_models: _Models) -> str:
    from monitor.nlp.eval_pairs import emergent_eval

    result = emergent_eval()
    return "== Emergent\n" + (result.format() if result else "skipped: no shared data")


def _fnc(_models: _Models) -> str:
    from monitor.nlp.eval_pairs import fnc_eval

    result = fnc_eval()
    return "== FNC-1\n" + (result.format() if result else "skipped: no shared data")


def _cameo(models: _Models) -> str:
    from monitor.nlp import evaluate

    return evaluate.format_report(evaluate.run_eval(["cameo"], models.encoder))


def _timelines(_models: _Models) -> str:
    """The reported split in full (written last, by people who never saw the detection code),
    then one line per kind for every earlier split. Each earlier split was blind when first
    measured and then informed general fixes, so its figure today is optimistic; the first
    figures are in docs/evaluation.md."""
    from monitor.detect.eval_timelines import REPORTED, SPLITS, build_parts, timeline_eval

    parts = build_parts()
    text = [format_timelines(timeline_eval(REPORTED, parts=parts))]
    text.append("\n== Timelines, earlier splits (each informed fixes after its blind run)")
    text.append(f"{'split':<9}{'kind':<15}{'prec':>7}{'recall':>8}{'expected':>10}"
                f"{'non-conflict alerts':>21}")
    for split in (s for s in SPLITS if s != REPORTED):
        report = timeline_eval(split, parts=parts)
        for kind, k in report["kinds"].items():
            text.append(f"{split:<9}{kind:<15}{k['precision']:>7.3f}{k['recall']:>8.3f}"
                        f"{k['expected']:>10}{report['non_conflict_alerts']:>21}")
    return "\n".join(text)


def format_timelines(report: dict[str, Any]) -> str:
    """The timeline report as a table: per alert kind, precision, recall and linking."""
    lines = [f"== Timelines, {report['split']} split ({report['timelines']} timelines)",
             f"{'kind':<15}{'prec':>7}{'recall':>8}{'f1':>7}{'expected':>10}{'alerts':>8}"
             f"{'linked right':>14}"]
    for kind, k in report["kinds"].items():
        p, r = k["precision"], k["recall"]
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        lines.append(f"{kind:<15}{p:>7.3f}{r:>8.3f}{f1:>7.3f}{k['expected']:>10}{k['alerts']:>8}"
                     f"{k['linked_right']:>7}/{k['matched']:<6}")
    lines.append(f"re-reports threaded: {report['threaded']}; alerts on non-conflict stories: "
                 f"{report['non_conflict_alerts']} (of {report['non_conflict_timelines']} "
                 "non-conflict timelines)")
    lines += [f"  missed: {m}" for m in report.get("misses", [])]
    lines += [f"  false alarm: {f}" for f in report.get("false_alarms", [])]
    return "\n".join(lines)


def _runtime(models: _Models) -> str:
    """int8 against fp32 on the held-out sets: the evidence for the default runtime."""
    from monitor.nlp import datasets, evaluate
    from monitor.nlp.classify import load_topic_classifier
    from monitor.nlp.encoder import DEFAULT_RUNTIME, Encoder
    from monitor.nlp.stance import load_stance_classifier
    from monitor.nlp.tuned import TUNED_LAYERS

    stories = datasets.read_jsonl(datasets.STORIES / "heldout.jsonl")
    sentences = datasets.read_jsonl(datasets.STANCE / "heldout.jsonl")
    texts = [datasets.story_text(r) for r in stories]
    lines = ["== Encoder runtime: fp32 torch against int8 ONNX on the held-out sets",
             f"{'runtime':<11}{'topic macro-F1':>16}{'relevant F1':>13}{'stance macro-F1':>17}"
             f"{'texts/s':>9}"]
    labels: dict[str, list[str]] = {}
    for runtime in ("torch", "onnx-int8"):
        encoder = Encoder(runtime=runtime, threads=models.config["classification"]["threads"],
                          layers=TUNED_LAYERS)
        started = time.perf_counter()
        topics = load_topic_classifier(encoder).classify_texts(texts)
        stances = load_stance_classifier(encoder).predict([r["text"] for r in sentences])
        rate = (len(texts) + len(sentences)) / (time.perf_counter() - started)
        topic = evaluate.score_topic([r["label"] for r in stories], [t.label for t in topics])
        stance = evaluate.score_stance([r["stance"] for r in sentences], [s for s, _ in stances])
        labels[runtime] = [t.label for t in topics] + [s for s, _ in stances]
        relevant = topic.metrics[1].score("relevant").f1 if len(topic.metrics) > 1 else 0.0
        lines.append(f"{encoder.runtime:<11}{topic.metrics[0].macro_f1:>16.3f}{relevant:>13.3f}"
                     f"{stance.metrics[0].macro_f1:>17.3f}{rate:>9.0f}")
    same = sum(a == b for a, b in zip(labels["torch"], labels["onnx-int8"], strict=True))
    lines.append(f"label agreement: {same}/{len(labels['torch'])}; default runtime: "
                 f"{DEFAULT_RUNTIME}")
    return "\n".join(lines)


_RUNNERS: dict[str, Callable[[_Models], str]] = {
    "topic": _topic, "stance": _stance, "seed": _seed, "emergent": _emergent, "fnc": _fnc,
    "cameo": _cameo, "timelines": _timelines, "runtime": _runtime,
}
