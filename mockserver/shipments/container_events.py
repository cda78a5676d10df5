"""Build the event objects of a container from its journey's steps and times.

Most fields of an event depend only on the route's shape, so they are
filled once per shape into a prototype. Each container then copies the
prototypes and adds its dates, whether each event is actual, and the
shipment's voyage numbers.
"""

import functools
from collections.abc import Sequence
from typing import Any

from mockserver.shipments.events import EventKind, shipped_event_vocabulary
from mockserver.shipments.localtime import ZoneClock
from mockserver.shipments.routes import RouteShape
from mockserver.shipments.timeline import journey_steps


class EventPrototype:
    """The fields of one event that every shipment of a shape shares.

    `fields` lacks the per-container `date` and `actual` (None in it, to keep
    the key order), and `voyage` is None in it. `leg` is the sea leg whose
    voyage number the event carries, or None for a land event.
    """

    __slots__ = ("fields", "leg")

    def __init__(self, fields: dict[str, Any], leg: int | None) -> None:
        self.fields = fields
        self.leg = leg


# Unbounded for the same reason as journey_steps: at most 208 shapes.
@functools.cache
def event_prototypes(shape: RouteShape) -> tuple[EventPrototype, ...]:
    """Return the prototype of each event of a route of this shape, in order."""
    vocabulary = shipped_event_vocabulary()
    loading_stop = 1 if shape.receipt_mode else 0
    port_count = len(shape.leg_modes) + 1
    prototypes = []
    for order_id, step in enumerate(journey_steps(shape), start=1):
        kind = vocabulary[step.status]
        leg = step.leg
        # Facility ids follow the seaports of the route, so the n-th port of
        # call has facility n. The inland places at either end have none.
        facility = None
        if kind.at_terminal and 0 <= step.stop - loading_stop < port_count:
            facility = step.stop - loading_stop + 1
        fields = {
            "order_id": order_id,
            "location": step.stop + 1,
            "facility": facility,
            "description": _description(kind, step.mode),
            "event_type": kind.event_type,
            "event_code": kind.event_code,
            "status": kind.status,
            "date": None,
            "actual": None,
            "is_additional_event": kind.additional,
            "type": "land" if leg is None else "sea",
            "transport_type": step.mode,
            "vessel": None if leg is None else leg + 1,
            "voyage": None,
        }
        prototypes.append(EventPrototype(fields, leg))
    return tuple(prototypes)


def container_events(
    prototypes: Sequence[EventPrototype],
    clocks: Sequence[ZoneClock],
    times: Sequence[int],
    voyages: Sequence[str],
    anchor_seconds: int,
) -> list[dict[str, Any]]:
    """Return the event objects of one container.

    `clocks` gives the time zone of each event and `times` its instant in
    Unix seconds. An event before `anchor_seconds` is actual.
    """
    events = []
    for prototype, clock, time in zip(prototypes, clocks, times, strict=True):
        event = prototype.fields.copy()
        event["date"] = clock.local_text(time)
        event["actual"] = time < anchor_seconds
        if prototype.leg is not None:
            event["voyage"] = voyages[prototype.leg]
        events.append(event)
    return events


def _description(kind: EventKind, mode: str) -> str:
    if "{mode}" not in kind.description:
        return kind.description
    return kind.description.format(mode=mode.lower())
