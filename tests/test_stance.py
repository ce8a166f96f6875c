"""Stance of sentences: the wiring with a tiny encoder double, the real model, and the
claims evaluation (`monitor.nlp.eval_claims`) with a stance double."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from monitor.nlp.claims import ClaimExtractor
from monitor.nlp.eval_claims import main, seed_eval, shared_dir, stance_eval
from monitor.nlp.eval_claims import scores as label_scores
from monitor.nlp.evaluate import format_report, run_eval, score_stance
from monitor.nlp.heads import Head, Layer
from monitor.nlp.stance import StanceClassifier, load_stance_classifier
from monitor.records import STANCES


class CueEncoder:
    """One feature per cue word: 'accused', 'denied', 'admitted'."""

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        cues = ("accused", "denied", "admitted")
        return np.array([[t.count(c) for c in cues] for t in texts], dtype=np.float32)


def cue_head() -> Head:
    weight = np.hstack([np.eye(3, dtype=np.float32) * 5, np.zeros((3, 1), dtype=np.float32)])
    return Head(STANCES, (Layer(weight, np.array([0, 0, 0, 1], dtype=np.float32)),))


def test_predict_returns_label_and_scores_per_sentence() -> None:
    stance = StanceClassifier(CueEncoder(), cue_head())
    got = stance.predict(["They accused the army.", "The army denied it.", "Rain."])
    assert [label for label, _ in got] == ["allegation", "denial", "other"]
    for label, scores in got:
        assert set(scores) == set(STANCES)
        assert scores[label] == max(scores.values())
    assert stance.predict([]) == []


def test_head_must_cover_the_four_stances() -> None:
    with pytest.raises(ValueError, match="stance head"):
        StanceClassifier(CueEncoder(), Head(("a", "b", "c", "d"), cue_head().layers))


def test_stance_section_and_report() -> None:
    section = score_stance(["denial", "allegation"], ["denial", "other"])
    metrics = section.metrics[0]
    assert metrics.score("denial").f1 == 1.0 and metrics.score("allegation").recall == 0.0
    report = format_report([section])
    assert "denial" in report and "macro-F1" in report


def test_unknown_eval_section_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown eval sections"):
        run_eval(["nonsense"])


@pytest.fixture(scope="module")
def stance() -> StanceClassifier:
    return load_stance_classifier()


@pytest.mark.model
def test_spokesman_rejecting_report_is_a_denial(stance: StanceClassifier) -> None:
    sentence = ("Igor Konashenkov, a spokesman for the Russian Defence Ministry, said the report "
                "contained fake information")
    label, scores = stance.predict([sentence])[0]
    assert label == "denial", scores


@pytest.mark.model
def test_rights_group_report_is_an_allegation(stance: StanceClassifier) -> None:
    sentence = ("Amnesty International said Russian air strikes on residential areas of Aleppo "
                "killed dozens of civilians and may amount to war crimes.")
    label, scores = stance.predict([sentence])[0]
    assert label == "allegation", scores


# -- the claims evaluation (monitor.nlp.eval_claims) ------------------------------------------
class FixedStance:
    """A stance double: "denial" for sentences with "rejected", else "allegation"."""

    def predict(self, sentences: Sequence[str]) -> list[tuple[str, dict[str, float]]]:
        out = []
        for s in sentences:
            label = "denial" if "rejected" in s else "allegation"
            out.append((label, {x: (0.7 if x == label else 0.1) for x in STANCES}))
        return out


@pytest.fixture(scope="module")
def extractor() -> ClaimExtractor:
    from monitor.nlp.claims import load_spacy

    return ClaimExtractor(load_spacy(), FixedStance())


def stance_file(tmp_path: Path) -> Path:
    rows = [
        {"text": "The army rejected the report as propaganda.", "stance": "denial",
         "speaker": "The army", "flag": ""},
        {"text": "Witnesses said soldiers shot two farmers near the well.",
         "stance": "allegation", "speaker": "Witnesses", "flag": ""},
        {"text": "The ministry declined to comment on the footage.", "stance": "other",
         "speaker": "The ministry", "flag": "deflection"},
        {"text": "The rebels admitted that their men had burned the clinic.",
         "stance": "admission", "speaker": "The rebels", "flag": ""},
    ]
    path = tmp_path / "stance.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_scores_leave_absent_labels_out_of_the_macro_average() -> None:
    macro, classes = label_scores(["denial", "other"], ["denial", "other"], STANCES)
    assert macro == 1.0 and [c.support for c in classes] == [0, 1, 0, 1]
    macro, _ = label_scores(["denial", "other"], ["denial", "allegation"], STANCES)
    assert macro == pytest.approx((1.0 + 0.0 + 0.0) / 3)


def test_stance_eval_reports_labels_flags_speakers_and_ablation(
        extractor: ClaimExtractor, tmp_path: Path) -> None:
    result = stance_eval(stance_file(tmp_path), extractor)
    assert result.n == 4 and result.speaker_total == 4
    assert result.speaker_found == 4, "every gold speaker is found"
    by_label = {c.label: c for c in result.classes}
    assert by_label["denial"].support == 1 and by_label["denial"].f1 == 1.0
    assert {c.label: c.f1 for c in result.flags}["deflection"] == 1.0
    names = [name for name, _, _ in result.ablation]
    assert names == ["classifier, every sentence", "classifier alone", "rules alone",
                     "combined"]
    classifier_alone = dict((n, m) for n, m, _ in result.ablation)["classifier, every sentence"]
    assert classifier_alone < result.macro_f1 == 1.0, "the rules add what the double lacks"
    text = result.format()
    for part in ("macro-F1", "gold", "deflection", "speaker found: 4/4", "rules alone"):
        assert part in text


def test_seed_eval_is_none_without_the_shared_folder(
        extractor: ClaimExtractor, tmp_path: Path) -> None:
    assert seed_eval(tmp_path, extractor) is None


def test_the_command_prints_every_section(extractor: ClaimExtractor, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--path", str(stance_file(tmp_path)), "--shared", str(tmp_path),
                 "--stories", "30"], extractor) == 0
    out = capsys.readouterr().out
    assert "Stance, stance.jsonl (4 sentences)" in out and "ablation" in out
    assert "Seed: no seed file" in out and "Throughput:" in out


@pytest.mark.model
def test_seed_story_against_the_readme_table() -> None:
    shared = shared_dir()
    if not (shared / "seed").is_dir():
        pytest.skip("no ../shared/seed here")
    result = seed_eval(shared)
    assert result is not None and not result.missing
    got = {start: predicted for start, _, predicted in result.rows}
    assert got["Russia’s Defense Ministry is dismissing"] == "denial"
    assert got["Igor Konashenkov"] == "denial"
    assert got["Each such vehicle is a tactical unit"] == "denial"
    assert got["A spokesman for Russian President"] == "other"
    assert result.correct >= 14 and result.details_ok >= len(result.details) - 2
    assert "Seed (17 sentences)" in result.format()
