"""The endpoint's request rules over HTTP: parameters, keys, paths and methods."""

import pytest
from fastapi.testclient import TestClient

from mockserver.outcomes import Outcome
from tests.conftest import VALID_KEY, track

OCEAN = "/tracking/v1/ocean"


def status_of(response) -> str:
    return response.json()["status_code"]


def metadata_of(response) -> dict:
    return response.json()["data"]["metadata"]


def test_container_lookup_real_number(client: TestClient) -> None:
    response = track(client, reference_number="MSKU7868382")

    assert response.status_code == 200
    metadata = metadata_of(response)
    assert metadata["reference_number"] == "MSKU7868382"
    assert metadata["reference_type"] == "CONTAINER"
    assert metadata["carrier_code"] == "MAEU"
    assert metadata["carrier_name"] == "Maersk"
    assert response.json()["data"]["containers"][0]["number"] == "MSKU7868382"


def test_nine_digit_bl_is_maersk(client: TestClient) -> None:
    response = track(client, reference_number="255303287")

    metadata = metadata_of(response)
    assert metadata["reference_type"] == "BL"
    assert metadata["carrier_code"] == "MAEU"


def test_booking_reference_with_carrier(client: TestClient) -> None:
    response = track(
        client,
        reference_number="HLCUHAM2503AXYZ1",
        reference_type="booking",
    )

    metadata = metadata_of(response)
    assert metadata["reference_type"] == "BOOKING"
    assert metadata["carrier_code"] == "HLCU"


def test_reference_is_trimmed_and_upper_cased(client: TestClient) -> None:
    response = track(client, reference_number="  msku 786838-2 ")

    assert metadata_of(response)["reference_number"] == "MSKU7868382"


def test_missing_reference_number(client: TestClient) -> None:
    response = track(client)

    assert response.status_code == 400
    assert status_of(response) == "WRONG_PARAMETERS"
    assert response.headers["x-mock-reason"] == "reference number is missing"


def test_blank_reference_number(client: TestClient) -> None:
    response = track(client, reference_number="   ")

    assert status_of(response) == "WRONG_PARAMETERS"


@pytest.mark.parametrize(
    "number",
    ["ABC DEF", "MSKU!7868382", "X" * 65, "ÄBC123", "BL_123", "-", "/"],
)
def test_malformed_reference_number(client: TestClient, number: str) -> None:
    response = track(client, reference_number=number)

    assert response.status_code == 400
    assert status_of(response) == "WRONG_REFERENCE_NUMBER"


@pytest.mark.parametrize(
    ("number", "reason_part"),
    [
        ("MSKU7868381", "ISO 6346 expects 2"),
        ("MSKU786838", "4 letters and 7 digits"),
        ("MSKJ7868382", "category 'J'"),
    ],
)
def test_bad_container_number(
    client: TestClient, number: str, reason_part: str
) -> None:
    response = track(client, reference_number=number, reference_type="CONTAINER")

    assert status_of(response) == "WRONG_REFERENCE_NUMBER"
    assert reason_part in response.headers["x-mock-reason"]


def test_wrong_check_digit_without_type_hints(client: TestClient) -> None:
    response = track(client, reference_number="MSKU7868381")

    assert status_of(response) == "AUTO_CANT_DETECT_CARRIER"
    assert "expects check digit 2" in response.headers["x-mock-reason"]


def test_wrong_reference_type(client: TestClient) -> None:
    response = track(client, reference_number="255303287", reference_type="AWB")

    assert response.status_code == 400
    assert status_of(response) == "WRONG_REFERENCE_TYPE"
    assert "BL, BOOKING, CONTAINER" in response.headers["x-mock-reason"]


@pytest.mark.parametrize("code", ["M", "MAEUX", "MA3U", "ZZZZ"])
def test_wrong_carrier_code(client: TestClient, code: str) -> None:
    response = track(client, reference_number="255303287", carrier_code=code)

    assert response.status_code == 400
    assert status_of(response) == "WRONG_CARRIER_CODE"


@pytest.mark.parametrize("code", ["auto", "AUTO", " Auto ", ""])
def test_auto_carrier_detects(client: TestClient, code: str) -> None:
    response = track(client, reference_number="MSKU7868382", carrier_code=code)

    assert metadata_of(response)["carrier_code"] == "MAEU"


def test_given_carrier_wins_over_detection(client: TestClient) -> None:
    response = track(client, reference_number="MSKU7868382", carrier_code="hlcu")

    assert metadata_of(response)["carrier_code"] == "HLCU"


@pytest.mark.parametrize("number", ["TCLU1234568", "TEMU1234565", "CAIU1234561"])
def test_leasing_container_detects_no_carrier(client: TestClient, number: str) -> None:
    response = track(client, reference_number=number, reference_type="CONTAINER")

    assert response.status_code == 200
    assert status_of(response) == "AUTO_CANT_DETECT_CARRIER"
    assert response.json()["success"] is False
    assert "leasing company" in response.headers["x-mock-reason"]


def test_leasing_container_with_carrier_code(client: TestClient) -> None:
    response = track(
        client,
        reference_number="TCLU1234568",
        reference_type="CONTAINER",
        carrier_code="MSCU",
    )

    assert status_of(response) == "OK"


@pytest.mark.parametrize("number", ["1234567890", "ABCDEF123"])
def test_unmapped_bl_detects_no_carrier(client: TestClient, number: str) -> None:
    response = track(client, reference_number=number)

    assert status_of(response) == "AUTO_CANT_DETECT_CARRIER"


@pytest.mark.parametrize(
    ("code", "outcome"),
    [
        ("QMNT", Outcome.CARRIER_UNDER_MAINTENANCE),
        ("QDIS", Outcome.CARRIER_TEMPORARILY_DISABLED),
        ("QNRS", Outcome.CARRIER_NO_RESPONSE),
        ("QNSP", Outcome.CARRIER_NOT_SUPPORTED),
    ],
)
def test_mock_carrier_states(client: TestClient, code: str, outcome: Outcome) -> None:
    response = track(client, reference_number="255303287", carrier_code=code)

    assert response.status_code == 200
    assert status_of(response) == outcome.name
    assert response.json()["success"] is False


def test_carrier_not_tracking_reference_type(client: TestClient) -> None:
    response = track(
        client,
        reference_number="WHL12345678",
        reference_type="BOOKING",
        carrier_code="WHLC",
    )

    assert status_of(response) == "CARRIER_NOT_SUPPORT_REF_TYPE"


def test_repeated_parameter(client: TestClient) -> None:
    response = client.get(
        f"{OCEAN}?api_key={VALID_KEY}&reference_number=1&reference_number=2"
    )

    assert response.status_code == 400
    assert status_of(response) == "WRONG_PARAMETERS"
    assert "more than once" in response.headers["x-mock-reason"]


def test_unknown_parameters_ignored(client: TestClient) -> None:
    response = client.get(
        f"{OCEAN}?api_key={VALID_KEY}&reference_number=255303287&x=1&x=2&debug"
    )

    assert status_of(response) == "OK"


def test_reference_not_utf8(client: TestClient) -> None:
    response = client.get(f"{OCEAN}?api_key={VALID_KEY}&reference_number=%FF%FE")

    assert response.status_code == 400
    assert status_of(response) == "WRONG_REFERENCE_NUMBER"


def test_malformed_percent_escape(client: TestClient) -> None:
    response = client.get(f"{OCEAN}?api_key={VALID_KEY}&reference_number=%zz1")

    assert response.status_code == 400
    assert status_of(response) == "WRONG_PARAMETERS"


def test_missing_key(client: TestClient) -> None:
    response = client.get(OCEAN, params={"reference_number": "255303287"})

    assert response.status_code == 401
    assert status_of(response) == "INVALID_API_KEY"
    assert response.headers["x-mock-reason"] == "API key is missing"


def test_unknown_key_is_masked_in_reason(client: TestClient) -> None:
    response = track(client, reference_number="255303287", api_key="secret-key-123456")

    assert status_of(response) == "INVALID_API_KEY"
    assert "secret-key-123456" not in response.headers["x-mock-reason"]


def test_key_in_header(client: TestClient) -> None:
    response = client.get(
        OCEAN,
        params={"reference_number": "255303287"},
        headers={"X-API-Key": VALID_KEY},
    )

    assert status_of(response) == "OK"


def test_same_key_in_header_and_query(client: TestClient) -> None:
    response = track(
        client, headers={"X-API-Key": VALID_KEY}, reference_number="255303287"
    )

    assert status_of(response) == "OK"


def test_different_keys_in_header_and_query(client: TestClient) -> None:
    response = track(
        client, headers={"X-API-Key": "mock-denied-key"}, reference_number="255303287"
    )

    assert response.status_code == 401
    assert status_of(response) == "INVALID_API_KEY"


@pytest.mark.parametrize(
    ("key", "outcome"),
    [
        ("mock-expired-key", Outcome.API_KEY_EXPIRED),
        ("mock-denied-key", Outcome.API_KEY_ACCESS_DENIED),
        ("mock-exhausted-key", Outcome.API_KEY_QUOTA_EXCEEDED),
    ],
)
def test_magic_keys(client: TestClient, key: str, outcome: Outcome) -> None:
    response = track(client, reference_number="255303287", api_key=key)

    assert response.status_code == outcome.http_status
    assert status_of(response) == outcome.name


def test_expired_key_reason_names_instant(client: TestClient) -> None:
    response = track(client, reference_number="255303287", api_key="mock-expired-key")

    assert response.headers["x-mock-reason"] == "key expired at 2026-01-31 00:00:00 UTC"


def test_key_checked_before_parameters(client: TestClient) -> None:
    response = track(client, api_key="mock-denied-key", reference_type="nonsense")

    assert status_of(response) == "API_KEY_ACCESS_DENIED"


def test_trailing_slash_answers_the_same(client: TestClient) -> None:
    plain = client.get(OCEAN, params={"api_key": VALID_KEY, "reference_number": "1"})
    slash = client.get(
        OCEAN + "/", params={"api_key": VALID_KEY, "reference_number": "1"}
    )

    assert plain.status_code == slash.status_code
    assert plain.json() == slash.json()
    assert "location" not in slash.headers


def test_unknown_api_path_is_enveloped(client: TestClient) -> None:
    response = client.get("/tracking/v1/air", params={"api_key": VALID_KEY})

    assert response.status_code == 404
    assert response.json()["status_code"] == "NOT_FOUND"
    assert response.json()["data"] is None
    assert response.headers["x-mock-reason"]


def test_unknown_path_outside_api_is_enveloped(client: TestClient) -> None:
    response = client.get("/no/such/path")

    assert response.status_code == 404
    assert response.json() == {
        "success": False,
        "status_code": "NOT_FOUND",
        "message": "No endpoint at /no/such/path.",
        "data": None,
    }


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_other_methods_get_405(client: TestClient, method: str) -> None:
    response = client.request(method, OCEAN, params={"api_key": VALID_KEY})

    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, OPTIONS"
    assert response.json()["status_code"] == "METHOD_NOT_ALLOWED"


def test_head_answers_without_body_or_billing(client: TestClient) -> None:
    params = {"api_key": VALID_KEY, "reference_number": "255303287"}
    head = client.head(OCEAN, params=params)
    get = client.get(OCEAN, params=params)

    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["x-mock-reason"] == get.headers["x-mock-reason"]
    assert get.json()["data"]["metadata"]["api_calls"]["used"] == 1


def test_request_id_echoed(client: TestClient) -> None:
    response = track(
        client, headers={"X-Request-Id": "trace-42.a:b"}, reference_number="1"
    )

    assert response.headers["x-request-id"] == "trace-42.a:b"


def test_unsafe_request_id_replaced(client: TestClient) -> None:
    response = track(
        client, headers={"X-Request-Id": "bad id with spaces"}, reference_number="1"
    )

    assert response.headers["x-request-id"] != "bad id with spaces"
    assert response.headers["x-request-id"]


def test_preflight_counts_nothing(client: TestClient) -> None:
    preflight = client.options(
        OCEAN,
        headers={
            "Origin": "http://localhost:3000",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "X-API-Key",
        },
    )
    after = track(client, reference_number="255303287")

    assert preflight.status_code == 204
    assert "X-API-Key" in preflight.headers["access-control-allow-headers"]
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert after.json()["data"]["metadata"]["api_calls"]["used"] == 1


def test_cors_exposes_mock_headers(client: TestClient) -> None:
    response = track(
        client, headers={"Origin": "http://localhost:3000"}, reference_number="1"
    )

    assert response.headers["access-control-allow-origin"] == "*"
    exposed = response.headers["access-control-expose-headers"]
    assert "X-Mock-Reason" in exposed
    assert "Retry-After" in exposed


def test_health(client: TestClient) -> None:
    response = client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["x-request-id"]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("POST", "/__mock/keys/mock-valid-key", "DELETE, GET, PATCH, PUT"),
        ("OPTIONS", "/__mock/delays", "GET, PATCH, PUT"),
    ],
)
def test_control_405_lists_every_method(
    client: TestClient, method: str, path: str, allowed: str
) -> None:
    response = client.request(method, path)

    assert response.status_code == 405
    assert response.headers["allow"] == allowed
    assert response.json()["status_code"] == "METHOD_NOT_ALLOWED"


@pytest.mark.parametrize("code", ["M\u017fCU", "MA\u0130U", "MAEU\u00a0"])
def test_non_ascii_carrier_code_rejected(client: TestClient, code: str) -> None:
    response = track(client, reference_number="255303287", carrier_code=code)

    assert response.status_code == 400
    assert status_of(response) == "WRONG_CARRIER_CODE"
