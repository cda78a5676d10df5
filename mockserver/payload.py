"""Render response bodies: the envelope, and the data of the successes.

A shipment is deterministic for its reference, carrier, seed and hour, so
its JSON is rendered once and cached as bytes. Each request then fills in
only `updated_at` and `api_calls`, which change on every call.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import orjson

from mockserver.outcomes import Outcome
from mockserver.selection import Decision, Lookup
from mockserver.shipments import PortTable, ShipmentSpec, generate_shipment
from mockserver.store import Usage

DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
_UPDATED_AT_SLOT = "@@updated_at@@"
_API_CALLS_SLOT = "@@api_calls@@"
_EMPTY_LEG: dict[str, Any] = {"location": None, "date": None, "actual": None}

# Outcomes that are successes but carry only part of the data.
METADATA_ONLY = frozenset(
    {Outcome.CARRIER_INFO_NOT_PROVIDED, Outcome.CARRIER_SHIPMENT_CANCELED}
)


def envelope(outcome: Outcome, data: Any) -> dict[str, Any]:
    """Return the four-field body that every response has."""
    return {
        "success": outcome.success,
        "status_code": outcome.status_code,
        "message": outcome.message,
        "data": data,
    }


def empty_route() -> dict[str, Any]:
    """Return a route whose legs are all unknown."""
    return {
        "prepol": dict(_EMPTY_LEG),
        "pol": dict(_EMPTY_LEG),
        "pod": dict(_EMPTY_LEG) | {"predictive_eta": None},
        "postpod": dict(_EMPTY_LEG),
    }


def shape_data(outcome: Outcome, shipment: dict[str, Any]) -> dict[str, Any]:
    """Cut a full shipment down to what `outcome` carries.

    CARRIER_INFO_NOT_PROVIDED and CARRIER_SHIPMENT_CANCELED carry metadata
    only; NO_CONTAINERS keeps the route and places; NO_EVENTS keeps the
    containers with empty event lists. Partial shipments have status UNKNOWN.
    """
    if outcome is Outcome.OK:
        return shipment
    shaped = dict(shipment, status="UNKNOWN")
    if outcome in METADATA_ONLY:
        shaped.update(
            locations=[], facilities=[], vessels=[], containers=[], route=empty_route()
        )
    elif outcome is Outcome.NO_CONTAINERS:
        shaped.update(vessels=[], containers=[])
    elif outcome is Outcome.NO_EVENTS:
        shaped["containers"] = [
            dict(container, status=None, events=[])
            for container in shipment["containers"]
        ]
    return shaped


@dataclass(frozen=True, slots=True)
class _Template:
    """A rendered body split around the parts that change on every request."""

    head: bytes
    middle: bytes
    tail: bytes


class BodyRenderer:
    """Renders the body of every outcome, caching the generated shipments."""

    def __init__(self, ports: PortTable, seed: int, cache_size: int = 4096) -> None:
        self._ports = ports
        self._seed = seed
        self._failures = {
            outcome: orjson.dumps(envelope(outcome, None))
            for outcome in Outcome
            if not outcome.success
        }
        self._template = lru_cache(maxsize=cache_size)(self._build_template)

    def render(self, decision: Decision, now: datetime) -> bytes:
        """Return the JSON body for `decision` at mock time `now` (UTC)."""
        outcome = decision.outcome
        if not outcome.success:
            return self._failures[outcome]
        template = self._template(outcome, decision.lookup, hour_anchor(now))
        return b"".join(
            (
                template.head,
                orjson.dumps(now.strftime(DATE_FORMAT)),
                template.middle,
                orjson.dumps(api_calls(decision.usage)),
                template.tail,
            )
        )

    def cache_clear(self) -> None:
        """Forget every cached shipment."""
        self._template.cache_clear()

    def _build_template(
        self, outcome: Outcome, lookup: Lookup | None, anchor: datetime
    ) -> _Template:
        data = self._build_data(outcome, lookup, anchor)
        body = orjson.dumps(envelope(outcome, data))
        head, rest = body.split(orjson.dumps(_UPDATED_AT_SLOT), 1)
        middle, tail = rest.split(orjson.dumps(_API_CALLS_SLOT), 1)
        return _Template(head, middle, tail)

    def _build_data(
        self, outcome: Outcome, lookup: Lookup | None, anchor: datetime
    ) -> dict[str, Any]:
        if lookup is None:
            # A success forced by header on a request whose reference or
            # carrier could not be resolved: there is no shipment to describe.
            metadata = _metadata(None, "UNKNOWN")
            sections: dict[str, Any] = {
                "locations": [],
                "facilities": [],
                "route": empty_route(),
                "vessels": [],
                "containers": [],
            }
            return {"metadata": metadata, **sections}

        spec = ShipmentSpec(
            reference_number=lookup.reference.number,
            reference_type=lookup.reference.type.value,
            carrier_code=lookup.carrier.code,
            carrier_name=lookup.carrier.name,
            owner_prefixes=lookup.carrier.owner_prefixes,
            seed=self._seed,
            anchor=anchor,
        )
        shipment = shape_data(outcome, generate_shipment(spec, self._ports))
        status = shipment.pop("status")
        return {"metadata": _metadata(lookup, status), **shipment}


def _metadata(lookup: Lookup | None, status: str) -> dict[str, Any]:
    return {
        "reference_number": lookup.reference.number if lookup else None,
        "reference_type": lookup.reference.type.value if lookup else None,
        "carrier_code": lookup.carrier.code if lookup else None,
        "carrier_name": lookup.carrier.name if lookup else None,
        "status": status,
        "updated_at": _UPDATED_AT_SLOT,
        "api_calls": _API_CALLS_SLOT,
    }


def api_calls(usage: Usage | None) -> dict[str, int | None]:
    """Return the `api_calls` object of the metadata for a key's usage."""
    if usage is None:
        return {"total": None, "used": None, "remaining": None}
    return {
        "total": usage.quota_total,
        "used": usage.quota_used,
        "remaining": usage.quota_remaining,
    }


def hour_anchor(now: datetime) -> datetime:
    """Return the start of the hour that contains `now`."""
    return now.replace(minute=0, second=0, microsecond=0)
