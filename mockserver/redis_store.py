"""Counters in a Redis server, so that several worker processes share them.

Each request runs one Lua script (EVALSHA, loaded again when the server
lost it), so counting is atomic across processes. The script follows the
rules in `mockserver.store` and reads no time from Redis: every instant
comes from the mock clock of the calling process. Processes that share a
Redis server therefore agree only while their clocks agree, for example
all frozen at the same `--frozen-at` instant.

Each API key has two hashes, named by the key's digest under the prefix:
`<prefix>rate:<digest>` contains the window number and its count, and
`<prefix>quota:<digest>` contains the billing period and the calls billed.
"""

import logging
import math
from urllib.parse import parse_qsl, urlencode, urlsplit

import redis
import redis.asyncio
import redis.asyncio.retry
import redis.retry
from redis.backoff import NoBackoff

from mockserver.keys import KeyPolicy
from mockserver.outcomes import Outcome
from mockserver.store import (
    Admission,
    StoreUnavailable,
    Usage,
    billing_period,
    key_digest,
    period_end,
    usage_of,
    window_end,
    window_index,
)

DEFAULT_PREFIX = "qubictron-mock:"
CONNECT_TIMEOUT_SECONDS = 5.0
COMMAND_TIMEOUT_SECONDS = 5.0
MAX_CONNECTIONS = 64
# How long a request waits for a free connection when all are busy.
POOL_TIMEOUT_SECONDS = 10.0
# Expiry is in real seconds while windows are in mock seconds, so a frozen
# clock's window must outlive its real-time end: it gets ten idle minutes.
RATE_GRACE_SECONDS = 600.0
# A quota hash outlives its period by 31 days, so that a key idle over a
# month boundary still starts the new period at 0 rather than at `used`.
# NOTE: unlike MemoryStore, this store does not bound unknown keys: their
# hashes stay until they expire, so Redis needs its own maxmemory.
PERIOD_GRACE_SECONDS = 31 * 86_400.0

_VERDICTS = {
    0: None,
    1: Outcome.API_KEY_RATE_LIMIT_EXCEEDED,
    2: Outcome.API_KEY_QUOTA_EXCEEDED,
}

# KEYS: rate hash, quota hash.
# ARGV: window, period, rate limit, quota, configured used, billable (0/1),
#       count the request (0/1), rate hash expiry (ms), quota hash expiry (ms).
# Returns {verdict, window count, used}; verdict 0 admitted, 1 over the rate
# limit, 2 over the quota. With ARGV[7] = 0 nothing is written.
ADMIT_SCRIPT = """
local window, period = ARGV[1], ARGV[2]
local rate_limit, quota = tonumber(ARGV[3]), tonumber(ARGV[4])

local rate = redis.call('HMGET', KEYS[1], 'window', 'count')
local count = 0
if rate[1] == window then count = tonumber(rate[2]) end

local billing = redis.call('HMGET', KEYS[2], 'period', 'used')
local used = 0
if not billing[1] then
    used = tonumber(ARGV[5])
elseif billing[1] == period then
    used = tonumber(billing[2])
end

if ARGV[7] ~= '1' then return {0, count, used} end
if count >= rate_limit then return {1, count, used} end

count = count + 1
redis.call('HSET', KEYS[1], 'window', window, 'count', count)
redis.call('PEXPIRE', KEYS[1], ARGV[8])
local verdict = 0
if used >= quota then
    verdict = 2
elseif ARGV[6] == '1' then
    used = used + 1
end
redis.call('HSET', KEYS[2], 'period', period, 'used', used)
redis.call('PEXPIRE', KEYS[2], ARGV[9])
return {verdict, count, used}
"""

logger = logging.getLogger(__name__)


def redact_url(url: str) -> str:
    """Return `url` with any password replaced by `***`, safe to log or show."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable Redis URL>"
    redacted = url
    userinfo, at, hostinfo = parts.netloc.rpartition("@")
    if at and ":" in userinfo:
        netloc = f"{userinfo.partition(':')[0]}:***@{hostinfo}"
        redacted = redacted.replace(parts.netloc, netloc, 1)
    if parts.query:
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        query = urlencode(
            [(name, "***" if name == "password" else value) for name, value in pairs],
            safe="*",
        )
        redacted = redacted.replace(f"?{parts.query}", f"?{query}", 1)
    return redacted


def check_connection(url: str) -> None:
    """Ping the Redis server at `url` once, so the server never starts without it.

    Raises StoreUnavailable with the URL (password hidden) and the cause.
    """
    redacted_url = redact_url(url)
    try:
        client = redis.Redis.from_url(
            url,
            socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
            socket_timeout=COMMAND_TIMEOUT_SECONDS,
            retry=redis.retry.Retry(NoBackoff(), 0),
        )
    except ValueError as error:
        raise StoreUnavailable(
            f"invalid Redis URL {redacted_url}: {_hide_password(str(error), url)}"
        ) from None
    try:
        client.ping()
    except redis.RedisError as error:
        cause = _hide_password(str(error), url).rstrip(".")
        raise StoreUnavailable(
            f"cannot reach Redis at {redacted_url}: {cause}. "
            f"Start the Redis server or correct --redis-url."
        ) from None
    finally:
        client.close()


def _hide_password(text: str, url: str) -> str:
    try:
        password = urlsplit(url).password
    except ValueError:
        return text
    return text.replace(password, "***") if password else text


class RedisStore:
    """Counters in a Redis server, shared by every process that uses the prefix.

    The constructor does not connect; call `check_connection` first to fail
    early when Redis is unreachable.
    """

    def __init__(self, url: str, prefix: str = DEFAULT_PREFIX) -> None:
        if not prefix:
            raise ValueError("the Redis key prefix must not be empty")
        self.prefix = prefix
        # No retries: a retried script whose first reply was lost would
        # count the request twice.
        pool = redis.asyncio.BlockingConnectionPool.from_url(
            url,
            max_connections=MAX_CONNECTIONS,
            timeout=POOL_TIMEOUT_SECONDS,
            socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
            socket_timeout=COMMAND_TIMEOUT_SECONDS,
            retry=redis.asyncio.retry.Retry(NoBackoff(), 0),
        )
        self._client = redis.asyncio.Redis.from_pool(pool)
        self._admit_script = self._client.register_script(ADMIT_SCRIPT)

    def counter_names(self, key: str) -> tuple[str, str]:
        """Return the names of the rate hash and the quota hash of `key`."""
        digest = key_digest(key)
        return f"{self.prefix}rate:{digest}", f"{self.prefix}quota:{digest}"

    async def _run(
        self, policy: KeyPolicy, now: float, billable: bool, count: bool
    ) -> tuple[Outcome | None, Usage]:
        window_seconds = policy.rate_window_seconds
        rate_expiry = window_end(now, window_seconds) - now + RATE_GRACE_SECONDS
        quota_expiry = period_end(now) - now + PERIOD_GRACE_SECONDS
        reply = await self._admit_script(
            keys=self.counter_names(policy.key),
            args=[
                window_index(now, window_seconds),
                billing_period(now),
                policy.rate_limit,
                policy.quota,
                policy.used,
                int(billable),
                int(count),
                math.ceil(rate_expiry * 1000),
                math.ceil(quota_expiry * 1000),
            ],
        )
        verdict, window_count, used = (int(value) for value in reply)
        return _VERDICTS[verdict], usage_of(policy, now, window_count, used)

    async def admit(self, policy: KeyPolicy, now: float, billable: bool) -> Admission:
        rejected_by, usage = await self._run(policy, now, billable, count=True)
        return Admission(usage, rejected_by)

    async def peek(self, policy: KeyPolicy, now: float) -> Usage:
        _, usage = await self._run(policy, now, billable=False, count=False)
        return usage

    async def reset(self, key: str | None = None) -> None:
        if key is not None:
            await self._client.unlink(*self.counter_names(key))
            return
        # SCAN rather than KEYS, which blocks Redis while it walks every key.
        pattern = _escape_glob(self.prefix) + "*"
        batch: list[bytes] = []
        async for name in self._client.scan_iter(match=pattern, count=500):
            batch.append(name)
            if len(batch) >= 500:
                await self._client.unlink(*batch)
                batch.clear()
        if batch:
            await self._client.unlink(*batch)

    async def ping(self) -> None:
        await self._client.ping()

    async def close(self) -> None:
        await self._client.aclose()


def _escape_glob(text: str) -> str:
    """Escape the characters that Redis MATCH patterns treat as wildcards."""
    return "".join(f"\\{char}" if char in "*?[]\\" else char for char in text)
