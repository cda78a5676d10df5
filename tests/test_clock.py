"""The mock clock: real, frozen, advanced and reset."""

import time
from datetime import UTC, datetime, timedelta

import pytest

from mockserver.clock import MockClock

INSTANT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def test_real_time_by_default() -> None:
    clock = MockClock()

    assert abs(clock.time() - time.time()) < 1
    assert not clock.frozen


def test_frozen_clock_stands_still_until_advanced() -> None:
    clock = MockClock(frozen_at=INSTANT)

    assert clock.now() == INSTANT
    clock.advance(90)
    assert clock.now() == INSTANT + timedelta(seconds=90)


def test_running_clock_advances_by_offset() -> None:
    clock = MockClock()
    clock.advance(3600)

    assert clock.time() - time.time() == pytest.approx(3600, abs=1)


def test_reset_returns_to_start_state() -> None:
    clock = MockClock(frozen_at=INSTANT)
    clock.advance(10)
    clock.release()
    assert not clock.frozen

    clock.reset()

    assert clock.now() == INSTANT


def test_rejects_naive_and_backwards() -> None:
    clock = MockClock()

    with pytest.raises(ValueError):
        clock.freeze(datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        clock.advance(-1)
