"""Carriers over the control plane: list, read, change state and back."""

import pytest
from fastapi.testclient import TestClient

from mockserver.carriers import CarrierState
from tests.conftest import track
from tests.http.control_helpers import failure_message, success_data


def test_list_shows_states(client: TestClient) -> None:
    carriers = success_data(client.get("/__mock/carriers"))["carriers"]

    by_code = {carrier["code"]: carrier for carrier in carriers}
    assert by_code["MAEU"]["state"] == "active"
    assert by_code["MAEU"]["outcome"] is None
    assert by_code["QMNT"]["state"] == "maintenance"
    assert by_code["QMNT"]["outcome"] == "CARRIER_UNDER_MAINTENANCE"
    assert by_code["WHLC"]["reference_types"] == ["BL", "CONTAINER"]


def test_get_is_case_insensitive(client: TestClient) -> None:
    carrier = success_data(client.get("/__mock/carriers/maeu"))

    assert carrier["code"] == "MAEU"
    assert carrier["name"] == "Maersk"


@pytest.mark.parametrize(
    ("new_state", "outcome"),
    [
        ("maintenance", "CARRIER_UNDER_MAINTENANCE"),
        ("disabled", "CARRIER_TEMPORARILY_DISABLED"),
        ("no_response", "CARRIER_NO_RESPONSE"),
        ("unsupported", "CARRIER_NOT_SUPPORTED"),
    ],
)
def test_state_change_reaches_api(
    client: TestClient, new_state: str, outcome: str
) -> None:
    body = {"state": new_state}
    changed = success_data(client.put("/__mock/carriers/MAEU", json=body))
    response = track(client, reference_number="MSKU7868382")

    assert changed["state"] == new_state
    assert changed["loaded_state"] == "active"
    assert changed["outcome"] == outcome
    assert response.json()["status_code"] == outcome
    assert response.headers["x-mock-reason"] == f"carrier MAEU is in state {new_state}"


def test_change_reaches_a_repeated_request(client: TestClient) -> None:
    before = track(client, reference_number="MSKU7868382")
    client.put("/__mock/carriers/MAEU", json={"state": "disabled"})
    during = track(client, reference_number="MSKU7868382")
    client.post("/__mock/reset")
    after = track(client, reference_number="MSKU7868382")

    assert before.json()["status_code"] == "OK"
    assert during.json()["status_code"] == "CARRIER_TEMPORARILY_DISABLED"
    assert after.json()["status_code"] == "OK"


def test_patch_and_back(client: TestClient) -> None:
    client.patch("/__mock/carriers/MAEU", json={"state": "MAINTENANCE"})
    down = track(client, reference_number="MSKU7868382")
    back = success_data(client.patch("/__mock/carriers/MAEU", json={"state": "active"}))
    up = track(client, reference_number="MSKU7868382")

    assert down.json()["status_code"] == "CARRIER_UNDER_MAINTENANCE"
    assert back["state"] == "active"
    assert up.json()["status_code"] == "OK"


def test_mock_carrier_made_active(client: TestClient) -> None:
    client.put("/__mock/carriers/QNRS", json={"state": "active"})

    response = track(client, reference_number="MSKU7868382", carrier_code="QNRS")

    assert response.json()["status_code"] == "OK"
    assert response.json()["data"]["metadata"]["carrier_code"] == "QNRS"


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH"])
def test_unknown_carrier_404(client: TestClient, method: str) -> None:
    response = client.request(method, "/__mock/carriers/ZZZZ", json={"state": "active"})

    message = failure_message(response, 404, "NOT_FOUND")
    assert "carrier 'ZZZZ' is not known" in message


def test_bad_state_names_states(client: TestClient) -> None:
    response = client.put("/__mock/carriers/MAEU", json={"state": "broken"})

    message = failure_message(response, 400, "WRONG_PARAMETERS")
    assert message.startswith("field 'state': ")
    for state in CarrierState:
        assert f"'{state.value}'" in message


def test_rejected_change_keeps_state(client: TestClient) -> None:
    client.put("/__mock/carriers/MAEU", json={"state": "broken"})

    carrier = success_data(client.get("/__mock/carriers/MAEU"))

    assert carrier["state"] == "active"
