"""Wrong input to every control endpoint: 400 in the envelope, never 422."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from mockserver.app import create_app
from mockserver.http.control_route import MAX_BODY_BYTES
from mockserver.settings import Settings
from tests.conftest import FROZEN_AT
from tests.http.control_helpers import failure_message

KEY = "/__mock/keys/mock-valid-key"

# (method, path, raw body, start of the expected message)
BODY_CASES = [
    # Whitespace that JSON does not allow is not an empty body.
    ("POST", "/__mock/clock/freeze", b"\x0c", "the request body is not valid JSON"),
    # Carrier state
    ("PUT", "/__mock/carriers/MAEU", b"{bad", "the request body is not valid JSON"),
    ("PUT", "/__mock/carriers/MAEU", b"[]", "the request body must be a JSON object"),
    ("PUT", "/__mock/carriers/MAEU", b"null", "the request body must be a JSON object"),
    ("PUT", "/__mock/carriers/MAEU", b"{}", "field 'state' is missing"),
    ("PUT", "/__mock/carriers/MAEU", b'{"state": 1}', "field 'state': Input should"),
    ("PATCH", "/__mock/carriers/MAEU", b'{"state": "down"}', "field 'state'"),
    (
        "PUT",
        "/__mock/carriers/MAEU",
        b'{"state": "active", "reason": "x"}',
        "unknown field 'reason'; known fields are state",
    ),
    # Keys
    ("PUT", KEY, b"{bad", "the request body is not valid JSON"),
    ("PUT", KEY, b'{"quota": "5"}', "field 'quota': Input should be a valid integer"),
    ("PUT", KEY, b'{"quota": 1.5}', "field 'quota': Input should be a valid integer"),
    ("PUT", KEY, b'{"quota": true}', "field 'quota': Input should be a valid integer"),
    ("PUT", KEY, b'{"quota": -1}', "field 'quota': Input should be greater than"),
    ("PUT", KEY, b'{"used": -1}', "field 'used': Input should be greater than"),
    ("PUT", KEY, b'{"rate_limit": 1e30}', "field 'rate_limit': Input should be"),
    ("PUT", KEY, b'{"rate_window_seconds": 0}', "field 'rate_window_seconds'"),
    (
        "PUT",
        KEY,
        b'{"rate_window_seconds": NaN}',
        "field 'rate_window_seconds': Input should be a finite",
    ),
    ("PUT", KEY, b'{"tracking_access": "yes"}', "field 'tracking_access'"),
    ("PUT", KEY, b'{"description": 5}', "field 'description'"),
    (
        "PUT",
        KEY,
        b'{"expires_at": "2026-01-01T00:00:00"}',
        "field 'expires_at': '2026-01-01T00:00:00' has no time zone",
    ),
    ("PUT", KEY, b'{"expires_at": 1767225600}', "field 'expires_at': must be an RFC"),
    ("PUT", KEY, b'{"expires_at": "tomorrow"}', "field 'expires_at': 'tomorrow' is"),
    ("PUT", KEY, b'{"qouta": 5}', "unknown field 'qouta' (did you mean 'quota'?)"),
    ("PATCH", KEY, b'{"quota": null}', "quota cannot be null"),
    ("PATCH", KEY, b'{"rate_limit": -2}', "field 'rate_limit': Input should be"),
    ("PATCH", KEY, b"[1]", "the request body must be a JSON object"),
    ("PATCH", KEY, b'{"key": "other"}', "unknown field 'key'"),
    ("DELETE", KEY, b'{"x": 1}', "unknown field 'x'; this endpoint takes no fields"),
    # Clock
    (
        "POST",
        "/__mock/clock/freeze",
        b'{"at": "2026-03-01T12:00:00"}',
        "field 'at': '2026-03-01T12:00:00' has no time zone",
    ),
    (
        "POST",
        "/__mock/clock/freeze",
        b'{"at": "2026-03-01"}',
        "field 'at': '2026-03-01'",
    ),
    ("POST", "/__mock/clock/freeze", b'{"at": 1772000000}', "field 'at': must be an"),
    (
        "POST",
        "/__mock/clock/freeze",
        b'{"at": "1969-12-31T23:00:00Z"}',
        "field 'at': 1969-12-31T23:00:00+00:00 is outside the clock's range",
    ),
    (
        "POST",
        "/__mock/clock/freeze",
        b'{"at": "2026-02-30T00:00:00Z"}',
        "field 'at': '2026-02-30T00:00:00Z' is not a valid time",
    ),
    ("POST", "/__mock/clock/freeze", b'{"time": "x"}', "unknown field 'time'"),
    (
        "POST",
        "/__mock/clock/advance",
        b"{}",
        "send exactly one of seconds and duration",
    ),
    (
        "POST",
        "/__mock/clock/advance",
        b'{"seconds": 1, "duration": "PT1S"}',
        "send exactly one of seconds and duration",
    ),
    (
        "POST",
        "/__mock/clock/advance",
        b'{"seconds": -5}',
        "field 'seconds': Input should be greater than or equal to 0; send 0 or more",
    ),
    ("POST", "/__mock/clock/advance", b'{"seconds": "90"}', "field 'seconds'"),
    ("POST", "/__mock/clock/advance", b'{"seconds": 1e300}', "field 'seconds'"),
    (
        "POST",
        "/__mock/clock/advance",
        b'{"duration": "-PT5S"}',
        "field 'duration': duration '-PT5S' is negative",
    ),
    (
        "POST",
        "/__mock/clock/advance",
        b'{"duration": "P1M"}',
        "field 'duration': duration 'P1M' uses years or months",
    ),
    (
        "POST",
        "/__mock/clock/advance",
        b'{"duration": "90s"}',
        "field 'duration': '90s' is not an ISO 8601 duration",
    ),
    ("POST", "/__mock/clock/advance", b'{"duration": 90}', "field 'duration'"),
    ("POST", "/__mock/clock/release", b'{"x": 1}', "unknown field 'x'"),
    # Delays
    ("PUT", "/__mock/delays", b"{}", "send delay_ms, no_response_delay_ms or both"),
    ("PUT", "/__mock/delays", b'{"delay_ms": -1}', "field 'delay_ms': Input should"),
    ("PUT", "/__mock/delays", b'{"delay_ms": "250ms"}', "field 'delay_ms'"),
    ("PATCH", "/__mock/delays", b'{"delay": 5}', "unknown field 'delay'"),
    (
        "PUT",
        "/__mock/delays",
        b'{"delay_ms": 20000}',
        "field 'delay_ms': 20000 ms exceeds the maximum delay of 10000 ms",
    ),
    # Whole state and journal
    ("POST", "/__mock/reset", b"{bad", "the request body is not valid JSON"),
    ("DELETE", "/__mock/journal", b'{"all": true}', "unknown field 'all'"),
]

QUERY_CASES = [
    ("/__mock/journal?limit=0", "field 'limit': Input should be greater than"),
    ("/__mock/journal?limit=abc", "field 'limit': Input should be a valid integer"),
    ("/__mock/journal?after=-1", "field 'after': Input should be greater than"),
    ("/__mock/journal?reference_number=", "field 'reference_number'"),
    ("/__mock/journal?status=OK", "unknown field 'status' (did you mean"),
    ("/__mock/journal?limit=1&limit=2", "query parameter 'limit' is given twice"),
    ("/__mock/journal?status_code=FINE", "status_code 'FINE' is not a status code"),
    ("/__mock/carriers?code=MAEU", "unknown query parameter(s) code"),
    ("/__mock/clock?frozen=1", "unknown query parameter(s) frozen"),
    ("/__mock/scenarios?outcome=OK", "unknown query parameter(s) outcome"),
]


@pytest.fixture(scope="module")
def shared_client() -> Iterator[TestClient]:
    settings = Settings(frozen_at=FROZEN_AT)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize(("method", "path", "body", "expected"), BODY_CASES)
def test_bad_body_400(
    shared_client: TestClient, method: str, path: str, body: bytes, expected: str
) -> None:
    response = shared_client.request(
        method, path, content=body, headers={"Content-Type": "application/json"}
    )

    message = failure_message(response, 400, "WRONG_PARAMETERS")
    assert message.startswith(expected), message


@pytest.mark.parametrize(("url", "expected"), QUERY_CASES)
def test_bad_query_400(shared_client: TestClient, url: str, expected: str) -> None:
    response = shared_client.get(url)

    message = failure_message(response, 400, "WRONG_PARAMETERS")
    assert message.startswith(expected), message


def test_body_over_limit_413(shared_client: TestClient) -> None:
    body = b'{"description": "' + b"x" * MAX_BODY_BYTES + b'"}'

    response = shared_client.put(
        "/__mock/keys/large-body",
        content=body,
        headers={"Content-Type": "application/json"},
    )

    message = failure_message(response, 413, "CONTENT_TOO_LARGE")
    assert message.startswith("the request body declares"), message
    assert shared_client.get("/__mock/keys/large-body").status_code == 404


def test_streamed_body_over_limit_413(shared_client: TestClient) -> None:
    chunks = [b'{"description": "'] + [b"x" * 1024] * 70 + [b'"}']

    response = shared_client.put(
        "/__mock/keys/large-body",
        content=iter(chunks),
        headers={"Content-Type": "application/json"},
    )

    message = failure_message(response, 413, "CONTENT_TOO_LARGE")
    assert message.startswith("the request body is over the limit"), message


def test_body_at_limit_accepted(shared_client: TestClient) -> None:
    body = b'{"quota": 5}'
    body += b" " * (MAX_BODY_BYTES - len(body))

    response = shared_client.put(
        "/__mock/keys/padded-body",
        content=body,
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code in (200, 201)
    assert shared_client.get("/__mock/keys/padded-body").json()["data"]["quota"] == 5


def test_rejected_input_changes_nothing(shared_client: TestClient) -> None:
    clock = shared_client.get("/__mock/clock").json()["data"]
    key = shared_client.get(KEY).json()["data"]
    carrier = shared_client.get("/__mock/carriers/MAEU").json()["data"]

    assert clock["now"] == "2026-03-02T09:30:15.000Z"
    assert key["quota"] == 100_000_000
    assert carrier["state"] == "active"


def test_message_lists_several_problems(shared_client: TestClient) -> None:
    response = shared_client.put(KEY, json={"quota": -1, "used": "x", "rate_limit": -1})

    message = failure_message(response, 400, "WRONG_PARAMETERS")
    assert "field 'quota'" in message
    assert "field 'used'" in message
    assert "field 'rate_limit'" in message


def test_wrong_method_405(shared_client: TestClient) -> None:
    response = shared_client.post("/__mock/carriers")

    failure_message(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["allow"] == "GET"
