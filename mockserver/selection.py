"""Choose the outcome of one tracking request, in the documented order.

1. `X-Mock-Status` header: an unknown value gives WRONG_PARAMETERS; a known
   one is the outcome, and no counter is touched.
2. The query string can be read (length, percent-escapes, no repeats).
3. Key: present and known, not expired, allowed to track.
4. Rate limit, then quota, counted atomically by the store.
5. Parameters: reference number present and well formed, reference type,
   carrier code syntax.
6. Carrier: known, detected when not given, in a working state, tracking
   this reference type.
7. Reference: a magic number's outcome, or OK.

Steps 2 and 5 to 7 depend only on the query string and the carriers, so
they run first (and their result is kept per query string, see
`mockserver.verdicts`), and the store then learns whether the outcome is
billable. The result is the same as running the steps in order.
"""

from dataclasses import dataclass, field

from mockserver.carriers import CarrierRegistry
from mockserver.clock import MockClock
from mockserver.keys import KeyPolicy, KeyRegistry, check_key, mask_key, resolve_key
from mockserver.magic import MagicNumbers
from mockserver.outcomes import Outcome, OutcomeError, parse_outcome
from mockserver.store import Admission, CounterStore, MemoryStore, Usage
from mockserver.verdicts import Lookup, QueryChecks

MAX_FORCED_STATUS_LENGTH = 64


@dataclass(slots=True)
class TrackingRequest:
    """The parts of an HTTP request that the tracking endpoint reads.

    Built per request, so not frozen (see `Decision`).
    """

    query_string: bytes
    header_key: str | None = None
    forced_status: str | None = None


@dataclass(slots=True)
class Decision:
    """The chosen outcome with everything needed to render the response.

    Objects built for every request, such as this one, are not frozen: a
    frozen dataclass sets each field through `object.__setattr__`, and
    unfreezing seven of them saved 32,000 of 218,000 instructions per OK
    request (bench/instructions.py). They are not changed after creation.
    """

    outcome: Outcome
    reason: str
    lookup: Lookup | None = None
    policy: KeyPolicy | None = None
    usage: Usage | None = None
    forced: bool = False


@dataclass(slots=True)
class Selector:
    """Runs the ordered checks against the scenario data and the counters."""

    carriers: CarrierRegistry
    magic: MagicNumbers
    keys: KeyRegistry
    store: CounterStore
    clock: MockClock
    checks: QueryChecks = field(init=False)

    def __post_init__(self) -> None:
        self.checks = QueryChecks(self.carriers, self.magic)

    async def decide(self, request: TrackingRequest, count: bool = True) -> Decision:
        """Return the outcome of `request`.

        With `count` false (for HEAD requests) the limits are checked but
        nothing is counted or billed.
        """
        if request.forced_status is not None:
            return await self._forced(request)
        checked = self.checks.check(request.query_string)
        verdict = checked.verdict
        if not checked.readable:
            return Decision(verdict.outcome, verdict.reason)
        try:
            key = resolve_key(checked.api_key, request.header_key)
            now = self.clock.time()
            policy = check_key(self.keys.lookup(key), key, now)
        except OutcomeError as error:
            return Decision(error.outcome, error.reason)

        store = self.store
        billable = verdict.outcome.success
        if not count:
            admission = admission_without_counting(await store.peek(policy, now))
        elif type(store) is MemoryStore:
            # The memory store counts without waiting, so `admit_now`, which
            # does the same without a coroutine, spares one per request.
            # Only the class itself takes this path, because a subclass may
            # override `admit`.
            admission = store.admit_now(policy, now, billable)
        else:
            admission = await store.admit(policy, now, billable)

        if admission.rejected_by is not None:
            return Decision(
                admission.rejected_by,
                _limit_reason(admission.rejected_by, policy, admission.usage),
                verdict.lookup,
                policy,
                admission.usage,
            )
        return Decision(
            verdict.outcome, verdict.reason, verdict.lookup, policy, admission.usage
        )

    async def _forced(self, request: TrackingRequest) -> Decision:
        header = request.forced_status or ""
        outcome = parse_outcome(header[:MAX_FORCED_STATUS_LENGTH])
        if outcome is None or len(header) > MAX_FORCED_STATUS_LENGTH:
            valid = ", ".join(Outcome.__members__)
            return Decision(
                Outcome.WRONG_PARAMETERS,
                f"X-Mock-Status {header[:MAX_FORCED_STATUS_LENGTH]!r} is not an "
                f"outcome; use one of {valid}",
            )
        # The key and parameters are read only to fill the data of a forced
        # success; failures there do not change the forced outcome.
        lookup: Lookup | None = None
        policy: KeyPolicy | None = None
        usage: Usage | None = None
        checked = self.checks.check(request.query_string)
        if checked.readable:
            lookup = checked.verdict.lookup
            try:
                key = resolve_key(checked.api_key, request.header_key)
            except OutcomeError:
                key = ""
            policy = self.keys.lookup(key) if key else None
            if policy is not None:
                usage = await self.store.peek(policy, self.clock.time())
        return Decision(
            outcome, "forced by X-Mock-Status", lookup, policy, usage, forced=True
        )


def admission_without_counting(usage: Usage) -> Admission:
    """Return what `admit` would decide for `usage`, without counting."""
    if usage.rate_remaining <= 0:
        return Admission(usage, Outcome.API_KEY_RATE_LIMIT_EXCEEDED)
    if usage.quota_used >= usage.quota_total:
        return Admission(usage, Outcome.API_KEY_QUOTA_EXCEEDED)
    return Admission(usage)


def _limit_reason(outcome: Outcome, policy: KeyPolicy, usage: Usage) -> str:
    if outcome is Outcome.API_KEY_RATE_LIMIT_EXCEEDED:
        return (
            f"key {mask_key(policy.key)} used its {policy.rate_limit} requests per "
            f"{policy.rate_window_seconds:g} s; the window resets in "
            f"{usage.rate_reset_seconds} s"
        )
    return (
        f"key {mask_key(policy.key)} used its quota of {policy.quota} requests "
        f"for this billing period"
    )
