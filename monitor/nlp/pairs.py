"""Stance of a new statement towards an earlier claim: `for`, `against` or `observing`.

A cross-encoder (all-MiniLM-L6-v2 fine-tuned on Emergent claim/headline pairs by
`monitor.nlp.train_pairs`) reads "[CLS] earlier claim [SEP] new statement [SEP]" and says whether
the new statement asserts the claim (`for`), denies or rebuts it (`against`) or merely reports it
(`observing`). The shipped weights are an int8 ONNX graph run by onnxruntime on the CPU; nothing
here needs torch, the training data or the network.

    model = load_pair_stance()                 # once per process, cached
    model.predict([(earlier_claim, new_statement)])
    # -> [("against", {"for": 0.03, "against": 0.91, "observing": 0.06})]
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from tokenizers import Tokenizer

__all__ = ["LABELS", "WEIGHTS_DIR", "PairStance", "encode_pairs", "load_pair_stance"]

LABELS: tuple[str, ...] = ("for", "against", "observing")
WEIGHTS_DIR = Path(__file__).resolve().parent / "weights" / "pairs"
MODEL_FILE = "model.int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
CONFIG_FILE = "config.json"

Prediction = tuple[str, dict[str, float]]


def encode_pairs(
    tokenizer: Tokenizer, pairs: Sequence[tuple[str, str]], max_length: int
) -> dict[str, np.ndarray]:
    """Token ids, attention mask and segment ids (int64, padded to the longest pair)."""
    import numpy as np

    tokenizer.enable_truncation(max_length=max_length)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    encoded = tokenizer.encode_batch([(a, b) for a, b in pairs])
    return {
        "input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
        "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
        "token_type_ids": np.array([e.type_ids for e in encoded], dtype=np.int64),
    }


def _softmax(logits: np.ndarray) -> np.ndarray:
    import numpy as np

    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return np.asarray(shifted / shifted.sum(axis=1, keepdims=True))


def _batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class PairStance:
    """Scores (earlier claim, new statement) pairs with any `run(feeds) -> logits` session."""

    def __init__(
        self,
        session: Any,
        tokenizer: Tokenizer,
        *,
        labels: Sequence[str] = LABELS,
        max_length: int = 64,
        batch_size: int = 32,
    ) -> None:
        self._session = session
        self._tokenizer = tokenizer
        self.labels = tuple(labels)
        self.max_length = max_length
        self.batch_size = batch_size
        self._inputs = [i.name for i in session.get_inputs()]

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """An (n, len(labels)) array of class probabilities."""
        import numpy as np

        if not pairs:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        # Shortest first so that each batch pads little; the order is restored afterwards.
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        probs = np.zeros((len(pairs), len(self.labels)), dtype=np.float32)
        for chunk in _batches(order, self.batch_size):
            feeds = encode_pairs(self._tokenizer, [pairs[i] for i in chunk], self.max_length)
            logits = self._session.run(None, {k: feeds[k] for k in self._inputs})[0]
            probs[list(chunk)] = _softmax(logits.astype(np.float32))
        return probs

    def predict(self, pairs: Sequence[tuple[str, str]]) -> list[Prediction]:
        """For each (earlier claim, new statement): the label and every label's probability."""
        out: list[Prediction] = []
        for row in self.probabilities(pairs):
            scores = {label: float(p) for label, p in zip(self.labels, row, strict=True)}
            out.append((self.labels[int(row.argmax())], scores))
        return out


def open_session(model_path: Path, threads: int | None = None) -> Any:
    """An onnxruntime CPU session with `threads` intra-op threads (default: up to 4 cores)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
    options.inter_op_num_threads = 1
    # Idle worker threads sleep instead of spinning: on a small shared box spinning burns the
    # cores spaCy and the other stages need (measured: 40% less CPU for the same embeddings).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(
        str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
    )


def read_config(weights_dir: Path = WEIGHTS_DIR) -> dict[str, Any]:
    config: dict[str, Any] = json.loads((weights_dir / CONFIG_FILE).read_text(encoding="utf-8"))
    return config


@lru_cache(maxsize=4)
def load_pair_stance(
    weights_dir: Path = WEIGHTS_DIR,
    threads: int | None = None,
    model_file: str = MODEL_FILE,
    batch_size: int = 32,
) -> PairStance:
    """The committed model, loaded once per (weights_dir, threads, model_file, batch_size)
    in a process."""
    from tokenizers import Tokenizer

    config = read_config(weights_dir)
    tokenizer = Tokenizer.from_file(str(weights_dir / TOKENIZER_FILE))
    session = open_session(weights_dir / model_file, threads)
    return PairStance(
        session,
        tokenizer,
        labels=config["labels"],
        max_length=int(config["max_length"]),
        batch_size=batch_size,
    )
