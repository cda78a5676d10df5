"""Load the table of container ports and inland places from ports.toml."""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfoNotFoundError

from mockserver.datafiles import load_toml, shipped_scenarios_dir
from mockserver.shipments.localtime import ZoneClock, zone_clock

SEAPORT = "seaport"
INLAND = "inland"
INLAND_MODES = ("RAIL", "BARGE", "TRUCK")
REGIONS = (
    "east_asia",
    "southeast_asia",
    "south_asia",
    "middle_east",
    "mediterranean",
    "north_europe",
    "north_america_west",
    "north_america_east",
    "central_america",
    "south_america_west",
    "south_america_east",
    "africa_west",
    "africa_east",
    "oceania",
)
MAX_TERMINALS = 3

EARTH_RADIUS_KM = 6371.0
_LOCODE = re.compile(r"[A-Z]{2}[A-Z2-9]{3}")


@dataclass(frozen=True, slots=True)
class Terminal:
    """A container terminal of a seaport."""

    name: str
    bic_code: str | None
    smdg_code: str | None
    lat: float
    lng: float


@dataclass(frozen=True, slots=True)
class Port:
    """A seaport or an inland place, with the fields a location entry sends.

    `index` is the position in the table. `region`, `hub_for` and `terminals`
    are set only for seaports, `gateways` and `modes` only for inland places.
    """

    index: int
    locode: str
    name: str
    state: str | None
    country: str
    country_code: str
    lat: float
    lng: float
    timezone: str
    kind: str
    region: str | None
    hub_for: tuple[str, ...]
    terminals: tuple[Terminal, ...]
    gateways: tuple[str, ...]
    modes: tuple[str, ...]
    clock: ZoneClock = field(compare=False, repr=False)


class PortTable:
    """All places that shipments may visit, and the distances between them.

    Raises ValueError unless each place's `index` is its position in `places`.
    """

    __slots__ = (
        "_by_locode",
        "_distances",
        "_hubs_by_region",
        "_inland_by_gateway",
        "places",
        "seaports",
    )

    def __init__(self, places: Sequence[Port]) -> None:
        self.places: tuple[Port, ...] = tuple(places)
        if any(place.index != position for position, place in enumerate(self.places)):
            raise ValueError("each place's index must equal its position in the table")
        self.seaports = tuple(p for p in self.places if p.kind == SEAPORT)
        self._by_locode = {p.locode: p for p in self.places}
        self._distances = tuple(
            tuple(great_circle_km(a.lat, a.lng, b.lat, b.lng) for b in self.places)
            for a in self.places
        )
        inland_by_gateway: dict[str, list[Port]] = {}
        for place in self.places:
            for gateway in place.gateways:
                inland_by_gateway.setdefault(gateway, []).append(place)
        self._inland_by_gateway = {k: tuple(v) for k, v in inland_by_gateway.items()}
        self._hubs_by_region = {
            region: tuple(p for p in self.seaports if region in p.hub_for)
            for region in REGIONS
        }

    def __len__(self) -> int:
        return len(self.places)

    def get(self, locode: str) -> Port:
        """Return the place with this LOCODE, raising KeyError if there is none."""
        return self._by_locode[locode]

    def distance_km(self, a: Port, b: Port) -> float:
        """Return the great-circle distance between two places of this table."""
        return self._distances[a.index][b.index]

    def distances_from(self, place: Port) -> tuple[float, ...]:
        """Return the great-circle distances from a place, indexed by `Port.index`."""
        return self._distances[place.index]

    def hubs_for(self, region: str | None) -> tuple[Port, ...]:
        """Return the transshipment hubs for routes that start or end in a region."""
        return self._hubs_by_region.get(region, ()) if region else ()

    def inland_served_by(self, seaport: Port) -> tuple[Port, ...]:
        """Return the inland places that list this seaport as a gateway."""
        return self._inland_by_gateway.get(seaport.locode, ())


def great_circle_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Return the haversine distance in kilometres on a spherical Earth."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lng2 - lng1)
    h = (
        math.sin(dphi / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def load_port_table(path: Path | None = None) -> PortTable:
    """Read and validate a port table, by default the shipped ports.toml.

    Raises ValueError naming the file and the entry when an entry is invalid.
    Invalid entries include a malformed or repeated LOCODE, a country code
    that differs from the LOCODE, a coordinate out of range, an unknown time
    zone or region, and a seaport without one to three terminals. An inland
    place is also invalid when one of its gateways is not a seaport here.
    """
    path = path or shipped_scenarios_dir() / "ports.toml"
    entries = load_toml(path).get("ports", [])
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{path}: expected a non-empty array of [[ports]] tables")

    places = []
    for index, entry in enumerate(entries):
        try:
            places.append(_parse_port(index, entry))
        except (KeyError, TypeError, ValueError) as error:
            label = entry.get("locode", f"entry {index + 1}")
            raise ValueError(f"{path}: port {label}: {error}") from error

    _check_cross_references(path, places)
    return PortTable(places)


def _parse_port(index: int, entry: dict[str, Any]) -> Port:
    locode = _required_text(entry, "locode")
    if not _LOCODE.fullmatch(locode):
        raise ValueError("locode must be 2 capital letters and 3 letters or digits 2-9")
    country_code = _required_text(entry, "country_code")
    if country_code != locode[:2]:
        raise ValueError(f"country_code {country_code!r} differs from the LOCODE")

    lat, lng = _coordinates(entry)
    timezone = _required_text(entry, "timezone")
    try:
        clock = zone_clock(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {timezone!r}") from error

    kind = entry.get("kind", SEAPORT)
    if kind not in (SEAPORT, INLAND):
        raise ValueError(f"kind must be {SEAPORT!r} or {INLAND!r}, got {kind!r}")
    terminals = tuple(_parse_terminal(t) for t in entry.get("terminals", []))
    if kind == SEAPORT and not 1 <= len(terminals) <= MAX_TERMINALS:
        raise ValueError(f"a seaport needs 1 to {MAX_TERMINALS} terminals")
    modes = tuple(entry.get("modes", ()))
    if kind == INLAND and (not modes or set(modes) - set(INLAND_MODES)):
        raise ValueError(f"modes must be a non-empty list drawn from {INLAND_MODES}")
    region = entry.get("region")
    hub_for = tuple(entry.get("hub_for", ()))
    if kind == SEAPORT and region not in REGIONS:
        raise ValueError(f"region must be one of {REGIONS}, got {region!r}")
    if set(hub_for) - set(REGIONS):
        raise ValueError(f"hub_for must list regions drawn from {REGIONS}")

    return Port(
        index=index,
        locode=locode,
        name=_required_text(entry, "name"),
        state=entry.get("state"),
        country=_required_text(entry, "country"),
        country_code=country_code,
        lat=lat,
        lng=lng,
        timezone=timezone,
        kind=kind,
        region=region if kind == SEAPORT else None,
        hub_for=hub_for if kind == SEAPORT else (),
        terminals=terminals,
        gateways=tuple(entry.get("gateways", ())) if kind == INLAND else (),
        modes=modes if kind == INLAND else (),
        clock=clock,
    )


def _parse_terminal(entry: dict[str, Any]) -> Terminal:
    lat, lng = _coordinates(entry)
    return Terminal(
        name=_required_text(entry, "name"),
        bic_code=entry.get("bic_code"),
        smdg_code=entry.get("smdg_code"),
        lat=lat,
        lng=lng,
    )


def _check_cross_references(path: Path, places: list[Port]) -> None:
    kinds = {}
    for place in places:
        if place.locode in kinds:
            raise ValueError(f"{path}: LOCODE {place.locode} appears twice")
        kinds[place.locode] = place.kind

    countries = {p.country_code for p in places if p.kind == SEAPORT}
    if len(countries) < 2:
        raise ValueError(f"{path}: routes need seaports in at least two countries")

    for place in places:
        for gateway in place.gateways:
            if kinds.get(gateway) != SEAPORT:
                raise ValueError(
                    f"{path}: port {place.locode}: gateway {gateway} is not a seaport "
                    "of this table"
                )


def _required_text(entry: dict[str, Any], key: str) -> str:
    value = entry[key]
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key} must be non-empty text")
    return value


def _coordinates(entry: dict[str, Any]) -> tuple[float, float]:
    lat, lng = float(entry["lat"]), float(entry["lng"])
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValueError(f"coordinates ({lat}, {lng}) are out of range")
    return lat, lng
