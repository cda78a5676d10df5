"""CORS on the emulated API, and the control plane closed to other origins."""

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from mockserver.app import create_app
from mockserver.settings import Settings
from tests.conftest import FROZEN_AT, VALID_KEY

OCEAN = "/tracking/v1/ocean"
TRACK = f"{OCEAN}?api_key={VALID_KEY}&reference_number=255303287"
CONTROL = "/__mock/scenarios"
FRONT_END = "http://localhost:3000"
EVIL = "https://evil.example"
PREFLIGHT = {
    "Access-Control-Request-Method": "GET",
    "Access-Control-Request-Headers": "x-api-key, x-request-id, x-mock-status",
}
EXPOSED = (
    "X-Request-Id",
    "X-Mock-Reason",
    "Retry-After",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
)


@pytest.fixture
def client_for() -> Iterator[Callable[..., TestClient]]:
    clients: list[TestClient] = []

    def make(**settings: str) -> TestClient:
        app = create_app(Settings(frozen_at=FROZEN_AT, **settings))
        client = TestClient(app, raise_server_exceptions=False)
        clients.append(client.__enter__())
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def cors_headers(response) -> dict[str, str]:
    return {
        name: value
        for name, value in response.headers.items()
        if name.startswith("access-control-") or name == "vary"
    }


def test_api_open_by_default(client: TestClient) -> None:
    response = client.get(TRACK, headers={"Origin": EVIL})

    assert response.headers["access-control-allow-origin"] == "*"
    for name in EXPOSED:
        assert name in response.headers["access-control-expose-headers"]
    assert "access-control-allow-credentials" not in response.headers
    assert "vary" not in response.headers


def test_api_same_headers_without_origin(client: TestClient) -> None:
    with_origin = client.get(TRACK, headers={"Origin": FRONT_END})
    without = client.get(TRACK)

    assert cors_headers(with_origin) == cors_headers(without)


@pytest.mark.parametrize("path", [OCEAN, "/tracking/v1/nowhere"])
def test_api_errors_carry_cors(client: TestClient, path: str) -> None:
    response = client.post(path, headers={"Origin": FRONT_END})

    assert response.status_code in (404, 405)
    assert response.headers["access-control-allow-origin"] == "*"


def test_api_preflight(client: TestClient) -> None:
    response = client.options(TRACK, headers={"Origin": EVIL, **PREFLIGHT})

    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["access-control-allow-methods"] == "GET, HEAD"
    allowed = response.headers["access-control-allow-headers"]
    for name in ("X-API-Key", "X-Request-Id", "X-Mock-Status"):
        assert name in allowed
    assert response.headers["access-control-max-age"] == "600"
    assert "access-control-allow-credentials" not in response.headers


def test_listed_origin_allowed(client_for) -> None:
    client = client_for(cors_origins=f"{FRONT_END}, http://127.0.0.1:5173/")

    response = client.get(TRACK, headers={"Origin": FRONT_END})
    other = client.get(TRACK, headers={"Origin": "http://127.0.0.1:5173"})

    assert response.headers["access-control-allow-origin"] == FRONT_END
    assert response.headers["vary"] == "Origin"
    assert "X-Mock-Reason" in response.headers["access-control-expose-headers"]
    assert other.headers["access-control-allow-origin"] == "http://127.0.0.1:5173"


def test_unlisted_origin_gets_nothing(client_for) -> None:
    client = client_for(cors_origins=FRONT_END)

    response = client.get(TRACK, headers={"Origin": EVIL})
    without = client.get(TRACK)

    assert response.status_code == 200
    assert cors_headers(response) == {"vary": "Origin"}
    assert cors_headers(without) == {"vary": "Origin"}


def test_unlisted_preflight_gets_nothing(client_for) -> None:
    client = client_for(cors_origins=FRONT_END)

    response = client.options(TRACK, headers={"Origin": EVIL, **PREFLIGHT})
    listed = client.options(TRACK, headers={"Origin": FRONT_END, **PREFLIGHT})

    assert response.status_code == 204
    assert cors_headers(response) == {"vary": "Origin"}
    assert listed.headers["access-control-allow-origin"] == FRONT_END
    assert "X-API-Key" in listed.headers["access-control-allow-headers"]


def test_cors_off(client_for) -> None:
    client = client_for(cors_origins="")

    response = client.get(TRACK, headers={"Origin": FRONT_END})

    assert cors_headers(response) == {}


@pytest.mark.parametrize(
    "value",
    ["localhost:3000", "http://", "ftp://example.com", "*, http://a.example", "a b"],
)
def test_invalid_origins_rejected(value: str) -> None:
    with pytest.raises(ValidationError):
        Settings(cors_origins=value)


def test_health_has_no_cors(client: TestClient) -> None:
    response = client.get("/health", headers={"Origin": EVIL})

    assert cors_headers(response) == {}


def test_control_plane_from_program(client: TestClient) -> None:
    response = client.get(CONTROL)

    assert response.status_code == 200
    assert cors_headers(response) == {}


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": EVIL},
        {"Origin": "null"},
        {"Origin": FRONT_END},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Sec-Fetch-Site": "same-origin", "Host": "rebind.example:8080"},
        {"Origin": "http://rebind.example:8080", "Host": "rebind.example:8080"},
    ],
    ids=[
        "other-origin",
        "null-origin",
        "other-port",
        "cross-site",
        "same-site",
        "rebound-host",
        "rebound-origin",
    ],
)
def test_control_plane_rejects_pages(
    client: TestClient, headers: dict[str, str]
) -> None:
    response = client.get(CONTROL, headers=headers)

    assert response.status_code == 403
    assert response.json() == {
        "success": False,
        "status_code": "FORBIDDEN",
        "message": response.json()["message"],
        "data": None,
    }
    assert "--control-cors-origins" in response.json()["message"]
    assert response.headers["x-mock-reason"]
    assert cors_headers(response) == {}


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "OPTIONS"])
def test_control_plane_rejects_writes(client: TestClient, method: str) -> None:
    response = client.request(
        method, "/__mock/reset", headers={"Origin": EVIL, **PREFLIGHT}
    )

    assert response.status_code == 403
    assert cors_headers(response) == {}


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://127.0.0.1:8080", "Host": "127.0.0.1:8080"},
        {"Origin": "http://localhost:8080", "Host": "localhost:8080"},
        {"Origin": "http://[::1]:8080", "Host": "[::1]:8080"},
        {"Sec-Fetch-Site": "same-origin", "Host": "localhost:8080"},
        {"Sec-Fetch-Site": "none", "Host": "127.0.0.1:8080"},
        {"Sec-Fetch-Site": "none", "Host": "mock.internal:8080"},
    ],
    ids=["ipv4", "localhost", "ipv6", "fetch-same-origin", "typed-url", "typed-host"],
)
def test_control_plane_own_pages(client: TestClient, headers: dict[str, str]) -> None:
    response = client.get(CONTROL, headers=headers)

    assert response.status_code == 200
    assert cors_headers(response) == {}


def test_control_origin_configured(client_for) -> None:
    client = client_for(control_cors_origins=FRONT_END)

    response = client.get(CONTROL, headers={"Origin": FRONT_END})
    preflight = client.options(
        "/__mock/reset",
        headers={"Origin": FRONT_END, "Access-Control-Request-Method": "POST"},
    )
    other = client.get(CONTROL, headers={"Origin": EVIL})

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == FRONT_END
    assert response.headers["vary"] == "Origin"
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert other.status_code == 403
