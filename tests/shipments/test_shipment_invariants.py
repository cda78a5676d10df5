"""Invariants that every generated shipment keeps, checked over varied specs.

The checks themselves are in `invariants.py`, shared with the HTTP tests.
"""

import collections
import functools
import json
import string
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.shipments import (
    ShipmentSpec,
    generate_shipment,
)
from tests.shipments.invariants import (
    HOUR,
    SHIPMENT_STATUSES,
    all_events,
    check_clock,
    check_equipment,
    check_events,
    check_json_ready,
    check_places_are_real,
    check_references,
    check_route_dates,
    check_shape,
    check_shipment,
    check_statuses,
    check_vessels,
    container_reference,
    table,
)

CARRIERS = [
    ("MAEU", "Maersk", ("MSKU", "MRKU", "MRSU", "MIEU", "MAEU", "MMAU", "HASU")),
    ("MSCU", "MSC", ("MSCU", "MEDU", "MSDU", "MSMU", "MSNU")),
    ("CMDU", "CMA CGM", ("CMAU", "CGMU", "ECMU", "APHU", "APRU", "APZU")),
    ("COSU", "COSCO", ("CBHU", "CSLU", "CSNU", "CCLU")),
    ("HLCU", "Hapag-Lloyd", ("HLXU", "HLBU", "HAMU", "FANU", "UACU", "UASU")),
    ("ONEY", "ONE", ("ONEU", "NYKU", "KKFU", "KKTU", "MOAU", "MOFU", "MORU", "MOTU")),
    ("EGLV", "Evergreen", ("EMCU", "EGHU", "EGSU", "EISU", "EITU", "HMCU")),
    ("HDMU", "HMM", ("HMMU",)),
    ("YMLU", "Yang Ming", ("YMLU", "YMMU")),
    ("ZIMU", "ZIM", ("ZIMU", "ZCSU", "ZCLU", "ZMOU")),
    ("WHLC", "Wan Hai", ("WHLU", "WHSU")),
    ("OOLU", "OOCL", ("OOLU", "OOCU")),
    ("MATS", "Matson", ("MATU",)),
    ("ZZZZ", "Unlisted Line", ()),
]

# Anchors spread over several years, including the hours around daylight
# saving changes in Europe, North America and the southern hemisphere.
ANCHORS = [
    datetime(2026, 1, 1, tzinfo=UTC),
    datetime(2026, 3, 29, 1, tzinfo=UTC),
    datetime(2026, 3, 8, 7, tzinfo=UTC),
    datetime(2026, 4, 5, 16, tzinfo=UTC),
    datetime(2026, 7, 14, 12, tzinfo=UTC),
    datetime(2026, 10, 25, 0, tzinfo=UTC),
    datetime(2026, 11, 1, 6, tzinfo=UTC),
    datetime(2027, 2, 28, 23, tzinfo=UTC),
    datetime(2030, 9, 15, 9, tzinfo=UTC),
    datetime(1999, 12, 31, 23, tzinfo=UTC),
]


def varied_specs() -> list[ShipmentSpec]:
    specs = []
    for i in range(240):
        code, name, prefixes = CARRIERS[i % len(CARRIERS)]
        reference_type = ("BL", "BOOKING", "CONTAINER")[i % 3]
        if reference_type == "CONTAINER":
            owner = prefixes[i % len(prefixes)] if prefixes else "TGHU"
            reference = container_reference(owner, i * 7919 % 1_000_000)
        else:
            reference = f"{code}{i * 104729:09d}"
        anchor = ANCHORS[i % len(ANCHORS)] + HOUR * (i // len(ANCHORS))
        seed = (i * 31) % 5
        specs.append(
            ShipmentSpec(reference, reference_type, code, name, prefixes, seed, anchor)
        )
    return specs


@functools.cache
def generated() -> tuple[tuple[ShipmentSpec, dict[str, Any]], ...]:
    return tuple((spec, generate_shipment(spec, table())) for spec in varied_specs())


def test_specs_are_varied() -> None:
    specs = varied_specs()
    assert len(specs) >= 200
    assert {s.reference_type for s in specs} == {"BL", "BOOKING", "CONTAINER"}
    assert len({s.carrier_code for s in specs}) == len(CARRIERS)
    assert len({s.anchor for s in specs}) == len(specs)


def test_every_key_present() -> None:
    for _, shipment in generated():
        check_shape(shipment)


def test_ids_and_references_resolve() -> None:
    for _, shipment in generated():
        check_references(shipment)


def test_dates_rise_around_anchor() -> None:
    for spec, shipment in generated():
        check_clock(shipment, spec.anchor)


def test_status_agrees_with_events() -> None:
    for _, shipment in generated():
        check_statuses(shipment)


def test_route_dates_agree_with_events() -> None:
    for spec, shipment in generated():
        check_route_dates(shipment, spec.anchor)


def test_containers_valid_for_lookup() -> None:
    for spec, shipment in generated():
        check_equipment(shipment, spec)


def test_vessel_numbers_valid() -> None:
    for _, shipment in generated():
        check_vessels(shipment)


def test_event_fields_consistent() -> None:
    for _, shipment in generated():
        check_events(shipment)


def test_places_come_from_table() -> None:
    for _, shipment in generated():
        check_places_are_real(shipment)


def test_shipment_is_json_ready() -> None:
    for _, shipment in generated():
        check_json_ready(shipment)
        assert json.loads(json.dumps(shipment)) == shipment


def test_all_statuses_occur_often() -> None:
    counts = collections.Counter(shipment["status"] for _, shipment in generated())
    for status in SHIPMENT_STATUSES:
        assert counts[status] >= len(generated()) // 10, counts


def test_routes_vary() -> None:
    shipments = [shipment for _, shipment in generated()]
    sea_legs = collections.Counter(len(s["vessels"]) for s in shipments)
    assert set(sea_legs) == {1, 2, 3}
    modes = {e["transport_type"] for s in shipments for e in all_events(s)}
    assert modes >= {"VESSEL", "FEEDER", "RAIL", "TRUCK"}
    loading_ports = {
        s["locations"][s["route"]["pol"]["location"] - 1]["locode"] for s in shipments
    }
    assert len(loading_ports) > 50


def test_bl_lookups_vary_container_count() -> None:
    counts = {
        len(shipment["containers"])
        for spec, shipment in generated()
        if spec.reference_type != "CONTAINER"
    }
    assert counts == {1, 2, 3, 4}


def test_carrier_without_prefixes_uses_leasing() -> None:
    leasing = {"TCLU", "TGBU", "TRHU", "TTNU", "TEMU", "TGHU", "AMFU", "FSCU"}
    leasing |= {"FFAU", "CAIU", "CAXU", "GESU", "SEGU", "BMOU", "TOLU"}
    for spec, shipment in generated():
        if spec.owner_prefixes or spec.reference_type == "CONTAINER":
            continue
        for container in shipment["containers"]:
            assert container["number"][:4] in leasing


REFERENCE_ALPHABET = string.ascii_uppercase + string.digits + "-/"


@settings(max_examples=60, deadline=None)
@given(
    reference=st.text(REFERENCE_ALPHABET, min_size=1, max_size=64),
    reference_type=st.sampled_from(["BL", "BOOKING"]),
    carrier=st.sampled_from(CARRIERS),
    seed=st.integers(min_value=-(2**63), max_value=2**63),
    anchor_hours=st.integers(min_value=0, max_value=200 * 365 * 24),
)
def test_invariants_hold_for_any_reference(
    reference: str,
    reference_type: str,
    carrier: tuple[str, str, tuple[str, ...]],
    seed: int,
    anchor_hours: int,
) -> None:
    code, name, prefixes = carrier
    anchor = datetime(1970, 1, 1, tzinfo=UTC) + HOUR * anchor_hours
    spec = ShipmentSpec(reference, reference_type, code, name, prefixes, seed, anchor)
    check_shipment(generate_shipment(spec, table()), spec)


@settings(max_examples=30, deadline=None)
@given(
    owner=st.sampled_from(["MSKU", "MEDU", "TGHU", "CSNU"]),
    serial=st.integers(0, 999_999),
)
def test_container_lookup_returns_asked_box(owner: str, serial: int) -> None:
    reference = container_reference(owner, serial)
    spec = ShipmentSpec(
        reference,
        "CONTAINER",
        "MAEU",
        "Maersk",
        ("MSKU",),
        1,
        datetime(2026, 5, 1, tzinfo=UTC),
    )
    shipment = generate_shipment(spec, table())
    check_shipment(shipment, spec)
    assert shipment["containers"][0]["number"] == reference
