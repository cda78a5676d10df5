"""Assertions shared by the control-plane tests."""

from typing import Any

ENVELOPE_FIELDS = {"success", "status_code", "message", "data"}


def success_data(response, http_status: int = 200) -> Any:
    """Assert a successful control response and return its `data`."""
    body = response.json()
    assert response.status_code == http_status, response.text
    assert set(body) == ENVELOPE_FIELDS
    assert body["success"] is True
    assert body["status_code"] == "OK"
    assert response.headers["cache-control"] == "no-store"
    return body["data"]


def failure_message(response, http_status: int, status_code: str) -> str:
    """Assert a failed control response in the envelope and return its message."""
    body = response.json()
    assert response.status_code == http_status, response.text
    assert set(body) == ENVELOPE_FIELDS
    assert body["success"] is False
    assert body["status_code"] == status_code
    assert body["data"] is None
    return body["message"]
