"""The order of checks, tested without HTTP on the plain selection functions."""

import asyncio
from datetime import UTC, datetime

import pytest

from mockserver.clock import MockClock
from mockserver.outcomes import Outcome
from mockserver.scenario_files import load_scenarios
from mockserver.selection import Selector, TrackingRequest
from mockserver.store import MemoryStore

INSTANT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def decide(query: str, header_key: str | None = None, forced: str | None = None):
    scenarios = load_scenarios()
    selector = Selector(
        carriers=scenarios.carriers,
        magic=scenarios.magic,
        keys=scenarios.keys,
        store=MemoryStore(),
        clock=MockClock(frozen_at=INSTANT),
    )
    request = TrackingRequest(query.encode(), header_key, forced)
    return asyncio.run(selector.decide(request))


# Each row breaks one check and every check after it; the earliest must win.
ORDER = [
    ("api_key=nobody&reference_type=X&carrier_code=QMNT", Outcome.INVALID_API_KEY),
    ("api_key=mock-expired-key&reference_type=X", Outcome.API_KEY_EXPIRED),
    ("api_key=mock-denied-key&reference_type=X", Outcome.API_KEY_ACCESS_DENIED),
    ("api_key=mock-exhausted-key&reference_type=X", Outcome.API_KEY_QUOTA_EXCEEDED),
    ("api_key=mock-valid-key&carrier_code=QMNT", Outcome.WRONG_PARAMETERS),
    (
        "api_key=mock-valid-key&reference_number=1&reference_type=X",
        Outcome.WRONG_REFERENCE_TYPE,
    ),
    (
        "api_key=mock-valid-key&reference_number=A!&carrier_code=QMNT",
        Outcome.WRONG_REFERENCE_NUMBER,
    ),
    (
        "api_key=mock-valid-key&reference_number=MEDUKE000001&carrier_code=9",
        Outcome.WRONG_CARRIER_CODE,
    ),
    (
        "api_key=mock-valid-key&reference_number=MEDUKE000001&carrier_code=QMNT",
        Outcome.CARRIER_UNDER_MAINTENANCE,
    ),
    (
        "api_key=mock-valid-key&reference_number=MEDUKE000001",
        Outcome.API_KEY_EXPIRED,
    ),
    ("api_key=mock-valid-key&reference_number=255303287", Outcome.OK),
]


@pytest.mark.parametrize(("query", "outcome"), ORDER)
def test_first_failing_check_wins(query: str, outcome: Outcome) -> None:
    assert decide(query).outcome is outcome


def test_header_beats_every_check() -> None:
    decision = decide("api_key=nobody", forced="NO_EVENTS")

    assert decision.outcome is Outcome.NO_EVENTS
    assert decision.forced


def test_rate_limit_before_quota() -> None:
    scenarios = load_scenarios()
    clock = MockClock(frozen_at=INSTANT)
    selector = Selector(
        scenarios.carriers, scenarios.magic, scenarios.keys, MemoryStore(), clock
    )
    request = TrackingRequest(b"api_key=mock-throttled-key&reference_number=1")

    outcomes = [asyncio.run(selector.decide(request)).outcome for _ in range(4)]

    assert outcomes == [
        Outcome.AUTO_CANT_DETECT_CARRIER,
        Outcome.AUTO_CANT_DETECT_CARRIER,
        Outcome.AUTO_CANT_DETECT_CARRIER,
        Outcome.API_KEY_RATE_LIMIT_EXCEEDED,
    ]


def test_head_request_counts_nothing() -> None:
    scenarios = load_scenarios()
    store = MemoryStore()
    selector = Selector(
        scenarios.carriers,
        scenarios.magic,
        scenarios.keys,
        store,
        MockClock(frozen_at=INSTANT),
    )
    request = TrackingRequest(b"api_key=mock-throttled-key&reference_number=1")

    for _ in range(5):
        assert (
            asyncio.run(selector.decide(request, count=False)).usage.rate_remaining == 3
        )
