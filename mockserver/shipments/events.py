"""The event vocabulary of generated shipments, read from events.toml."""

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from mockserver.datafiles import load_toml, shipped_scenarios_dir

# Short status codes in the order a container meets them on a journey with
# pre-carriage, one transshipment and on-carriage.
EMPTY_TO_SHIPPER = "CEP"
PICKED_UP = "CPS"
INLAND_ARRIVAL = "LTS"
GATE_IN = "CGI"
LOADED = "CLL"
DEPARTED = "VDL"
ARRIVED_AT_TRANSSHIPMENT = "VAT"
DISCHARGED_AT_TRANSSHIPMENT = "CDT"
LOADED_AT_TRANSSHIPMENT = "CLT"
DEPARTED_FROM_TRANSSHIPMENT = "VDT"
ARRIVED = "VAD"
DISCHARGED = "CDD"
GATE_OUT = "CGO"
DELIVERED = "CDC"
EMPTY_RETURNED = "CER"

STATUS_CODES = (
    EMPTY_TO_SHIPPER,
    PICKED_UP,
    INLAND_ARRIVAL,
    GATE_IN,
    LOADED,
    DEPARTED,
    ARRIVED_AT_TRANSSHIPMENT,
    DISCHARGED_AT_TRANSSHIPMENT,
    LOADED_AT_TRANSSHIPMENT,
    DEPARTED_FROM_TRANSSHIPMENT,
    ARRIVED,
    DISCHARGED,
    GATE_OUT,
    DELIVERED,
    EMPTY_RETURNED,
)
# An actual event with one of these codes makes a container delivered.
DELIVERY_CODES = frozenset({DELIVERED, EMPTY_RETURNED})

EVENT_TYPES = ("EQUIPMENT", "TRANSPORT")


@dataclass(frozen=True, slots=True)
class EventKind:
    """One entry of the vocabulary: what an event with this status code sends."""

    status: str
    event_code: str
    event_type: str
    description: str
    additional: bool
    at_terminal: bool


def load_event_vocabulary(path: Path | None = None) -> dict[str, EventKind]:
    """Read an event vocabulary, by default the shipped events.toml.

    Raises ValueError naming the file if a status code that the generator
    uses is missing or an entry lacks a field.
    """
    path = path or shipped_scenarios_dir() / "events.toml"
    tables = load_toml(path).get("events", {})
    missing = [code for code in STATUS_CODES if code not in tables]
    if missing:
        raise ValueError(f"{path}: missing status codes {', '.join(missing)}")

    vocabulary = {}
    for status, table in tables.items():
        try:
            kind = EventKind(
                status=status,
                event_code=str(table["event_code"]),
                event_type=str(table["event_type"]),
                description=str(table["description"]),
                additional=bool(table["additional"]),
                at_terminal=bool(table["at_terminal"]),
            )
        except KeyError as error:
            raise ValueError(f"{path}: event {status} lacks {error}") from error
        if kind.event_type not in EVENT_TYPES:
            raise ValueError(
                f"{path}: event {status}: event_type must be in {EVENT_TYPES}"
            )
        vocabulary[status] = kind
    return vocabulary


@functools.cache
def shipped_event_vocabulary() -> Mapping[str, EventKind]:
    """Return the shipped vocabulary, read once per process and read-only."""
    return MappingProxyType(load_event_vocabulary())
