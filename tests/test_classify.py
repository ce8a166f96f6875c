"""Topic classification: the wiring with a tiny encoder double, then the real model."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from monitor.nlp.classify import TopicClassifier, load_topic_classifier
from monitor.nlp.evaluate import score, score_cameo, score_topic
from monitor.nlp.heads import Head, Layer
from monitor.records import TOPIC_LABELS, Article


class KeywordEncoder:
    """Two features: mentions of 'crime' and of 'war'; records what it was asked."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.seen.extend(texts)
        return np.array([[t.count("crime"), t.count("war")] for t in texts], dtype=np.float32)


def keyword_head() -> Head:
    # war_crime_allegation <- crime, armed_conflict <- war, other <- bias
    weight = np.array([[4.0, 0.0, 0.0], [0.0, 4.0, 0.0]], dtype=np.float32)
    return Head(TOPIC_LABELS, (Layer(weight, np.array([0.0, 0.0, 1.0], dtype=np.float32)),))


def article(title: str, summary: str = "", text: str | None = None) -> Article:
    return Article(id=title, feed_id="f", source="s", url="u", title=title, summary=summary,
                   published=None, text=text)


def test_classify_reads_title_summary_and_text_and_keeps_order() -> None:
    encoder = KeywordEncoder()
    classifier = TopicClassifier(encoder, keyword_head())
    topics = classifier.classify([article("calm day"), article("war", "a crime", "crime crime")])
    assert [t.label for t in topics] == ["other", "war_crime_allegation"]
    assert encoder.seen[1] == "war\na crime\ncrime crime"
    for topic in topics:
        assert set(topic.scores) == set(TOPIC_LABELS)
        assert abs(sum(topic.scores.values()) - 1.0) < 1e-5
    assert classifier.classify([]) == []


def test_head_with_wrong_labels_is_refused() -> None:
    head = Head(("a", "b", "c"), keyword_head().layers)
    with pytest.raises(ValueError, match="labels"):
        TopicClassifier(KeywordEncoder(), head)


def test_score_counts_precision_recall_and_confusion() -> None:
    m = score(["a", "a", "b", "b"], ["a", "b", "b", "b"], ("a", "b"))
    a, b = m.per_label
    assert (a.precision, a.recall, a.support) == (1.0, 0.5, 2)
    assert (b.precision, b.recall) == (2 / 3, 1.0)
    assert m.confusion == ((1, 1), (0, 2)) and m.accuracy == 0.75
    assert abs(m.macro_f1 - (2 / 3 + 0.8) / 2) < 1e-9


def test_topic_section_folds_conflict_labels_into_relevant() -> None:
    gold = ["war_crime_allegation", "armed_conflict", "other"]
    section = score_topic(gold, ["armed_conflict", "armed_conflict", "other"])
    three, two = section.metrics
    assert three.macro_f1 < 1.0 and two.macro_f1 == 1.0


def test_cameo_leaves_verbal_conflict_unscored() -> None:
    section = score_cameo(["material_conflict", "neutral", "verbal_conflict"],
                          ["armed_conflict", "armed_conflict", "war_crime_allegation"])
    relevant = section.metrics[0].score("relevant")
    assert relevant.support == 1 and relevant.predicted == 2
    assert "1/1" in section.notes[0]


@pytest.fixture(scope="module")
def classifier() -> TopicClassifier:
    return load_topic_classifier()


SEED_CASES = [
    ("Amnesty: Russian bombing of Syria may be a war crime", "war_crime_allegation"),
    ("Russia's Defence Ministry dismisses Amnesty report as fake information",
     "war_crime_allegation"),
    ("Supermarket price war: chains slash prices on bread and milk", "other"),
    ("Ukrainian troops repel Russian assault near Pokrovsk as front line holds", "armed_conflict"),
]


@pytest.mark.model
@pytest.mark.parametrize(("title", "label"), SEED_CASES)
def test_seed_headlines(classifier: TopicClassifier, title: str, label: str) -> None:
    topic = classifier.classify([article(title)])[0]
    assert topic.label == label, topic.scores


@pytest.mark.model
def test_real_scores_are_a_distribution(classifier: TopicClassifier) -> None:
    topics = classifier.classify_texts([title for title, _ in SEED_CASES])
    for topic in topics:
        assert abs(sum(topic.scores.values()) - 1.0) < 1e-4
        assert topic.scores[topic.label] == max(topic.scores.values())
