"""API keys: their policies, the registry, and the checks made on each request."""

from dataclasses import dataclass, field
from datetime import datetime

from mockserver.outcomes import Outcome, OutcomeError

# A shorter window numbers windows past what float arithmetic can represent,
# and a millisecond is already far below any real API's window.
MIN_RATE_WINDOW_SECONDS = 0.001


@dataclass(frozen=True, slots=True)
class KeyPolicy:
    """The policy of one API key: its quota, rate limit, expiry and access."""

    key: str
    description: str = ""
    quota: int = 1_000_000
    used: int = 0
    rate_limit: int = 600
    rate_window_seconds: float = 60.0
    expires_at: datetime | None = None
    tracking_access: bool = True
    # False for an unknown key let in by accept-any-key mode: the memory
    # store may forget such a key's counters, but never a known key's.
    known: bool = True


@dataclass(slots=True)
class KeyRegistry:
    """Known keys, and the policy given to any key when all keys are accepted.

    `default_policy` supplies the quota and rate limit of unknown keys in
    accept-any-key mode, and the counters shown on a 429 that no key backs.
    Keys can be added or removed at run time; `reset()` restores the loaded set.
    """

    keys: dict[str, KeyPolicy]
    accept_any_key: bool = False
    default_policy: KeyPolicy = field(default_factory=lambda: KeyPolicy(key=""))
    _loaded: dict[str, KeyPolicy] = field(init=False)

    def __post_init__(self) -> None:
        self._loaded = dict(self.keys)

    def lookup(self, key: str) -> KeyPolicy | None:
        """Return the policy of `key`, or None when the key is unknown."""
        policy = self.keys.get(key)
        if policy is None and self.accept_any_key and key:
            return KeyPolicy(
                key=key,
                description="accepted because the server accepts any key",
                quota=self.default_policy.quota,
                rate_limit=self.default_policy.rate_limit,
                rate_window_seconds=self.default_policy.rate_window_seconds,
                known=False,
            )
        return policy

    def put(self, policy: KeyPolicy) -> None:
        """Add a key or replace its policy."""
        self.keys[policy.key] = policy

    def remove(self, key: str) -> bool:
        """Remove a key; returns whether it existed."""
        return self.keys.pop(key, None) is not None

    def reset(self) -> None:
        """Restore the keys the server was loaded with."""
        self.keys = dict(self._loaded)


def resolve_key(query_key: str | None, header_key: str | None) -> str:
    """Pick the API key from the query parameter and the `X-API-Key` header.

    Raises OutcomeError with INVALID_API_KEY when neither carries a key or
    when both carry different keys, since guessing could bill the wrong one.
    """
    query_key = query_key.strip() if query_key is not None else ""
    header_key = header_key.strip() if header_key is not None else ""
    if query_key and header_key and query_key != header_key:
        raise OutcomeError(
            Outcome.INVALID_API_KEY,
            "api_key parameter and X-API-Key header carry different keys",
        )
    key = query_key or header_key
    if not key:
        raise OutcomeError(Outcome.INVALID_API_KEY, "API key is missing")
    return key


def check_key(policy: KeyPolicy | None, key: str, now: float) -> KeyPolicy:
    """Check that a key exists, has not expired and may track shipments.

    `now` is the mock time in seconds since the Unix epoch. Returns the
    policy, or raises OutcomeError with the first failing check.
    """
    if policy is None:
        raise OutcomeError(
            Outcome.INVALID_API_KEY, f"API key {mask_key(key)} is not known"
        )
    if policy.expires_at is not None and now >= policy.expires_at.timestamp():
        expiry = policy.expires_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        raise OutcomeError(Outcome.API_KEY_EXPIRED, f"key expired at {expiry}")
    if not policy.tracking_access:
        raise OutcomeError(
            Outcome.API_KEY_ACCESS_DENIED, "key has no access to the tracking product"
        )
    return policy


def mask_key(key: str) -> str:
    """Return a form of `key` that is safe to log: a few characters only."""
    if len(key) <= 8:
        return "*" * len(key)
    return f"{key[:4]}...{key[-3:]}"
