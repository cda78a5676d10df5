"""Keys over the control plane: list, read, create, update, delete, usage."""

import logging
from collections.abc import Iterator
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from mockserver.app import create_app
from mockserver.settings import Settings
from tests.conftest import FROZEN_AT, track
from tests.http.control_helpers import failure_message, success_data

TEAM_KEY = "team-ci-key"


def use(client: TestClient, key: str, times: int) -> list[str]:
    """Send `times` tracking requests with `key`; return their status codes."""
    return [
        track(client, reference_number="MSKU7868382", api_key=key).json()["status_code"]
        for _ in range(times)
    ]


def server_lines(caplog: pytest.LogCaptureFixture) -> str:
    """Return the server's log lines, without the test client's."""
    return "\n".join(
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("mockserver")
    )


def test_list_has_shipped_keys(client: TestClient) -> None:
    keys = success_data(client.get("/__mock/keys"))["keys"]

    by_key = {entry["key"]: entry for entry in keys}
    assert set(by_key) >= {
        "mock-valid-key",
        "mock-expired-key",
        "mock-denied-key",
        "mock-exhausted-key",
        "mock-throttled-key",
    }
    assert by_key["mock-expired-key"]["expires_at"] == "2026-01-31T00:00:00.000Z"
    assert by_key["mock-expired-key"]["expired"] is True
    assert by_key["mock-denied-key"]["tracking_access"] is False
    assert by_key["mock-exhausted-key"]["remaining"] == 0


def test_get_shows_live_usage(client: TestClient) -> None:
    use(client, "mock-throttled-key", 2)

    key = success_data(client.get("/__mock/keys/mock-throttled-key"))

    assert key["rate_limit"] == 3
    assert key["rate_window_seconds"] == 60
    assert key["used"] == 2
    assert key["remaining"] == 99_998


def test_create_key_201(client: TestClient) -> None:
    response = client.put(
        f"/__mock/keys/{TEAM_KEY}",
        json={"quota": 2, "rate_limit": 10, "description": "CI"},
    )

    key = success_data(response, 201)
    assert key["key"] == TEAM_KEY
    assert key["quota"] == 2
    assert key["used"] == 0
    assert key["rate_window_seconds"] == 60
    assert key["tracking_access"] is True
    assert use(client, TEAM_KEY, 3) == ["OK", "OK", "API_KEY_QUOTA_EXCEEDED"]


def test_replace_keeps_usage(client: TestClient) -> None:
    client.put(f"/__mock/keys/{TEAM_KEY}", json={"quota": 5})
    use(client, TEAM_KEY, 3)

    replaced = success_data(client.put(f"/__mock/keys/{TEAM_KEY}", json={"quota": 4}))

    assert replaced["used"] == 3
    assert replaced["remaining"] == 1
    assert use(client, TEAM_KEY, 2) == ["OK", "API_KEY_QUOTA_EXCEEDED"]


def test_replace_with_used_restarts(client: TestClient) -> None:
    client.put(f"/__mock/keys/{TEAM_KEY}", json={"quota": 5, "rate_limit": 2})
    use(client, TEAM_KEY, 2)

    key = success_data(
        client.put(f"/__mock/keys/{TEAM_KEY}", json={"quota": 5, "used": 4})
    )

    assert key["used"] == 4
    assert use(client, TEAM_KEY, 2) == ["OK", "API_KEY_QUOTA_EXCEEDED"]


def test_patch_keeps_other_fields(client: TestClient) -> None:
    use(client, "mock-throttled-key", 3)

    key = success_data(
        client.patch("/__mock/keys/mock-throttled-key", json={"rate_limit": 5})
    )

    assert key["rate_limit"] == 5
    assert key["quota"] == 100_000
    assert key["used"] == 3
    assert use(client, "mock-throttled-key", 3) == [
        "OK",
        "OK",
        "API_KEY_RATE_LIMIT_EXCEEDED",
    ]


def test_patch_expiry_and_access(client: TestClient) -> None:
    expired = client.patch(
        "/__mock/keys/mock-valid-key", json={"expires_at": "2026-03-01T00:00:00Z"}
    )
    first = use(client, "mock-valid-key", 1)
    client.patch("/__mock/keys/mock-valid-key", json={"expires_at": None})
    client.patch("/__mock/keys/mock-valid-key", json={"tracking_access": False})
    second = use(client, "mock-valid-key", 1)

    assert success_data(expired)["expired"] is True
    assert first == ["API_KEY_EXPIRED"]
    assert second == ["API_KEY_ACCESS_DENIED"]


def test_patch_used_sets_usage(client: TestClient) -> None:
    key = success_data(
        client.patch("/__mock/keys/mock-exhausted-key", json={"used": 999})
    )

    assert key["used"] == 999
    assert use(client, "mock-exhausted-key", 2) == ["OK", "API_KEY_QUOTA_EXCEEDED"]


def test_delete_then_401(client: TestClient) -> None:
    deleted = success_data(client.delete("/__mock/keys/mock-valid-key"))
    response = track(client, reference_number="MSKU7868382")
    lookup = client.get("/__mock/keys/mock-valid-key")

    assert deleted["key"] == "mock-valid-key"
    assert response.json()["status_code"] == "INVALID_API_KEY"
    assert failure_message(lookup, 404, "NOT_FOUND").startswith("key mock...key")


def test_recreated_key_starts_fresh(client: TestClient) -> None:
    client.put(f"/__mock/keys/{TEAM_KEY}", json={"quota": 2})
    use(client, TEAM_KEY, 2)
    client.delete(f"/__mock/keys/{TEAM_KEY}")

    key = success_data(client.put(f"/__mock/keys/{TEAM_KEY}", json={"quota": 2}), 201)

    assert key["used"] == 0
    assert use(client, TEAM_KEY, 1) == ["OK"]


def test_usage_counters(client: TestClient) -> None:
    use(client, "mock-throttled-key", 2)

    usage = success_data(client.get("/__mock/keys/mock-throttled-key/usage"))

    assert usage == {
        "key": "mock-throttled-key",
        "total": 100_000,
        "used": 2,
        "remaining": 99_998,
        "quota_reset_seconds": usage["quota_reset_seconds"],
        "rate_limit": 3,
        "rate_remaining": 1,
        "rate_window_seconds": 60,
        "rate_reset_seconds": 45,
    }
    assert usage["quota_reset_seconds"] > 0


def test_usage_reset(client: TestClient) -> None:
    use(client, "mock-throttled-key", 3)

    usage = success_data(client.delete("/__mock/keys/mock-throttled-key/usage"))

    assert usage["used"] == 0
    assert usage["rate_remaining"] == 3
    assert use(client, "mock-throttled-key", 1) == ["OK"]


def test_usage_reset_returns_to_loaded_used(client: TestClient) -> None:
    client.patch("/__mock/keys/mock-exhausted-key", json={"used": 0})

    usage = success_data(client.delete("/__mock/keys/mock-exhausted-key/usage"))

    assert usage["used"] == 0
    assert usage["remaining"] == 1000


def test_unknown_key_404(client: TestClient) -> None:
    for method, path in [
        ("GET", "/__mock/keys/nobody"),
        ("PATCH", "/__mock/keys/nobody"),
        ("DELETE", "/__mock/keys/nobody"),
        ("GET", "/__mock/keys/nobody/usage"),
        ("DELETE", "/__mock/keys/nobody/usage"),
    ]:
        body = {"quota": 1} if method == "PATCH" else None
        response = client.request(method, path, json=body)
        message = failure_message(response, 404, "NOT_FOUND")
        assert "is not registered" in message, (method, path)
        assert "nobody" not in message, "the key is masked"


def test_key_name_with_space_rejected(client: TestClient) -> None:
    response = client.put("/__mock/keys/team%20key", json={})

    message = failure_message(response, 400, "WRONG_PARAMETERS")
    assert "not a valid key name" in message


def test_empty_body_creates_default_key(client: TestClient) -> None:
    key = success_data(client.put(f"/__mock/keys/{TEAM_KEY}"), 201)

    assert key["quota"] == 1_000_000
    assert key["rate_limit"] == 600
    assert key["expires_at"] is None


def test_key_usage_with_accept_any_key() -> None:
    settings = Settings(frozen_at=FROZEN_AT, accept_any_key=True)
    with TestClient(create_app(settings)) as client:
        use(client, "anything-goes", 2)
        usage = success_data(client.get("/__mock/keys/anything-goes/usage"))
        lookup = client.get("/__mock/keys/anything-goes")

    assert usage["used"] == 2
    assert failure_message(lookup, 404, "NOT_FOUND")


def test_key_masked_in_logs(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        client.put(f"/__mock/keys/{TEAM_KEY}", json={"quota": 1})
        client.patch(f"/__mock/keys/{TEAM_KEY}", json={"quota": -1})
        client.get(f"/__mock/keys/{TEAM_KEY}/usage")
        client.delete(f"/__mock/keys/{TEAM_KEY}")

    server_log = server_lines(caplog)
    assert TEAM_KEY not in server_log
    assert "PUT /__mock/keys/team...key 201" in server_log
    assert "PATCH /__mock/keys/team...key rejected" in server_log


def test_unexpected_error_500(
    client: TestClient,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mockserver.control import keys

    async def explode(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(keys, "key_usage", explode)
    with caplog.at_level(logging.ERROR):
        response = client.get(f"/__mock/keys/{TEAM_KEY}/usage")

    message = failure_message(response, 500, "UNEXPECTED_ERROR")
    assert "boom" not in message
    server_log = server_lines(caplog)
    assert "control request GET /__mock/keys/team...key/usage failed" in server_log
    assert TEAM_KEY not in server_log


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def store_client(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    values: dict[str, object] = {"frozen_at": FROZEN_AT}
    if request.param == "redis":
        values["redis_url"] = request.getfixturevalue("redis_url")
        values["redis_prefix"] = f"test-{uuid4().hex}:"
    with TestClient(create_app(Settings(**values))) as client:
        yield client


def test_counters_survive_changes_in_store(store_client: TestClient) -> None:
    store_client.put(f"/__mock/keys/{TEAM_KEY}", json={"quota": 5, "rate_limit": 9})
    first = use(store_client, TEAM_KEY, 2)
    replaced = success_data(
        store_client.put(f"/__mock/keys/{TEAM_KEY}", json={"quota": 4, "rate_limit": 9})
    )
    patched = success_data(
        store_client.patch(f"/__mock/keys/{TEAM_KEY}", json={"used": 3})
    )
    after_patch = use(store_client, TEAM_KEY, 2)
    store_client.delete(f"/__mock/keys/{TEAM_KEY}")
    recreated = success_data(
        store_client.put(f"/__mock/keys/{TEAM_KEY}", json={"quota": 1}), 201
    )
    store_client.post("/__mock/reset")
    gone = store_client.get(f"/__mock/keys/{TEAM_KEY}/usage")

    assert first == ["OK", "OK"]
    assert replaced["used"] == 2
    assert patched["used"] == 3
    assert after_patch == ["OK", "API_KEY_QUOTA_EXCEEDED"]
    assert recreated["used"] == 0
    failure_message(gone, 404, "NOT_FOUND")


def test_reset_clears_store_usage(store_client: TestClient) -> None:
    use(store_client, "mock-throttled-key", 4)

    store_client.post("/__mock/reset")
    usage = success_data(store_client.get("/__mock/keys/mock-throttled-key/usage"))

    assert usage["used"] == 0
    assert usage["rate_remaining"] == 3


@pytest.mark.parametrize("window", [5e-324, 0.0001, 0])
def test_tiny_rate_window_rejected(client: TestClient, window: float) -> None:
    response = client.put(
        "/__mock/keys/tiny-window", json={"rate_window_seconds": window}
    )

    assert response.status_code == 400
    assert response.json()["status_code"] == "WRONG_PARAMETERS"
    assert "rate_window_seconds" in response.json()["message"]


def test_patch_without_body_changes_nothing(client: TestClient) -> None:
    before = client.get("/__mock/keys/mock-throttled-key").json()["data"]

    response = client.patch("/__mock/keys/mock-throttled-key")

    assert response.status_code == 200
    assert response.json()["data"] == before
