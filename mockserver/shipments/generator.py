"""Generate the data object of a successful tracking response."""

import functools
import math
import random
from typing import Any

from mockserver.shipments import events as codes
from mockserver.shipments.container_events import container_events, event_prototypes
from mockserver.shipments.draws import pick
from mockserver.shipments.equipment import (
    CONTAINER_COUNT_WEIGHTS,
    SizeType,
    shipped_equipment,
)
from mockserver.shipments.ports import Port, PortTable, Terminal
from mockserver.shipments.routes import Route, RouteShape, choose_route
from mockserver.shipments.spec import (
    JourneySpec,
    ShipmentSpec,
    journey_of,
    journey_seed,
    shipment_seed,
)
from mockserver.shipments.timeline import (
    journey_steps,
    lay_out_journey,
    place_on_clock,
    predicted_arrival,
)
from mockserver.shipments.vessels import Vessel, carrier_fleet, voyage_number

PLANNED = "PLANNED"
IN_TRANSIT = "IN_TRANSIT"
DELIVERED = "DELIVERED"


def generate_shipment(spec: ShipmentSpec, ports: PortTable) -> dict[str, Any]:
    """Generate the shipment of a tracking request as a JSON-ready dict.

    The dict has the keys `status`, `locations`, `facilities`, `route`,
    `vessels` and `containers`, and the caller adds `metadata`. It is the
    journey that `spec` picks (see `generate_journey`) with the container
    numbers of `spec` filled in. The same spec gives the same dict in every
    process.

    Raises ValueError if `spec.anchor` is not timezone-aware.
    """
    shipment = generate_journey(journey_of(spec), ports)
    containers = shipment["containers"]
    numbers = container_numbers(spec, len(containers))
    for container, number in zip(containers, numbers, strict=True):
        container["number"] = number
    return shipment


def generate_journey(journey: JourneySpec, ports: PortTable) -> dict[str, Any]:
    """Generate a shipment whose containers have no number yet.

    The dict is that of `generate_shipment`, with None as each container's
    `number`. Route, vessels and containers depend on the journey without
    its anchor, so they stay the same as the clock moves. Events before the
    anchor are actual, events an hour or more after it are planned, and none
    falls in between.

    `status` is PLANNED while no event is actual, DELIVERED once every
    container has an actual delivery or empty return, and IN_TRANSIT in
    between. The generator never returns UNKNOWN.

    When the route has no inland leg at one end, that end of `route`
    (`prepol` or `postpod`) names the port itself with a null date.

    Raises ValueError if `journey.anchor` is not timezone-aware.
    """
    anchor = journey.anchor
    if anchor.tzinfo is None or anchor.utcoffset() is None:
        raise ValueError(
            f"anchor {anchor!r} is naive; pass a timezone-aware UTC datetime"
        )

    rng = random.Random(journey_seed(journey))
    route = choose_route(rng, ports)
    vessels = rng.sample(carrier_fleet(journey.carrier_code), len(route.legs))
    voyages = [
        voyage_number(rng, journey.carrier_code, leg.direction) for leg in route.legs
    ]
    terminals = [pick(rng, port.terminals) for port in route.ports]

    count = _container_count(rng, journey.reference_type)
    size_types = shipped_equipment().choose_size_types(rng, count)
    shape = route.shape
    steps = journey_steps(shape)
    minutes = lay_out_journey(rng, route, count)
    stops = route.stops
    clocks = [stops[step.stop].clock for step in steps]
    times = place_on_clock(rng, minutes, clocks, anchor)

    anchor_seconds = math.ceil(anchor.timestamp())
    discharge_stop = route.loading_stop + len(route.legs)
    arrival = times[0][_step_index(shape, codes.ARRIVED, discharge_stop)]
    eta = predicted_arrival(rng, arrival, route.ports[-1].clock, anchor)

    prototypes = event_prototypes(shape)
    containers = [
        _container(
            size_type,
            container_events(
                prototypes, clocks, container_times, voyages, anchor_seconds
            ),
        )
        for size_type, container_times in zip(size_types, times, strict=True)
    ]

    return {
        "status": _shipment_status(containers),
        "locations": [_location(i, port) for i, port in enumerate(stops, start=1)],
        "facilities": [
            _facility(i, port, terminal)
            for i, (port, terminal) in enumerate(
                zip(route.ports, terminals, strict=True), start=1
            )
        ],
        "route": _route_summary(route, shape, containers[0]["events"], eta),
        "vessels": [_vessel(i, vessel) for i, vessel in enumerate(vessels, start=1)],
        "containers": containers,
    }


def container_numbers(spec: ShipmentSpec, count: int) -> list[str]:
    """Return the numbers of the `count` containers of the shipment of `spec`.

    A container lookup tracks exactly the box requested, so its one number
    is the reference. Other lookups get numbers drawn from the shipment seed
    with the carrier's owner codes.
    """
    if spec.reference_type == "CONTAINER":
        return [spec.reference_number] * count
    rng = random.Random(shipment_seed(spec))
    return shipped_equipment().container_numbers(rng, spec.owner_prefixes, count)


def _container_count(rng: random.Random, reference_type: str) -> int:
    if reference_type == "CONTAINER":
        return 1
    return rng.choices(
        range(1, len(CONTAINER_COUNT_WEIGHTS) + 1), CONTAINER_COUNT_WEIGHTS
    )[0]


def _container(size_type: SizeType, events: list[dict[str, Any]]) -> dict[str, Any]:
    actual = [event for event in events if event["actual"]]
    return {
        "number": None,
        "iso_code": size_type.iso_code,
        "size_type": size_type.size_type,
        "status": actual[-1]["status"] if actual else None,
        "events": events,
    }


# Unbounded, because at most 208 shapes each have a few statuses at a few stops.
@functools.cache
def _step_index(shape: RouteShape, status: str, stop: int) -> int:
    """Return the index of the first step of a shape with this status at this stop."""
    return next(
        index
        for index, step in enumerate(journey_steps(shape))
        if step.status == status and step.stop == stop
    )


def _shipment_status(containers: list[dict[str, Any]]) -> str:
    # A container's status is that of its last actual event, or None. Its
    # events are in time order and end with the delivery and the empty
    # return, so it has an actual delivery event exactly when its status is
    # a delivery code.
    statuses = [container["status"] for container in containers]
    if all(status is None for status in statuses):
        return PLANNED
    if all(status in codes.DELIVERY_CODES for status in statuses):
        return DELIVERED
    return IN_TRANSIT


def _route_summary(
    route: Route,
    shape: RouteShape,
    events: list[dict[str, Any]],
    eta: int,
) -> dict[str, Any]:
    """Summarise the route from the first container's events.

    prepol is the pick-up at the place of receipt, pol the departure from the
    port of loading, pod the arrival at the port of discharge and postpod the
    arrival at the place of delivery.
    """
    loading_id = route.loading_stop + 1
    discharge_id = loading_id + len(route.legs)

    def point(status: str, stop: int) -> dict[str, Any]:
        event = events[_step_index(shape, status, stop)]
        return {"location": stop + 1, "date": event["date"], "actual": event["actual"]}

    def no_inland_leg(port_id: int) -> dict[str, Any]:
        return {"location": port_id, "date": None, "actual": None}

    prepol = no_inland_leg(loading_id)
    if route.receipt:
        prepol = point(codes.PICKED_UP, 0)
    postpod = no_inland_leg(discharge_id)
    if route.delivery:
        postpod = point(codes.INLAND_ARRIVAL, discharge_id)

    pod = point(codes.ARRIVED, discharge_id - 1)
    pod["predictive_eta"] = None
    if not pod["actual"]:
        pod["predictive_eta"] = route.ports[-1].clock.local_text(eta)
    return {
        "prepol": prepol,
        "pol": point(codes.DEPARTED, loading_id - 1),
        "pod": pod,
        "postpod": postpod,
    }


def _location(location_id: int, port: Port) -> dict[str, Any]:
    return {
        "id": location_id,
        "name": port.name,
        "state": port.state,
        "country": port.country,
        "country_code": port.country_code,
        "locode": port.locode,
        "lat": port.lat,
        "lng": port.lng,
        "timezone": port.timezone,
    }


def _facility(facility_id: int, port: Port, terminal: Terminal) -> dict[str, Any]:
    return {
        "id": facility_id,
        "name": terminal.name,
        "country_code": port.country_code,
        "locode": port.locode,
        "bic_code": terminal.bic_code,
        "smdg_code": terminal.smdg_code,
        "lat": terminal.lat,
        "lng": terminal.lng,
    }


def _vessel(vessel_id: int, vessel: Vessel) -> dict[str, Any]:
    return {
        "id": vessel_id,
        "name": vessel.name,
        "imo": vessel.imo,
        "mmsi": vessel.mmsi,
        "call_sign": vessel.call_sign,
        "flag": vessel.flag,
    }
