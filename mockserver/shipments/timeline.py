"""Lay out the events of a shipment and place them on the mock clock.

A journey is first laid out in minutes relative to the departure from the
port of loading. `place_on_clock` then fixes it in absolute time so that the
clock's anchor falls at a point of the journey chosen by the shipment seed.

The journey repeats with a period of twice its span: the first fifth of the
period lies before the first event (the shipment is planned), and the last
three tenths after the last one (it is delivered). Because the start depends
on the anchor's hour only through that period, the same reference keeps the
same dates while the clock advances, and events turn actual one by one.
NOTE: when the clock passes the end of a period, the shipment starts over
with new dates, as if the same reference were booked again.
"""

import math
import random
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from mockserver.shipments import events as codes
from mockserver.shipments.routes import InlandLeg, Route

TRUCK = "TRUCK"
HOUR_SECONDS = 3600

# Average speeds of inland legs, handling included, and the factor by which
# roads, rails and rivers exceed the great-circle distance.
INLAND_SPEED_KMH = {"RAIL": 30, "BARGE": 10, "TRUCK": 45}
INLAND_ROUTE_FACTOR = 1.3
KNOT_KMH = 1.852
# Service speeds in knots, and the factor by which sea routes exceed the
# great-circle distance. Long routes detour around continents, so the factor
# grows with distance up to its maximum at 10 000 km.
SEA_SPEED_KNOTS = (14.0, 18.0)
SEA_ROUTE_FACTOR = (1.3, 1.8)
SEA_ROUTE_FACTOR_FULL_KM = 10_000
# Hours that a box waits at a transshipment port for its next vessel.
TRANSSHIPMENT_DWELL_HOURS = (48, 192)

PLANNED_SHARE_OF_PERIOD = 0.2
PERIOD_PER_SPAN = 2


@dataclass(frozen=True, slots=True)
class Milestone:
    """One event of one container, before it is placed on the clock.

    `minute` counts from the departure from the port of loading, `stop` is an
    index into the route's stops, and `leg` the sea leg of a sea event.
    """

    minute: int
    status: str
    stop: int
    leg: int | None
    mode: str


def lay_out_journey(
    rng: random.Random, route: Route, container_count: int
) -> list[list[Milestone]]:
    """Return the milestones of each container, in time order.

    The vessel events are shared by all containers. The moves of each box
    around them (gate in, loading, discharge, delivery) vary per container.
    """
    departures, arrivals = _sailings(rng, route)
    return [
        _container_milestones(rng, route, departures, arrivals)
        for _ in range(container_count)
    ]


def _sailings(rng: random.Random, route: Route) -> tuple[list[int], list[int]]:
    departures, arrivals = [0], []
    for index, leg in enumerate(route.legs):
        arrivals.append(departures[index] + _sea_minutes(rng, leg.distance_km))
        if index + 1 < len(route.legs):
            departures.append(arrivals[index] + _hours(rng, *TRANSSHIPMENT_DWELL_HOURS))
    return departures, arrivals


def _container_milestones(
    rng: random.Random, route: Route, departures: list[int], arrivals: list[int]
) -> list[Milestone]:
    return [
        *_origin_milestones(rng, route, departures[0]),
        *_transshipment_milestones(rng, route, departures, arrivals),
        *_destination_milestones(rng, route, arrivals[-1]),
    ]


def _origin_milestones(
    rng: random.Random, route: Route, departure: int
) -> list[Milestone]:
    """Lay out the moves before the departure, backwards from it."""
    loading = route.loading_stop
    first_leg = route.legs[0]
    loaded = departure - _hours(rng, 3, 20)
    gated_in = loaded - _hours(rng, 20, 120)

    receipt = route.receipt
    if receipt:
        unloaded = gated_in - _hours(rng, 2, 12)
        picked_up = unloaded - _inland_minutes(rng, receipt)
        released = picked_up - _hours(rng, 24, 96)
        before_gate_in = [
            Milestone(released, codes.EMPTY_TO_SHIPPER, 0, None, TRUCK),
            Milestone(picked_up, codes.PICKED_UP, 0, None, TRUCK),
            Milestone(unloaded, codes.INLAND_ARRIVAL, loading, None, receipt.mode),
        ]
        gate_in_mode = receipt.mode
    else:
        picked_up = gated_in - _hours(rng, 4, 30)
        released = picked_up - _hours(rng, 24, 96)
        before_gate_in = [
            Milestone(released, codes.EMPTY_TO_SHIPPER, loading, None, TRUCK),
            Milestone(picked_up, codes.PICKED_UP, loading, None, TRUCK),
        ]
        gate_in_mode = TRUCK

    return [
        *before_gate_in,
        Milestone(gated_in, codes.GATE_IN, loading, None, gate_in_mode),
        Milestone(loaded, codes.LOADED, loading, 0, first_leg.mode),
        Milestone(departure, codes.DEPARTED, loading, 0, first_leg.mode),
    ]


def _transshipment_milestones(
    rng: random.Random, route: Route, departures: list[int], arrivals: list[int]
) -> list[Milestone]:
    milestones = []
    for index in range(len(route.legs) - 1):
        stop = route.loading_stop + index + 1
        inbound, outbound = route.legs[index].mode, route.legs[index + 1].mode
        arrived, departing = arrivals[index], departures[index + 1]
        discharged = arrived + _hours(rng, 4, 24)
        loaded = departing - _hours(rng, 3, 18)
        milestones += [
            Milestone(arrived, codes.ARRIVED_AT_TRANSSHIPMENT, stop, index, inbound),
            Milestone(
                discharged, codes.DISCHARGED_AT_TRANSSHIPMENT, stop, index, inbound
            ),
            Milestone(loaded, codes.LOADED_AT_TRANSSHIPMENT, stop, index + 1, outbound),
            Milestone(
                departing, codes.DEPARTED_FROM_TRANSSHIPMENT, stop, index + 1, outbound
            ),
        ]
    return milestones


def _destination_milestones(
    rng: random.Random, route: Route, arrived: int
) -> list[Milestone]:
    """Lay out the moves from the arrival at the port of discharge onwards."""
    discharge = route.loading_stop + len(route.legs)
    last = len(route.legs) - 1
    last_mode = route.legs[last].mode
    discharged = arrived + _hours(rng, 5, 30)
    gated_out = discharged + _hours(rng, 18, 144)
    milestones = [
        Milestone(arrived, codes.ARRIVED, discharge, last, last_mode),
        Milestone(discharged, codes.DISCHARGED, discharge, last, last_mode),
    ]

    delivery = route.delivery
    if delivery:
        unloaded = gated_out + _inland_minutes(rng, delivery)
        delivered = unloaded + _hours(rng, 6, 48)
        delivery_stop = discharge + 1
        milestones += [
            Milestone(gated_out, codes.GATE_OUT, discharge, None, delivery.mode),
            Milestone(
                unloaded, codes.INLAND_ARRIVAL, delivery_stop, None, delivery.mode
            ),
        ]
    else:
        delivered = gated_out + _hours(rng, 3, 30)
        delivery_stop = discharge
        milestones.append(Milestone(gated_out, codes.GATE_OUT, discharge, None, TRUCK))

    returned = delivered + _hours(rng, 24, 168)
    return [
        *milestones,
        Milestone(delivered, codes.DELIVERED, delivery_stop, None, TRUCK),
        Milestone(returned, codes.EMPTY_RETURNED, delivery_stop, None, TRUCK),
    ]


def _hours(rng: random.Random, low: int, high: int) -> int:
    """Return a random duration in whole minutes between low and high hours."""
    return rng.randint(low * 60, high * 60)


def _sea_minutes(rng: random.Random, distance_km: float) -> int:
    share = min(1.0, distance_km / SEA_ROUTE_FACTOR_FULL_KM)
    low, high = SEA_ROUTE_FACTOR
    route_km = distance_km * (low + (high - low) * share)
    speed_kmh = rng.uniform(*SEA_SPEED_KNOTS) * KNOT_KMH
    return max(6 * 60, round(route_km / speed_kmh * 60))


def _inland_minutes(rng: random.Random, leg: InlandLeg) -> int:
    travel_hours = leg.distance_km * INLAND_ROUTE_FACTOR / INLAND_SPEED_KMH[leg.mode]
    return round(travel_hours * 60) + _hours(rng, 6, 48)


def place_on_clock(
    rng: random.Random,
    schedules: list[list[Milestone]],
    zones: list[list[ZoneInfo]],
    anchor: datetime,
) -> list[list[int]]:
    """Return the time of each milestone in seconds since the Unix epoch.

    Every time before `anchor` is at least an hour earlier than every time at
    or after it, so no event falls in the hour that starts at the anchor. Local
    times are never ambiguous: an event whose local time falls in the repeated
    hour at the end of daylight saving time moves one hour later, so that a
    client can read the local date back to the same instant. `zones` gives
    the time zone of each milestone.
    """
    first = min(m.minute for schedule in schedules for m in schedule)
    last = max(m.minute for schedule in schedules for m in schedule)
    period_hours = PERIOD_PER_SPAN * (math.ceil((last - first) / 60) + 1)
    planned_hours = int(period_hours * PLANNED_SHARE_OF_PERIOD)

    anchor_seconds = math.ceil(anchor.timestamp())
    anchor_hour = anchor_seconds // HOUR_SECONDS
    position = (anchor_hour + rng.randrange(period_hours)) % period_hours
    start = (anchor_hour - position + planned_hours) * HOUR_SECONDS
    start += rng.randrange(60) * 60
    times = [
        [start + (m.minute - first) * 60 for m in schedule] for schedule in schedules
    ]
    for container_times, container_zones in zip(times, zones, strict=True):
        _settle(container_times, container_zones)

    window_end = anchor_seconds + HOUR_SECONDS
    inside = [t for ts in times for t in ts if anchor_seconds <= t < window_end]
    if inside:
        shift = math.ceil((window_end - min(inside)) / 60) * 60
        times = [[t + shift if t >= anchor_seconds else t for t in ts] for ts in times]
        for container_times, container_zones in zip(times, zones, strict=True):
            _settle(container_times, container_zones)
    return times


def predicted_arrival(
    rng: random.Random, arrival: int, zone: ZoneInfo, anchor: datetime
) -> int:
    """Return a predicted arrival near the planned one, after the hour at the anchor."""
    earliest = math.ceil(anchor.timestamp()) + HOUR_SECONDS
    predicted = arrival + _hours(rng, -12, 24) * 60
    predicted = max(predicted, math.ceil(earliest / 60) * 60)
    while _is_ambiguous(predicted, zone):
        predicted += HOUR_SECONDS
    return predicted


def _settle(times: list[int], zones: list[ZoneInfo]) -> None:
    """Move times forward, in place, until they rise strictly and read unambiguously."""
    previous = None
    for index, zone in enumerate(zones):
        time = times[index]
        if previous is not None and time <= previous:
            time = previous + 60
        while _is_ambiguous(time, zone):
            time += HOUR_SECONDS
        times[index] = previous = time


def _is_ambiguous(seconds: int, zone: ZoneInfo) -> bool:
    local = datetime.fromtimestamp(seconds, zone)
    return local.utcoffset() != local.replace(fold=1 - local.fold).utcoffset()


def local_time_text(seconds: int, zone: ZoneInfo) -> str:
    """Format an instant as `YYYY-MM-DD HH:MM:SS` in the local time of a zone."""
    local = datetime.fromtimestamp(seconds, zone)
    return (
        f"{local.year:04d}-{local.month:02d}-{local.day:02d} "
        f"{local.hour:02d}:{local.minute:02d}:{local.second:02d}"
    )
