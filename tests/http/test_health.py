"""GET /health reports whether the server can serve, counters included."""

from fastapi.testclient import TestClient

from mockserver.app import create_app
from mockserver.redis_store import RedisStore
from mockserver.settings import Settings
from mockserver.state import build_state
from tests.servers import free_port


def test_health_ok_in_memory(client: TestClient) -> None:
    response = client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_ok_with_redis(redis_url: str) -> None:
    settings = Settings(redis_url=redis_url)
    with TestClient(create_app(settings, build_state(settings))) as client:
        response = client.get("/health")

    assert response.status_code == 200


def test_health_503_when_redis_unreachable() -> None:
    state = build_state(Settings())
    state.store = RedisStore(f"redis://127.0.0.1:{free_port()}/0")
    with TestClient(create_app(state.settings, state)) as client:
        response = client.get("/health")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
