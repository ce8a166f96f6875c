"""Hand-built claims and a tiny deterministic encoder for the detection tests."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import numpy as np

from monitor.records import Casualties, Claim

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


def claim(cid: str, article: str, stance: str, text: str = "", *, speaker: str = "",
          speaker_actor: str = "", accused: str = "", accused_actor: str = "",
          source: str = "", hours: float = 0, flags: Sequence[str] = (),
          casualties: Sequence[Casualties] = (), score: float = 0.9,
          places: Sequence[str] = (), index: int = 1) -> Claim:
    return Claim(
        id=cid, article_id=article, index=index, text=text or f"{speaker} {stance} {accused}",
        stance=stance, stance_score=score, speaker=speaker, speaker_org=speaker,
        speaker_actor=speaker_actor, accused=accused or accused_actor,
        accused_actor=accused_actor, casualties=tuple(casualties), places=tuple(places),
        flags=tuple(flags), published=T0 + timedelta(hours=hours),
        source=source or f"Outlet {article}", url=f"https://example.org/{article}",
    )


def dead(low: int | None, high: int | None = None, qualifier: str = "exact",
         who: str = "people", outcome: str = "killed") -> Casualties:
    return Casualties(low, high, qualifier, who, outcome, f"{low} {who} {outcome}")


class WordEncoder:
    """Bag of hashed words, L2-normalised: same words, same vector; no model needed."""

    dim = 384

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                if len(word) > 2:
                    slot = int(hashlib.md5(word.encode()).hexdigest()[:8], 16) % self.dim
                    out[row, slot] += 1.0
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        return out
