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

import functools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from mockserver.shipments import events as codes
from mockserver.shipments.draws import below, between
from mockserver.shipments.localtime import ZoneClock
from mockserver.shipments.routes import InlandLeg, Route, RouteShape

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
class Step:
    """One event that every container of a shipment goes through, before its time.

    `stop` is an index into the route's stops, and `leg` the sea leg of a sea
    event.
    """

    status: str
    stop: int
    leg: int | None
    mode: str


# Unbounded, because four receipt modes, thirteen sequences of sea legs and
# four delivery modes make at most 208 shapes.
@functools.cache
def journey_steps(shape: RouteShape) -> tuple[Step, ...]:
    """Return the events of each container on a route of this shape, in time order."""
    receipt_mode, leg_modes, delivery_mode = shape
    loading = 1 if receipt_mode else 0
    first_mode = leg_modes[0]
    if receipt_mode:
        steps = [
            Step(codes.EMPTY_TO_SHIPPER, 0, None, TRUCK),
            Step(codes.PICKED_UP, 0, None, TRUCK),
            Step(codes.INLAND_ARRIVAL, loading, None, receipt_mode),
        ]
    else:
        steps = [
            Step(codes.EMPTY_TO_SHIPPER, loading, None, TRUCK),
            Step(codes.PICKED_UP, loading, None, TRUCK),
        ]
    steps += [
        Step(codes.GATE_IN, loading, None, receipt_mode or TRUCK),
        Step(codes.LOADED, loading, 0, first_mode),
        Step(codes.DEPARTED, loading, 0, first_mode),
    ]

    for index in range(len(leg_modes) - 1):
        stop = loading + index + 1
        inbound, outbound = leg_modes[index], leg_modes[index + 1]
        steps += [
            Step(codes.ARRIVED_AT_TRANSSHIPMENT, stop, index, inbound),
            Step(codes.DISCHARGED_AT_TRANSSHIPMENT, stop, index, inbound),
            Step(codes.LOADED_AT_TRANSSHIPMENT, stop, index + 1, outbound),
            Step(codes.DEPARTED_FROM_TRANSSHIPMENT, stop, index + 1, outbound),
        ]

    discharge = loading + len(leg_modes)
    last = len(leg_modes) - 1
    steps += [
        Step(codes.ARRIVED, discharge, last, leg_modes[last]),
        Step(codes.DISCHARGED, discharge, last, leg_modes[last]),
    ]
    delivery_stop = discharge
    if delivery_mode:
        delivery_stop = discharge + 1
        steps += [
            Step(codes.GATE_OUT, discharge, None, delivery_mode),
            Step(codes.INLAND_ARRIVAL, delivery_stop, None, delivery_mode),
        ]
    else:
        steps.append(Step(codes.GATE_OUT, discharge, None, TRUCK))
    steps += [
        Step(codes.DELIVERED, delivery_stop, None, TRUCK),
        Step(codes.EMPTY_RETURNED, delivery_stop, None, TRUCK),
    ]
    return tuple(steps)


def lay_out_journey(
    rng: random.Random, route: Route, container_count: int
) -> list[list[int]]:
    """Return the minute of each event of `journey_steps(route.shape)`, per container.

    Minutes count from the departure from the port of loading. The vessel
    events are shared by all containers. The moves of each box around them
    (gate in, loading, discharge, delivery) vary per container.
    """
    departures, arrivals = _sailings(rng, route)
    return [
        [
            *_origin_minutes(rng, route, departures[0]),
            *_transshipment_minutes(rng, departures, arrivals),
            *_destination_minutes(rng, route, arrivals[-1]),
        ]
        for _ in range(container_count)
    ]


def _sailings(rng: random.Random, route: Route) -> tuple[list[int], list[int]]:
    departures, arrivals = [0], []
    for index, leg in enumerate(route.legs):
        arrivals.append(departures[index] + _sea_minutes(rng, leg.distance_km))
        if index + 1 < len(route.legs):
            departures.append(arrivals[index] + _hours(rng, *TRANSSHIPMENT_DWELL_HOURS))
    return departures, arrivals


def _origin_minutes(rng: random.Random, route: Route, departure: int) -> list[int]:
    """Lay out the moves before the departure, backwards from it."""
    loaded = departure - _hours(rng, 3, 20)
    gated_in = loaded - _hours(rng, 20, 120)

    receipt = route.receipt
    if receipt:
        unloaded = gated_in - _hours(rng, 2, 12)
        picked_up = unloaded - _inland_minutes(rng, receipt)
        released = picked_up - _hours(rng, 24, 96)
        return [released, picked_up, unloaded, gated_in, loaded, departure]

    picked_up = gated_in - _hours(rng, 4, 30)
    released = picked_up - _hours(rng, 24, 96)
    return [released, picked_up, gated_in, loaded, departure]


def _transshipment_minutes(
    rng: random.Random, departures: list[int], arrivals: list[int]
) -> list[int]:
    minutes = []
    for index in range(len(departures) - 1):
        arrived, departing = arrivals[index], departures[index + 1]
        discharged = arrived + _hours(rng, 4, 24)
        loaded = departing - _hours(rng, 3, 18)
        minutes += [arrived, discharged, loaded, departing]
    return minutes


def _destination_minutes(rng: random.Random, route: Route, arrived: int) -> list[int]:
    """Lay out the moves from the arrival at the port of discharge onwards."""
    discharged = arrived + _hours(rng, 5, 30)
    gated_out = discharged + _hours(rng, 18, 144)

    delivery = route.delivery
    if delivery:
        unloaded = gated_out + _inland_minutes(rng, delivery)
        delivered = unloaded + _hours(rng, 6, 48)
        moves = [arrived, discharged, gated_out, unloaded, delivered]
    else:
        delivered = gated_out + _hours(rng, 3, 30)
        moves = [arrived, discharged, gated_out, delivered]

    returned = delivered + _hours(rng, 24, 168)
    return [*moves, returned]


def _hours(rng: random.Random, low: int, high: int) -> int:
    """Return a random duration in whole minutes between low and high hours."""
    return between(rng, low * 60, high * 60)


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
    minutes: list[list[int]],
    clocks: Sequence[ZoneClock],
    anchor: datetime,
) -> list[list[int]]:
    """Return the time of each event in seconds since the Unix epoch.

    `minutes` gives the events of each container, as `lay_out_journey` lays
    them out, and `clocks` the time zone of each event, the same for every
    container. Every time before `anchor` is at least an hour earlier than
    every time at or after it, so no event falls in the hour that starts at
    the anchor. Local times are never ambiguous: an event whose local time
    falls in the repeated hour at the end of daylight saving time moves one
    hour later, so that a client can read the local date back to the same
    instant.
    """
    first = min(map(min, minutes))
    last = max(map(max, minutes))
    period_hours = PERIOD_PER_SPAN * (math.ceil((last - first) / 60) + 1)
    planned_hours = int(period_hours * PLANNED_SHARE_OF_PERIOD)

    anchor_seconds = math.ceil(anchor.timestamp())
    anchor_hour = anchor_seconds // HOUR_SECONDS
    position = (anchor_hour + below(rng, period_hours)) % period_hours
    start = (anchor_hour - position + planned_hours) * HOUR_SECONDS
    start += below(rng, 60) * 60
    origin = start - first * 60
    times = [[origin + minute * 60 for minute in row] for row in minutes]
    for container_times in times:
        _settle(container_times, clocks)

    window_end = anchor_seconds + HOUR_SECONDS
    inside = [t for ts in times for t in ts if anchor_seconds <= t < window_end]
    if inside:
        shift = math.ceil((window_end - min(inside)) / 60) * 60
        times = [[t + shift if t >= anchor_seconds else t for t in ts] for ts in times]
        for container_times in times:
            _settle(container_times, clocks)
    return times


def predicted_arrival(
    rng: random.Random, arrival: int, clock: ZoneClock, anchor: datetime
) -> int:
    """Return a predicted arrival near the planned one, after the hour at the anchor."""
    earliest = math.ceil(anchor.timestamp()) + HOUR_SECONDS
    predicted = arrival + _hours(rng, -12, 24) * 60
    predicted = max(predicted, math.ceil(earliest / 60) * 60)
    while clock.is_ambiguous(predicted):
        predicted += HOUR_SECONDS
    return predicted


def _settle(times: list[int], clocks: Sequence[ZoneClock]) -> None:
    """Move times forward, in place, until they rise strictly and read unambiguously."""
    previous = None
    for index, clock in enumerate(clocks):
        time = times[index]
        if previous is not None and time <= previous:
            time = previous + 60
        while clock.is_ambiguous(time):
            time += HOUR_SECONDS
        times[index] = previous = time
