"""Small trained heads on encoder embeddings, run in pure numpy.

A head is a softmax classifier: zero or more hidden layers (ReLU) then a linear layer, read
from a compact .npz in `monitor/nlp/weights/`. Training (scikit-learn, `monitor.nlp.train`)
only writes these arrays; inference needs nothing but numpy.

npz layout: `labels` (str array), `w0`, `b0`, `w1`, `b1`, ... (w: (inputs, outputs)),
`meta` (a JSON string: features, training data, reproduce command).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"


@dataclass(frozen=True)
class Layer:
    weight: np.ndarray  # (inputs, outputs) float32
    bias: np.ndarray  # (outputs,) float32


@dataclass(frozen=True)
class Head:
    """Features in, one probability per label out."""

    labels: tuple[str, ...]
    layers: tuple[Layer, ...]
    meta: dict[str, object] = field(default_factory=dict, compare=False)

    @property
    def inputs(self) -> int:
        return int(self.layers[0].weight.shape[0])

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """(n, inputs) -> (n, len(labels)), rows summing to 1."""
        x = np.asarray(features, dtype=np.float32)
        if x.ndim != 2 or x.shape[1] != self.inputs:
            raise ValueError(f"head expects (n, {self.inputs}) features, got {x.shape}")
        for layer in self.layers[:-1]:
            x = np.maximum(x @ layer.weight + layer.bias, 0.0)
        return softmax(x @ self.layers[-1].weight + self.layers[-1].bias)

    def predict(self, features: np.ndarray) -> list[tuple[str, dict[str, float]]]:
        """The best label of each row with the score of every label."""
        return [self._labelled(row) for row in self.probabilities(features)]

    def _labelled(self, row: np.ndarray) -> tuple[str, dict[str, float]]:
        scores = {label: float(p) for label, p in zip(self.labels, row, strict=True)}
        return self.labels[int(np.argmax(row))], scores


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return np.asarray(exp / exp.sum(axis=1, keepdims=True), dtype=np.float32)


def save_head(head: Head, path: Path) -> None:
    arrays: dict[str, Any] = {"labels": np.array(head.labels)}
    for i, layer in enumerate(head.layers):
        arrays[f"w{i}"] = layer.weight.astype(np.float32)
        arrays[f"b{i}"] = layer.bias.astype(np.float32)
    arrays["meta"] = np.array(json.dumps(head.meta, sort_keys=True))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        np.savez_compressed(handle, **arrays)


def load_head(path: Path) -> Head:
    with np.load(path, allow_pickle=False) as data:
        count = sum(1 for key in data.files if key.startswith("w"))
        layers = tuple(
            Layer(data[f"w{i}"].astype(np.float32), data[f"b{i}"].astype(np.float32))
            for i in range(count)
        )
        labels = tuple(str(label) for label in data["labels"])
        meta = json.loads(str(data["meta"])) if "meta" in data.files else {}
    return Head(labels, layers, meta)
