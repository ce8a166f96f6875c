"""Regression check: a few `tune` timelines through the real pipeline (timeline_eval).

The full evaluation is `python -m monitor.detect.eval_timelines --split heldout`; this runs
two short tune timelines (a denial answered by a threaded re-report and an inquiry's
contradiction; and a corporate story that must raise nothing) in well under 30 seconds.
"""

from __future__ import annotations

import pytest

from monitor.detect.eval_timelines import DEFAULT_PATH, load_timelines, timeline_eval

pytestmark = pytest.mark.model

TIMELINES = ["tl-sudan-misterei-graves", "tl-corp-velora-emissions"]


@pytest.fixture(scope="module")
def report() -> dict[str, object]:
    if not DEFAULT_PATH.exists():
        pytest.skip(f"{DEFAULT_PATH} is not present")
    return timeline_eval("tune", TIMELINES)


def test_only_tune_timelines_are_loaded_by_name() -> None:
    if not DEFAULT_PATH.exists():
        pytest.skip(f"{DEFAULT_PATH} is not present")
    assert [t["timeline"] for t in load_timelines(split="tune", names=TIMELINES)] == TIMELINES
    assert load_timelines(split="heldout", names=TIMELINES) == []


def test_the_denial_is_found_linked_and_its_re_report_threaded(report: dict) -> None:
    denial = report["kinds"]["denial"]
    assert denial["recall"] == 1.0 and denial["precision"] == 1.0
    assert denial["linked_right_rate"] == 1.0
    assert report["threaded"] >= 1


def test_the_inquiry_contradicts_the_denial(report: dict) -> None:
    contradiction = report["kinds"]["contradiction"]
    assert contradiction["recall"] == 1.0 and contradiction["linked_right_rate"] == 1.0
    assert contradiction["precision"] == 1.0


def test_no_alert_on_a_story_outside_any_conflict(report: dict) -> None:
    assert report["non_conflict_timelines"] == 1
    assert report["non_conflict_alerts"] == 0
