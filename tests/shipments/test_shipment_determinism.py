import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mockserver.shipments import (
    PortTable,
    ShipmentSpec,
    generate_journey,
    generate_shipment,
    journey_of,
)
from mockserver.shipments.spec import derive_seed, shipment_seed

REPOSITORY = Path(__file__).resolve().parents[2]
ANCHOR = datetime(2026, 6, 1, 9, tzinfo=UTC)

SPECS = [
    ShipmentSpec("255303287", "BL", "MAEU", "Maersk", ("MSKU", "MRKU"), 42, ANCHOR),
    ShipmentSpec("MSKU7868382", "CONTAINER", "MAEU", "Maersk", ("MSKU",), 42, ANCHOR),
    ShipmentSpec("MEDUAB123456", "BOOKING", "MSCU", "MSC", ("MSCU", "MEDU"), 7, ANCHOR),
    ShipmentSpec("COSU6012345678", "BL", "COSU", "COSCO", ("CBHU",), -3, ANCHOR),
    ShipmentSpec("XYZ123", "BL", "ZZZZ", "Unlisted Line", (), 0, ANCHOR),
]

# Regenerates SPECS in a new interpreter and prints them as JSON lines.
CHILD_SCRIPT = """
import json, sys
from datetime import datetime
from mockserver.shipments import ShipmentSpec, generate_shipment, load_port_table

table = load_port_table()
for line in sys.stdin:
    fields = json.loads(line)
    fields["owner_prefixes"] = tuple(fields["owner_prefixes"])
    fields["anchor"] = datetime.fromisoformat(fields["anchor"])
    print(json.dumps(generate_shipment(ShipmentSpec(**fields), table)))
"""


def spec_as_json(spec: ShipmentSpec) -> str:
    return json.dumps(
        {
            "reference_number": spec.reference_number,
            "reference_type": spec.reference_type,
            "carrier_code": spec.carrier_code,
            "carrier_name": spec.carrier_name,
            "owner_prefixes": list(spec.owner_prefixes),
            "seed": spec.seed,
            "anchor": spec.anchor.isoformat(),
        }
    )


def test_same_spec_gives_equal_shipment(port_table: PortTable) -> None:
    for spec in SPECS:
        assert generate_shipment(spec, port_table) == generate_shipment(
            spec, port_table
        )


@pytest.mark.slow
def test_fresh_process_gives_same_json(port_table: PortTable) -> None:
    # A different hash seed in the child shows that no output depends on hash().
    environment = {
        **os.environ,
        "PYTHONHASHSEED": "4242",
        "PYTHONPATH": str(REPOSITORY),
    }
    child = subprocess.run(
        [sys.executable, "-c", CHILD_SCRIPT],
        input="\n".join(spec_as_json(spec) for spec in SPECS),
        capture_output=True,
        text=True,
        env=environment,
        cwd=REPOSITORY,
        timeout=60,
        check=True,
    )
    expected = [json.dumps(generate_shipment(spec, port_table)) for spec in SPECS]
    assert child.stdout.splitlines() == expected


def test_different_references_differ(port_table: PortTable) -> None:
    shipments = [
        generate_shipment(
            replace(SPECS[0], reference_number=f"2553032{n:02d}"), port_table
        )
        for n in range(20)
    ]
    routes = {json.dumps(s["locations"]) for s in shipments}
    containers = {s["containers"][0]["number"] for s in shipments}
    assert len(routes) >= 15
    assert len(containers) == 20


def test_seed_changes_shipment(port_table: PortTable) -> None:
    first = generate_shipment(SPECS[0], port_table)
    other = generate_shipment(replace(SPECS[0], seed=43), port_table)
    assert first != other


def test_next_hour_keeps_route_and_past(port_table: PortTable) -> None:
    for spec in SPECS:
        now = generate_shipment(spec, port_table)
        later = generate_shipment(
            replace(spec, anchor=spec.anchor + timedelta(hours=1)), port_table
        )
        for key in ("locations", "facilities", "vessels"):
            assert later[key] == now[key], key
        for before, after in zip(now["containers"], later["containers"], strict=True):
            assert before["number"] == after["number"]
            past = [e for e in before["events"] if e["actual"]]
            assert after["events"][: len(past)] == past


def test_clock_moves_shipment_forward(port_table: PortTable) -> None:
    statuses = []
    for days in range(0, 400, 5):
        anchor = ANCHOR + timedelta(days=days)
        statuses.append(
            generate_shipment(replace(SPECS[0], anchor=anchor), port_table)["status"]
        )
    assert {"PLANNED", "IN_TRANSIT", "DELIVERED"} <= set(statuses)


def test_naive_anchor_rejected(port_table: PortTable) -> None:
    naive = replace(SPECS[0], anchor=datetime(2026, 6, 1, 9))
    with pytest.raises(ValueError, match="naive"):
        generate_shipment(naive, port_table)


def test_shipment_seed_equals_derived_seed() -> None:
    for spec in SPECS:
        expected = derive_seed(
            "shipment",
            spec.seed,
            spec.carrier_code,
            spec.reference_type,
            spec.reference_number,
        )
        assert shipment_seed(spec) == expected


def test_shipment_is_journey_with_numbers(port_table: PortTable) -> None:
    for spec in SPECS:
        shipment = generate_shipment(spec, port_table)
        journey = generate_journey(journey_of(spec), port_table)
        numbers = [container.pop("number") for container in shipment["containers"]]
        for container in journey["containers"]:
            assert container.pop("number") is None
        assert shipment == journey
        assert len(set(numbers)) == len(numbers)


def test_journey_shared_across_references(port_table: PortTable) -> None:
    by_slot: dict[int, ShipmentSpec] = {}
    for n in range(5000):
        spec = replace(SPECS[0], reference_number=f"25{n:07d}")
        slot = journey_of(spec).slot
        if slot in by_slot:
            break
        by_slot[slot] = spec
    first, second = by_slot[slot], spec

    first_shipment = generate_shipment(first, port_table)
    second_shipment = generate_shipment(second, port_table)

    assert first_shipment["locations"] == second_shipment["locations"]
    assert len(first_shipment["containers"]) == len(second_shipment["containers"])
    assert (
        first_shipment["containers"][0]["number"]
        != second_shipment["containers"][0]["number"]
    )
