"""Reasons, request ids and log lines that the mock writes for hostile input."""

import logging

import pytest
from fastapi.testclient import TestClient

from tests.conftest import VALID_KEY

OCEAN = "/tracking/v1/ocean"
KEY = f"api_key={VALID_KEY}"


def reason_of(response) -> str:
    return response.headers["x-mock-reason"]


def test_query_limit_reason(client: TestClient) -> None:
    query = f"{KEY}&pad={'a' * 4200}"
    response = client.get(f"{OCEAN}?{query}")

    assert reason_of(response) == (
        f"query string is {len(query)} bytes long, over the limit of 4096"
    )


def test_parameter_limit_reason(client: TestClient) -> None:
    response = client.get(f"{OCEAN}?{KEY}&carrier_code={'C' * 300}")

    assert reason_of(response) == (
        "parameter carrier_code is 300 characters long, over the limit of 256"
    )


def test_key_header_limit_reason(client: TestClient) -> None:
    response = client.get(OCEAN, headers={"X-API-Key": "k" * 257})

    assert reason_of(response) == (
        "header X-API-Key is 257 characters long, over the limit of 256"
    )


def test_key_header_at_limit_read(client: TestClient) -> None:
    response = client.get(OCEAN, headers={"X-API-Key": "k" * 256})

    assert response.json()["status_code"] == "INVALID_API_KEY"


def test_status_header_limit_reason(client: TestClient) -> None:
    response = client.get(OCEAN, headers={"X-Mock-Status": "x" * 65})

    assert reason_of(response) == (
        "header X-Mock-Status is 65 characters long, over the limit of 64"
    )


def test_repeated_header_reason(client: TestClient) -> None:
    response = client.get(
        f"{OCEAN}?reference_number=1",
        headers=[("X-API-Key", "a"), ("X-API-Key", "b")],
    )

    assert reason_of(response) == "header X-API-Key is given more than once"


def test_undecodable_key_reason(client: TestClient) -> None:
    response = client.get(f"{OCEAN}?api_key=%C3%28&reference_number=1")

    assert reason_of(response) == "parameter api_key is not valid UTF-8"


def test_control_character_reason_escaped(client: TestClient) -> None:
    response = client.get(f"{OCEAN}?{KEY}&reference_number=AB%0A%0DCD")

    assert reason_of(response).startswith("reference number contains '\\n'")


def test_ligature_reason_names_it(client: TestClient) -> None:
    response = client.get(f"{OCEAN}?{KEY}&reference_number=%EF%AC%81123")

    assert reason_of(response).startswith("reference number contains '\\ufb01'")


@pytest.mark.parametrize(
    ("sent", "echoed"),
    [
        ("a" * 128, True),
        ("a" * 129, False),
        ("trace id", False),
        ("id\u00e9", False),
        ("", False),
    ],
)
def test_request_id_echo(client: TestClient, sent: str, echoed: bool) -> None:
    response = client.get(
        f"{OCEAN}?{KEY}", headers={"X-Request-Id": sent.encode("latin-1")}
    )

    returned = response.headers["x-request-id"]
    assert (returned == sent) is echoed
    assert returned.isascii()
    assert returned.isprintable()
    assert returned


def test_repeated_request_id_first_kept(client: TestClient) -> None:
    response = client.get(
        f"{OCEAN}?{KEY}",
        headers=[("X-Request-Id", "first"), ("X-Request-Id", "second")],
    )

    assert response.headers["x-request-id"] == "first"


def test_not_found_message_cut(client: TestClient) -> None:
    for path in (f"/tracking/v1/{'p' * 5000}", f"/{'p' * 5000}"):
        message = client.get(path).json()["message"]

        assert len(message) < 200


@pytest.mark.parametrize(
    "path",
    [
        "/tracking/v1/ocean%0AERROR%20forged",
        "/health%0D%0AERROR%20forged",
        "/__mock/x%00y%1B[31m",
    ],
)
def test_log_line_escapes_path(
    client: TestClient, caplog: pytest.LogCaptureFixture, path: str
) -> None:
    with caplog.at_level(logging.INFO, logger="mockserver.access"):
        client.get(path)

    lines = [r.getMessage() for r in caplog.records if r.name == "mockserver.access"]
    assert len(lines) == 1
    assert lines[0].isascii()
    assert lines[0].isprintable()


def test_log_line_cuts_long_path(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="mockserver.access"):
        client.get(f"/tracking/v1/{'p' * 6000}")
        client.get(f"/{'p' * 6000}")

    for record in caplog.records:
        assert len(record.getMessage()) < 400
