"""Stance of one sentence: allegation | denial | admission | other.

    stance = load_stance_classifier()
    stance.predict(["The ministry said the report contained fake information."])
    # -> [("denial", {"allegation": 0.02, "denial": 0.93, "admission": 0.01, "other": 0.04})]

The classifier alone; the claims stage combines it with attribution and cue-word rules.
The head is `weights/stance.npz` on the shared encoder's embedding of the sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from monitor.nlp.classify import TextEncoder
from monitor.nlp.heads import WEIGHTS_DIR, Head, load_head
from monitor.records import STANCES

STANCE_WEIGHTS = WEIGHTS_DIR / "stance.npz"


class StanceClassifier:
    """Sentences to (stance, scores over the four stances)."""

    def __init__(self, encoder: TextEncoder, head: Head) -> None:
        if set(head.labels) != set(STANCES):
            raise ValueError(f"stance head has labels {head.labels}, expected {STANCES}")
        self.encoder = encoder
        self.head = head

    def predict(self, sentences: Sequence[str]) -> list[tuple[str, dict[str, float]]]:
        if not sentences:
            return []
        return self.predict_embeddings(self.encoder.embed(sentences))

    def predict_embeddings(self, embeddings: np.ndarray) -> list[tuple[str, dict[str, float]]]:
        return self.head.predict(embeddings)


def load_stance_classifier(encoder: TextEncoder | None = None,
                           weights: Path = STANCE_WEIGHTS) -> StanceClassifier:
    """The committed stance head on `encoder` (default: the shared process encoder)."""
    if encoder is None:
        from monitor.nlp.encoder import load_encoder

        encoder = load_encoder()
    return StanceClassifier(encoder, load_head(weights))
