"""The data invariants, checked on bodies served over HTTP for 200 references."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from mockserver.app import create_app
from mockserver.checkdigits import iso6346_check_digit
from mockserver.models import TrackingEnvelope
from mockserver.payload import hour_anchor
from mockserver.settings import Settings
from mockserver.shipments import ShipmentSpec
from mockserver.state import build_state
from tests.conftest import FROZEN_AT, VALID_KEY
from tests.shipments.invariants import check_shipment

OWNER_CODES = [
    "MSKU",
    "MSCU",
    "CMAU",
    "CSLU",
    "HLXU",
    "ONEU",
    "EMCU",
    "HMMU",
    "YMLU",
    "ZIMU",
    "WHLU",
    "OOLU",
    "MATU",
    "SMCU",
    "APLU",
]
BL_PREFIXES = [
    "MEDUAB",
    "CMDU",
    "COSU",
    "HLCU",
    "ONEY",
    "EGLV",
    "HDMU",
    "YMLUE",
    "ZIMU",
    "OOLU",
    "APLU",
]


def container_number(owner: str, serial: int) -> str:
    text = f"{owner}{serial:06d}"
    return text + str(iso6346_check_digit(text))


def requests() -> list[dict[str, str]]:
    """Return 200 distinct lookups over every reference type and many carriers."""
    lookups = []
    for i in range(200):
        kind = i % 4
        if kind == 0:
            owner = OWNER_CODES[i % len(OWNER_CODES)]
            lookups.append(
                {"reference_number": container_number(owner, i * 4999 % 1_000_000)}
            )
        elif kind == 1:
            lookups.append({"reference_number": f"{200_000_000 + i * 104_729}"})
        elif kind == 2:
            prefix = BL_PREFIXES[i % len(BL_PREFIXES)]
            lookups.append({"reference_number": f"{prefix}{i * 31:06d}"})
        else:
            prefix = BL_PREFIXES[i % len(BL_PREFIXES)]
            lookups.append(
                {"reference_number": f"{prefix}B{i:07d}", "reference_type": "BOOKING"}
            )
    return lookups


LOOKUPS = requests()


@pytest.fixture(scope="module")
def bodies() -> list[dict[str, Any]]:
    settings = Settings(frozen_at=FROZEN_AT)
    app = create_app(settings, build_state(settings))
    with TestClient(app) as client:
        responses = [
            client.get("/tracking/v1/ocean", params={**lookup, "api_key": VALID_KEY})
            for lookup in LOOKUPS
        ]
    assert [r.status_code for r in responses] == [200] * len(LOOKUPS)
    return [response.json() for response in responses]


def test_lookups_are_distinct() -> None:
    numbers = {lookup["reference_number"] for lookup in LOOKUPS}

    assert len(numbers) == 200


def test_bodies_match_schema(bodies: list[dict[str, Any]]) -> None:
    for body in bodies:
        assert body["status_code"] == "OK"
        TrackingEnvelope.model_validate(body)


def test_bodies_keep_data_invariants(bodies: list[dict[str, Any]]) -> None:
    anchor = hour_anchor(FROZEN_AT)
    for body in bodies:
        data = dict(body["data"])
        metadata = data.pop("metadata")
        shipment = {"status": metadata["status"], **data}
        spec = ShipmentSpec(
            reference_number=metadata["reference_number"],
            reference_type=metadata["reference_type"],
            carrier_code=metadata["carrier_code"],
            carrier_name=metadata["carrier_name"],
            owner_prefixes=(),
            seed=0,
            anchor=anchor,
        )
        check_shipment(shipment, spec)


def test_api_calls_count_up(bodies: list[dict[str, Any]]) -> None:
    used = [body["data"]["metadata"]["api_calls"]["used"] for body in bodies]

    assert used == list(range(1, len(bodies) + 1))


def test_same_request_same_bytes_after_restart() -> None:
    def first_body() -> bytes:
        settings = Settings(frozen_at=FROZEN_AT)
        app = create_app(settings, build_state(settings))
        with TestClient(app) as client:
            params = {**LOOKUPS[0], "api_key": VALID_KEY}
            return client.get("/tracking/v1/ocean", params=params).content

    assert first_body() == first_body()


def test_seed_changes_data() -> None:
    def body(seed: int) -> dict[str, Any]:
        settings = Settings(frozen_at=FROZEN_AT, seed=seed)
        app = create_app(settings, build_state(settings))
        with TestClient(app) as client:
            params = {**LOOKUPS[1], "api_key": VALID_KEY}
            return client.get("/tracking/v1/ocean", params=params).json()["data"]

    assert body(1) != body(2)
