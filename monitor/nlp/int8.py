"""Build the int8 ONNX encoder from the packaged weights, once, into a cache dir.

The file is not committed: it is derived, 23 MB, and takes about 5 s to build. Recipe:
`torch.onnx.export` (TorchScript exporter, opset 17, dynamic batch and length) of the fp32
model's token states, then `onnxruntime.quantization.quantize_dynamic` with QInt8 weights
**per channel** (per-tensor QInt8 loses too much: mean cosine to fp32 0.96 against 0.99).

Where: `$MONITOR_CACHE` if set, else `~/.cache/conflict-monitor/`. The file name carries a
fingerprint of the weights and RECIPE, so a new model or recipe builds a new file. The build
writes to a temporary name and renames, so concurrent processes never read a half file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from monitor.nlp.encoder import Source

log = logging.getLogger(__name__)

RECIPE = "onnx17-qint8-perchannel-v1"


def cache_dir() -> Path:
    """`$MONITOR_CACHE`, or `~/.cache/conflict-monitor`."""
    configured = os.environ.get("MONITOR_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "conflict-monitor"


def int8_path(source: Source, directory: Path | None = None) -> Path:
    """Where the int8 file for these weights and this recipe lives (built or not)."""
    return (directory or cache_dir()) / f"minilm-l6-{_fingerprint(source)}.int8.onnx"


def ensure_int8_model(source: Source, directory: Path | None = None) -> Path:
    """The int8 file, built first if it is missing."""
    target = int8_path(source, directory)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    log.info("building int8 encoder at %s (once)", target)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        int8 = Path(tmp) / "int8.onnx"
        export_fp32(source, fp32)
        quantize(fp32, int8)
        os.replace(int8, target)
    return target


def export_fp32(source: Source, out: Path) -> None:
    """The fp32 model as ONNX: (input_ids, attention_mask) -> last_hidden_state."""
    import torch

    from monitor.nlp.encoder import load_torch_model

    module = _token_states(load_torch_model(source))
    ids = torch.full((2, 8), 1000, dtype=torch.int64)
    mask = torch.ones((2, 8), dtype=torch.int64)
    mask[1, 5:] = 0  # a padded row, so the traced graph keeps the masking path
    axes = {0: "batch", 1: "tokens"}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about shape-dependent branches
        torch.onnx.export(
            module, (ids, mask), str(out), opset_version=17, dynamo=False,
            input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
        )


def quantize(fp32: Path, out: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(fp32), str(out), weight_type=QuantType.QInt8, per_channel=True)


def _fingerprint(source: Source) -> str:
    """Recipe, packaged weights (size, first MiB) and tuned layers; cheap at every load."""
    weights = source.path / "model.safetensors"
    digest = hashlib.sha256(RECIPE.encode())
    digest.update(str(weights.stat().st_size).encode())
    with weights.open("rb") as handle:
        digest.update(handle.read(1 << 20))
    if source.layers is not None:
        digest.update(source.layers.read_bytes())
    return digest.hexdigest()[:12]


def _token_states(model: Any) -> Any:
    """Wrap the model so the exporter sees positional inputs and one output."""
    import torch

    class TokenStates(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    return TokenStates()
