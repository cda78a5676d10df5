"""The carrier registry and carrier detection from reference numbers."""

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum

from mockserver.outcomes import Outcome
from mockserver.references import Reference, ReferenceType


class CarrierState(StrEnum):
    """The state of a carrier's side of the integration."""

    ACTIVE = "active"
    UNSUPPORTED = "unsupported"
    DISABLED = "disabled"
    MAINTENANCE = "maintenance"
    NO_RESPONSE = "no_response"


# The outcome a carrier in each failing state returns.
STATE_OUTCOMES: dict[CarrierState, Outcome] = {
    CarrierState.UNSUPPORTED: Outcome.CARRIER_NOT_SUPPORTED,
    CarrierState.DISABLED: Outcome.CARRIER_TEMPORARILY_DISABLED,
    CarrierState.MAINTENANCE: Outcome.CARRIER_UNDER_MAINTENANCE,
    CarrierState.NO_RESPONSE: Outcome.CARRIER_NO_RESPONSE,
}


@dataclass(frozen=True, slots=True)
class Carrier:
    """One ocean carrier and the rules that recognise its numbers."""

    code: str
    name: str
    owner_prefixes: tuple[str, ...] = ()
    bl_prefixes: tuple[str, ...] = ()
    bl_digit_lengths: tuple[int, ...] = ()
    reference_types: frozenset[ReferenceType] = frozenset(ReferenceType)
    state: CarrierState = CarrierState.ACTIVE


@dataclass(slots=True)
class Detection:
    """The result of carrier detection: a carrier, or why there is none.

    Built for every new reference, so not frozen (see `Reference`).
    """

    carrier: Carrier | None
    reason: str


@dataclass(slots=True)
class CarrierRegistry:
    """Carriers by SCAC, with the lookup tables that detection uses.

    States can be changed at run time; `reset()` restores the loaded ones.
    `version` grows with every change, so that callers caching results of
    detection can tell when to drop them.
    """

    carriers: dict[str, Carrier]
    lessors: dict[str, str] = field(default_factory=dict)
    version: int = field(init=False, default=0)
    _loaded: dict[str, Carrier] = field(init=False)
    _by_owner_prefix: dict[str, Carrier] = field(init=False)
    _by_bl_prefix: list[tuple[str, Carrier]] = field(init=False)
    _by_digit_length: dict[int, Carrier] = field(init=False)

    def __post_init__(self) -> None:
        self._loaded = dict(self.carriers)
        self._index()

    def _index(self) -> None:
        self.version += 1
        self._by_owner_prefix = {
            prefix: carrier
            for carrier in self.carriers.values()
            for prefix in carrier.owner_prefixes
        }
        # Longest prefix first, so that a longer prefix wins over a shorter one.
        self._by_bl_prefix = sorted(
            (
                (prefix, carrier)
                for carrier in self.carriers.values()
                for prefix in carrier.bl_prefixes
            ),
            key=lambda item: -len(item[0]),
        )
        self._by_digit_length = {
            length: carrier
            for carrier in self.carriers.values()
            for length in carrier.bl_digit_lengths
        }

    def get(self, code: str) -> Carrier | None:
        """Return the carrier with SCAC `code` (upper case), or None."""
        return self.carriers.get(code)

    def __iter__(self) -> Iterator[Carrier]:
        return iter(self.carriers.values())

    def set_state(self, code: str, state: CarrierState) -> Carrier:
        """Put carrier `code` into `state`; raises KeyError for an unknown code."""
        carrier = replace(self.carriers[code], state=state)
        self.carriers[code] = carrier
        self._index()
        return carrier

    def reset(self) -> None:
        """Restore every carrier to the state it was loaded with."""
        self.carriers = dict(self._loaded)
        self._index()

    def detect(self, reference: Reference) -> Detection:
        """Find the carrier that a reference number belongs to."""
        if reference.type is ReferenceType.CONTAINER:
            return self._detect_by_owner(reference.number)
        return self._detect_by_bl(reference.number)

    def detect_number(
        self, number: str, reference_type: ReferenceType
    ) -> Carrier | None:
        """Return the carrier detected for a normalised number, or None."""
        return self.detect(Reference(number, reference_type, type_given=False)).carrier

    def _detect_by_owner(self, number: str) -> Detection:
        owner = number[:4]
        carrier = self._by_owner_prefix.get(owner)
        if carrier is not None:
            return Detection(carrier, f"owner code {owner} belongs to {carrier.name}")
        lessor = self.lessors.get(owner)
        if lessor is not None:
            return Detection(
                None,
                f"owner code {owner} belongs to leasing company {lessor}, "
                "which names no carrier",
            )
        return Detection(None, f"owner code {owner} matches no known carrier")

    def _detect_by_bl(self, number: str) -> Detection:
        for prefix, carrier in self._by_bl_prefix:
            if number.startswith(prefix) and len(number) > len(prefix):
                return Detection(
                    carrier, f"BL prefix {prefix} belongs to {carrier.name}"
                )
        if number.isdigit():
            carrier = self._by_digit_length.get(len(number))
            if carrier is not None:
                return Detection(
                    carrier,
                    f"a {len(number)}-digit BL number belongs to {carrier.name}",
                )
            return Detection(
                None, f"a {len(number)}-digit number is used by several carriers"
            )
        return Detection(None, f"{number} starts with no known BL prefix")
