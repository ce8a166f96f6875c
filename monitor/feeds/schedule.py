"""The polling policy as pure functions: how long until a feed is polled again.

    healthy feed    next_interval: toward half the observed gap between new items;
                    a poll with new items shortens the interval, one without lengthens it;
                    always within [min_interval, max_interval]; a feed's fixed interval wins
    failing feed    backoff: the interval doubled per consecutive failure, capped at
                    failure_max_backoff; a failing feed is retried rarely, never dropped
    rate limited    retry_delay: Retry-After honoured, but never beyond failure_max_backoff
    gone (410)      no next poll at all

Jitter is the scheduler's business (`with_jitter`, given a random source); nothing here reads
the clock or a random generator.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from monitor.backoff import exponential_delay
from monitor.feeds.fetch import Limits

SHORTEN = 0.8  # a poll with new items shortens the interval by at least this factor
LENGTHEN = 1.25  # a poll without new items lengthens it by this factor


@dataclass(frozen=True)
class PollPolicy:
    """The `[polling]` settings the poller and the schedule need, fetch limits included."""

    default_interval: int = 900
    min_interval: int = 300
    max_interval: int = 3600
    failure_max_backoff: int = 21600
    jitter: int = 30
    dedup_window_hours: int = 48
    limits: Limits = Limits()

    @classmethod
    def from_settings(cls, polling: Mapping[str, Any]) -> PollPolicy:
        return cls(
            default_interval=int(polling["default_interval"]),
            min_interval=int(polling["min_interval"]),
            max_interval=int(polling["max_interval"]),
            failure_max_backoff=int(polling["failure_max_backoff"]),
            jitter=int(polling["jitter"]),
            dedup_window_hours=int(polling["dedup_window_hours"]),
            limits=Limits.from_settings(polling),
        )

    @property
    def dedup_window(self) -> timedelta:
        return timedelta(hours=self.dedup_window_hours)

    def clamp(self, seconds: float) -> int:
        return int(min(max(seconds, self.min_interval), self.max_interval))


def next_interval(current: int | None, new_items: int, since_last_new: float | None,
                  policy: PollPolicy, fixed: int | None = None) -> int:
    """The healthy interval after a successful poll.

    `since_last_new` is the seconds between this poll and the previous poll that found new
    items (None if there was none). With new items the observed mean gap is
    `since_last_new / new_items`; the interval moves half-way toward half that gap.
    """
    if fixed:
        return fixed
    base = current or policy.default_interval
    if new_items <= 0:
        return policy.clamp(base * LENGTHEN)
    if not since_last_new:  # nothing observed yet (e.g. a feed's first items): shorten a bit
        return policy.clamp(base * SHORTEN)
    target = since_last_new / new_items / 2
    return policy.clamp(min((base + target) / 2, base * SHORTEN))


def backoff(consecutive_failures: int, interval: int | None, policy: PollPolicy) -> int:
    """Seconds to wait after the n-th failure in a row: interval * 2^(n-1), capped."""
    base = max(interval or policy.default_interval, policy.min_interval)
    cap = max(policy.failure_max_backoff, base)
    return int(exponential_delay(base, max(consecutive_failures - 1, 0), cap))


def retry_delay(consecutive_failures: int, interval: int | None, retry_after: float | None,
                policy: PollPolicy) -> int:
    """Seconds to wait after a 429/503: the back-off, or longer if Retry-After asks for it."""
    delay = backoff(consecutive_failures, interval, policy)
    if retry_after is None:
        return delay
    asked = min(retry_after, max(policy.failure_max_backoff, delay))
    return int(max(delay, asked))


def is_due(next_poll: str | None, now: datetime) -> bool:
    """True when a feed with this stored `next_poll` should be polled at `now`."""
    if not next_poll:
        return True
    moment = datetime.fromisoformat(next_poll.replace("Z", "+00:00"))
    return moment <= now


def with_jitter(seconds: float, jitter: float, random: Callable[[], float]) -> float:
    """`seconds` plus up to `jitter` more, drawn from `random()` in [0, 1)."""
    return seconds + max(jitter, 0) * random()
