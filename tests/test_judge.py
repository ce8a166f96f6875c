"""The answer judge in the Detector (veto and rescue, with a scoring double), the pairs it is
trained on, and the shipped weights."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from monitor.detect.detector import Detector
from monitor.detect.judge import LABELS, AnswerJudge, Thresholds, load_judge
from monitor.nlp.train_answers import build, timeline_pairs
from monitor.records import Claim
from monitor.store import Store
from tests.detect_helpers import WordEncoder, claim
from tests.test_denials import AMNESTY, _feed, _story


class Fixed:
    """Scores every (earlier, new) report pair `p`, or what `by_new` says for the new report
    (`_feed` titles each article with its id), and records what it was asked."""

    labels = LABELS

    def __init__(self, p: float, by_new: dict[str, float] | None = None) -> None:
        self.p = p
        self.by_new = by_new or {}
        self.asked: list[tuple[str, str]] = []

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> Any:
        self.asked += list(pairs)
        ps = [self.by_new.get(new, self.p) for _, new in pairs]
        return np.array([[p, 1 - p] for p in ps], dtype=np.float32)


def _detector(p: float | None, by_new: dict[str, float] | None = None) -> Detector:
    if p is None:
        return Detector(WordEncoder(), pairs=None)
    judge = AnswerJudge(Fixed(p, by_new), Thresholds(veto=0.05, rescue=0.9))
    return Detector(WordEncoder(), pairs=None, judge=judge)  # type: ignore[arg-type]


WITNESS = claim("c1", "a1", "allegation", "Witnesses said soldiers shot eleven villagers.",
                speaker="witnesses", accused="soldiers")
# the rules cannot tell whose spokesman this is: no actor, no accused, nobody named
SPOKESMAN = claim("d1", "a2", "denial", "No civilian was killed, the spokesman said.",
                  speaker="the spokesman", hours=2)


# the rules' strong evidence: the accused party itself
RUSSIA = claim("d1", "a3", "denial", "Russia's Defence Ministry dismissed the report.",
               speaker="Igor Konashenkov", speaker_actor="Russia", hours=2)
# the rules' weaker evidence: a state's army answering a charge against "soldiers"
ARMY = claim("d1", "a2", "denial", "The army denied shooting any villager.", speaker="the army",
             speaker_actor="Chad (government)", hours=2)


def test_a_weak_rule_denial_the_judge_finds_very_unlikely_is_dropped(store: Store) -> None:
    _story(store)
    _feed(store, _detector(None), [WITNESS])
    [alert] = _feed(store, _detector(None), [ARMY])  # the rules alone: a generic match
    assert alert.extra["match"] == pytest.approx(0.75)

    _story(store, "s2")
    _feed(store, _detector(0.01), [replace_ids(WITNESS, "2")], "s2")
    assert _feed(store, _detector(0.01), [replace_ids(ARMY, "2")], "s2") == []


def test_the_accused_itself_denying_is_never_vetoed(store: Store) -> None:
    _story(store)
    _feed(store, _detector(0.001), [AMNESTY])
    [alert] = _feed(store, _detector(0.001), [RUSSIA])
    assert alert.extra["match"] == 1.0 and alert.extra["judge"] == pytest.approx(0.001)


def test_a_re_report_joins_its_thread_whatever_the_judge_says(store: Store) -> None:
    again = claim("d2", "a3", "denial", "The army again denied shooting villagers.",
                  speaker="the army", speaker_actor="Chad (government)", source="Other Wire",
                  hours=5)
    judge = _detector(0.6, {"a3": 0.001})
    _story(store)
    _feed(store, judge, [WITNESS])
    [alert] = _feed(store, judge, [ARMY])
    [rereport] = _feed(store, judge, [again])
    assert rereport.thread_of == alert.id and rereport.extra["judge"] == pytest.approx(0.001)


def test_a_rule_denial_the_judge_does_not_veto_carries_its_score(store: Store) -> None:
    _story(store)
    _feed(store, _detector(0.3), [AMNESTY])
    [alert] = _feed(store, _detector(0.3), [RUSSIA])
    assert alert.answers == ("c1",) and alert.extra["judge"] == pytest.approx(0.3)


def test_a_denial_the_rules_miss_is_raised_when_the_judge_is_sure(store: Store) -> None:
    _story(store)
    _feed(store, _detector(None), [WITNESS])
    assert _feed(store, _detector(None), [SPOKESMAN]) == []  # the rules alone: nothing

    _story(store, "s2")
    judge = _detector(0.95)
    _feed(store, judge, [replace_ids(WITNESS, "2")], "s2")
    [alert] = _feed(store, judge, [replace_ids(SPOKESMAN, "2")], "s2")
    assert alert.kind == "denial" and alert.answers == ("c1-2",) and alert.claim_id == "d1-2"
    assert alert.reason.endswith("(answer judge 0.95)") and alert.score == pytest.approx(0.95)
    assert judge.judge is not None
    # it read the two reports (`_feed` titles each article with its id)
    assert judge.judge.model.asked[-1] == ("a1-2", "a2-2")  # type: ignore[attr-defined]


def test_a_rescued_denial_is_its_reports_surest_denying_sentence(store: Store) -> None:
    sure = claim("d2", "a2", "denial", "The spokesman called the report fabricated.",
                 speaker="the spokesman", score=0.95, hours=2, index=1)
    unsure = claim("d3", "a2", "denial", "He said the inquiry would show the truth.",
                   speaker="the spokesman", score=0.55, hours=2, index=2)
    _story(store)
    _feed(store, _detector(0.95), [WITNESS])
    for order in ([sure, unsure], [unsure, sure]):
        [alert] = _feed(store, _detector(0.95), order)
        assert alert.claim_id == "d2"


def test_the_judge_below_its_rescue_threshold_raises_nothing(store: Store) -> None:
    _story(store)
    _feed(store, _detector(0.85), [WITNESS])
    assert _feed(store, _detector(0.85), [SPOKESMAN]) == []


def test_a_rescued_denial_re_reported_joins_its_thread(store: Store) -> None:
    again = claim("d2", "a3", "denial", "Officials again said no civilian was killed.",
                  speaker="officials", source="Other Wire", hours=5)
    _story(store)
    judge = _detector(0.95)
    _feed(store, judge, [WITNESS])
    [first] = _feed(store, judge, [SPOKESMAN])
    [second] = _feed(store, judge, [again])
    assert first.thread_of is None and second.thread_of == first.id


def test_the_judge_rescues_no_denial_of_the_speakers_own_claim(store: Store) -> None:
    own = claim("c1", "a1", "allegation", "Rebels said the army shelled the market.",
                speaker="rebels", speaker_actor="M23", accused="the army")
    retract = claim("d1", "a2", "denial", "The rebels denied any role in the fighting.",
                    speaker="rebels", speaker_actor="M23", hours=2)
    _story(store)
    _feed(store, _detector(0.99), [own])
    assert _feed(store, _detector(0.99), [retract]) == []


def test_no_judge_rescue_on_a_story_labelled_other(store: Store) -> None:
    _story(store, label="other")
    _feed(store, _detector(0.99), [WITNESS])
    assert _feed(store, _detector(0.99), [SPOKESMAN]) == []


def replace_ids(c: Claim, suffix: str) -> Claim:
    from dataclasses import replace

    return replace(c, id=f"{c.id}-{suffix}", article_id=f"{c.article_id}-{suffix}")


TIMELINE = {
    "timeline": "t1",
    "items": [
        {"id": "t1-01", "title": "Army shelled a village", "text": "Witnesses blamed the army."},
        {"id": "t1-02", "title": "Rebels claim the strike", "text": "Rebels said they hit it."},
        {"id": "t1-03", "title": "Army denies shelling", "text": "The army rejected the report."},
        {"id": "t1-04", "title": "Army again denies", "text": "It called the report false."},
        {"id": "t1-05", "title": "Inquiry opened", "text": "A commission will visit."},
    ],
    "expected_alerts": [{"article_id": "t1-03", "kind": "denial", "answers": ["t1-01"]}],
}


def test_training_pairs_label_the_denial_and_leave_its_re_report_out() -> None:
    pairs = {(p.claim[:20], p.statement[:20]): (p.label, hard)
             for p, hard in timeline_pairs(TIMELINE)}
    assert pairs[("Army shelled a villa", "Army denies shelling")] == ("answers", True)
    assert pairs[("Rebels claim the str", "Army denies shelling")] == ("other", True)
    assert pairs[("Army shelled a villa", "Inquiry opened. A co")] == ("other", False)
    assert not any(s.startswith("Army again") for _, s in pairs)  # unlabelled re-report
    assert len(pairs) == 1 + 2 + 4  # 02, 03 and 05 against every earlier report


def test_building_keeps_every_answer_and_hard_pair() -> None:
    kept = build([TIMELINE], easy_share=0.0)
    assert {p.label for p in kept} == {"answers", "other"}
    assert all("denies" in p.statement for p in kept)


def test_the_shipped_judge_ranks_answers_first_on_a_split_it_never_read() -> None:
    """Every report pair of 16 timelines of blind24 (written after the judge was trained):
    the reports that answer an earlier one rank above the others."""
    from monitor.nlp.train_answers import EVALUATION, load_rows, pair_figures

    judge = load_judge()
    assert judge is not None, "monitor/nlp/weights/answers/ is part of the package"
    assert "blind24" in EVALUATION
    rows = [r for r in load_rows() if r.get("split") == "blind24"][:16]
    pairs = [p for r in rows for p, _ in timeline_pairs(r)]
    figures = pair_figures(judge.scores([(p.claim, p.statement) for p in pairs]),
                           [p.label for p in pairs])
    assert figures["positives"] >= 10 and figures["roc_auc"] >= 0.95
