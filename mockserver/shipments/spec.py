"""The inputs of one generated shipment, and stable seeds derived from them."""

import hashlib
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ShipmentSpec:
    """What a tracking request fixes about the shipment the mock returns.

    `reference_number` is already normalised by the caller. `anchor` is the
    start of the current hour of the mock clock, timezone-aware and in UTC.
    An empty `owner_prefixes` means that the carrier owns no containers, so
    every container gets the owner code of a leasing company.
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
    """Return the seed of everything about a shipment except its dates.

    The anchor is left out on purpose: the same reference keeps its route,
    vessels and containers as the mock clock moves from hour to hour.
    """
    return derive_seed(
        "shipment",
        spec.seed,
        spec.carrier_code,
        spec.reference_type,
        spec.reference_number,
    )
