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

Steps 5 to 7 depend only on the request, so they run first, and the store
then learns whether the outcome is billable. The result is the same as
running the steps in order.
"""

from dataclasses import dataclass

from mockserver.carriers import STATE_OUTCOMES, Carrier, CarrierRegistry
from mockserver.clock import MockClock
from mockserver.keys import KeyPolicy, KeyRegistry, check_key, mask_key, resolve_key
from mockserver.magic import MagicNumbers
from mockserver.outcomes import Outcome, OutcomeError, parse_outcome
from mockserver.query import QueryParameters, parse_query
from mockserver.references import (
    Reference,
    container_check_digit_hint,
    parse_reference,
    parse_reference_type,
)
from mockserver.store import Admission, CounterStore, Usage

AUTO_CARRIER = "AUTO"
MAX_FORCED_STATUS_LENGTH = 64


@dataclass(frozen=True, slots=True)
class TrackingRequest:
    """The parts of an HTTP request that the tracking endpoint reads."""

    query_string: bytes
    header_key: str | None = None
    forced_status: str | None = None


@dataclass(frozen=True, slots=True)
class Lookup:
    """A shipment lookup whose parameters and carrier were resolved."""

    reference: Reference
    carrier: Carrier
    carrier_detected: bool


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome that the request's parameters lead to, before key checks."""

    outcome: Outcome
    reason: str
    lookup: Lookup | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """The chosen outcome with everything needed to render the response."""

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

    async def decide(self, request: TrackingRequest, count: bool = True) -> Decision:
        """Return the outcome of `request`.

        With `count` false (for HEAD requests) the limits are checked but
        nothing is counted or billed.
        """
        if request.forced_status is not None:
            return await self._forced(request)
        try:
            query = parse_query(request.query_string)
            key = resolve_key(query.get("api_key"), request.header_key)
            policy = check_key(self.keys.lookup(key), key, self.clock.now())
        except OutcomeError as error:
            return Decision(error.outcome, error.reason)

        verdict = evaluate_parameters(query, self.carriers, self.magic)
        now = self.clock.time()
        if count:
            billable = verdict.outcome.success
            admission = await self.store.admit(policy, now, billable=billable)
        else:
            admission = admission_without_counting(await self.store.peek(policy, now))
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
        try:
            query = parse_query(request.query_string)
            lookup = evaluate_parameters(query, self.carriers, self.magic).lookup
            key = resolve_key(query.get("api_key"), request.header_key)
            policy = self.keys.lookup(key)
            if policy is not None:
                usage = await self.store.peek(policy, self.clock.time())
        except OutcomeError:
            pass
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


def evaluate_parameters(
    query: QueryParameters, carriers: CarrierRegistry, magic: MagicNumbers
) -> Verdict:
    """Run the parameter, carrier and reference checks (steps 5 to 7)."""
    try:
        reference = _check_parameters(query)
        lookup = _resolve_carrier(reference, query.get("carrier_code"), carriers)
    except OutcomeError as error:
        return Verdict(error.outcome, error.reason)

    family = magic.match(reference.number)
    if family is not None:
        return Verdict(
            family.outcome,
            f"magic number family {family.prefix} for {family.outcome.name}",
            lookup,
        )
    return Verdict(Outcome.OK, lookup_reason(lookup), lookup)


def lookup_reason(lookup: Lookup) -> str:
    """Describe an ordinary successful lookup for `X-Mock-Reason`."""
    source = "detected" if lookup.carrier_detected else "given"
    return (
        f"{lookup.reference.type.value} {lookup.reference.number} tracked with "
        f"{source} carrier {lookup.carrier.code}"
    )


def _check_parameters(query: QueryParameters) -> Reference:
    for name in sorted(query.undecodable):
        outcome = (
            Outcome.WRONG_REFERENCE_NUMBER
            if name == "reference_number"
            else Outcome.WRONG_PARAMETERS
        )
        raise OutcomeError(outcome, f"parameter {name} is not valid UTF-8")

    raw_reference = query.get("reference_number")
    if raw_reference is None or not raw_reference.strip():
        raise OutcomeError(Outcome.WRONG_PARAMETERS, "reference number is missing")
    given_type = parse_reference_type(query.get("reference_type"))
    reference = parse_reference(raw_reference, given_type)

    carrier_code = query.get("carrier_code")
    if carrier_code is not None:
        code = carrier_code.strip().upper()
        # Checked before upper-casing too, because str.upper() turns some
        # non-ASCII letters into ASCII ones (U+017F, long s, becomes "S").
        shaped = carrier_code.isascii() and _is_scac_shaped(code)
        if code and code != AUTO_CARRIER and not shaped:
            raise OutcomeError(
                Outcome.WRONG_CARRIER_CODE,
                f"carrier_code {carrier_code[:20]!r} is not 2 to 4 letters",
            )
    return reference


def _is_scac_shaped(code: str) -> bool:
    return 2 <= len(code) <= 4 and code.isascii() and code.isalpha()


def _resolve_carrier(
    reference: Reference, raw_code: str | None, carriers: CarrierRegistry
) -> Lookup:
    code = (raw_code or "").strip().upper()
    if code and code != AUTO_CARRIER:
        carrier = carriers.get(code)
        if carrier is None:
            raise OutcomeError(
                Outcome.WRONG_CARRIER_CODE,
                f"carrier_code {code} is not a known carrier",
            )
        detected = False
    else:
        detection = carriers.detect(reference)
        if detection.carrier is None:
            reason = detection.reason
            hint = container_check_digit_hint(reference.number)
            if hint is not None:
                reason += f"; {hint}"
            raise OutcomeError(Outcome.AUTO_CANT_DETECT_CARRIER, reason)
        carrier = detection.carrier
        detected = True

    state_outcome = STATE_OUTCOMES.get(carrier.state)
    if state_outcome is not None:
        raise OutcomeError(
            state_outcome, f"carrier {carrier.code} is in state {carrier.state.value}"
        )
    if reference.type not in carrier.reference_types:
        raise OutcomeError(
            Outcome.CARRIER_NOT_SUPPORT_REF_TYPE,
            f"carrier {carrier.code} does not track by {reference.type.value}",
        )
    return Lookup(reference, carrier, detected)


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
