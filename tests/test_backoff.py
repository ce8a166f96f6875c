"""The shared exponential back-off: doubling, the cap, and a long failure streak."""

from __future__ import annotations

from monitor.backoff import MAX_DOUBLINGS, exponential_delay


def test_doubles_from_the_base() -> None:
    assert [exponential_delay(30.0, n, 3600.0) for n in range(5)] == [30, 60, 120, 240, 480]


def test_never_passes_the_cap() -> None:
    assert exponential_delay(30.0, 7, 3600.0) == 3600.0  # 30 * 128 = 3840
    assert exponential_delay(900, 5, 21600) == 21600
    assert exponential_delay(500, 0, 100) == 100  # the cap wins even over the base


def test_a_long_streak_stays_finite() -> None:
    assert exponential_delay(1, 10**9, float("inf")) == 2**MAX_DOUBLINGS
    assert exponential_delay(30.0, 10**9, 3600.0) == 3600.0
