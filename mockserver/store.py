"""Usage counters behind one interface: rate windows and billing-period quotas.

The rate limit uses fixed windows: window n covers
[n * W, (n + 1) * W) seconds of mock time, so the `X-RateLimit-Reset` header
is simply the time to the window's end. A client can therefore send up to
twice the limit across a window boundary, as with other fixed-window APIs.
The quota counts billable requests per calendar month in UTC.

Every store follows the same rules, which `current_counters` states in
Python and the Redis store's Lua script repeats:

- A key's counters begin with its first counted request. That request's
  billing period starts at the key's configured `used`; later periods start
  at 0. Looking at a key (`peek`) or rejecting it for its rate limit does
  not begin its counters.
- A request over the rate limit is rejected and not counted.
- Any other request counts against the rate limit; one over quota is then
  rejected, and an admitted one is billed when it is billable.
"""

import hashlib
import logging
import math
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from mockserver.keys import KeyPolicy
from mockserver.outcomes import Outcome

DEFAULT_MAX_UNKNOWN_KEYS = 100_000

logger = logging.getLogger(__name__)


class StoreUnavailable(RuntimeError):
    """The counter store cannot be used; the message names it and the cause."""


@dataclass(slots=True)
class Usage:
    """A key's counters after a request, in the units the headers use.

    Built per request, so not frozen (see `mockserver.selection.Decision`).
    """

    rate_limit: int
    rate_remaining: int
    rate_reset_seconds: int
    quota_total: int
    quota_used: int
    quota_reset_seconds: int

    @property
    def quota_remaining(self) -> int:
        """Billable requests left in the current billing period."""
        remaining = self.quota_total - self.quota_used
        return remaining if remaining > 0 else 0


@dataclass(slots=True)
class Admission:
    """The store's decision on one request: admitted, or which limit stopped it.

    Built per request, so not frozen (see `mockserver.selection.Decision`).
    """

    usage: Usage
    rejected_by: Outcome | None = None


class CounterStore(Protocol):
    """The storage of rate and quota counters: this process, or a shared server."""

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

    async def ping(self) -> None:
        """Raise an exception when the counters cannot be reached."""
        ...

    async def close(self) -> None:
        """Release connections, if the store holds any."""
        ...


def window_index(now: float, window_seconds: float) -> int:
    """Return the number of the fixed rate window that contains `now`."""
    return math.floor(now / window_seconds)


def window_end(now: float, window_seconds: float) -> float:
    """Return the instant, in seconds since the epoch, when `now`'s window ends."""
    return (window_index(now, window_seconds) + 1) * window_seconds


def seconds_until_window_end(now: float, window_seconds: float) -> int:
    """Return the whole seconds, rounded up, until the current window ends."""
    seconds = math.ceil(window_end(now, window_seconds) - now)
    # A comparison, not max(seconds, 1), because on Python 3.11 the builtin
    # costs ten times the instructions (callgrind), and each request clamps
    # four numbers in this module.
    return seconds if seconds > 1 else 1


def billing_period(now: float) -> int:
    """Return the billing period of `now` as year * 12 + month - 1 (UTC)."""
    return _period_bounds(now)[0]


def period_end(now: float) -> float:
    """Return the instant, in seconds since the epoch, when `now`'s period ends."""
    return _period_bounds(now)[2]


def seconds_until_period_end(now: float) -> int:
    """Return the whole seconds, rounded up, until the next billing period."""
    seconds = math.ceil(_period_bounds(now)[2] - now)
    return seconds if seconds > 1 else 1


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


def key_digest(key: str) -> str:
    """Return a fixed-length digest of an API key, to name its counters by.

    Counters are named by digest so that an unknown key of any length costs
    the same memory, and so that no API key is stored in plain text.
    """
    # surrogatepass: a key decoded from undecodable bytes must not raise.
    data = key.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass(slots=True)
class Counters:
    """One key's counters: the rate window it counted in, and its billing period."""

    window: int
    window_count: int
    period: int
    used: int


def current_counters(
    stored: Counters | None, policy: KeyPolicy, now: float
) -> Counters:
    """Return the key's counters as they stand at `now`.

    While the window and billing period of `stored` last, that is `stored`
    itself, so a caller that changes the result changes the stored
    counters. Otherwise the counters are new: a key without counters starts
    at its configured `used`, and a new window or a new billing period
    starts from 0.
    """
    window = window_index(now, policy.rate_window_seconds)
    period = billing_period(now)
    if stored is None:
        return Counters(window, 0, period, policy.used)
    if stored.window == window and stored.period == period:
        # Most requests fall in the window of the request before them, and
        # new counters for each cost about 2,000 instructions on Python 3.11.
        return stored
    window_count = stored.window_count if stored.window == window else 0
    used = stored.used if stored.period == period else 0
    return Counters(window, window_count, period, used)


def usage_of(policy: KeyPolicy, now: float, window_count: int, used: int) -> Usage:
    """Return the counters of a key in the units the response headers use."""
    remaining = policy.rate_limit - window_count
    # Fields by position, because building Usage with keywords cost 5,100
    # instructions instead of 2,300 on Python 3.11 (callgrind).
    return Usage(
        policy.rate_limit,
        remaining if remaining > 0 else 0,
        seconds_until_window_end(now, policy.rate_window_seconds),
        policy.quota,
        used,
        seconds_until_period_end(now),
    )


class MemoryStore:
    """Counters in this process's memory, exact under concurrent requests.

    Every method runs without awaiting, so on one event loop each call is
    atomic with respect to the others.

    Known keys keep their counters for as long as the store lives. Unknown
    keys (accept-any-key mode) are bounded: at most `max_unknown_keys` of
    them keep counters, and beyond that the least recently used one is
    forgotten, so a client sending endless new keys cannot exhaust memory.
    A forgotten key starts again from zero when it returns.
    """

    def __init__(self, max_unknown_keys: int = DEFAULT_MAX_UNKNOWN_KEYS) -> None:
        if max_unknown_keys < 1:
            raise ValueError(f"max_unknown_keys must be at least 1: {max_unknown_keys}")
        self._known: dict[str, Counters] = {}
        self._unknown: OrderedDict[str, Counters] = OrderedDict()
        self._max_unknown_keys = max_unknown_keys
        self.forgotten_unknown_keys = 0
        self._next_report = 1

    @property
    def unknown_key_count(self) -> int:
        """Number of unknown keys whose counters are kept."""
        return len(self._unknown)

    def _stored(self, policy: KeyPolicy) -> Counters | None:
        if policy.known:
            return self._known.get(policy.key)
        digest = key_digest(policy.key)
        counters = self._unknown.get(digest)
        if counters is not None:
            self._unknown.move_to_end(digest)
        return counters

    def _save(self, policy: KeyPolicy, counters: Counters) -> None:
        if policy.known:
            self._known[policy.key] = counters
            return
        digest = key_digest(policy.key)
        self._unknown[digest] = counters
        self._unknown.move_to_end(digest)
        if len(self._unknown) > self._max_unknown_keys:
            self._unknown.popitem(last=False)
            self._log_forgotten_key()

    def _log_forgotten_key(self) -> None:
        self.forgotten_unknown_keys += 1
        # Log at 1, 10, 100, ... forgotten keys rather than on every request.
        if self.forgotten_unknown_keys < self._next_report:
            return
        self._next_report *= 10
        logger.warning(
            "more than %d unknown keys have counters; forgot the least "
            "recently used (%d forgotten so far)",
            self._max_unknown_keys,
            self.forgotten_unknown_keys,
        )

    async def admit(self, policy: KeyPolicy, now: float, billable: bool) -> Admission:
        return self.admit_now(policy, now, billable)

    def admit_now(self, policy: KeyPolicy, now: float, billable: bool) -> Admission:
        """Do what `admit` does, without a coroutine, for synchronous callers."""
        counters = current_counters(self._stored(policy), policy, now)
        if counters.window_count >= policy.rate_limit:
            usage = usage_of(policy, now, counters.window_count, counters.used)
            return Admission(usage, Outcome.API_KEY_RATE_LIMIT_EXCEEDED)

        counters.window_count += 1
        rejected_by = None
        if counters.used >= policy.quota:
            rejected_by = Outcome.API_KEY_QUOTA_EXCEEDED
        elif billable:
            counters.used += 1
        self._save(policy, counters)
        usage = usage_of(policy, now, counters.window_count, counters.used)
        return Admission(usage, rejected_by)

    async def peek(self, policy: KeyPolicy, now: float) -> Usage:
        counters = current_counters(self._stored(policy), policy, now)
        return usage_of(policy, now, counters.window_count, counters.used)

    async def reset(self, key: str | None = None) -> None:
        if key is None:
            self._known.clear()
            self._unknown.clear()
            return
        self._known.pop(key, None)
        self._unknown.pop(key_digest(key), None)

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        return None
