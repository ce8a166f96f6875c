"""The stage runner's scheduling helpers: classification started ahead of time."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from monitor.pipeline import ClassifyAhead
from monitor.records import Article, Topic

T0 = datetime(2024, 5, 1, tzinfo=UTC)


class Counting:
    """Labels by a word in the title; records every batch it was asked to classify."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def classify(self, articles: Sequence[Article]) -> list[Topic]:
        self.batches.append([a.id for a in articles])
        return [Topic("armed_conflict" if "shelling" in a.title else "other",
                      {"armed_conflict": 0.9}) for a in articles]


def article(aid: str, title: str) -> Article:
    return Article(id=aid, feed_id="f", source="s", url="", title=title, summary="",
                   published=T0)


def test_started_batches_are_read_back_and_the_rest_classified_now() -> None:
    inner = Counting()
    a, b, c = article("a", "shelling"), article("b", "football"), article("c", "shelling")
    with ThreadPoolExecutor(1) as pool:
        ahead = ClassifyAhead(inner, pool)
        ahead.start([a, b])
        topics = ahead.classify([b, c, a])
    assert [t.label for t in topics] == ["other", "armed_conflict", "armed_conflict"]
    assert inner.batches == [["a", "b"], ["c"]]  # c was never started: classified on demand
    with ThreadPoolExecutor(1) as pool:
        ahead = ClassifyAhead(inner, pool)
        ahead.start([a])
        edited = article("a", "football")  # same id, new text: not what was started
        assert ahead.classify([edited])[0].label == "other"
