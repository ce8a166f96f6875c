"""The committed pair-stance model (monitor.nlp.pairs) and the evaluation helpers around it."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.nlp.eval_pairs import (
    class_scores,
    emergent_eval,
    fnc_eval,
    fnc_score,
    split_sentences,
)
from monitor.nlp.pairs import LABELS, WEIGHTS_DIR, load_pair_stance

# Emergent's claims are bare propositions, so callers pass the content of a claim, not its
# attribution ("..., Amnesty says" reads as merely reported: `observing`).
CLAIM = "Russian air strikes killed 200 civilians in Syria"


@pytest.mark.model
def test_denial_is_against() -> None:
    model = load_pair_stance(threads=1)
    [(label, scores)] = model.predict(
        [(CLAIM, "Russia's Defence Ministry dismisses the report as fake information")]
    )
    assert label == "against"
    assert set(scores) == set(LABELS)
    assert abs(sum(scores.values()) - 1.0) < 1e-4


@pytest.mark.model
def test_confirmation_is_for() -> None:
    model = load_pair_stance(threads=1)
    [(label, _)] = model.predict(
        [(CLAIM, "Investigators confirm Russian air strikes killed civilians in Syria")]
    )
    assert label == "for"


@pytest.mark.model
def test_predict_keeps_order_and_handles_empty() -> None:
    model = load_pair_stance(threads=1)
    assert model.predict([]) == []
    pairs = [
        (CLAIM, "Russia's Defence Ministry dismisses the report as fake information"),
        (CLAIM, "Investigators confirm Russian air strikes killed civilians in Syria"),
    ] * 3
    labels = [label for label, _ in model.predict(pairs)]
    assert labels == ["against", "for"] * 3


def test_weights_are_compact() -> None:
    size = sum(p.stat().st_size for p in WEIGHTS_DIR.iterdir() if p.is_file())
    assert size <= 50 * 1024 * 1024


def test_evaluations_skip_without_data(tmp_path: Path) -> None:
    assert emergent_eval(data_dir=tmp_path) is None
    assert fnc_eval(data_dir=tmp_path) is None


def test_fnc_score_uses_official_weights() -> None:
    gold = ["agree", "disagree", "unrelated", "discuss", "agree"]
    pred = ["agree", "discuss", "unrelated", "unrelated", "disagree"]
    # 1.0 (right class) + 0.25 (related, wrong class) + 0.25 (unrelated) + 0 + 0.25
    assert fnc_score(gold, pred) == (1.75, 4.25)


def test_class_scores_counts() -> None:
    [agree, disagree] = class_scores(
        ["agree", "agree", "disagree"], ["agree", "disagree", "disagree"], ["agree", "disagree"]
    )
    assert (agree.precision, agree.recall, agree.support, agree.predicted) == (1.0, 0.5, 2, 1)
    assert disagree.f1 == pytest.approx(2 / 3)


def test_split_sentences_drops_fragments() -> None:
    text = 'Officials flatly denied it. "We did not open any dams," he said.\nBy AP'
    assert split_sentences(text) == [
        "Officials flatly denied it.",
        '"We did not open any dams," he said.',
    ]
