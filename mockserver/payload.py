"""Render response bodies: the envelope, and the data of the successes.

A shipment is deterministic for its reference, carrier, seed and hour, so
its JSON is rendered once and cached as bytes. Each request then fills in
only `updated_at` and `api_calls`, which change on every call. The journey
under a shipment is cached too, with holes for the reference and its
container numbers, because many references share each journey.
"""

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from mockserver.body_template import BodyTemplate, hole
from mockserver.bounded_cache import BoundedCache
from mockserver.outcomes import Outcome
from mockserver.selection import Decision, Lookup
from mockserver.shipments import (
    JourneySpec,
    PortTable,
    ShipmentSpec,
    container_numbers,
    generate_journey,
    journey_of,
)
from mockserver.shipments.equipment import CONTAINER_COUNT_WEIGHTS
from mockserver.store import Usage

DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
# Bytes of rendered JSON each cache keeps at most. A single-container body
# takes about 6 kB (median of 3,000 Maersk container numbers), so the
# shipments of about 700 repeated references fit, and about 2,000
# journeys: twice the JOURNEYS_PER_CARRIER of one carrier and reference
# type. The count limit of each cache applies as well.
SHIPMENT_CACHE_MAX_BYTES = 4 * 1024 * 1024
JOURNEY_CACHE_MAX_BYTES = 12 * 1024 * 1024
_REFERENCE_HOLE = "reference_number"
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


class _Template:
    """A rendered body split around the parts that change on every request."""

    __slots__ = ("head", "middle", "size", "tail")

    def __init__(self, head: bytes, middle: bytes, tail: bytes) -> None:
        self.head = head
        self.middle = middle
        self.tail = tail
        self.size = len(head) + len(middle) + len(tail)


@dataclass(frozen=True, slots=True)
class _Journey:
    """A rendered journey, and how many container numbers it has holes for."""

    template: BodyTemplate
    container_count: int


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

    Two caches keep the most recently used bodies, each up to `cache_size`
    entries. Shipments, ready but for `updated_at` and `api_calls`, take up
    to SHIPMENT_CACHE_MAX_BYTES. Journeys, with holes for the reference and
    its container numbers, take up to JOURNEY_CACHE_MAX_BYTES. A reference
    seen before costs a lookup, and a new one whose journey is cached costs
    only its container numbers.
    """

    def __init__(
        self,
        ports: PortTable,
        seed: int,
        cache_size: int = 4096,
        shipment_cache_max_bytes: int = SHIPMENT_CACHE_MAX_BYTES,
        journey_cache_max_bytes: int = JOURNEY_CACHE_MAX_BYTES,
    ) -> None:
        self._ports = ports
        self._seed = seed
        self._failures = {
            outcome: orjson.dumps(envelope(outcome, None))
            for outcome in Outcome
            if not outcome.success
        }
        self.shipments: BoundedCache[_Template] = BoundedCache(
            cache_size, shipment_cache_max_bytes, _template_size
        )
        self.journeys: BoundedCache[_Journey] = BoundedCache(
            cache_size, journey_cache_max_bytes, _journey_size
        )
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
        """Forget every cached shipment and journey."""
        self.shipments.clear()
        self.journeys.clear()

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
        template = self.shipments.get(key)
        if template is None:
            template = self._build_template(outcome, lookup, anchor)
            self.shipments.put(key, template)
        return template

    def _build_template(
        self, outcome: Outcome, lookup: Lookup | None, anchor: datetime
    ) -> _Template:
        if lookup is None:
            # A success forced by header on a request whose reference or
            # carrier could not be resolved: there is no shipment to describe.
            data = {
                "metadata": _metadata(None, None, "UNKNOWN"),
                "locations": [],
                "facilities": [],
                "route": empty_route(),
                "vessels": [],
                "containers": [],
            }
            body = BodyTemplate(orjson.dumps(envelope(outcome, data)))
            return _Template(*body.fill({}))

        spec = ShipmentSpec(
            reference_number=lookup.reference.number,
            # A ReferenceType is a str enum: its value, without the property.
            reference_type=str(lookup.reference.type),
            carrier_code=lookup.carrier.code,
            carrier_name=lookup.carrier.name,
            owner_prefixes=lookup.carrier.owner_prefixes,
            seed=self._seed,
            anchor=anchor,
        )
        journey = self._cached_journey(outcome, journey_of(spec), spec.carrier_name)
        values = {_REFERENCE_HOLE: orjson.dumps(spec.reference_number)}
        if journey.container_count:
            names = _CONTAINER_HOLES[journey.container_count]
            numbers = container_numbers(spec, journey.container_count)
            for name, number in zip(names, numbers, strict=True):
                values[name] = orjson.dumps(number)
        return _Template(*journey.template.fill(values))

    def _cached_journey(
        self, outcome: Outcome, journey: JourneySpec, carrier_name: str
    ) -> _Journey:
        key = (outcome, journey, carrier_name)
        rendered = self.journeys.get(key)
        if rendered is None:
            rendered = self._render_journey(outcome, journey, carrier_name)
            self.journeys.put(key, rendered)
        return rendered

    def _render_journey(
        self, outcome: Outcome, journey: JourneySpec, carrier_name: str
    ) -> _Journey:
        shipment = generate_journey(journey, self._ports)
        for index, container in enumerate(shipment["containers"], start=1):
            container["number"] = hole(_container_hole(index))
        shipment = shape_data(outcome, shipment)
        metadata = _metadata(journey, carrier_name, shipment.pop("status"))
        body = orjson.dumps(envelope(outcome, {"metadata": metadata, **shipment}))
        return _Journey(BodyTemplate(body), len(shipment["containers"]))


def _metadata(
    journey: JourneySpec | None, carrier_name: str | None, status: str
) -> dict[str, Any]:
    return {
        "reference_number": hole(_REFERENCE_HOLE) if journey else None,
        "reference_type": journey.reference_type if journey else None,
        "carrier_code": journey.carrier_code if journey else None,
        "carrier_name": carrier_name,
        "status": status,
        "updated_at": hole("updated_at"),
        "api_calls": hole("api_calls"),
    }


def _container_hole(index: int) -> str:
    return f"container_number_{index}"


# The container holes of a shipment by its number of containers, named once.
_CONTAINER_HOLES = {
    count: tuple(_container_hole(index) for index in range(1, count + 1))
    for count in range(1, len(CONTAINER_COUNT_WEIGHTS) + 1)
}


def _template_size(template: _Template) -> int:
    return template.size


def _journey_size(journey: _Journey) -> int:
    return journey.template.size


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
