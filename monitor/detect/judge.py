"""The answer judge: does a new report carry the accused's answer to an earlier report?

    judge = load_judge()                                 # None when no weights are shipped
    judge.scores([(earlier_report, new_report), ...])    # P(the new one denies the earlier)

A cross-encoder (all-MiniLM-L6-v2 fine-tuned by `monitor.nlp.train_answers` on the labelled
story timelines of `corpus/timelines`, never on the splits kept for evaluation) reads
"[CLS] earlier report [SEP] new report [SEP]", each report its title and summary, and says
whether the new report tells the party the earlier one accuses (or blames back) rejecting or
explaining away the charge. The rules of `denials` decide who speaks for whom from parsed
speakers and an actor table; the judge reads the same reports whole, as a desk editor would,
and `Detector` uses it two ways:

- a rule's denial the judge finds very unlikely (`veto` below its threshold) is dropped: an
  outsider's rejection, or the accuser's own restatement, that the rules took for the
  accused's denial. Only where the rules' evidence is weak (not the accused itself or one
  speaking for it), and never a re-report, which joins its thread;
- a report with a denying sentence the rules matched to nothing, that the judge finds very
  likely to answer earlier reports (`rescue` at or above its threshold), raises a denial of
  the allegations of those reports.

The shipped weights are an int8 ONNX graph run by onnxruntime (as `monitor.nlp.pairs`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from monitor.nlp.pairs import MODEL_FILE, PairStance, load_pair_stance

WEIGHTS_DIR = Path(__file__).resolve().parents[1] / "nlp" / "weights" / "answers"
LABELS: tuple[str, ...] = ("answers", "other")
POSITIVE = "answers"
MAX_CHARS = 700  # of a report's title and summary: the lead carries who said what
MAX_REPORTS = 12  # the latest earlier reports a rescue reads (a long story's first days are old)
BATCH = 1  # pairs per run: int8 activations are scaled per run, so one pair a run keeps each
# score independent of its neighbours (as the encoder's one text a run); batches of 32 took 0.5 GB


def report_text(title: str, body: str) -> str:
    """What the judge reads of a report: its title and the start of its summary or text."""
    title, body = " ".join(title.split()), " ".join(body.split())
    text = f"{title}. {body}" if title and body else title or body
    return text[:MAX_CHARS]


@dataclass(frozen=True)
class Thresholds:
    veto: float = 0.05  # a rule's denial below this for every report it answers is dropped
    rescue: float = 0.9  # an unmatched denying report at or above this answers the report


class AnswerJudge:
    """P(new report answers earlier report) from a `PairStance`-like scorer."""

    def __init__(self, model: PairStance, thresholds: Thresholds = Thresholds()) -> None:
        self.model = model
        self.thresholds = thresholds
        self._positive = list(model.labels).index(POSITIVE)

    def scores(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        """For each (earlier report, new report): the probability the new one answers it."""
        if not pairs:
            return []
        return [float(p) for p in self.model.probabilities(pairs)[:, self._positive]]


@lru_cache(maxsize=2)
def load_judge(weights_dir: Path = WEIGHTS_DIR, threads: int | None = None) -> AnswerJudge | None:
    """The committed judge, loaded once per process; None when its weights are absent."""
    if not (weights_dir / MODEL_FILE).is_file():
        return None
    return AnswerJudge(load_pair_stance(weights_dir, threads, batch_size=BATCH))
