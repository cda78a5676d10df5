"""GET /__mock/scenarios lists ways to reach every outcome, and each one works."""

from urllib.parse import parse_qsl

from fastapi.testclient import TestClient

from mockserver.outcomes import Outcome
from tests.conftest import track


def catalogue(client: TestClient) -> dict[str, dict]:
    response = client.get("/__mock/scenarios")
    assert response.status_code == 200
    outcomes = response.json()["data"]["outcomes"]
    return {entry["status_code"]: entry for entry in outcomes}


def test_every_outcome_listed(client: TestClient) -> None:
    entries = catalogue(client)

    assert set(entries) == {outcome.name for outcome in Outcome}
    for name, entry in entries.items():
        outcome = Outcome[name]
        assert entry["http_status"] == outcome.http_status
        assert entry["success"] is outcome.success
        assert entry["message"] == outcome.message
        assert entry["header"] == {"name": "X-Mock-Status", "value": name}
        assert len(entry["magic_numbers"]) == 2


def test_every_magic_example_reaches_its_outcome(client: TestClient) -> None:
    for name, entry in catalogue(client).items():
        for magic in entry["magic_numbers"]:
            response = track(client, reference_number=magic["example"])

            assert response.json()["status_code"] == name, magic
            assert magic["carrier_code"] == "MSCU"


def test_every_listed_carrier_reaches_its_outcome(client: TestClient) -> None:
    for name, entry in catalogue(client).items():
        for carrier in entry["carriers"]:
            params = dict(parse_qsl(carrier["how"]))
            response = track(client, reference_number="WHL1234567", **params)

            assert response.json()["status_code"] == name, carrier


def test_every_listed_key_reaches_its_outcome(client: TestClient) -> None:
    for name, entry in catalogue(client).items():
        for key in entry["keys"]:
            if not key["key"].startswith("mock-"):
                continue
            responses = [
                track(client, reference_number="255303287", api_key=key["key"])
                for _ in range(4)
            ]

            assert responses[-1].json()["status_code"] == name, key
