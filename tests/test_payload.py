"""Rendered bodies: the splice of per-request fields, and the two caches."""

import dataclasses
from datetime import UTC, datetime

import orjson
import pytest

from mockserver.carriers import Carrier
from mockserver.outcomes import Outcome
from mockserver.payload import BodyRenderer
from mockserver.references import Reference, ReferenceType
from mockserver.scenario_files import load_scenarios
from mockserver.selection import Decision, Lookup
from mockserver.shipments import (
    ShipmentSpec,
    generate_shipment,
    journey_of,
    load_port_table,
)
from mockserver.shipments.equipment import container_number
from mockserver.store import Usage

NOW = datetime(2026, 3, 2, 9, 30, 15, tzinfo=UTC)
NOW_SECONDS = NOW.timestamp()
HOUR = NOW.replace(minute=0, second=0)
USAGE = Usage(
    rate_limit=600,
    rate_remaining=599,
    rate_reset_seconds=45,
    quota_total=1000,
    quota_used=7,
    quota_reset_seconds=3600,
)


@pytest.fixture(scope="module")
def ports():
    return load_port_table()


def maersk() -> Carrier:
    carrier = load_scenarios().carriers.get("MAEU")
    assert carrier is not None
    return carrier


def lookup(number: str = "MSKU7868382", name: str | None = None) -> Lookup:
    carrier = maersk()
    if name is not None:
        carrier = dataclasses.replace(carrier, name=name)
    return Lookup(Reference(number, ReferenceType.CONTAINER, False), carrier, True)


def ok(usage: Usage | None = USAGE, found: Lookup | None = None) -> Decision:
    return Decision(Outcome.OK, "", found or lookup(), usage=usage)


def test_splice_is_compact_json(ports) -> None:
    body = BodyRenderer(ports, seed=0).render(ok(), NOW_SECONDS)

    assert body == orjson.dumps(orjson.loads(body))


def test_splice_fills_time_and_calls(ports) -> None:
    metadata = orjson.loads(BodyRenderer(ports, seed=0).render(ok(), NOW_SECONDS))[
        "data"
    ]["metadata"]

    assert metadata["updated_at"] == "2026-03-02 09:30:15"
    assert metadata["api_calls"] == {"total": 1000, "used": 7, "remaining": 993}


def test_splice_without_usage(ports) -> None:
    body = BodyRenderer(ports, seed=0).render(ok(usage=None), NOW_SECONDS)

    calls = orjson.loads(body)["data"]["metadata"]["api_calls"]
    assert calls == {"total": None, "used": None, "remaining": None}


def test_time_follows_each_second(ports) -> None:
    renderer = BodyRenderer(ports, seed=0)
    later = NOW.replace(second=16).timestamp()

    first = orjson.loads(renderer.render(ok(), NOW_SECONDS))
    second = orjson.loads(renderer.render(ok(), later))

    assert first["data"]["metadata"]["updated_at"] == "2026-03-02 09:30:15"
    assert second["data"]["metadata"]["updated_at"] == "2026-03-02 09:30:16"


def test_cache_returns_same_bytes(ports) -> None:
    renderer = BodyRenderer(ports, seed=0)

    assert renderer.render(ok(), NOW_SECONDS) == renderer.render(ok(), NOW_SECONDS)


def test_caches_bounded_in_bytes(ports) -> None:
    renderer = BodyRenderer(
        ports, seed=0, shipment_cache_max_bytes=20_000, journey_cache_max_bytes=20_000
    )
    uncached = BodyRenderer(ports, seed=0, cache_size=0)
    numbers = ["MSKU7868382", "MSKU1234565", "MSKU0000003", "MSKU0000019"]

    for number in numbers:
        renderer.render(ok(found=lookup(number)), NOW_SECONDS)
    again = renderer.render(ok(found=lookup(numbers[0])), NOW_SECONDS)

    assert renderer.shipments.bytes <= 20_000
    assert renderer.journeys.bytes <= 20_000
    assert len(renderer.shipments) < len(numbers)
    assert len(renderer.journeys) < len(numbers)
    assert again == uncached.render(ok(found=lookup(numbers[0])), NOW_SECONDS)


def test_zero_cache_size_keeps_nothing(ports) -> None:
    renderer = BodyRenderer(ports, seed=0, cache_size=0)

    renderer.render(ok(), NOW_SECONDS)

    assert len(renderer.shipments) == 0
    assert len(renderer.journeys) == 0


def sharing_pair(count: int = 2) -> list[str]:
    """Return container numbers of Maersk whose seeds pick the same journey."""
    by_slot: dict[int, list[str]] = {}
    for serial in range(100_000):
        number = container_number("MSKU", serial)
        spec = ShipmentSpec(number, "CONTAINER", "MAEU", "Maersk", ("MSKU",), 0, HOUR)
        numbers = by_slot.setdefault(journey_of(spec).slot, [])
        numbers.append(number)
        if len(numbers) == count:
            return numbers
    raise AssertionError("no two references share a journey")


def test_shared_journey_keeps_own_numbers(ports) -> None:
    renderer = BodyRenderer(ports, seed=0)
    first, second = sharing_pair()

    first_data = orjson.loads(renderer.render(ok(found=lookup(first)), NOW_SECONDS))[
        "data"
    ]
    second_data = orjson.loads(renderer.render(ok(found=lookup(second)), NOW_SECONDS))[
        "data"
    ]

    assert len(renderer.journeys) == 1
    assert first_data["metadata"]["reference_number"] == first
    assert second_data["metadata"]["reference_number"] == second
    assert first_data["containers"][0]["number"] == first
    assert second_data["containers"][0]["number"] == second
    for section in ("locations", "facilities", "route", "vessels"):
        assert first_data[section] == second_data[section], section


def test_cached_journey_renders_as_uncached(ports) -> None:
    first, second = sharing_pair()
    renderer = BodyRenderer(ports, seed=0)
    uncached = BodyRenderer(ports, seed=0, cache_size=0)

    renderer.render(ok(found=lookup(first)), NOW_SECONDS)
    from_journey = renderer.render(ok(found=lookup(second)), NOW_SECONDS)

    assert from_journey == uncached.render(ok(found=lookup(second)), NOW_SECONDS)


def test_body_matches_generated_shipment(ports) -> None:
    found = Lookup(Reference("255303287", ReferenceType.BL, True), maersk(), False)
    spec = ShipmentSpec(
        "255303287", "BL", "MAEU", "Maersk", maersk().owner_prefixes, 0, HOUR
    )

    body = BodyRenderer(ports, seed=0).render(ok(found=found), NOW_SECONDS)
    data = orjson.loads(body)["data"]
    metadata = data.pop("metadata")
    shipment = generate_shipment(spec, ports)

    assert metadata["status"] == shipment.pop("status")
    assert data == shipment


def test_shaped_outcomes_fill_numbers(ports) -> None:
    renderer = BodyRenderer(ports, seed=0)
    for outcome in (Outcome.NO_EVENTS, Outcome.NO_CONTAINERS):
        decision = Decision(outcome, "", lookup(), usage=USAGE)

        data = orjson.loads(renderer.render(decision, NOW_SECONDS))["data"]

        numbers = [container["number"] for container in data["containers"]]
        assert numbers == (["MSKU7868382"] if outcome is Outcome.NO_EVENTS else [])


def test_cache_keyed_by_carrier_name(ports) -> None:
    renderer = BodyRenderer(ports, seed=0)

    renamed = renderer.render(ok(found=lookup(name="Renamed Line")), NOW_SECONDS)
    original = renderer.render(ok(), NOW_SECONDS)

    assert orjson.loads(renamed)["data"]["metadata"]["carrier_name"] == "Renamed Line"
    assert orjson.loads(original)["data"]["metadata"]["carrier_name"] == "Maersk"
