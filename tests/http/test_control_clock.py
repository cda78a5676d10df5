"""The mock clock over the control plane: read, freeze, advance, release."""

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from mockserver.app import create_app
from mockserver.settings import Settings
from tests.conftest import track
from tests.http.control_helpers import failure_message, success_data


def test_read_frozen_clock(client: TestClient) -> None:
    clock = success_data(client.get("/__mock/clock"))

    assert clock == {
        "now": "2026-03-02T09:30:15.000Z",
        "epoch_seconds": datetime(2026, 3, 2, 9, 30, 15, tzinfo=UTC).timestamp(),
        "frozen": True,
    }


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ("2026-06-01T12:00:00Z", "2026-06-01T12:00:00.000Z"),
        ("2026-06-01T14:00:00+02:00", "2026-06-01T12:00:00.000Z"),
        ("2026-06-01 12:00:00.250z", "2026-06-01T12:00:00.250Z"),
    ],
)
def test_freeze_at_instant(client: TestClient, at: str, expected: str) -> None:
    clock = success_data(client.post("/__mock/clock/freeze", json={"at": at}))

    assert clock["now"] == expected
    assert clock["frozen"] is True


def test_freeze_moves_api_time(client: TestClient) -> None:
    client.post("/__mock/clock/freeze", json={"at": "2026-02-01T00:00:00Z"})

    expired = track(client, reference_number="MSKU7868382", api_key="mock-expired-key")

    assert expired.json()["status_code"] == "API_KEY_EXPIRED"
    client.post("/__mock/clock/freeze", json={"at": "2026-01-30T00:00:00Z"})
    valid = track(client, reference_number="MSKU7868382", api_key="mock-expired-key")
    assert valid.json()["status_code"] == "OK"
    assert valid.json()["data"]["metadata"]["updated_at"] == "2026-01-30 00:00:00"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"seconds": 90}, "2026-03-02T09:31:45.000Z"),
        ({"seconds": 0.5}, "2026-03-02T09:30:15.500Z"),
        ({"seconds": 0}, "2026-03-02T09:30:15.000Z"),
        ({"duration": "PT90S"}, "2026-03-02T09:31:45.000Z"),
        ({"duration": "P1DT2H"}, "2026-03-03T11:30:15.000Z"),
        ({"duration": "pt1m"}, "2026-03-02T09:31:15.000Z"),
    ],
)
def test_advance(client: TestClient, body: dict, expected: str) -> None:
    clock = success_data(client.post("/__mock/clock/advance", json=body))

    assert clock["now"] == expected


def test_advance_opens_rate_window(client: TestClient) -> None:
    for _ in range(3):
        track(client, reference_number="MSKU7868382", api_key="mock-throttled-key")
    limited = track(
        client, reference_number="MSKU7868382", api_key="mock-throttled-key"
    )

    client.post(
        "/__mock/clock/advance", json={"seconds": int(limited.headers["retry-after"])}
    )
    retried = track(
        client, reference_number="MSKU7868382", api_key="mock-throttled-key"
    )

    assert limited.json()["status_code"] == "API_KEY_RATE_LIMIT_EXCEEDED"
    assert limited.headers["retry-after"] == "45"
    assert retried.json()["status_code"] == "OK"


def test_release_runs_clock() -> None:
    with TestClient(create_app(Settings())) as client:
        frozen = success_data(
            client.post("/__mock/clock/freeze", json={"at": "2090-01-01T00:00:00Z"})
        )
        released = success_data(client.post("/__mock/clock/release"))

    assert frozen["frozen"] is True
    assert released["frozen"] is False
    assert released["epoch_seconds"] < frozen["epoch_seconds"]


def test_advance_running_clock() -> None:
    with TestClient(create_app(Settings())) as client:
        before = success_data(client.get("/__mock/clock"))["epoch_seconds"]
        after = success_data(
            client.post("/__mock/clock/advance", json={"duration": "P10D"})
        )

    assert after["frozen"] is False
    assert after["epoch_seconds"] - before >= 10 * 86_400


def test_freeze_without_time_stops_clock() -> None:
    with TestClient(create_app(Settings())) as client:
        first = success_data(client.post("/__mock/clock/freeze"))
        second = success_data(client.get("/__mock/clock"))

    assert first["frozen"] is True
    assert second["now"] == first["now"]


def test_advance_past_range_rejected(client: TestClient) -> None:
    client.post("/__mock/clock/freeze", json={"at": "9998-12-31T00:00:00Z"})

    response = client.post("/__mock/clock/advance", json={"duration": "P2D"})

    message = failure_message(response, 400, "WRONG_PARAMETERS")
    assert "outside the clock's range" in message
    assert success_data(client.get("/__mock/clock"))["now"].startswith("9998-12-31")


@pytest.mark.parametrize("at", ["1970-01-01T00:00:00Z", "9998-12-31T23:00:00Z"])
def test_api_works_at_range_ends(client: TestClient, at: str) -> None:
    client.post("/__mock/clock/freeze", json={"at": at})

    response = track(client, reference_number="MSKU7868382")

    assert response.json()["status_code"] == "OK"
