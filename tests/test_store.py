"""The counter stores: fixed rate windows and monthly quotas, in memory and Redis.

Every behaviour test runs against both stores; the Redis one talks to a
real `redis-server` started for the session.
"""

import asyncio
import logging
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import uuid4

import pytest
import redis

from mockserver.keys import KeyPolicy
from mockserver.outcomes import Outcome
from mockserver.redis_store import (
    PERIOD_GRACE_SECONDS,
    RATE_GRACE_SECONDS,
    RedisStore,
    check_connection,
    redact_url,
)
from mockserver.store import (
    Admission,
    CounterStore,
    MemoryStore,
    StoreUnavailable,
    Usage,
    billing_period,
    seconds_until_period_end,
    seconds_until_window_end,
)
from tests.servers import free_port

START = datetime(2026, 3, 2, 9, 30, 15, tzinfo=UTC).timestamp()
APRIL = datetime(2026, 4, 1, tzinfo=UTC).timestamp()
POLICY = KeyPolicy(key="k", quota=5, rate_limit=3, rate_window_seconds=60)
THROTTLED = Outcome.API_KEY_RATE_LIMIT_EXCEEDED
EXHAUSTED = Outcome.API_KEY_QUOTA_EXCEEDED


@dataclass
class StoreHarness:
    """A store and the one event loop that all its calls in a test run on."""

    store: CounterStore
    runner: asyncio.Runner

    def admit(self, policy: KeyPolicy, now: float, billable: bool = True) -> Admission:
        return self.runner.run(self.store.admit(policy, now, billable))

    def peek(self, policy: KeyPolicy, now: float) -> Usage:
        return self.runner.run(self.store.peek(policy, now))

    def reset(self, key: str | None = None) -> None:
        self.runner.run(self.store.reset(key))


def open_redis_store(url: str) -> RedisStore:
    """Return a Redis store with a prefix no other test uses."""
    return RedisStore(url, prefix=f"test-{uuid4().hex}:")


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def store(request: pytest.FixtureRequest) -> Iterator[StoreHarness]:
    with asyncio.Runner() as runner:
        if request.param == "memory":
            backend: CounterStore = MemoryStore()
        else:
            backend = open_redis_store(request.getfixturevalue("redis_url"))
        yield StoreHarness(backend, runner)
        runner.run(backend.reset())
        runner.run(backend.close())


# Both stores


def test_rate_limit_admits_exactly_limit(store: StoreHarness) -> None:
    results = [store.admit(POLICY, START + i) for i in range(4)]

    assert [r.rejected_by for r in results] == [None, None, None, THROTTLED]
    assert [r.usage.rate_remaining for r in results] == [2, 1, 0, 0]
    assert [r.usage.rate_reset_seconds for r in results] == [45, 44, 43, 42]
    assert [r.usage.quota_used for r in results] == [1, 2, 3, 3]


def test_rate_window_recovers_at_boundary(store: StoreHarness) -> None:
    for offset in range(3):
        store.admit(POLICY, START + offset)

    before = store.admit(POLICY, START + 44.9)
    after = store.admit(POLICY, START + 45)

    assert before.rejected_by is THROTTLED
    assert before.usage.rate_reset_seconds == 1
    assert after.rejected_by is None
    assert after.usage.rate_remaining == 2
    assert after.usage.rate_reset_seconds == 60


def test_rate_rejection_not_counted(store: StoreHarness) -> None:
    for _ in range(10):
        store.admit(POLICY, START)

    usage = store.peek(POLICY, START)

    assert usage.rate_remaining == 0
    assert usage.quota_used == 3


def test_quota_counts_only_billable(store: StoreHarness) -> None:
    policy = KeyPolicy(key="q", quota=2, rate_limit=100)

    results = [
        store.admit(policy, START, billable)
        for billable in (False, True, False, True, True, False)
    ]

    assert [r.usage.quota_used for r in results] == [0, 1, 1, 2, 2, 2]
    assert [r.rejected_by for r in results] == [None] * 4 + [EXHAUSTED] * 2
    assert [r.usage.rate_remaining for r in results] == [99, 98, 97, 96, 95, 94]


def test_quota_rejection_counts_rate(store: StoreHarness) -> None:
    policy = KeyPolicy(key="q", quota=0, rate_limit=2)

    results = [store.admit(policy, START) for _ in range(3)]

    assert [r.rejected_by for r in results] == [EXHAUSTED, EXHAUSTED, THROTTLED]


def test_quota_resets_next_month(store: StoreHarness) -> None:
    policy = KeyPolicy(key="q", quota=1, used=1, rate_limit=100)

    march = store.admit(policy, START)
    april = store.admit(policy, APRIL)

    assert march.rejected_by is EXHAUSTED
    assert march.usage.quota_reset_seconds == APRIL - START
    assert april.rejected_by is None
    assert april.usage.quota_used == 1


def test_configured_used_starts_first_period(store: StoreHarness) -> None:
    policy = KeyPolicy(key="q", quota=10, used=4, rate_limit=100)

    store.peek(policy, START)
    first = store.admit(policy, APRIL)
    second = store.admit(policy, APRIL + 1)

    assert first.usage.quota_used == 5
    assert second.usage.quota_used == 6


def test_peek_counts_nothing(store: StoreHarness) -> None:
    store.admit(POLICY, START)

    peeks = [store.peek(POLICY, START) for _ in range(5)]

    assert {p.rate_remaining for p in peeks} == {2}
    assert {p.quota_used for p in peeks} == {1}


def test_peek_of_new_key(store: StoreHarness) -> None:
    policy = KeyPolicy(key="fresh", quota=9, used=2, rate_limit=4)

    usage = store.peek(policy, START)

    assert usage == Usage(
        rate_limit=4,
        rate_remaining=4,
        rate_reset_seconds=45,
        quota_total=9,
        quota_used=2,
        quota_reset_seconds=int(APRIL - START),
    )


def test_keys_count_separately(store: StoreHarness) -> None:
    other = KeyPolicy(key="k2", quota=5, rate_limit=3, rate_window_seconds=60)
    for _ in range(3):
        store.admit(POLICY, START)

    assert store.admit(other, START).rejected_by is None
    assert store.admit(POLICY, START).rejected_by is THROTTLED


def test_reset_forgets_one_key(store: StoreHarness) -> None:
    other = KeyPolicy(key="k2", quota=5, rate_limit=3, rate_window_seconds=60)
    store.admit(POLICY, START)
    store.admit(other, START)

    store.reset("k")

    assert store.peek(POLICY, START).rate_remaining == 3
    assert store.peek(other, START).rate_remaining == 2


def test_reset_forgets_every_key(store: StoreHarness) -> None:
    other = KeyPolicy(key="k2", quota=5, rate_limit=3, rate_window_seconds=60)
    store.admit(POLICY, START)
    store.admit(other, START)

    store.reset()

    assert store.peek(POLICY, START).quota_used == 0
    assert store.peek(other, START).quota_used == 0


def test_concurrent_admits_exact(store: StoreHarness) -> None:
    policy = KeyPolicy(key="burst", quota=30, rate_limit=50)

    async def burst() -> list[Admission]:
        calls = [store.store.admit(policy, START, True) for _ in range(80)]
        return await asyncio.gather(*calls)

    results = store.runner.run(burst())

    admitted = [r for r in results if r.rejected_by is None]
    assert len(admitted) == 30
    assert sorted(r.usage.quota_used for r in admitted) == list(range(1, 31))
    assert sum(r.rejected_by is EXHAUSTED for r in results) == 20
    assert sum(r.rejected_by is THROTTLED for r in results) == 30


def test_unknown_key_of_any_length(store: StoreHarness) -> None:
    policy = KeyPolicy(key="x" * 5000 + "\udcff", rate_limit=1, known=False)

    first = store.admit(policy, START)
    second = store.admit(policy, START)

    assert first.rejected_by is None
    assert second.rejected_by is THROTTLED


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


# The same random trace through both stores


def random_trace(seed: int, length: int) -> list[tuple[str, int, float, bool]]:
    """Return (operation, policy index, time step, billable) tuples."""
    generator = random.Random(seed)
    steps = [0.0] * 6 + [0.3, 1.0, 7.0, 29.0, 61.0, 86_400.0 * 9]
    operations = ["admit"] * 12 + ["peek"] * 2 + ["reset_key", "reset_all"]
    return [
        (
            generator.choice(operations),
            generator.randrange(3),
            generator.choice(steps),
            generator.random() < 0.7,
        )
        for _ in range(length)
    ]


TRACE_POLICIES = [
    KeyPolicy(key="a", quota=20, used=5, rate_limit=4, rate_window_seconds=30),
    KeyPolicy(key="b", quota=3, rate_limit=6, rate_window_seconds=3600),
    KeyPolicy(key="c", quota=50, rate_limit=2, rate_window_seconds=0.5, known=False),
]


def play(harness: StoreHarness, trace: list[tuple[str, int, float, bool]]) -> list:
    now = datetime(2026, 1, 30, 23, 58, tzinfo=UTC).timestamp()
    results: list = []
    for operation, index, step, billable in trace:
        now += step
        policy = TRACE_POLICIES[index]
        if operation == "admit":
            results.append(harness.admit(policy, now, billable))
        elif operation == "peek":
            results.append(harness.peek(policy, now))
        elif operation == "reset_key":
            harness.reset(policy.key)
        else:
            harness.reset()
    return results


@pytest.mark.redis
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_stores_agree_on_random_trace(redis_url: str, seed: int) -> None:
    trace = random_trace(seed, 400)

    with asyncio.Runner() as runner:
        memory = StoreHarness(MemoryStore(), runner)
        shared = StoreHarness(open_redis_store(redis_url), runner)
        expected = play(memory, trace)
        actual = play(shared, trace)
        runner.run(shared.store.reset())
        runner.run(shared.store.close())

    assert actual == expected


# The memory store's bound on unknown keys


def unknown(key: str) -> KeyPolicy:
    return KeyPolicy(key=key, quota=100, rate_limit=100, known=False)


def test_unknown_keys_bounded() -> None:
    store = MemoryStore(max_unknown_keys=10)

    for number in range(1000):
        store.admit_now(unknown(f"key-{number}"), START, True)

    assert store.unknown_key_count == 10
    assert store.forgotten_unknown_keys == 990


def test_least_recently_used_forgotten() -> None:
    store = MemoryStore(max_unknown_keys=2)
    store.admit_now(unknown("a"), START, True)
    store.admit_now(unknown("b"), START, True)
    store.admit_now(unknown("a"), START, True)

    store.admit_now(unknown("c"), START, True)

    assert store.admit_now(unknown("a"), START, True).usage.quota_used == 3
    assert store.admit_now(unknown("b"), START, True).usage.quota_used == 1


def test_known_keys_never_forgotten() -> None:
    store = MemoryStore(max_unknown_keys=1)
    known = KeyPolicy(key="registered", quota=100, rate_limit=100)
    store.admit_now(known, START, True)

    for number in range(50):
        store.admit_now(unknown(f"key-{number}"), START, True)

    assert store.admit_now(known, START, True).usage.quota_used == 2
    assert store.unknown_key_count == 1


def test_forgetting_logged_sparingly(caplog: pytest.LogCaptureFixture) -> None:
    store = MemoryStore(max_unknown_keys=1)

    with caplog.at_level(logging.WARNING, logger="mockserver.store"):
        for number in range(1001):
            store.admit_now(unknown(f"key-{number}"), START, True)

    assert store.forgotten_unknown_keys == 1000
    assert len(caplog.records) == 4
    assert "1000 forgotten so far" in caplog.records[-1].getMessage()


def test_cap_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        MemoryStore(max_unknown_keys=0)


# The Redis store's own behaviour


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.mark.redis
def test_redis_counters_expire(redis_url: str, redis_client: redis.Redis) -> None:
    redis_store = open_redis_store(redis_url)
    rate_name, quota_name = redis_store.counter_names("k")

    with asyncio.Runner() as runner:
        runner.run(redis_store.admit(POLICY, START, True))
        rate_ttl = redis_client.pttl(rate_name) / 1000
        quota_ttl = redis_client.pttl(quota_name) / 1000
        runner.run(redis_store.reset())
        runner.run(redis_store.close())

    # The expiry is set from the mock instant; a little real time has passed.
    assert 45 + RATE_GRACE_SECONDS - 5 < rate_ttl <= 45 + RATE_GRACE_SECONDS
    expected_quota_ttl = APRIL - START + PERIOD_GRACE_SECONDS
    assert expected_quota_ttl - 5 < quota_ttl <= expected_quota_ttl


@pytest.mark.redis
def test_redis_names_hide_api_key(redis_url: str, redis_client: redis.Redis) -> None:
    redis_store = open_redis_store(redis_url)
    secret = KeyPolicy(key="secret-api-key-123")

    with asyncio.Runner() as runner:
        runner.run(redis_store.admit(secret, START, True))
        names = [
            name.decode() for name in redis_client.scan_iter(redis_store.prefix + "*")
        ]
        runner.run(redis_store.reset())
        runner.run(redis_store.close())

    assert len(names) == 2
    assert not any("secret-api-key-123" in name for name in names)


@pytest.mark.redis
def test_redis_reset_keeps_other_prefixes(
    redis_url: str, redis_client: redis.Redis
) -> None:
    token = uuid4().hex
    # A prefix with glob characters must match only itself.
    mine = RedisStore(redis_url, prefix=f"t-{token}-[a]*:")
    neighbour = RedisStore(redis_url, prefix=f"t-{token}-a-:")
    redis_client.set(f"t-{token}-a-unrelated", "1")

    with asyncio.Runner() as runner:
        for number in range(600):
            runner.run(mine.admit(KeyPolicy(key=f"key-{number}"), START, True))
        runner.run(neighbour.admit(POLICY, START, True))
        runner.run(mine.reset())
        mine_left = list(redis_client.scan_iter(match=f"t-{token}-\\[a\\]\\*:*"))
        neighbour_usage = runner.run(neighbour.peek(POLICY, START))
        runner.run(neighbour.reset())
        runner.run(mine.close())
        runner.run(neighbour.close())

    assert mine_left == []
    assert neighbour_usage.quota_used == 1
    assert redis_client.get(f"t-{token}-a-unrelated") == b"1"
    redis_client.delete(f"t-{token}-a-unrelated")


@pytest.mark.redis
def test_redis_reloads_flushed_script(
    redis_url: str, redis_client: redis.Redis
) -> None:
    redis_store = open_redis_store(redis_url)

    with asyncio.Runner() as runner:
        first = runner.run(redis_store.admit(POLICY, START, True))
        redis_client.script_flush()
        second = runner.run(redis_store.admit(POLICY, START, True))
        runner.run(redis_store.reset())
        runner.run(redis_store.close())

    assert first.usage.quota_used == 1
    assert second.usage.quota_used == 2


def test_redis_prefix_required() -> None:
    with pytest.raises(ValueError, match="prefix"):
        RedisStore("redis://127.0.0.1:1/0", prefix="")


def test_unreachable_redis_named() -> None:
    url = f"redis://:s3cret@127.0.0.1:{free_port()}/0"

    with pytest.raises(StoreUnavailable) as caught:
        check_connection(url)

    message = str(caught.value)
    assert message.startswith("cannot reach Redis at redis://:***@127.0.0.1:")
    assert "s3cret" not in message
    assert message.endswith("Start the Redis server or correct --redis-url.")


def test_invalid_redis_url_named() -> None:
    with pytest.raises(StoreUnavailable, match="invalid Redis URL http://x:\\*\\*\\*@"):
        check_connection("http://x:pw@127.0.0.1/0")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
        ("redis://:pw@h:1/0", "redis://:***@h:1/0"),
        ("redis://user:pw@h:1/0", "redis://user:***@h:1/0"),
        ("redis://user@h:1/0", "redis://user@h:1/0"),
        ("rediss://u:p%40ss@h/2", "rediss://u:***@h/2"),
        ("unix:///run/r.sock?db=1&password=pw", "unix:///run/r.sock?db=1&password=***"),
    ],
)
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown
