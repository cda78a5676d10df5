"""Rendered bodies: the splice of per-request fields and the shipment cache."""

import dataclasses
from datetime import UTC, datetime

import orjson
import pytest

from mockserver.outcomes import Outcome
from mockserver.payload import BodyRenderer
from mockserver.references import Reference, ReferenceType
from mockserver.scenario_files import load_scenarios
from mockserver.selection import Decision, Lookup
from mockserver.shipments import load_port_table
from mockserver.store import Usage

NOW = datetime(2026, 3, 2, 9, 30, 15, tzinfo=UTC)
NOW_SECONDS = NOW.timestamp()
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


def lookup(number: str = "MSKU7868382", name: str | None = None) -> Lookup:
    carrier = load_scenarios().carriers.get("MAEU")
    assert carrier is not None
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


def test_cache_bounded_in_bytes(ports) -> None:
    renderer = BodyRenderer(ports, seed=0, cache_max_bytes=20_000)
    uncached = BodyRenderer(ports, seed=0, cache_size=0)
    numbers = ["MSKU7868382", "MSKU1234565", "MSKU0000003", "MSKU0000019"]

    for number in numbers:
        renderer.render(ok(found=lookup(number)), NOW_SECONDS)
    again = renderer.render(ok(found=lookup(numbers[0])), NOW_SECONDS)

    assert renderer._cache_bytes <= 20_000
    assert len(renderer._cache) < len(numbers)
    assert again == uncached.render(ok(found=lookup(numbers[0])), NOW_SECONDS)


def test_cache_keyed_by_carrier_name(ports) -> None:
    renderer = BodyRenderer(ports, seed=0)

    renamed = renderer.render(ok(found=lookup(name="Renamed Line")), NOW_SECONDS)
    original = renderer.render(ok(), NOW_SECONDS)

    assert orjson.loads(renamed)["data"]["metadata"]["carrier_name"] == "Renamed Line"
    assert orjson.loads(original)["data"]["metadata"]["carrier_name"] == "Maersk"
