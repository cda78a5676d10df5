"""Who may use the control plane: admin token, switch-off, no CORS."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from mockserver.app import create_app
from mockserver.settings import Settings
from tests.conftest import FROZEN_AT, track
from tests.http.control_helpers import failure_message, success_data

TOKEN = "s3cret-admin-token"
CONTROL_REQUESTS = [
    ("GET", "/__mock/scenarios"),
    ("GET", "/__mock/carriers"),
    ("PUT", "/__mock/carriers/MAEU"),
    ("GET", "/__mock/keys"),
    ("PUT", "/__mock/keys/team-key"),
    ("DELETE", "/__mock/keys/mock-valid-key"),
    ("GET", "/__mock/keys/mock-valid-key/usage"),
    ("POST", "/__mock/reset"),
    ("GET", "/__mock/journal"),
    ("DELETE", "/__mock/journal"),
    ("GET", "/__mock/clock"),
    ("POST", "/__mock/clock/advance"),
    ("POST", "/__mock/clock/release"),
    ("GET", "/__mock/delays"),
    ("PUT", "/__mock/delays"),
]


@pytest.fixture
def guarded() -> Iterator[TestClient]:
    settings = Settings(frozen_at=FROZEN_AT, admin_token=TOKEN)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize(("method", "path"), CONTROL_REQUESTS)
def test_token_missing_401(guarded: TestClient, method: str, path: str) -> None:
    # An invalid body proves the token is checked before the body is read.
    response = guarded.request(method, path, content=b"{not json")

    message = failure_message(response, 401, "UNAUTHORIZED")
    assert "needs the admin token" in message
    assert response.headers["www-authenticate"].startswith("Bearer ")


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Admin-Token": "wrong"},
        {"X-Admin-Token": TOKEN + "x"},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Basic {TOKEN}"},
    ],
)
def test_token_wrong_401(guarded: TestClient, headers: dict[str, str]) -> None:
    response = guarded.get("/__mock/clock", headers=headers)

    failure_message(response, 401, "UNAUTHORIZED")


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Admin-Token": TOKEN},
        {"Authorization": f"Bearer {TOKEN}"},
        {"Authorization": f"bearer  {TOKEN}"},
    ],
)
def test_token_right_200(guarded: TestClient, headers: dict[str, str]) -> None:
    response = guarded.get("/__mock/clock", headers=headers)

    assert success_data(response)["frozen"] is True


def test_rejected_call_changes_nothing(guarded: TestClient) -> None:
    guarded.put("/__mock/carriers/MAEU", json={"state": "maintenance"})

    response = track(guarded, reference_number="MSKU7868382")

    assert response.json()["status_code"] == "OK"


def test_api_and_health_need_no_token(guarded: TestClient) -> None:
    api = track(guarded, reference_number="MSKU7868382")
    health = guarded.get("/health")
    docs = guarded.get("/openapi.json")

    assert api.status_code == 200
    assert health.status_code == 200
    assert docs.status_code == 200


def test_token_never_logged(
    guarded: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("DEBUG"):
        guarded.get("/__mock/clock", headers={"X-Admin-Token": "guess"})
        guarded.get("/__mock/clock", headers={"X-Admin-Token": TOKEN})

    assert TOKEN not in caplog.text
    assert "guess" not in caplog.text


def test_control_plane_off_404() -> None:
    settings = Settings(frozen_at=FROZEN_AT, control_plane=False)
    with TestClient(create_app(settings)) as client:
        responses = [client.request(m, p) for m, p in CONTROL_REQUESTS]
        api = track(client, reference_number="MSKU7868382")
        document = client.get("/openapi.json").json()

    for response in responses:
        failure_message(response, 404, "NOT_FOUND")
    assert api.json()["status_code"] == "OK"
    assert not [path for path in document["paths"] if path.startswith("/__mock")]


def test_no_cors_on_control(client: TestClient) -> None:
    origin = {"Origin": "https://app.example"}
    plain = client.get("/__mock/clock", headers=origin)
    preflight = client.options(
        "/__mock/reset",
        headers=origin | {"Access-Control-Request-Method": "POST"},
    )
    api = track(client, headers=origin, reference_number="MSKU7868382")

    for response in (plain, preflight):
        assert not [h for h in response.headers if h.startswith("access-control-")]
        assert response.status_code == 403
    assert api.headers["access-control-allow-origin"] == "*"


def test_openapi_tag(client: TestClient) -> None:
    document = client.get("/openapi.json").json()

    control = {
        path: operations
        for path, operations in document["paths"].items()
        if path.startswith("/__mock")
    }
    tags = {
        tag
        for operations in control.values()
        for operation in operations.values()
        for tag in operation["tags"]
    }
    assert tags == {"Mock control"}
    assert document["paths"]["/tracking/v1/ocean"]["get"]["tags"] == ["Tracking API"]
    body = control["/__mock/carriers/{code}"]["put"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    assert "maintenance" in schema["properties"]["state"]["enum"]
    assert "$ref" not in str(schema)
