"""Fine-tuned top layers of the encoder, stored compactly beside the heads.

Training (`monitor.nlp.train encoder`) tunes only the last few transformer layers of the
packaged MiniLM on topic and stance together. Only those layers are stored, as fp16 arrays
in `weights/encoder-top.npz` (about 7 MB for two layers); at load they replace the packaged
layers. Everything below them is the packaged model, untouched.

npz layout: one array per parameter, keyed `encoder.layer.{i}.{name}` as in the model's
state dict, plus `meta` (JSON: layers tuned, base fingerprint, how it was trained).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from monitor.nlp.heads import WEIGHTS_DIR

TUNED_LAYERS = WEIGHTS_DIR / "encoder-top.npz"
PREFIX = "encoder.layer."


def save_layers(model: Any, first: int, path: Path, meta: Mapping[str, object]) -> None:
    """Store layers `first..` of `model` (a transformers BertModel) in fp16."""
    arrays: dict[str, Any] = {}
    for name, tensor in model.state_dict().items():
        if name.startswith(PREFIX) and int(name[len(PREFIX):].split(".")[0]) >= first:
            arrays[name] = tensor.detach().cpu().numpy().astype(np.float16)
    arrays["meta"] = np.array(json.dumps({**meta, "first_layer": first}, sort_keys=True))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        np.savez_compressed(handle, **arrays)


def apply_layers(model: Any, path: Path) -> Any:
    """Replace the model's top layers with the stored ones (in place); return the model."""
    import torch

    with np.load(path, allow_pickle=False) as data:
        tuned = {k: torch.from_numpy(data[k].astype(np.float32)) for k in data.files
                 if k != "meta"}
    current = model.state_dict()
    unknown = sorted(set(tuned) - set(current))
    if unknown:
        raise ValueError(f"{path.name} holds parameters the encoder lacks: {unknown[:3]}")
    model.load_state_dict({**current, **tuned})
    return model


def layers_meta(path: Path) -> dict[str, object]:
    with np.load(path, allow_pickle=False) as data:
        meta: dict[str, object] = json.loads(str(data["meta"]))
    return meta


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
