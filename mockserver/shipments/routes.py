"""Choose where a shipment goes: inland legs, ports of call and sea legs."""

import itertools
import random
from dataclasses import dataclass
from typing import NamedTuple

from mockserver.shipments.draws import pick, pick_weighted
from mockserver.shipments.ports import Port, PortTable

# Ports of loading and discharge lie in different countries and at least this
# far apart, so that no route is a short coastal hop.
MIN_PORT_DISTANCE_KM = 800
MAX_PAIR_DRAWS = 1000
# Below this distance most services sail direct.
SHORT_SEA_KM = 2500
# Shares of routes with 0, 1 and 2 transshipments, by route length.
SHORT_SEA_TRANSSHIPMENT_WEIGHTS = (70, 30, 0)
LONG_SEA_TRANSSHIPMENT_WEIGHTS = (35, 45, 20)
_TRANSSHIPMENT_COUNTS = (0, 1, 2)
_SHORT_SEA_TOTALS = tuple(itertools.accumulate(SHORT_SEA_TRANSSHIPMENT_WEIGHTS))
_LONG_SEA_TOTALS = tuple(itertools.accumulate(LONG_SEA_TRANSSHIPMENT_WEIGHTS))
# Transshipment hubs serve the region where a route starts or ends, and may
# lengthen its great-circle path by this factor plus this slack. Great circles
# cross land, as Shanghai to Rotterdam runs over Siberia, so the bound is loose
# enough to admit Singapore on that route. It still rejects hubs that lie the
# wrong way.
DETOUR_FACTOR = 1.5
DETOUR_SLACK_KM = 1500
# No port call within this distance of the previous one.
MIN_CALL_SPACING_KM = 250
# Share of routes with pre-carriage, and of routes with on-carriage, where the
# port has an inland place to serve.
INLAND_LEG_SHARE = 0.3
# Sea legs shorter than this are sailed by feeder vessels on routes with more
# than one sea leg.
FEEDER_MAX_KM = 1500

VESSEL = "VESSEL"
FEEDER = "FEEDER"


@dataclass(frozen=True, slots=True)
class InlandLeg:
    """Pre-carriage from the place of receipt, or on-carriage to the place of
    delivery, by rail, barge or truck."""

    place: Port
    mode: str
    distance_km: float


@dataclass(frozen=True, slots=True)
class SeaLeg:
    """A voyage between two ports of call on one vessel."""

    origin: Port
    destination: Port
    mode: str
    distance_km: float
    direction: str


class RouteShape(NamedTuple):
    """The modes of travel of a route, which fix the list of its events.

    The modes are those of the pre-carriage, of each sea leg and of the
    on-carriage. An end without an inland leg has None.
    """

    receipt_mode: str | None
    leg_modes: tuple[str, ...]
    delivery_mode: str | None


@dataclass(frozen=True, slots=True)
class Route:
    """The places of a shipment in travel order.

    `ports` lists the port of loading, the transshipment ports and the port of
    discharge, and `legs` the sea legs between them.
    """

    receipt: InlandLeg | None
    ports: tuple[Port, ...]
    legs: tuple[SeaLeg, ...]
    delivery: InlandLeg | None

    @property
    def stops(self) -> tuple[Port, ...]:
        """Every place of the route, inland places included, in travel order."""
        head = (self.receipt.place,) if self.receipt else ()
        tail = (self.delivery.place,) if self.delivery else ()
        return head + self.ports + tail

    @property
    def shape(self) -> RouteShape:
        """The modes of travel of the route, which fix the list of its events."""
        return RouteShape(
            self.receipt.mode if self.receipt else None,
            tuple(leg.mode for leg in self.legs),
            self.delivery.mode if self.delivery else None,
        )

    @property
    def loading_stop(self) -> int:
        """Index in `stops` of the port of loading."""
        return 1 if self.receipt else 0


def choose_route(rng: random.Random, table: PortTable) -> Route:
    """Draw a route between real ports, with transshipments at real hubs."""
    loading, discharge = _choose_port_pair(rng, table)
    ports = (
        loading,
        *_choose_transshipments(rng, table, loading, discharge),
        discharge,
    )
    legs = _sea_legs(table, ports)
    receipt = _choose_inland_leg(rng, table, loading, exclude=None)
    delivery = _choose_inland_leg(
        rng, table, discharge, exclude=receipt.place if receipt else None
    )
    return Route(receipt, ports, legs, delivery)


def _choose_port_pair(rng: random.Random, table: PortTable) -> tuple[Port, Port]:
    # Most random pairs qualify, so drawing until one does costs about one
    # draw, far less than filtering every port against the port of loading.
    seaports = table.seaports
    for _ in range(MAX_PAIR_DRAWS):
        loading, discharge = pick(rng, seaports), pick(rng, seaports)
        if (
            loading.country_code != discharge.country_code
            and table.distance_km(loading, discharge) >= MIN_PORT_DISTANCE_KM
        ):
            return loading, discharge
    raise ValueError(
        f"no two seaports in different countries {MIN_PORT_DISTANCE_KM} km or more "
        f"apart were found in {MAX_PAIR_DRAWS} draws; add seaports to the port table"
    )


def _choose_transshipments(
    rng: random.Random, table: PortTable, loading: Port, discharge: Port
) -> tuple[Port, ...]:
    direct_km = table.distance_km(loading, discharge)
    totals = _SHORT_SEA_TOTALS if direct_km < SHORT_SEA_KM else _LONG_SEA_TOTALS
    count = pick_weighted(rng, _TRANSSHIPMENT_COUNTS, totals)
    if count == 0:
        return ()

    # The first hub of two serves the origin region and the second the
    # destination region, as a feeder and a main line would connect them.
    limit_km = DETOUR_FACTOR * direct_km + DETOUR_SLACK_KM
    origin_hubs = _hubs_between(
        table, table.hubs_for(loading.region), loading, discharge, limit_km
    )
    destination_hubs = _hubs_between(
        table, table.hubs_for(discharge.region), loading, discharge, limit_km
    )
    if count == 2 and origin_hubs and destination_hubs:
        first = pick(rng, origin_hubs)
        seconds = [
            hub
            for hub in destination_hubs
            if table.distance_km(loading, hub) > table.distance_km(loading, first)
            and _fits(table, (loading, first, hub, discharge), limit_km)
        ]
        if seconds:
            return (first, pick(rng, seconds))

    # Ports of one table are the same port exactly when their indexes are
    # equal, and comparing indexes is cheaper than comparing every field.
    origin_indexes = {hub.index for hub in origin_hubs}
    hubs = origin_hubs + [
        hub for hub in destination_hubs if hub.index not in origin_indexes
    ]
    return (pick(rng, hubs),) if hubs else ()


def _hubs_between(
    table: PortTable,
    hubs: tuple[Port, ...],
    loading: Port,
    discharge: Port,
    limit_km: float,
) -> list[Port]:
    """Return the hubs that fit as the only call between two ports.

    The result equals filtering with `_fits`, which this inlines for the
    common case of one call because routes check every hub of two regions.
    """
    from_loading = table.distances_from(loading)
    fitting = []
    for hub in hubs:
        first_km = from_loading[hub.index]
        second_km = table.distances_from(hub)[discharge.index]
        if (
            first_km >= MIN_CALL_SPACING_KM
            and second_km >= MIN_CALL_SPACING_KM
            and first_km + second_km <= limit_km
        ):
            fitting.append(hub)
    return fitting


def _fits(table: PortTable, calls: tuple[Port, ...], limit_km: float) -> bool:
    """Tell whether a sequence of calls stays within the detour limit."""
    total_km = 0.0
    for origin, destination in itertools.pairwise(calls):
        leg_km = table.distance_km(origin, destination)
        if leg_km < MIN_CALL_SPACING_KM:
            return False
        total_km += leg_km
    return total_km <= limit_km


def _sea_legs(table: PortTable, ports: tuple[Port, ...]) -> tuple[SeaLeg, ...]:
    legs = []
    for origin, destination in itertools.pairwise(ports):
        distance_km = table.distance_km(origin, destination)
        feeder = len(ports) > 2 and distance_km < FEEDER_MAX_KM
        legs.append(
            SeaLeg(
                origin,
                destination,
                FEEDER if feeder else VESSEL,
                distance_km,
                heading_letter(origin, destination),
            )
        )
    return tuple(legs)


def _choose_inland_leg(
    rng: random.Random, table: PortTable, seaport: Port, exclude: Port | None
) -> InlandLeg | None:
    if rng.random() >= INLAND_LEG_SHARE:
        return None
    # Identity suffices because both places come from the same table.
    places = [p for p in table.inland_served_by(seaport) if p is not exclude]
    if not places:
        return None
    place = pick(rng, places)
    return InlandLeg(place, pick(rng, place.modes), table.distance_km(seaport, place))


def heading_letter(origin: Port, destination: Port) -> str:
    """Return E, W, N or S, the main direction from one port to another.

    Voyage numbers end in this letter, as carriers number eastbound and
    westbound sailings of a service apart.
    """
    east_degrees = (destination.lng - origin.lng + 180) % 360 - 180
    north_degrees = destination.lat - origin.lat
    if abs(east_degrees) >= abs(north_degrees):
        return "E" if east_degrees >= 0 else "W"
    return "N" if north_degrees >= 0 else "S"
