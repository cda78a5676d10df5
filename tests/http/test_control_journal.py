"""The request journal over HTTP: what is recorded, filters, bounds, clearing."""

from fastapi.testclient import TestClient

from mockserver.app import create_app
from mockserver.settings import Settings
from tests.conftest import FROZEN_AT, track
from tests.http.control_helpers import failure_message, success_data


def journal(client: TestClient, **query) -> dict:
    return success_data(client.get("/__mock/journal", params=query))


def test_entry_fields(client: TestClient) -> None:
    response = track(
        client,
        headers={"X-Request-Id": "req-1"},
        reference_number="MSKU7868382",
    )

    entry = journal(client)["entries"][0]

    assert entry["method"] == "GET"
    assert entry["path"] == "/tracking/v1/ocean"
    assert entry["query"] == "reference_number=MSKU7868382&api_key=mock...key"
    assert entry["reference_number"] == "MSKU7868382"
    assert entry["api_key"] == "mock...key"
    assert entry["request_id"] == "req-1"
    assert entry["status_code"] == "OK"
    assert entry["http_status"] == 200
    assert entry["reason"] == response.headers["x-mock-reason"]
    assert entry["time"] == "2026-03-02T09:30:15.000Z"
    assert entry["wall_time"].endswith("Z")
    assert entry["duration_ms"] > 0
    assert entry["delay_ms"] == 0
    assert entry["request_headers"]["x-request-id"] == "req-1"


def test_header_key_masked(client: TestClient) -> None:
    client.get(
        "/tracking/v1/ocean",
        params={"reference_number": "MSKU7868382"},
        headers={"X-API-Key": "mock-valid-key"},
    )

    entry = journal(client)["entries"][0]

    assert entry["api_key"] == "mock...key"
    assert entry["request_headers"]["x-api-key"] == "mock...key"
    assert "mock-valid-key" not in str(entry)


def test_every_tracking_request_recorded(client: TestClient) -> None:
    track(client, reference_number="MSKU7868382")
    client.head("/tracking/v1/ocean", params={"reference_number": "1"})
    client.post("/tracking/v1/ocean")
    client.options("/tracking/v1/ocean", headers={"Origin": "http://localhost"})
    client.get("/tracking/v1/unknown")
    client.get("/health")
    client.get("/__mock/carriers")

    entries = journal(client)["entries"]

    assert [(e["method"], e["http_status"], e["status_code"]) for e in entries] == [
        ("GET", 404, "NOT_FOUND"),
        ("OPTIONS", 204, None),
        ("POST", 405, "METHOD_NOT_ALLOWED"),
        ("HEAD", 401, "INVALID_API_KEY"),
        ("GET", 200, "OK"),
    ]
    assert [e["sequence"] for e in entries] == [5, 4, 3, 2, 1]


def test_filter_by_reference(client: TestClient) -> None:
    track(client, reference_number="MSKU7868382")
    track(client, reference_number="MSKU 786838-2")
    track(client, reference_number="255303287")

    entries = journal(client, reference_number="msku7868382")["entries"]

    assert [e["reference_number"] for e in entries] == [
        "MSKU 786838-2",
        "MSKU7868382",
    ]


def test_filter_by_status_code(client: TestClient) -> None:
    track(client, reference_number="MSKU7868382")
    track(client, reference_number="MEDUNE000001")
    track(client, reference_number="MEDUNE000002")

    entries = journal(client, status_code="no_events")["entries"]

    assert [e["reference_number"] for e in entries] == [
        "MEDUNE000002",
        "MEDUNE000001",
    ]


def test_limit_and_after(client: TestClient) -> None:
    for suffix in range(1, 6):
        track(client, reference_number=f"MEDUOK00000{suffix}")

    limited = journal(client, limit=2)["entries"]
    after = journal(client, after=3)["entries"]

    assert [e["reference_number"] for e in limited] == ["MEDUOK000005", "MEDUOK000004"]
    assert [e["sequence"] for e in after] == [5, 4]


def test_bounded_oldest_dropped() -> None:
    settings = Settings(frozen_at=FROZEN_AT, journal_size=3)
    with TestClient(create_app(settings)) as client:
        for suffix in range(1, 6):
            track(client, reference_number=f"MEDUOK00000{suffix}")
        data = journal(client)

    assert [e["reference_number"] for e in data["entries"]] == [
        "MEDUOK000005",
        "MEDUOK000004",
        "MEDUOK000003",
    ]
    assert data["size"] == 3
    assert data["max_entries"] == 3
    assert data["recorded"] == 5
    assert data["dropped"] == 2


def test_size_zero_records_nothing() -> None:
    settings = Settings(frozen_at=FROZEN_AT, journal_size=0)
    with TestClient(create_app(settings)) as client:
        track(client, reference_number="MSKU7868382")
        data = journal(client)

    assert data["entries"] == []
    assert data["max_entries"] == 0


def test_clear(client: TestClient) -> None:
    track(client, reference_number="MSKU7868382")

    cleared = success_data(client.delete("/__mock/journal"))
    track(client, reference_number="255303287")
    entries = journal(client)["entries"]

    assert cleared["size"] == 0
    assert cleared["dropped"] == 0
    assert [e["reference_number"] for e in entries] == ["255303287"]
    assert entries[0]["sequence"] == 2


def test_unknown_status_code_rejected(client: TestClient) -> None:
    response = client.get("/__mock/journal", params={"status_code": "OKAY"})

    message = failure_message(response, 400, "WRONG_PARAMETERS")
    assert "status_code 'OKAY' is not a status code" in message
    assert "NO_EVENTS" in message


def test_undecodable_query_recorded(client: TestClient) -> None:
    client.get("/tracking/v1/ocean?reference_number=%FF%FE&api_key=mock-valid-key")

    entry = journal(client)["entries"][0]

    assert entry["reference_number"] == "\ufffd\ufffd"
    assert entry["query"] == "reference_number=%FF%FE&api_key=mock...key"
