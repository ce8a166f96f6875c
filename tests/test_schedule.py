"""The polling policy: adaptive intervals, back-off, Retry-After, jitter."""

from __future__ import annotations

from datetime import timedelta

from monitor.config import SETTINGS
from monitor.feeds.fetch import Limits
from monitor.feeds.schedule import (
    PollPolicy,
    backoff,
    is_due,
    next_interval,
    retry_delay,
    with_jitter,
)
from tests.feed_fixtures import NOW

POLICY = PollPolicy(default_interval=900, min_interval=300, max_interval=3600,
                    failure_max_backoff=21600)


def test_busy_feed_moves_toward_half_the_gap() -> None:
    # 6 new items in the 1800 s since the last new item: a 300 s gap, target 150 s
    assert next_interval(900, 6, 1800.0, POLICY) == 525  # half-way from 900 to 150
    assert next_interval(525, 6, 1800.0, POLICY) == 337
    assert next_interval(337, 6, 1800.0, POLICY) == 300  # clamped to min_interval


def test_new_items_always_shorten_and_quiet_polls_lengthen() -> None:
    # one item after four hours: half the gap is beyond the interval, it still shortens
    assert next_interval(900, 1, 4 * 3600.0, POLICY) < 900
    assert next_interval(900, 2, None, POLICY) < 900
    assert next_interval(900, 0, None, POLICY) > 900
    interval = 900
    for _ in range(20):
        interval = next_interval(interval, 0, None, POLICY)
    assert interval == POLICY.max_interval


def test_new_feed_and_fixed_interval() -> None:
    assert next_interval(None, 0, None, POLICY) == 1125  # default 900, lengthened
    assert next_interval(900, 5, 60.0, POLICY, fixed=120) == 120


def test_backoff_doubles_and_is_capped() -> None:
    delays = [backoff(n, 900, POLICY) for n in range(1, 8)]
    assert delays == [900, 1800, 3600, 7200, 14400, 21600, 21600]
    assert backoff(1000, 900, POLICY) == 21600  # never overflows, never gives up
    assert backoff(1, None, POLICY) == 900
    assert backoff(1, 60, POLICY) == 300  # never faster than min_interval


def test_retry_after_is_honoured_within_the_cap() -> None:
    assert retry_delay(1, 900, 7200.0, POLICY) == 7200
    assert retry_delay(1, 900, 10.0, POLICY) == 900  # the back-off is longer already
    assert retry_delay(1, 900, 10 * 86400.0, POLICY) == 21600
    assert retry_delay(2, 900, None, POLICY) == 1800


def test_due_and_jitter() -> None:
    assert is_due(None, NOW)
    assert is_due("2024-03-01T11:59:59Z", NOW)
    assert not is_due("2024-03-01T12:00:01Z", NOW)
    assert with_jitter(900, 30, lambda: 0.5) == 915
    assert with_jitter(900, 0, lambda: 0.99) == 900


def test_policy_from_settings() -> None:
    polling = {key: s.default for key, s in SETTINGS["polling"].items()}
    policy = PollPolicy.from_settings(polling)
    assert policy.max_interval == polling["max_interval"]
    assert policy.dedup_window == timedelta(hours=polling["dedup_window_hours"])
    assert policy.limits == Limits.from_settings(polling)
