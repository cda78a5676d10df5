"""Checks that every generated shipment must pass, shared by the data tests.

The check digits, MIDs and size types are verified with formulas and tables
written here, independently of the code under test.
"""

import functools
import string
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from mockserver.shipments import PortTable, ShipmentSpec, load_port_table

HOUR = timedelta(hours=1)

TOP_LEVEL_KEYS = {"status", "locations", "facilities", "route", "vessels", "containers"}
LOCATION_KEYS = {
    "id",
    "name",
    "state",
    "country",
    "country_code",
    "locode",
    "lat",
    "lng",
    "timezone",
}
FACILITY_KEYS = {
    "id",
    "name",
    "country_code",
    "locode",
    "bic_code",
    "smdg_code",
    "lat",
    "lng",
}
ROUTE_POINT_KEYS = {"location", "date", "actual"}
VESSEL_KEYS = {"id", "name", "imo", "mmsi", "call_sign", "flag"}
CONTAINER_KEYS = {"number", "iso_code", "size_type", "status", "events"}
EVENT_KEYS = {
    "order_id",
    "location",
    "facility",
    "description",
    "event_type",
    "event_code",
    "status",
    "date",
    "actual",
    "is_additional_event",
    "type",
    "transport_type",
    "vessel",
    "voyage",
}
SHIPMENT_STATUSES = {"PLANNED", "IN_TRANSIT", "DELIVERED"}
DELIVERY_STATUSES = {"CDC", "CER"}

# ISO 6346 size-type codes and the words their text must contain.
SIZE_TYPE_WORDS = {
    "22G1": ("20'", "Dry"),
    "42G1": ("40'", "Dry"),
    "45G1": ("40'", "High Cube", "Dry"),
    "L5G1": ("45'", "High Cube"),
    "22R1": ("20'", "Reefer"),
    "45R1": ("40'", "High Cube", "Reefer"),
    "22U1": ("20'", "Open Top"),
    "42U1": ("40'", "Open Top"),
    "22P1": ("20'", "Flat Rack"),
    "42P1": ("40'", "Flat Rack"),
    "22T6": ("20'", "Tank"),
}

# Maritime Identification Digits that the ITU assigns to each flag state.
MIDS = {
    "PA": {351, 352, 353, 354, 355, 356, 357, 370, 371, 372, 373},
    "LR": {636, 637},
    "MH": {538},
    "SG": {563, 564, 565, 566},
    "HK": {477},
    "MT": {215, 229, 248, 249, 256},
    "DK": {219, 220},
    "DE": {211, 218},
    "PT": {255, 263},
    "GB": {232, 233, 234, 235},
    "CY": {209, 210, 212},
    "GR": {237, 239, 240, 241},
    "CN": {412, 413, 414},
    "KR": {440, 441},
    "JP": {431, 432},
    "TW": {416},
    "FR": {226, 227, 228},
    "US": {338, 366, 367, 368, 369},
    "IL": {428},
    "NO": {257, 258, 259},
    "BS": {308, 309, 311},
    "AG": {304, 305},
}


def iso6346_is_valid(number: str) -> bool:
    """Check a container number with the ISO 6346 formula."""
    if len(number) != 11 or not number[:4].isalpha() or not number[4:].isdigit():
        return False
    values = {}
    value = 10
    for letter in string.ascii_uppercase:
        if value in (11, 22, 33):
            value += 1
        values[letter] = value
        value += 1
    digits = [values[c] for c in number[:4]] + [int(c) for c in number[4:10]]
    total = sum(d * 2**i for i, d in enumerate(digits))
    return total % 11 % 10 == int(number[10])


def imo_is_valid(number: int) -> bool:
    """Check an IMO ship number: weights 7..2 on the first six digits."""
    text = str(number)
    if len(text) != 7:
        return False
    total = sum(int(d) * w for d, w in zip(text[:6], [7, 6, 5, 4, 3, 2], strict=True))
    return total % 10 == int(text[6])


def container_reference(owner: str, serial: int) -> str:
    for digit in "0123456789":
        candidate = f"{owner}{serial:06d}{digit}"
        if iso6346_is_valid(candidate):
            return candidate
    raise AssertionError("no check digit fits")


def utc_instant(date: str, zone_name: str) -> datetime:
    local = datetime.strptime(date, "%Y-%m-%d %H:%M:%S").replace(
        tzinfo=ZoneInfo(zone_name)
    )
    return local.astimezone(UTC)


def is_ambiguous(date: str, zone_name: str) -> bool:
    local = datetime.strptime(date, "%Y-%m-%d %H:%M:%S").replace(
        tzinfo=ZoneInfo(zone_name)
    )
    return local.utcoffset() != local.replace(fold=1).utcoffset()


@functools.cache
def table() -> PortTable:
    return load_port_table()


def all_events(shipment: dict[str, Any]) -> list[dict[str, Any]]:
    return [event for c in shipment["containers"] for event in c["events"]]


def location_zone(shipment: dict[str, Any], location_id: int) -> str:
    return shipment["locations"][location_id - 1]["timezone"]


def check_shape(shipment: dict[str, Any]) -> None:
    assert set(shipment) == TOP_LEVEL_KEYS
    assert shipment["status"] in SHIPMENT_STATUSES
    for key in ("locations", "facilities", "vessels", "containers"):
        assert isinstance(shipment[key], list), key
    for location in shipment["locations"]:
        assert set(location) == LOCATION_KEYS
    for facility in shipment["facilities"]:
        assert set(facility) == FACILITY_KEYS
    for vessel in shipment["vessels"]:
        assert set(vessel) == VESSEL_KEYS
    route = shipment["route"]
    assert set(route) == {"prepol", "pol", "pod", "postpod"}
    for key in ("prepol", "pol", "postpod"):
        assert set(route[key]) == ROUTE_POINT_KEYS, key
    assert set(route["pod"]) == ROUTE_POINT_KEYS | {"predictive_eta"}
    for container in shipment["containers"]:
        assert set(container) == CONTAINER_KEYS
        assert isinstance(container["events"], list)
        for event in container["events"]:
            assert set(event) == EVENT_KEYS


def check_references(shipment: dict[str, Any]) -> None:
    for key in ("locations", "facilities", "vessels"):
        ids = [entry["id"] for entry in shipment[key]]
        assert ids == list(range(1, len(ids) + 1)), key

    location_ids = {entry["id"] for entry in shipment["locations"]}
    facility_ids = {entry["id"] for entry in shipment["facilities"]}
    vessel_ids = {entry["id"] for entry in shipment["vessels"]}
    used_locations, used_facilities, used_vessels = set(), set(), set()
    for event in all_events(shipment):
        assert event["location"] in location_ids
        used_locations.add(event["location"])
        if event["facility"] is not None:
            assert event["facility"] in facility_ids
            used_facilities.add(event["facility"])
        if event["vessel"] is not None:
            assert event["vessel"] in vessel_ids
            used_vessels.add(event["vessel"])
    for point in shipment["route"].values():
        assert point["location"] in location_ids
        used_locations.add(point["location"])
    assert used_locations == location_ids
    assert used_facilities == facility_ids
    assert used_vessels == vessel_ids


def check_clock(shipment: dict[str, Any], anchor: datetime) -> None:
    for container in shipment["containers"]:
        events = container["events"]
        assert [e["order_id"] for e in events] == list(range(1, len(events) + 1))
        instants = []
        for event in events:
            zone = location_zone(shipment, event["location"])
            assert not is_ambiguous(event["date"], zone), event
            instant = utc_instant(event["date"], zone)
            instants.append(instant)
            assert not anchor <= instant < anchor + HOUR, event
            assert event["actual"] is (instant < anchor), event
        assert instants == sorted(instants)
        assert len(set(instants)) == len(instants)


def check_statuses(shipment: dict[str, Any]) -> None:
    containers = shipment["containers"]
    for container in containers:
        actual = [e for e in container["events"] if e["actual"]]
        assert container["status"] == (actual[-1]["status"] if actual else None)

    events = all_events(shipment)
    if not any(e["actual"] for e in events):
        expected = "PLANNED"
    elif all(
        any(e["actual"] and e["status"] in DELIVERY_STATUSES for e in c["events"])
        for c in containers
    ):
        expected = "DELIVERED"
    else:
        expected = "IN_TRANSIT"
    assert shipment["status"] == expected


def check_route_dates(shipment: dict[str, Any], anchor: datetime) -> None:
    route = shipment["route"]
    events = shipment["containers"][0]["events"]

    def matching(status: str, location: int) -> dict[str, Any]:
        found = [
            e for e in events if e["status"] == status and e["location"] == location
        ]
        assert len(found) == 1, (status, location)
        return found[0]

    for key, status in (("pol", "VDL"), ("pod", "VAD")):
        event = matching(status, route[key]["location"])
        assert route[key]["date"] == event["date"]
        assert route[key]["actual"] == event["actual"]
    for key, status in (("prepol", "CPS"), ("postpod", "LTS")):
        point = route[key]
        if point["date"] is None:
            assert point["actual"] is None
            continue
        event = matching(status, point["location"])
        assert (point["date"], point["actual"]) == (event["date"], event["actual"])

    pod = route["pod"]
    if pod["actual"]:
        assert pod["predictive_eta"] is None
    else:
        eta = utc_instant(
            pod["predictive_eta"], location_zone(shipment, pod["location"])
        )
        assert eta >= anchor + HOUR


def check_equipment(shipment: dict[str, Any], spec: ShipmentSpec) -> None:
    containers = shipment["containers"]
    numbers = [c["number"] for c in containers]
    assert len(numbers) == len(set(numbers))
    if spec.reference_type == "CONTAINER":
        assert numbers == [spec.reference_number]
    else:
        assert 1 <= len(numbers) <= 4
    for container in containers:
        assert iso6346_is_valid(container["number"]), container["number"]
        assert container["number"][3] == "U"
        words = SIZE_TYPE_WORDS[container["iso_code"]]
        assert all(word in container["size_type"] for word in words), container


def check_vessels(shipment: dict[str, Any]) -> None:
    for vessel in shipment["vessels"]:
        assert imo_is_valid(vessel["imo"]), vessel
        assert 100_000_000 <= vessel["mmsi"] <= 999_999_999
        assert vessel["mmsi"] // 1_000_000 in MIDS[vessel["flag"]], vessel
        assert vessel["name"] == vessel["name"].upper()
        assert vessel["call_sign"].isalnum()


def check_events(shipment: dict[str, Any]) -> None:
    for event in all_events(shipment):
        assert event["event_type"] in ("EQUIPMENT", "TRANSPORT")
        assert event["type"] in ("sea", "land")
        assert event["transport_type"] in ("VESSEL", "FEEDER", "BARGE", "RAIL", "TRUCK")
        assert isinstance(event["is_additional_event"], bool)
        assert event["description"]
        if event["type"] == "land":
            assert event["vessel"] is None
            assert event["voyage"] is None
        else:
            assert isinstance(event["vessel"], int)
            assert event["voyage"]
            assert event["transport_type"] in ("VESSEL", "FEEDER")


def check_places_are_real(shipment: dict[str, Any]) -> None:
    for location in shipment["locations"]:
        place = table().get(location["locode"])
        assert (location["lat"], location["lng"]) == (place.lat, place.lng)
        assert location["country_code"] == location["locode"][:2]
    locodes = {location["locode"] for location in shipment["locations"]}
    for facility in shipment["facilities"]:
        assert facility["locode"] in locodes


def check_json_ready(value: Any) -> None:
    if isinstance(value, dict):
        assert all(isinstance(key, str) for key in value)
        for item in value.values():
            check_json_ready(item)
    elif isinstance(value, list):
        for item in value:
            check_json_ready(item)
    else:
        assert value is None or type(value) in (str, int, float, bool), type(value)


def check_shipment(shipment: dict[str, Any], spec: ShipmentSpec) -> None:
    check_shape(shipment)
    check_references(shipment)
    check_clock(shipment, spec.anchor)
    check_statuses(shipment)
    check_route_dates(shipment, spec.anchor)
    check_equipment(shipment, spec)
    check_vessels(shipment)
    check_events(shipment)
    check_places_are_real(shipment)
    check_json_ready(shipment)
