"""Generate the data object of a successful tracking response."""

import math
import random
from typing import Any

from mockserver.shipments import events as codes
from mockserver.shipments.equipment import (
    CONTAINER_COUNT_WEIGHTS,
    SizeType,
    shipped_equipment,
)
from mockserver.shipments.events import EventKind, shipped_event_vocabulary
from mockserver.shipments.ports import SEAPORT, Port, PortTable, Terminal
from mockserver.shipments.routes import Route, choose_route
from mockserver.shipments.spec import ShipmentSpec, shipment_seed
from mockserver.shipments.timeline import (
    Milestone,
    lay_out_journey,
    local_time_text,
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
    `vessels` and `containers`, and the caller adds `metadata`. The same spec
    gives the same dict in every process. Route, vessels and containers depend
    on the spec without its anchor, so they stay the same as the clock moves.
    Events before the anchor are actual, events an hour or more after it are
    planned, and none falls in between.

    `status` is PLANNED while no event is actual, DELIVERED once every
    container has an actual delivery or empty return, and IN_TRANSIT in
    between. The generator never returns UNKNOWN.

    When the route has no inland leg at one end, that end of `route`
    (`prepol` or `postpod`) names the port itself with a null date.

    Raises ValueError if `spec.anchor` is not timezone-aware.
    """
    if spec.anchor.tzinfo is None or spec.anchor.utcoffset() is None:
        raise ValueError(
            f"anchor {spec.anchor!r} is naive; pass a timezone-aware UTC datetime"
        )

    rng = random.Random(shipment_seed(spec))
    route = choose_route(rng, ports)
    vessels = rng.sample(carrier_fleet(spec.carrier_code), len(route.legs))
    voyages = [
        voyage_number(rng, spec.carrier_code, leg.direction) for leg in route.legs
    ]
    terminals = [rng.choice(port.terminals) for port in route.ports]

    numbers = _container_numbers(rng, spec)
    size_types = shipped_equipment().choose_size_types(rng, len(numbers))
    schedules = lay_out_journey(rng, route, len(numbers))
    stops = route.stops
    zones = [[stops[m.stop].zone for m in schedule] for schedule in schedules]
    times = place_on_clock(rng, schedules, zones, spec.anchor)

    anchor_seconds = math.ceil(spec.anchor.timestamp())
    arrival = _first_time_of(codes.ARRIVED, schedules[0], times[0])
    eta = predicted_arrival(rng, arrival, route.ports[-1].zone, spec.anchor)

    writer = _EventWriter(route, voyages, anchor_seconds)
    containers = [
        _container(number, size_type, writer.events(schedule, container_times))
        for number, size_type, schedule, container_times in zip(
            numbers, size_types, schedules, times, strict=True
        )
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
        "route": _route_summary(route, schedules[0], containers[0]["events"], eta),
        "vessels": [_vessel(i, vessel) for i, vessel in enumerate(vessels, start=1)],
        "containers": containers,
    }


def _container_numbers(rng: random.Random, spec: ShipmentSpec) -> list[str]:
    # A container lookup tracks exactly the box asked for.
    if spec.reference_type == "CONTAINER":
        return [spec.reference_number]
    count = rng.choices(
        range(1, len(CONTAINER_COUNT_WEIGHTS) + 1), CONTAINER_COUNT_WEIGHTS
    )[0]
    return shipped_equipment().container_numbers(rng, spec.owner_prefixes, count)


def _container(
    number: str, size_type: SizeType, events: list[dict[str, Any]]
) -> dict[str, Any]:
    actual = [event for event in events if event["actual"]]
    return {
        "number": number,
        "iso_code": size_type.iso_code,
        "size_type": size_type.size_type,
        "status": actual[-1]["status"] if actual else None,
        "events": events,
    }


class _EventWriter:
    """Builder of the event dicts of one shipment's containers."""

    def __init__(self, route: Route, voyages: list[str], anchor_seconds: int) -> None:
        self._vocabulary = shipped_event_vocabulary()
        self._stops = route.stops
        self._voyages = voyages
        self._anchor_seconds = anchor_seconds
        # Facility ids follow the seaports of the route, so the n-th port of
        # call has facility n.
        self._facility_by_stop = {
            route.loading_stop + i: i + 1 for i in range(len(route.ports))
        }

    def events(
        self, schedule: list[Milestone], times: list[int]
    ) -> list[dict[str, Any]]:
        return [
            self._event(order_id, milestone, time)
            for order_id, (milestone, time) in enumerate(
                zip(schedule, times, strict=True), 1
            )
        ]

    def _event(self, order_id: int, milestone: Milestone, time: int) -> dict[str, Any]:
        kind = self._vocabulary[milestone.status]
        stop = self._stops[milestone.stop]
        leg = milestone.leg
        facility = None
        if kind.at_terminal and stop.kind == SEAPORT:
            facility = self._facility_by_stop[milestone.stop]
        return {
            "order_id": order_id,
            "location": milestone.stop + 1,
            "facility": facility,
            "description": _description(kind, milestone.mode),
            "event_type": kind.event_type,
            "event_code": kind.event_code,
            "status": kind.status,
            "date": local_time_text(time, stop.zone),
            "actual": time < self._anchor_seconds,
            "is_additional_event": kind.additional,
            "type": "land" if leg is None else "sea",
            "transport_type": milestone.mode,
            "vessel": None if leg is None else leg + 1,
            "voyage": None if leg is None else self._voyages[leg],
        }


def _description(kind: EventKind, mode: str) -> str:
    if "{mode}" not in kind.description:
        return kind.description
    return kind.description.format(mode=mode.lower())


def _first_time_of(status: str, schedule: list[Milestone], times: list[int]) -> int:
    return next(t for m, t in zip(schedule, times, strict=True) if m.status == status)


def _shipment_status(containers: list[dict[str, Any]]) -> str:
    if not any(e["actual"] for c in containers for e in c["events"]):
        return PLANNED
    if all(
        any(e["actual"] and e["status"] in codes.DELIVERY_CODES for e in c["events"])
        for c in containers
    ):
        return DELIVERED
    return IN_TRANSIT


def _route_summary(
    route: Route,
    schedule: list[Milestone],
    container_events: list[dict[str, Any]],
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
        event = next(
            e
            for m, e in zip(schedule, container_events, strict=True)
            if m.status == status and m.stop == stop
        )
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
        pod["predictive_eta"] = local_time_text(eta, route.ports[-1].zone)
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
