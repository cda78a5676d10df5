"""Usage counters behind one interface: rate windows and billing-period quotas.

The rate limit uses fixed windows: window n covers
[n * W, (n + 1) * W) seconds of mock time, so the `X-RateLimit-Reset` header
is simply the time to the window's end. A client can therefore send up to
twice the limit across a window boundary, as with other fixed-window APIs.
The quota counts billable requests per calendar month in UTC.
"""

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from mockserver.keys import KeyPolicy
from mockserver.outcomes import Outcome


@dataclass(frozen=True, slots=True)
class Usage:
    """A key's counters after a request, in the units the headers use."""

    rate_limit: int
    rate_remaining: int
    rate_reset_seconds: int
    quota_total: int
    quota_used: int
    quota_reset_seconds: int

    @property
    def quota_remaining(self) -> int:
        """Billable requests left in the current billing period."""
        return max(self.quota_total - self.quota_used, 0)


@dataclass(frozen=True, slots=True)
class Admission:
    """The store's decision on one request: admitted, or which limit stopped it."""

    usage: Usage
    rejected_by: Outcome | None = None


class CounterStore(Protocol):
    """Where rate and quota counters live: this process, or a shared server."""

    async def admit(self, policy: KeyPolicy, now: float, billable: bool) -> Admission:
        """Count one request atomically and return whether it may proceed.

        A request over the rate limit is rejected and not counted. Otherwise it
        counts against the rate limit; one over quota is then rejected, and
        an admitted one is billed when `billable` is true.
        """
        ...

    async def peek(self, policy: KeyPolicy, now: float) -> Usage:
        """Return a key's counters without counting anything."""
        ...

    async def reset(self, key: str | None = None) -> None:
        """Forget the counters of one key, or of every key."""
        ...

    async def close(self) -> None:
        """Release connections, if the store holds any."""
        ...


def window_index(now: float, window_seconds: float) -> int:
    """Return the number of the fixed rate window that contains `now`."""
    return math.floor(now / window_seconds)


def seconds_until_window_end(now: float, window_seconds: float) -> int:
    """Return the whole seconds, rounded up, until the current window ends."""
    end = (window_index(now, window_seconds) + 1) * window_seconds
    return max(math.ceil(end - now), 1)


def billing_period(now: float) -> int:
    """Return the billing period of `now` as year * 12 + month - 1 (UTC)."""
    return _period_bounds(now)[0]


def seconds_until_period_end(now: float) -> int:
    """Return the whole seconds, rounded up, until the next billing period."""
    return max(math.ceil(_period_bounds(now)[2] - now), 1)


# The last billing period looked up: (period, start, end), in Unix seconds.
_last_period: tuple[int, float, float] = (0, 0.0, 0.0)


def _period_bounds(now: float) -> tuple[int, float, float]:
    """Return the billing period of `now` with its start and end.

    Every request needs them, and building datetimes for them each time
    cost about 2 us, so the last period is kept until `now` leaves it.
    """
    global _last_period
    bounds = _last_period
    if bounds[1] <= now < bounds[2]:
        return bounds
    moment = datetime.fromtimestamp(now, UTC)
    period = moment.year * 12 + moment.month - 1
    start = datetime(moment.year, moment.month, 1, tzinfo=UTC)
    following = period + 1
    end = datetime(following // 12, following % 12 + 1, 1, tzinfo=UTC)
    bounds = (period, start.timestamp(), end.timestamp())
    _last_period = bounds
    return bounds


@dataclass(slots=True)
class _KeyCounters:
    window: int
    window_count: int
    period: int
    used: int


class MemoryStore:
    """Counters in this process's memory, exact under concurrent requests.

    Every method runs without awaiting, so on one event loop each call is
    atomic with respect to the others.
    """

    def __init__(self) -> None:
        self._counters: dict[str, _KeyCounters] = {}

    def _current(self, policy: KeyPolicy, now: float) -> _KeyCounters:
        window = window_index(now, policy.rate_window_seconds)
        period = billing_period(now)
        counters = self._counters.get(policy.key)
        if counters is None:
            counters = _KeyCounters(window, 0, period, policy.used)
            self._counters[policy.key] = counters
            return counters
        if counters.window != window:
            counters.window = window
            counters.window_count = 0
        if counters.period != period:
            counters.period = period
            counters.used = 0
        return counters

    def _usage(self, policy: KeyPolicy, now: float, counters: _KeyCounters) -> Usage:
        return Usage(
            rate_limit=policy.rate_limit,
            rate_remaining=max(policy.rate_limit - counters.window_count, 0),
            rate_reset_seconds=seconds_until_window_end(
                now, policy.rate_window_seconds
            ),
            quota_total=policy.quota,
            quota_used=counters.used,
            quota_reset_seconds=seconds_until_period_end(now),
        )

    async def admit(self, policy: KeyPolicy, now: float, billable: bool) -> Admission:
        return self.admit_now(policy, now, billable)

    def admit_now(self, policy: KeyPolicy, now: float, billable: bool) -> Admission:
        """Do what `admit` does, without a coroutine, for synchronous callers."""
        counters = self._current(policy, now)
        if counters.window_count >= policy.rate_limit:
            return Admission(
                self._usage(policy, now, counters),
                Outcome.API_KEY_RATE_LIMIT_EXCEEDED,
            )
        counters.window_count += 1
        if counters.used >= policy.quota:
            return Admission(
                self._usage(policy, now, counters), Outcome.API_KEY_QUOTA_EXCEEDED
            )
        if billable:
            counters.used += 1
        return Admission(self._usage(policy, now, counters))

    async def peek(self, policy: KeyPolicy, now: float) -> Usage:
        return self._usage(policy, now, self._current(policy, now))

    async def reset(self, key: str | None = None) -> None:
        if key is None:
            self._counters.clear()
        else:
            self._counters.pop(key, None)

    async def close(self) -> None:
        return None
