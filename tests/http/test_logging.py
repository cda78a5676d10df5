"""One access log line per request, with outcome and a masked key."""

import logging

import pytest
from fastapi.testclient import TestClient

from tests.conftest import track


def access_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "mockserver.access"]


def test_one_line_per_request(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="mockserver.access"):
        track(client, reference_number="255303287")
        track(client, reference_number="MEDUKR000001")
        client.get("/health")

    lines = access_lines(caplog)
    assert len(lines) == 3
    assert lines[0].startswith("GET /tracking/v1/ocean 200 OK ")
    assert "ms id=" in lines[0]
    assert lines[1].startswith("GET /tracking/v1/ocean 429 API_KEY_RATE_LIMIT_EXCEEDED")
    assert lines[2].startswith("GET /health 200")


def test_key_never_logged_in_full(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        track(client, reference_number="255303287")
        track(client, reference_number="1", api_key="secret-unknown-key")

    text = "\n".join(
        r.getMessage() for r in caplog.records if r.name.startswith("mockserver")
    )
    assert "mock-valid-key" not in text
    assert "secret-unknown-key" not in text
    assert "key=mock...key" in text


def test_unexpected_error_logged(
    client: TestClient, caplog: pytest.LogCaptureFixture, monkeypatch
) -> None:
    state = client.app.state.mock

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(state.renderer, "_template", explode)
    with caplog.at_level(logging.INFO):
        response = track(client, reference_number="255303287")

    assert response.status_code == 500
    assert response.json()["status_code"] == "UNEXPECTED_ERROR"
    assert "boom" not in response.text
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert errors[0].exc_info is not None


@pytest.mark.parametrize(
    ("method", "path"),
    [("PATCH", "/__mock/keys/abc%0Aforged"), ("PUT", "/__mock/carriers/%00")],
)
def test_control_rejection_line_clean(
    client: TestClient, caplog: pytest.LogCaptureFixture, method: str, path: str
) -> None:
    with caplog.at_level(logging.INFO):
        response = client.request(method, path, json={"state": "active"})

    messages = [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("mockserver")
    ]
    assert response.status_code in (400, 404)
    assert any("rejected" in message for message in messages)
    for message in messages:
        assert message.isprintable(), message
