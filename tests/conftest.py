"""Shared fixtures: a fresh store per test, a small deterministic classifier for wiring tests,
and the loopback servers (feeds, Slack) from their own modules."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from monitor.records import Article, Topic
from monitor.store import Store, open_store

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MONITOR_SHARED", REPO.parent / "shared"))
SHARED_DATA = Path(os.environ.get("MONITOR_SHARED_DATA", SHARED / "data"))

pytest_plugins = [
    p
    for p in ("tests.feed_fixtures", "tests.slack_fixtures")
    if (REPO / (p.replace(".", "/") + ".py")).exists()
]


def shared_data(*parts: str) -> Path:
    """A path under ../shared/data, or skip the test when it is absent (a user's clone)."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not present")
    return path


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(tmp_path / "monitor.db")
    yield s
    s.close()


class KeywordClassifier:
    """A deterministic stand-in for the encoder, for tests of the wiring only."""

    CRIME = ("war crime", "civilians", "hospital", "denies", "denied", "fake", "atrocit")
    CONFLICT = ("troops", "front", "ceasefire", "shelling", "missile", "army", "offensive")

    def classify(self, articles: Sequence[Article]) -> list[Topic]:
        return [self._one(a.body.lower()) for a in articles]

    def _one(self, text: str) -> Topic:
        if any(k in text for k in self.CRIME):
            return Topic(
                "war_crime_allegation",
                {"war_crime_allegation": 0.9, "armed_conflict": 0.05, "other": 0.05},
            )
        if any(k in text for k in self.CONFLICT):
            return Topic(
                "armed_conflict", {"war_crime_allegation": 0.1, "armed_conflict": 0.8, "other": 0.1}
            )
        return Topic("other", {"war_crime_allegation": 0.05, "armed_conflict": 0.05, "other": 0.9})


@pytest.fixture
def keyword_classifier() -> KeywordClassifier:
    return KeywordClassifier()
