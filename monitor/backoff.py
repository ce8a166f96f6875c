"""Exponential back-off: the one shape shared by the feed schedule and the Slack outbox.

    exponential_delay(30.0, attempts, cap=3600.0)    # 30, 60, 120, ... then 3600 for good

Each caller keeps its own base, count and cap (its settings and constants) and any jitter;
this module only doubles and caps. Pure: no clock, no random source.
"""

from __future__ import annotations

__all__ = ["MAX_DOUBLINGS", "exponential_delay"]

MAX_DOUBLINGS = 32  # past any sane cap; keeps a long failure streak from overflowing a float


def exponential_delay(base: float, doublings: int, cap: float) -> float:
    """`base * 2**doublings`, never more than `cap` (doublings beyond MAX_DOUBLINGS count as
    MAX_DOUBLINGS)."""
    return min(base * 2.0 ** min(doublings, MAX_DOUBLINGS), cap)
