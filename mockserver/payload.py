"""Render response bodies: the envelope, and the data of the successes.

A shipment is deterministic for its reference, carrier, seed and hour, so
its JSON is rendered once and cached as bytes. Each request then fills in
only `updated_at` and `api_calls`, which change on every call.
"""

import math
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from mockserver.outcomes import Outcome
from mockserver.selection import Decision, Lookup
from mockserver.shipments import PortTable, ShipmentSpec, generate_shipment
from mockserver.store import Usage

DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
# Rendered shipments kept, at most, in bytes: about 2,000 single-container
# shipments. The count limit of the cache applies as well.
CACHE_MAX_BYTES = 16 * 1024 * 1024
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

    @property
    def size(self) -> int:
        """Bytes of rendered JSON that the template keeps."""
        return len(self.head) + len(self.middle) + len(self.tail)


def _template_key(
    outcome: Outcome, lookup: Lookup | None, anchor: datetime
) -> tuple[Any, ...]:
    """Return what a template depends on, as a cheap cache key.

    Hashing the whole Lookup would hash every field of the carrier on each
    request; the body depends only on these fields (and the server's seed).
    """
    if lookup is None:
        return (outcome, anchor)
    carrier = lookup.carrier
    return (
        outcome,
        anchor,
        lookup.reference.number,
        lookup.reference.type,
        carrier.code,
        carrier.name,
        carrier.owner_prefixes,
    )


class BodyRenderer:
    """Renders the body of every outcome, caching the generated shipments.

    The cache keeps the most recently used templates, up to `cache_size`
    of them and CACHE_MAX_BYTES in all.
    """

    def __init__(
        self,
        ports: PortTable,
        seed: int,
        cache_size: int = 4096,
        cache_max_bytes: int = CACHE_MAX_BYTES,
    ) -> None:
        self._ports = ports
        self._seed = seed
        self._failures = {
            outcome: orjson.dumps(envelope(outcome, None))
            for outcome in Outcome
            if not outcome.success
        }
        self._cache: OrderedDict[tuple[Any, ...], _Template] = OrderedDict()
        self._cache_size = cache_size
        self._cache_max_bytes = cache_max_bytes
        self._cache_bytes = 0
        self._template = self._cached_template
        # The second of the last render, its `updated_at` JSON and its hour.
        self._second: tuple[int, bytes, datetime] | None = None

    def render(self, decision: Decision, now: float) -> bytes:
        """Return the JSON body for `decision` at mock time `now`.

        `now` is in seconds since the Unix epoch, as `MockClock.time()`
        returns it: the date and time are needed only once a second.
        """
        outcome = decision.outcome
        if not outcome.success:
            return self._failures[outcome]
        _, updated_at, anchor = self._time_fields(now)
        template = self._template(outcome, decision.lookup, anchor)
        return b"".join(
            (
                template.head,
                updated_at,
                template.middle,
                api_calls_json(decision.usage),
                template.tail,
            )
        )

    def cache_clear(self) -> None:
        """Forget every cached shipment."""
        self._cache.clear()
        self._cache_bytes = 0

    def _time_fields(self, now: float) -> tuple[int, bytes, datetime]:
        """Return `updated_at` as JSON and the hour anchor, computed once a second."""
        second = math.floor(now)
        fields = self._second
        if fields is None or fields[0] != second:
            moment = datetime.fromtimestamp(second, UTC)
            updated_at = orjson.dumps(moment.strftime(DATE_FORMAT))
            fields = (second, updated_at, hour_anchor(moment))
            self._second = fields
        return fields

    def _cached_template(
        self, outcome: Outcome, lookup: Lookup | None, anchor: datetime
    ) -> _Template:
        key = _template_key(outcome, lookup, anchor)
        template = self._cache.get(key)
        if template is not None:
            self._cache.move_to_end(key)
            return template

        template = self._build_template(outcome, lookup, anchor)
        size = template.size
        if self._cache_size > 0 and size <= self._cache_max_bytes:
            self._cache[key] = template
            self._cache_bytes += size
            while (
                len(self._cache) > self._cache_size
                or self._cache_bytes > self._cache_max_bytes
            ):
                _, evicted = self._cache.popitem(last=False)
                self._cache_bytes -= evicted.size
        return template

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


def api_calls_json(usage: Usage | None) -> bytes:
    """Return `api_calls(usage)` as JSON, formatted without building the dict."""
    if usage is None:
        return _NO_API_CALLS
    return b'{"total":%d,"used":%d,"remaining":%d}' % (
        usage.quota_total,
        usage.quota_used,
        usage.quota_remaining,
    )


def api_calls(usage: Usage | None) -> dict[str, int | None]:
    """Return the `api_calls` object of the metadata for a key's usage."""
    if usage is None:
        return {"total": None, "used": None, "remaining": None}
    return {
        "total": usage.quota_total,
        "used": usage.quota_used,
        "remaining": usage.quota_remaining,
    }


_NO_API_CALLS = orjson.dumps(api_calls(None))


def hour_anchor(now: datetime) -> datetime:
    """Return the start of the hour that contains `now`."""
    return now.replace(minute=0, second=0, microsecond=0)
