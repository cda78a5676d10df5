"""POST /__mock/reset returns every part of the state to where it started."""

from fastapi.testclient import TestClient

from tests.conftest import track
from tests.http.control_helpers import failure_message, success_data


def test_reset_restores_everything(client: TestClient) -> None:
    for _ in range(4):
        track(client, reference_number="MSKU7868382", api_key="mock-throttled-key")
    client.put("/__mock/carriers/MAEU", json={"state": "maintenance"})
    client.put("/__mock/carriers/QMNT", json={"state": "active"})
    client.delete("/__mock/keys/mock-valid-key")
    client.put("/__mock/keys/team-key", json={"quota": 1})
    client.post("/__mock/clock/advance", json={"duration": "P3D"})
    client.put("/__mock/delays", json={"delay_ms": 5, "no_response_delay_ms": 7})

    reset = client.post("/__mock/reset")

    assert success_data(reset) is None
    carriers = success_data(client.get("/__mock/carriers"))["carriers"]
    states = {carrier["code"]: carrier["state"] for carrier in carriers}
    assert states["MAEU"] == "active"
    assert states["QMNT"] == "maintenance"
    keys = {entry["key"] for entry in success_data(client.get("/__mock/keys"))["keys"]}
    assert "mock-valid-key" in keys
    assert "team-key" not in keys
    usage = success_data(client.get("/__mock/keys/mock-throttled-key/usage"))
    assert usage["used"] == 0
    assert usage["rate_remaining"] == 3
    assert (
        success_data(client.get("/__mock/clock"))["now"] == "2026-03-02T09:30:15.000Z"
    )
    assert success_data(client.get("/__mock/journal"))["entries"] == []
    delays = success_data(client.get("/__mock/delays"))
    assert delays["delay_ms"] == 0
    assert delays["no_response_delay_ms"] == 0
    response = track(client, reference_number="MSKU7868382")
    assert response.json()["status_code"] == "OK"


def test_reset_keeps_shipped_used_count(client: TestClient) -> None:
    client.patch("/__mock/keys/mock-exhausted-key", json={"used": 0})

    client.post("/__mock/reset")
    response = track(client, reference_number="1", api_key="mock-exhausted-key")

    assert response.json()["status_code"] == "API_KEY_QUOTA_EXCEEDED"


def test_reset_body_must_be_empty(client: TestClient) -> None:
    response = client.post("/__mock/reset", json={"only": "journal"})

    message = failure_message(response, 400, "WRONG_PARAMETERS")
    assert message == "unknown field 'only'; this endpoint takes no fields"


def test_reset_accepts_empty_object(client: TestClient) -> None:
    assert success_data(client.post("/__mock/reset", json={})) is None
