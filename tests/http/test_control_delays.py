"""Simulated latency: the X-Mock-Delay header and the delay settings."""

import threading
import time

import httpx2
import pytest
from fastapi.testclient import TestClient

from tests.conftest import track
from tests.http.control_helpers import failure_message, success_data
from tests.servers import running_server


def last_entry(client: TestClient) -> dict:
    return success_data(client.get("/__mock/journal", params={"limit": 1}))["entries"][
        0
    ]


@pytest.mark.parametrize(
    ("value", "milliseconds"),
    [("20", 20), ("20ms", 20), ("0.02s", 20), (" 15 MS ", 15), ("0", 0)],
)
def test_header_delay_applied(
    client: TestClient, value: str, milliseconds: int
) -> None:
    response = track(
        client, headers={"X-Mock-Delay": value}, reference_number="MSKU7868382"
    )

    assert response.json()["status_code"] == "OK"
    assert last_entry(client)["delay_ms"] == milliseconds


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("11s", "X-Mock-Delay '11s' exceeds the maximum delay of 10 s"),
        ("10001", "X-Mock-Delay '10001' exceeds the maximum delay of 10 s"),
        ("soon", "X-Mock-Delay 'soon' is not a delay; use"),
        ("-5", "X-Mock-Delay '-5' is not a delay; use"),
        ("2 minutes", "X-Mock-Delay '2 minutes' is not a delay; use"),
        ("1" * 33, "header X-Mock-Delay is 33 characters long, over the limit"),
    ],
)
def test_header_delay_rejected(client: TestClient, value: str, reason: str) -> None:
    response = track(
        client,
        headers={"X-Mock-Delay": value},
        reference_number="MSKU7868382",
        api_key="mock-throttled-key",
    )
    usage = success_data(client.get("/__mock/keys/mock-throttled-key/usage"))

    assert response.status_code == 400
    assert response.json()["status_code"] == "WRONG_PARAMETERS"
    assert response.json()["data"] is None
    assert response.headers["x-mock-reason"].startswith(reason)
    assert usage["rate_remaining"] == 3
    assert usage["used"] == 0
    assert last_entry(client)["reason"] == response.headers["x-mock-reason"]


def test_header_ignored_off_endpoint(client: TestClient) -> None:
    response = client.get("/tracking/v1/nowhere", headers={"X-Mock-Delay": "soon"})

    assert response.status_code == 404


def test_delays_endpoint(client: TestClient) -> None:
    initial = success_data(client.get("/__mock/delays"))
    changed = success_data(client.put("/__mock/delays", json={"delay_ms": 15}))
    patched = success_data(
        client.patch("/__mock/delays", json={"no_response_delay_ms": 30})
    )

    assert initial == {"delay_ms": 0, "no_response_delay_ms": 0, "max_delay_ms": 10_000}
    assert changed["delay_ms"] == 15
    assert changed["no_response_delay_ms"] == 0
    assert patched == {
        "delay_ms": 15,
        "no_response_delay_ms": 30,
        "max_delay_ms": 10_000,
    }


def test_delays_reach_responses(client: TestClient) -> None:
    client.put("/__mock/delays", json={"delay_ms": 10, "no_response_delay_ms": 30})

    track(client, reference_number="MSKU7868382")
    plain = last_entry(client)
    track(client, reference_number="MSKU7868382", carrier_code="QNRS")
    silent = last_entry(client)
    track(client, headers={"X-Mock-Status": "CARRIER_NO_RESPONSE"})
    forced = last_entry(client)
    track(
        client,
        headers={"X-Mock-Delay": "0"},
        reference_number="MSKU7868382",
        carrier_code="QNRS",
    )
    overridden = last_entry(client)

    assert plain["delay_ms"] == 10
    assert silent["status_code"] == "CARRIER_NO_RESPONSE"
    assert silent["delay_ms"] == 30
    assert forced["delay_ms"] == 30
    assert overridden["delay_ms"] == 0


def test_delay_over_maximum_rejected(client: TestClient) -> None:
    response = client.put("/__mock/delays", json={"no_response_delay_ms": 10_001})

    message = failure_message(response, 400, "WRONG_PARAMETERS")
    assert message.startswith("field 'no_response_delay_ms': 10001 ms exceeds")
    assert success_data(client.get("/__mock/delays"))["no_response_delay_ms"] == 0


@pytest.mark.slow
def test_delay_blocks_no_other_request() -> None:
    with running_server() as base_url:
        url = f"{base_url}/tracking/v1/ocean"
        params = {"reference_number": "MSKU7868382", "api_key": "mock-valid-key"}
        delayed: list[httpx2.Response] = []
        slow = threading.Thread(
            target=lambda: delayed.append(
                httpx2.get(
                    url, params=params, headers={"X-Mock-Delay": "2s"}, timeout=20
                )
            )
        )
        slow.start()
        # Wait until the server is delaying the request, then send another.
        for _ in range(500):
            entries = httpx2.get(f"{base_url}/__mock/journal").json()["data"]
            if entries["entries"]:
                break
            time.sleep(0.01)
        quick = httpx2.get(url, params=params, timeout=20)
        still_waiting = slow.is_alive()
        slow.join(timeout=20)

    assert quick.status_code == 200
    assert still_waiting is True
    assert delayed[0].status_code == 200


def test_repeated_delay_header_rejected(client: TestClient) -> None:
    response = client.get(
        "/tracking/v1/ocean",
        params={"reference_number": "MSKU7868382", "api_key": "mock-throttled-key"},
        headers=[("X-Mock-Delay", "1ms"), ("X-Mock-Delay", "2ms")],
    )
    usage = success_data(client.get("/__mock/keys/mock-throttled-key/usage"))

    assert response.status_code == 400
    assert response.json()["status_code"] == "WRONG_PARAMETERS"
    assert response.headers["x-mock-reason"] == (
        "header X-Mock-Delay is given more than once"
    )
    assert usage["rate_remaining"] == 3
