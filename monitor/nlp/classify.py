"""Topic of an article: war_crime_allegation | armed_conflict | other.

    classifier = load_topic_classifier()          # shares the process encoder
    topics = classifier.classify(articles)        # one Topic per article, in order

The text read is `Article.body` (title, summary and full text when present; the encoder keeps
the first 128 tokens). A small head (`weights/topic.npz`) maps the embedding to the labels;
`topics_from_embeddings` lets a caller that already embedded the texts skip a second pass.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from monitor.nlp.heads import WEIGHTS_DIR, Head, load_head
from monitor.records import TOPIC_LABELS, Article, Topic

log = logging.getLogger(__name__)

TOPIC_WEIGHTS = WEIGHTS_DIR / "topic.npz"


class TextEncoder(Protocol):
    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class TopicClassifier:
    """Articles to Topics through an encoder and a trained head."""

    def __init__(self, encoder: TextEncoder, head: Head) -> None:
        if set(head.labels) != set(TOPIC_LABELS):
            raise ValueError(f"topic head has labels {head.labels}, expected {TOPIC_LABELS}")
        self.encoder = encoder
        self.head = head

    def classify(self, articles: Sequence[Article]) -> list[Topic]:
        return self.classify_texts([article.body for article in articles])

    def classify_texts(self, texts: Sequence[str]) -> list[Topic]:
        if not texts:
            return []
        return self.topics_from_embeddings(self.encoder.embed(texts))

    def topics_from_embeddings(self, embeddings: np.ndarray) -> list[Topic]:
        return [Topic(label, scores) for label, scores in self.head.predict(embeddings)]


def load_topic_classifier(encoder: TextEncoder | None = None,
                          weights: Path = TOPIC_WEIGHTS) -> TopicClassifier:
    """The committed topic head on `encoder` (default: the shared process encoder)."""
    if encoder is None:
        from monitor.nlp.encoder import load_encoder

        encoder = load_encoder()
    return TopicClassifier(encoder, load_head(weights))
