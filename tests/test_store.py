"""The in-memory counter store: fixed rate windows and monthly quotas."""

import asyncio
from datetime import UTC, datetime

from mockserver.keys import KeyPolicy
from mockserver.outcomes import Outcome
from mockserver.store import (
    MemoryStore,
    billing_period,
    seconds_until_period_end,
    seconds_until_window_end,
)

START = datetime(2026, 3, 2, 9, 30, 15, tzinfo=UTC).timestamp()
POLICY = KeyPolicy(key="k", quota=5, rate_limit=3, rate_window_seconds=60)


def admit(store: MemoryStore, now: float, billable: bool = True):
    return asyncio.run(store.admit(POLICY, now, billable))


def test_rate_limit_admits_exactly_limit() -> None:
    store = MemoryStore()

    results = [admit(store, START + i) for i in range(4)]

    assert [r.rejected_by for r in results] == [
        None,
        None,
        None,
        Outcome.API_KEY_RATE_LIMIT_EXCEEDED,
    ]
    assert [r.usage.rate_remaining for r in results] == [2, 1, 0, 0]


def test_rate_window_recovers_at_boundary() -> None:
    store = MemoryStore()
    for offset in range(3):
        admit(store, START + offset)

    before = admit(store, START + 44.9)
    after = admit(store, START + 45)

    assert before.rejected_by is Outcome.API_KEY_RATE_LIMIT_EXCEEDED
    assert before.usage.rate_reset_seconds == 1
    assert after.rejected_by is None
    assert after.usage.rate_remaining == 2
    assert after.usage.rate_reset_seconds == 60


def test_quota_counts_only_billable() -> None:
    store = MemoryStore()
    policy = KeyPolicy(key="q", quota=2, rate_limit=100)

    results = [
        asyncio.run(store.admit(policy, START, billable))
        for billable in (False, True, False, True, True, False)
    ]

    assert [r.usage.quota_used for r in results] == [0, 1, 1, 2, 2, 2]
    assert [r.rejected_by for r in results][-2:] == [
        Outcome.API_KEY_QUOTA_EXCEEDED,
        Outcome.API_KEY_QUOTA_EXCEEDED,
    ]


def test_quota_resets_next_month() -> None:
    store = MemoryStore()
    policy = KeyPolicy(key="q", quota=1, used=1, rate_limit=100)
    april = datetime(2026, 4, 1, tzinfo=UTC).timestamp()

    march = asyncio.run(store.admit(policy, START, True))
    next_period = asyncio.run(store.admit(policy, april, True))

    assert march.rejected_by is Outcome.API_KEY_QUOTA_EXCEEDED
    assert next_period.rejected_by is None
    assert next_period.usage.quota_used == 1


def test_reset_forgets_one_key() -> None:
    store = MemoryStore()
    admit(store, START)
    asyncio.run(store.reset("k"))

    assert asyncio.run(store.peek(POLICY, START)).rate_remaining == 3


def test_window_and_period_arithmetic() -> None:
    assert seconds_until_window_end(120.0, 60) == 60
    assert seconds_until_window_end(120.2, 60) == 60
    assert seconds_until_window_end(179.5, 60) == 1
    assert billing_period(datetime(2026, 12, 31, tzinfo=UTC).timestamp()) + 1 == (
        billing_period(datetime(2027, 1, 1, tzinfo=UTC).timestamp())
    )
    assert (
        seconds_until_period_end(
            datetime(2026, 2, 28, 23, 59, 59, tzinfo=UTC).timestamp()
        )
        == 1
    )
