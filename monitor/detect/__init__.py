"""Linking claims into stories and detecting denials and contradictions.

    linker, detector = load_detection(config["detection"], encoder)

`linker.link(...)` is the pipeline's link stage (`stories.StoryLinker`), `detector.detect(...)`
its detect stage (`detector.Detector`, built on the pure `find_denials` and
`find_contradictions`). The pair-stance model is loaded here, when asked, never at import.

Similarity needs the *plain* sentence encoder. The shared encoder of the classifiers has top
layers tuned on topic and stance, which pull every denial towards every other denial and apart
from the allegations it answers (on the tune timelines, unrelated stories score as close as
two reports of one incident). So when handed the tuned encoder, detection loads the packaged
one beside it (`plain_encoder`) and uses it for stories, re-reports and similar claims.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from monitor.detect.contradictions import find_contradictions
from monitor.detect.denials import find_denials
from monitor.detect.detector import Detector, PairModel
from monitor.detect.judge import AnswerJudge, Thresholds, load_judge
from monitor.detect.stories import StoryLinker

__all__ = ["Detector", "StoryLinker", "find_contradictions", "find_denials", "load_detection",
           "plain_encoder"]

log = logging.getLogger(__name__)


def load_detection(settings: Mapping[str, Any], encoder: Any, pairs: PairModel | None = None,
                   plain: Any = None) -> tuple[StoryLinker, Detector]:
    """The link and detect stages for the `[detection]` settings. `plain` is the encoder
    used for similarity (default: `plain_encoder(encoder)`); `pairs` the pair-stance model
    (default: the packaged one, if present)."""
    similar = plain if plain is not None else plain_encoder(encoder)
    linker = StoryLinker(similar, similarity=settings.get("story_similarity", 0.55),
                         window_hours=settings.get("story_window_hours", 240))
    detector = Detector(similar, pairs if pairs is not None else _pair_model(),
                        denial_threshold=settings.get("denial_threshold", 0.5),
                        contradiction_threshold=settings.get("contradiction_threshold", 0.5),
                        judge=_judge(settings) if settings.get("judge", True) else None)
    return linker, detector


def _judge(settings: Mapping[str, Any]) -> AnswerJudge | None:
    """The packaged answer judge with the `[detection]` thresholds, or None without it."""
    try:
        judge = load_judge()
    except Exception as exc:  # noqa: BLE001 - optional signal: the rules work without it
        log.warning("answer judge unavailable (%s); denials come from the rules alone", exc)
        return None
    if judge is None:
        return None
    limits = Thresholds(veto=settings.get("judge_veto", Thresholds.veto),
                        rescue=settings.get("judge_rescue", Thresholds.rescue))
    return AnswerJudge(judge.model, limits)


def plain_encoder(encoder: Any) -> Any:
    """The packaged encoder (same runtime and batch size) when `encoder` carries tuned
    layers; otherwise `encoder` itself (a test double, or already the plain one)."""
    source = getattr(encoder, "source", None)
    if source is None or getattr(source, "layers", None) is None:
        return encoder
    from monitor.nlp.encoder import load_encoder

    return load_encoder(runtime=encoder.runtime, batch_size=encoder.batch_size, variant="base")


def _pair_model() -> PairModel | None:
    """The packaged pair-stance model, or None (negation contradictions off) without it."""
    try:
        from monitor.nlp.pairs import load_pair_stance

        return load_pair_stance()
    except Exception as exc:  # noqa: BLE001 - optional signal: detection works without it
        log.warning("pair-stance model unavailable (%s); negation contradictions are off", exc)
        return None
