"""The inputs of one generated shipment, and stable seeds derived from them.

A shipment is a journey plus the reference's own container numbers. Each
carrier and reference type has JOURNEYS_PER_CARRIER journeys (route,
vessels, size types and dates), and a reference's seed picks one of them.
Two references of a carrier can therefore share a journey, as two bookings
on one voyage do, but they never share a container number that the
reference fixes.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

# Journeys per carrier, reference type, server seed and hour. A new reference
# then costs only its container numbers once its journey has been rendered.
JOURNEYS_PER_CARRIER = 1024


@dataclass(slots=True)
class ShipmentSpec:
    """What a tracking request fixes about the shipment the mock returns.

    `reference_number` is already normalised by the caller. `anchor` is the
    start of the current hour of the mock clock, timezone-aware and in UTC.
    An empty `owner_prefixes` means that the carrier owns no containers, so
    every container gets the owner code of a leasing company. Built for
    every new reference, so not frozen: a frozen dataclass sets each field
    through `object.__setattr__`.
    """

    reference_number: str
    reference_type: str
    carrier_code: str
    carrier_name: str
    owner_prefixes: tuple[str, ...]
    seed: int
    anchor: datetime


def derive_seed(*parts: object) -> int:
    """Hash the parts into a 64-bit seed that every process computes alike.

    Python's `hash()` of a string changes between processes, so it cannot seed
    data that must survive a restart.
    """
    text = "\x1f".join(str(part) for part in parts)
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def shipment_seed(spec: ShipmentSpec) -> int:
    """Return the seed of a shipment's journey slot and container numbers.

    The anchor is left out on purpose: the same reference keeps its route,
    vessels and containers as the mock clock moves from hour to hour. The
    value is `derive_seed("shipment", seed, carrier, type, number)`, with the
    text joined in one step because every new reference needs it.
    """
    text = (
        f"shipment\x1f{spec.seed}\x1f{spec.carrier_code}"
        f"\x1f{spec.reference_type}\x1f{spec.reference_number}"
    )
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


class JourneySpec(NamedTuple):
    """What fixes a journey: everything about a shipment but its container numbers.

    `slot` is below JOURNEYS_PER_CARRIER. `anchor` is as in ShipmentSpec. A
    named tuple, because it keys a cache: tuples hash and compare in C.
    """

    carrier_code: str
    reference_type: str
    seed: int
    slot: int
    anchor: datetime


def journey_of(spec: ShipmentSpec) -> JourneySpec:
    """Return the journey that the shipment seed of `spec` picks."""
    return JourneySpec(
        carrier_code=spec.carrier_code,
        reference_type=spec.reference_type,
        seed=spec.seed,
        slot=shipment_seed(spec) % JOURNEYS_PER_CARRIER,
        anchor=spec.anchor,
    )


def journey_seed(journey: JourneySpec) -> int:
    """Return the seed of everything about a journey except its dates."""
    return derive_seed(
        "journey",
        journey.seed,
        journey.carrier_code,
        journey.reference_type,
        journey.slot,
    )
