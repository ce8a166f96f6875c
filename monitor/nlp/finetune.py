"""Fine-tune the encoder's top layers on several labelled tasks at once (training only).

Each task (topic, stance) gets a linear layer on the mean-pooled, L2-normalised embedding;
their cross-entropy losses are summed over mixed batches, so one encoder serves them all.
Only the last `layers` transformer layers and the task layers learn. CPU, deterministic for a
given seed and thread count.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from monitor.nlp.encoder import MAX_LENGTH, Source, load_torch_model, model_path
from monitor.nlp.heads import Head, Layer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Task:
    texts: Sequence[str]
    labels: Sequence[str]
    names: tuple[str, ...]


@dataclass(frozen=True)
class TuneSettings:
    layers: int = 2
    epochs: int = 4
    lr: float = 5e-5
    head_lr: float = 5e-3
    batch_size: int = 16
    seed: int = 13
    threads: int = 1  # one thread: the same weights on any machine, robust to busy cores


def finetune(tasks: Mapping[str, Task], settings: TuneSettings) -> tuple[Any, dict[str, Head]]:
    """The tuned model (eval mode) and one linear head per task."""
    import torch

    torch.manual_seed(settings.seed)
    torch.set_num_threads(settings.threads)
    tokenizer, model = _trainable_model(settings.layers)
    heads = {name: torch.nn.Linear(model.config.hidden_size, len(t.names))
             for name, t in tasks.items()}
    optimiser, schedule = _optimiser(model, heads, _steps(tasks, settings), settings)
    items = [(name, i) for name, task in tasks.items() for i in range(len(task.texts))]
    rng = np.random.default_rng(settings.seed)
    for epoch in range(settings.epochs):
        order = rng.permutation(len(items))
        total = 0.0
        for start in range(0, len(order), settings.batch_size):
            batch = [items[j] for j in order[start:start + settings.batch_size]]
            loss = _batch_loss(tokenizer, model, heads, tasks, batch)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += loss.item()
        log.info("epoch %d/%d loss %.4f", epoch + 1, settings.epochs, total)
    model.eval()
    return model, {name: _to_head(layer, tasks[name].names) for name, layer in heads.items()}


def embed_with(model: Any, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
    """Embeddings from a torch model as `Encoder.embed` makes them (for training code)."""
    import torch

    tokenizer = _tokenizer()
    out = []
    with torch.inference_mode():
        for start in range(0, len(texts), batch_size):
            enc = _tokens(tokenizer, texts[start:start + batch_size])
            out.append(_pool(model(**enc).last_hidden_state, enc["attention_mask"]).numpy())
    return np.vstack(out) if out else np.zeros((0, 384), dtype=np.float32)


def _trainable_model(layers: int) -> tuple[Any, Any]:
    model = copy.deepcopy(load_torch_model(Source(model_path()))).train()
    for param in model.parameters():
        param.requires_grad = False
    for layer in model.encoder.layer[len(model.encoder.layer) - layers:]:
        for param in layer.parameters():
            param.requires_grad = True
    return _tokenizer(), model


def _optimiser(model: Any, heads: Mapping[str, Any], steps: int,
               settings: TuneSettings) -> tuple[Any, Any]:
    import torch

    groups = [
        {"params": [p for p in model.parameters() if p.requires_grad], "lr": settings.lr},
        {"params": [p for h in heads.values() for p in h.parameters()], "lr": settings.head_lr},
    ]
    optimiser = torch.optim.AdamW(groups, weight_decay=0.01)
    warmup = max(1, steps // 10)

    def factor(step: int) -> float:
        return min(1.0, (step + 1) / warmup) * max(0.0, (steps - step) / steps)

    return optimiser, torch.optim.lr_scheduler.LambdaLR(optimiser, factor)


def _steps(tasks: Mapping[str, Task], settings: TuneSettings) -> int:
    items = sum(len(t.texts) for t in tasks.values())
    return settings.epochs * -(-items // settings.batch_size)


def _batch_loss(tokenizer: Any, model: Any, heads: Mapping[str, Any],
                tasks: Mapping[str, Task], batch: list[tuple[str, int]]) -> Any:
    import torch

    loss = torch.zeros(())
    for name, task in tasks.items():
        rows = [i for kind, i in batch if kind == name]
        if not rows:
            continue
        enc = _tokens(tokenizer, [task.texts[i] for i in rows])
        vectors = _pool(model(**enc).last_hidden_state, enc["attention_mask"])
        target = torch.tensor([task.names.index(task.labels[i]) for i in rows])
        loss = loss + torch.nn.functional.cross_entropy(heads[name](vectors), target,
                                                        reduction="sum")
    return loss / len(batch)


def _tokenizer() -> Any:
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(model_path()), local_files_only=True)


def _tokens(tokenizer: Any, texts: Sequence[str]) -> Any:
    return tokenizer(list(texts), truncation=True, max_length=MAX_LENGTH, padding=True,
                     return_tensors="pt")


def _pool(states: Any, mask: Any) -> Any:
    import torch

    weights = mask.unsqueeze(-1).to(states.dtype)
    pooled = (states * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, dim=1)


def _to_head(linear: Any, names: tuple[str, ...]) -> Head:
    weight = linear.weight.detach().numpy().T.astype(np.float32)
    bias = linear.bias.detach().numpy().astype(np.float32)
    return Head(names, (Layer(weight, bias),))
