"""The encoder: pooling and padding alone, then the real packaged model (marked `model`)."""

from __future__ import annotations

import numpy as np
import pytest

from monitor.nlp import encoder as enc
from monitor.nlp.heads import Head, Layer, load_head, save_head


def test_mean_pool_ignores_padding_and_normalises() -> None:
    states = np.array([[[1.0, 0.0], [3.0, 0.0], [100.0, 100.0]]], dtype=np.float32)
    mask = np.array([[1, 1, 0]])
    pooled = enc.mean_pool(states, mask)
    assert pooled.dtype == np.float32
    np.testing.assert_allclose(pooled, [[1.0, 0.0]], atol=1e-6)


def test_pad_builds_ids_and_mask() -> None:
    ids, mask = enc._pad([[5, 6, 7], [8]], pad_id=0)
    assert ids.tolist() == [[5, 6, 7], [8, 0, 0]]
    assert mask.tolist() == [[1, 1, 1], [1, 0, 0]]


def test_unknown_runtime_is_rejected_before_loading() -> None:
    with pytest.raises(ValueError, match="runtime"):
        enc.Encoder(runtime="tensorflow")
    with pytest.raises(ValueError, match="variant"):
        enc.load_encoder(variant="large")


def test_head_round_trips_through_npz(tmp_path) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(0)
    head = Head(("a", "b", "c"), (Layer(rng.normal(size=(4, 3)).astype(np.float32),
                                        np.zeros(3, dtype=np.float32)),), {"task": "t"})
    save_head(head, tmp_path / "h.npz")
    again = load_head(tmp_path / "h.npz")
    x = rng.normal(size=(5, 4)).astype(np.float32)
    np.testing.assert_allclose(again.probabilities(x), head.probabilities(x), rtol=1e-6)
    assert again.labels == ("a", "b", "c") and again.meta == {"task": "t"}
    np.testing.assert_allclose(head.probabilities(x).sum(axis=1), 1.0, rtol=1e-5)
    with pytest.raises(ValueError, match="features"):
        head.probabilities(np.zeros((1, 5), dtype=np.float32))


SENTENCES = [
    "Amnesty: Russian bombing of Syria may be a war crime",
    "Russia's Defence Ministry dismisses Amnesty report as fake information",
    "Supermarkets cut milk prices as price war escalates",
]


@pytest.fixture(scope="module")
def encoder() -> enc.Encoder:
    return enc.load_encoder(runtime="torch")


@pytest.mark.model
def test_embeddings_are_unit_float32_rows(encoder: enc.Encoder) -> None:
    vectors = encoder.embed(SENTENCES)
    assert vectors.shape == (3, enc.DIM) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert encoder.embed([]).shape == (0, enc.DIM)


@pytest.mark.model
def test_embedding_is_deterministic_and_independent_of_batching(encoder: enc.Encoder) -> None:
    together = encoder.embed(SENTENCES + ["short"])
    alone = np.vstack([encoder.embed([s]) for s in SENTENCES + ["short"]])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    np.testing.assert_array_equal(encoder.embed(SENTENCES), encoder.embed(SENTENCES))


@pytest.mark.model
def test_similar_texts_are_closer_than_unrelated_ones(encoder: enc.Encoder) -> None:
    a, b, c = encoder.embed(SENTENCES)
    assert float(a @ b) > float(a @ c)


@pytest.mark.model
def test_encoder_is_shared_per_settings() -> None:
    assert enc.load_encoder(runtime="torch") is enc.load_encoder(runtime="torch")


@pytest.mark.model
def test_int8_runtime_agrees_with_fp32(encoder: enc.Encoder) -> None:
    quantised = enc.load_encoder(runtime="onnx-int8")
    assert quantised.runtime == "onnx-int8"
    cosines = (quantised.embed(SENTENCES) * encoder.embed(SENTENCES)).sum(axis=1)
    assert cosines.min() > 0.97


def test_batched_encoder_embeds_what_was_expected_in_one_call() -> None:
    class Calls:
        def __init__(self) -> None:
            self.calls: list[list[str]] = []

        def embed(self, texts):  # type: ignore[no-untyped-def]
            self.calls.append(list(texts))
            return np.stack([np.full(enc.DIM, len(t), dtype=np.float32) for t in texts])

    inner = Calls()
    batched = enc.BatchedEncoder(inner)
    batched.expect(["one", "three"])
    batched.expect(["fives"])
    assert batched.embed(["three"])[0][0] == 5
    assert batched.embed(["fives", "one"])[:, 0].tolist() == [5, 3]
    assert batched.embed(["new"])[0][0] == 3
    assert inner.calls == [["one", "three", "fives"], ["new"]]
    batched.expect(["again"])  # a new batch: what the last one computed is forgotten
    batched.embed(["one"])
    assert inner.calls[-1] == ["again", "one"]
