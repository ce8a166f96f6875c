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
        self.batches: list[list[str]] = []  # appended from two threads: compare sorted

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
    assert sorted(inner.batches) == [["a", "b"], ["c"]]  # c never started: classified now
    with ThreadPoolExecutor(1) as pool:
        ahead = ClassifyAhead(inner, pool)
        ahead.start([a])
        edited = article("a", "football")  # same id, new text: not what was started
        assert ahead.classify([edited])[0].label == "other"


def test_what_an_older_batch_started_but_never_asked_for_is_dropped() -> None:
    inner = Counting()
    first, second, third = (article(x, "shelling") for x in "xyz")
    with ThreadPoolExecutor(1) as pool:
        ahead = ClassifyAhead(inner, pool)
        ahead.start([first])      # batch 1 (its article turns out a duplicate: never asked)
        ahead.start([second])     # batch 2, while batch 1 runs
        ahead.classify([second])
        ahead.start([third])      # batch 3, while batch 2 runs: batch 1's entry goes
        assert ahead.classify([first])[0].label == "armed_conflict"
    assert sorted(inner.batches) == [["x"], ["x"], ["y"], ["z"]]  # x again, on demand
