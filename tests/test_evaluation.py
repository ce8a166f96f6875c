"""`monitor eval`: section selection and the layout of the timeline table."""

from __future__ import annotations

import pytest

from monitor import config as config_mod
from monitor.errors import ConfigError
from monitor.evaluation import SECTIONS, format_timelines, run


def test_unknown_section_is_a_config_error_naming_the_choices() -> None:
    with pytest.raises(ConfigError, match="unknown section.*nonsense.*choose from topic"):
        run(["nonsense"], config_mod.from_dict({}, env={}))


def test_every_section_has_a_runner() -> None:
    from monitor.evaluation import _RUNNERS

    assert set(_RUNNERS) == set(SECTIONS)


def test_timeline_table_reports_f1_linking_and_non_conflict_alerts() -> None:
    report = {
        "split": "heldout", "timelines": 3, "threaded": 2, "non_conflict_timelines": 1,
        "non_conflict_alerts": 0,
        "kinds": {
            "denial": {"expected": 4, "alerts": 5, "matched": 4, "precision": 0.8, "recall": 1.0,
                       "linked_right": 3, "linked_right_rate": 0.75},
            "contradiction": {"expected": 2, "alerts": 0, "matched": 0, "precision": 0.0,
                              "recall": 0.0, "linked_right": 0, "linked_right_rate": 0.0},
        },
        "misses": ["t2: contradiction of item 3"], "false_alarms": [],
    }
    text = format_timelines(report)
    denial = next(line for line in text.splitlines() if line.startswith("denial"))
    assert denial.split()[:6] == ["denial", "0.800", "1.000", "0.889", "4", "5"]
    assert "3/4" in denial
    assert "re-reports threaded: 2; alerts on non-conflict stories: 0" in text
    assert "missed: t2: contradiction of item 3" in text


@pytest.mark.model
def test_topic_section_scores_the_held_out_stories() -> None:
    text = run(["topic"], config_mod.from_dict({}, env={}))
    assert "corpus/stories/heldout.jsonl" in text and "relevant vs other" in text
    assert "macro-F1" in text
