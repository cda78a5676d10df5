"""Parsing delays, ISO 8601 durations and RFC 3339 instants; the delay rules."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from mockserver.durations import (
    check_clock_range,
    format_instant,
    parse_delay,
    parse_instant,
    parse_iso_duration,
)
from mockserver.latency import Latency


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("250", 0.25),
        ("250ms", 0.25),
        ("250 MS", 0.25),
        ("2s", 2.0),
        ("1.5S", 1.5),
        (" 0 ", 0.0),
        ("0.5", 0.0005),
    ],
)
def test_delay_parsed(text: str, seconds: float) -> None:
    assert parse_delay(text) == pytest.approx(seconds)


@pytest.mark.parametrize(
    "text", ["", "-1", "1m", "2 sec", "1e3", "abc", "1" * 10, "1.0000001"]
)
def test_delay_rejected(text: str) -> None:
    with pytest.raises(ValueError, match="is not a delay; use"):
        parse_delay(text)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("PT90S", 90),
        ("pt1m30s", 90),
        ("PT0.5S", 0.5),
        ("PT1,5S", 1.5),
        ("P1D", 86_400),
        ("P1W", 604_800),
        ("P1DT2H3M4S", 93_784),
        ("PT0S", 0),
    ],
)
def test_iso_duration_parsed(text: str, seconds: float) -> None:
    assert parse_iso_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("P", "is not an ISO 8601 duration"),
        ("PT", "is not an ISO 8601 duration"),
        ("P1DT", "is not an ISO 8601 duration"),
        ("90", "is not an ISO 8601 duration"),
        ("P1D2H", "is not an ISO 8601 duration"),
        ("P1Y", "uses years or months"),
        ("P2M", "uses years or months"),
        ("-PT5S", "is negative"),
    ],
)
def test_iso_duration_rejected(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_iso_duration(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-01T12:00:00Z", datetime(2026, 3, 1, 12, tzinfo=UTC)),
        ("2026-03-01t12:00:00.5z", datetime(2026, 3, 1, 12, 0, 0, 500_000, UTC)),
        (
            "2026-03-01 13:00:00+01:00",
            datetime(2026, 3, 1, 13, tzinfo=timezone(timedelta(hours=1))),
        ),
    ],
)
def test_instant_parsed(text: str, expected: datetime) -> None:
    assert parse_instant(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-03-01T12:00:00", "has no time zone"),
        ("2026-03-01T12:00", "has no time zone"),
        ("2026-03-01", "is not an RFC 3339 time"),
        ("next week", "is not an RFC 3339 time"),
        ("2026-02-30T00:00:00Z", "is not a valid time"),
        ("2026-03-01T12:00:00+25:00", "offset \\+25:00 is out of range"),
        ("2026-03-01T12:00:00-01:60", "offset -01:60 is out of range"),
    ],
)
def test_instant_rejected(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_instant(text)


def test_clock_range() -> None:
    inside = datetime(9998, 12, 31, tzinfo=UTC)

    assert check_clock_range(inside) == inside
    with pytest.raises(ValueError, match="outside the clock's range"):
        check_clock_range(datetime(9999, 1, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="outside the clock's range"):
        check_clock_range(datetime(1969, 12, 31, tzinfo=UTC))


def test_format_instant() -> None:
    moment = datetime(2026, 3, 1, 13, tzinfo=timezone(timedelta(hours=1)))

    assert format_instant(moment) == "2026-03-01T12:00:00.000Z"


def test_latency_choice() -> None:
    latency = Latency(max_seconds=10, initial_delay=1, initial_no_response_delay=3)

    assert latency.seconds_for(None, no_response=False) == 1
    assert latency.seconds_for(None, no_response=True) == 3
    assert latency.seconds_for(0.0, no_response=True) == 0
    latency.configure(delay=5)
    assert latency.seconds_for(None, no_response=True) == 5
    latency.reset()
    assert latency.delay == 1


def test_latency_maximum() -> None:
    latency = Latency(max_seconds=30)

    assert latency.read_header("11s") == 11
    with pytest.raises(ValueError, match="exceeds the maximum delay of 30 s"):
        latency.read_header("31s")
    with pytest.raises(ValueError, match="no_response_delay of 31 s exceeds"):
        latency.configure(no_response_delay=31)
    with pytest.raises(ValueError, match="exceeds the maximum delay of 2 s"):
        Latency(max_seconds=2, initial_delay=3)
