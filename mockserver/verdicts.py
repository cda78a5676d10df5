"""The verdict of a request's parameters (steps 5 to 7 of outcome selection).

The parameter, carrier and reference checks read only the query string,
the carrier registry and the magic numbers. Test loops and load tests send
the same query string again and again, so `QueryChecks` keeps the result
for recent query strings.
"""

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from mockserver.carriers import STATE_OUTCOMES, Carrier, CarrierRegistry
from mockserver.magic import MagicNumbers
from mockserver.outcomes import Outcome, OutcomeError
from mockserver.query import QueryParameters, parse_query, read_plain_container_query
from mockserver.references import (
    Reference,
    ReferenceType,
    container_check_digit_hint,
    parse_reference,
    parse_reference_type,
)

AUTO_CARRIER = "AUTO"
# Query strings whose checks are kept: enough for a test run that spreads
# one reference over 10,000 keys. An entry takes its query string (at most
# MAX_QUERY_BYTES), its key and its verdict when no other entry shares it:
# filled with distinct references, 12,288 entries took resident memory from
# 69 to 77 MB (`bench/run.py --scaling`), about 700 bytes each.
DEFAULT_MAX_CHECKED_QUERIES = 12_288
# Verdicts kept by the parameters that decide them.
DEFAULT_MAX_VERDICTS = 1024
# The parameters that steps 5 to 7 read: reference number, reference type,
# carrier code, and the names of the parameters that were not UTF-8.
VerdictKey = tuple[str | None, str | None, str | None, frozenset[str]]
_NO_NAMES: frozenset[str] = frozenset()


@dataclass(slots=True)
class Lookup:
    """A shipment lookup whose parameters and carrier were resolved.

    Not frozen, like the other values built for every new query string
    (see Reference). Nothing changes one once built.
    """

    reference: Reference
    carrier: Carrier
    carrier_detected: bool


@dataclass(slots=True)
class Verdict:
    """The outcome that the request's parameters lead to, before key checks.

    Not frozen, like Lookup. Kept verdicts are shared between requests, so
    nothing changes one once built.
    """

    outcome: Outcome
    reason: str
    lookup: Lookup | None = None


def evaluate_parameters(
    query: QueryParameters, carriers: CarrierRegistry, magic: MagicNumbers
) -> Verdict:
    """Run the parameter, carrier and reference checks (steps 5 to 7)."""
    try:
        reference = _check_parameters(query)
    except OutcomeError as error:
        return Verdict(error.outcome, error.reason)
    return evaluate_reference(reference, query.get("carrier_code"), carriers, magic)


def evaluate_reference(
    reference: Reference,
    carrier_code: str | None,
    carriers: CarrierRegistry,
    magic: MagicNumbers,
) -> Verdict:
    """Run the carrier and reference checks (steps 6 and 7) of a parsed reference."""
    try:
        lookup = _resolve_carrier(reference, carrier_code, carriers)
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
        f"{lookup.reference.type} {lookup.reference.number} tracked with "
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


@dataclass(slots=True)
class CheckedQuery:
    """A query string read and checked.

    `readable` is false when the query string itself could not be read
    (step 2), and `verdict` is then that failure, which comes before the key
    checks. Otherwise `verdict` is the result of steps 5 to 7, and `api_key`
    the value of the `api_key` parameter, if it has one. Only these are
    kept, the one parameter that the later steps read, so that many kept
    query strings take little memory. Not frozen, like Lookup.
    """

    readable: bool
    verdict: Verdict
    api_key: str | None = None


class QueryChecks:
    """The reading and parameter checks of query strings, kept for recent ones.

    Two bounded stores keep results, each dropping its oldest entry first:
    the checks by raw query string (at most `max_queries`), and the
    verdicts by the parameters that decide them (at most `max_verdicts`).
    So requests that differ only in their key, such as one reference
    tracked with many keys, share the parameter checks. A change
    of carrier state (the registry's `version`) drops everything kept.
    """

    def __init__(
        self,
        carriers: CarrierRegistry,
        magic: MagicNumbers,
        max_queries: int = DEFAULT_MAX_CHECKED_QUERIES,
        max_verdicts: int = DEFAULT_MAX_VERDICTS,
    ) -> None:
        self._carriers = carriers
        self._magic = magic
        self._max_queries = max_queries
        self._max_verdicts = max_verdicts
        self._version = carriers.version
        self._checked: OrderedDict[bytes, CheckedQuery] = OrderedDict()
        self._verdicts: OrderedDict[VerdictKey, Verdict] = OrderedDict()

    def check(self, query_string: bytes) -> CheckedQuery:
        """Return the checks of a raw query string, running them if not kept."""
        if self._carriers.version != self._version:
            self._checked.clear()
            self._verdicts.clear()
            self._version = self._carriers.version
        checked = self._checked.get(query_string)
        if checked is None:
            checked = self._check_anew(query_string)
            _remember(self._checked, query_string, checked, self._max_queries)
        return checked

    def _check_anew(self, query_string: bytes) -> CheckedQuery:
        plain = read_plain_container_query(query_string)
        if plain is not None:
            return self._check_plain(*plain)
        try:
            parameters = parse_query(query_string)
        except OutcomeError as error:
            return CheckedQuery(False, Verdict(error.outcome, error.reason))
        key = verdict_key(parameters)
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = evaluate_parameters(parameters, self._carriers, self._magic)
            _remember(self._verdicts, key, verdict, self._max_verdicts)
        return CheckedQuery(True, verdict, parameters.get("api_key"))

    def _check_plain(self, api_key: str, number: str) -> CheckedQuery:
        # What the general path finds for such a query string: the same
        # verdict key, and a container reference with no type or carrier
        # given (tests/test_verdicts.py compares the two).
        key = (number, None, None, _NO_NAMES)
        verdict = self._verdicts.get(key)
        if verdict is None:
            reference = Reference(number, ReferenceType.CONTAINER, type_given=False)
            verdict = evaluate_reference(reference, None, self._carriers, self._magic)
            _remember(self._verdicts, key, verdict, self._max_verdicts)
        return CheckedQuery(True, verdict, api_key)


def _remember(
    store: OrderedDict[Any, Any], key: Any, value: Any, max_entries: int
) -> None:
    if len(store) >= max_entries:
        # An OrderedDict drops its oldest entry in constant time, where a
        # plain dict scans past the slots of earlier ones.
        store.popitem(last=False)
    store[key] = value


def verdict_key(parameters: QueryParameters) -> VerdictKey:
    """Return what `evaluate_parameters` reads of `parameters`: all but the key."""
    return (
        parameters.get("reference_number"),
        parameters.get("reference_type"),
        parameters.get("carrier_code"),
        parameters.undecodable,
    )
