"""The served app serves the API before it imports FastAPI, and loads it once."""

import asyncio
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient

from mockserver.http import lazy
from mockserver.http.lazy import create_lazy_app
from mockserver.outcomes import Outcome
from mockserver.server_process import ServerProcess, start_server
from mockserver.settings import Settings
from mockserver.state import build_state
from tests.conftest import FROZEN_AT, VALID_KEY

REPOSITORY = Path(__file__).resolve().parents[2]
TRACKING_QUERY = f"reference_number=MSKU7868382&api_key={VALID_KEY}"
LOADING_LINE = "loading FastAPI"

# Drives LazyApp through ASGI in a fresh interpreter, so that nothing this
# test process imported can hide an import of FastAPI. Prints one JSON object.
_FRESH_PROCESS_SCRIPT = """
import asyncio, json, sys

from mockserver.http.lazy import create_lazy_app


async def request(app, path, query=b""):
    scope = {
        "type": "http", "method": "GET", "path": path, "query_string": query,
        "headers": [], "client": ("127.0.0.1", 50000), "scheme": "http",
        "http_version": "1.1", "root_path": "", "server": ("127.0.0.1", 8080),
    }
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


async def main():
    app = create_lazy_app()
    tracking, _ = await request(app, "/tracking/v1/ocean", sys.argv[1].encode())
    health, _ = await request(app, "/health")
    fastapi_before = "fastapi" in sys.modules
    openapi, document = await request(app, "/openapi.json")
    scenarios, _ = await request(app, "/__mock/scenarios")
    print(json.dumps({
        "tracking": tracking,
        "health": health,
        "fastapi_before": fastapi_before,
        "openapi": openapi,
        "documented_paths": sorted(json.loads(document)["paths"]),
        "scenarios": scenarios,
        "fastapi_after": "fastapi" in sys.modules,
    }))


asyncio.run(main())
"""


def test_api_served_before_fastapi_import() -> None:
    finished = subprocess.run(
        [sys.executable, "-c", _FRESH_PROCESS_SCRIPT, TRACKING_QUERY],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result = json.loads(finished.stdout)

    assert result["tracking"] == 200
    assert result["health"] == 200
    assert result["fastapi_before"] is False
    assert result["openapi"] == 200
    assert "/tracking/v1/ocean" in result["documented_paths"]
    assert result["scenarios"] == 200
    assert result["fastapi_after"] is True


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    process = start_server()
    try:
        yield process
    finally:
        process.stop()


def test_served_process_loads_fastapi_on_demand(server: ServerProcess) -> None:
    tracking = httpx2.get(f"{server.base_url}/tracking/v1/ocean?{TRACKING_QUERY}")
    log_before = server.output()
    document = httpx2.get(f"{server.base_url}/openapi.json")
    scenarios = httpx2.get(f"{server.base_url}/__mock/scenarios")
    missing = httpx2.get(f"{server.base_url}/no-such-path")
    log_after = server.output()

    assert tracking.status_code == 200
    assert LOADING_LINE not in log_before
    assert document.status_code == 200
    assert "/tracking/v1/ocean" in document.json()["paths"]
    assert scenarios.status_code == 200
    assert scenarios.json()["status_code"] == "OK"
    assert missing.status_code == 404
    assert missing.json()["status_code"] == "NOT_FOUND"
    assert log_after.count(LOADING_LINE) == 1
    assert log_after.count("FastAPI routes ready") == 1
    assert log_after.count(" ready: seed=") == 1


def test_served_health_has_request_id(server: ServerProcess) -> None:
    response = httpx2.get(f"{server.base_url}/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-request-id"]


def test_health_head_gets_405(server: ServerProcess) -> None:
    response = httpx2.head(f"{server.base_url}/health")

    assert response.status_code == 405
    assert response.headers["allow"] == "GET"


@pytest.fixture
def lazy_settings() -> Settings:
    return Settings(frozen_at=FROZEN_AT)


def test_lifespan_runs_once(
    lazy_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_lazy_app(lazy_settings)
    with caplog.at_level(logging.INFO, logger="mockserver"), TestClient(app) as client:
        assert client.get("/openapi.json").status_code == 200
        assert client.get("/__mock/scenarios").status_code == 200
    messages = [record.getMessage() for record in caplog.records]

    assert sum(" ready: seed=" in message for message in messages) == 1
    assert sum(message == "qubictron-mock stopped" for message in messages) == 1


def test_every_request_logged(
    lazy_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_lazy_app(lazy_settings)
    with caplog.at_level(logging.INFO, logger="mockserver"), TestClient(app) as client:
        client.get(f"/tracking/v1/ocean?{TRACKING_QUERY}")
        client.get("/health", headers={"X-Request-Id": "lazy-health"})
        client.get("/docs", headers={"X-Request-Id": "lazy-docs"})
    lines = [r.getMessage() for r in caplog.records if r.name == "mockserver.access"]

    assert len(lines) == 3
    assert lines[0].startswith("GET /tracking/v1/ocean 200 OK ")
    assert lines[1].startswith("GET /health 200 - ")
    assert lines[1].endswith("id=lazy-health")
    assert lines[2].startswith("GET /docs 200 - ")
    assert lines[2].endswith("id=lazy-docs")


def test_failed_load_gets_500_once_logged(
    lazy_settings: Settings,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    attempts = []

    def fail(*args: Any) -> None:
        attempts.append(args)
        raise ImportError("no module named fastapi")

    monkeypatch.setattr(lazy, "_build_fastapi_app", fail)
    app = create_lazy_app(lazy_settings)
    with caplog.at_level(logging.INFO, logger="mockserver"), TestClient(app) as client:
        first = client.get("/openapi.json")
        second = client.get("/__mock/scenarios")
        tracking = client.get(f"/tracking/v1/ocean?{TRACKING_QUERY}")
        health = client.get("/health")
    failures = [r for r in caplog.records if "loading FastAPI failed" in r.message]

    assert first.status_code == 500
    assert first.json() == {
        "success": False,
        "status_code": "UNEXPECTED_ERROR",
        "message": Outcome.UNEXPECTED_ERROR.message,
        "data": None,
    }
    assert "See the server log" in first.headers["x-mock-reason"]
    assert first.headers["x-request-id"]
    assert second.status_code == 500
    assert len(attempts) == 1
    assert len(failures) == 1
    assert tracking.status_code == 200
    assert health.status_code == 200


def test_concurrent_requests_share_one_load(lazy_settings: Settings) -> None:
    app = create_lazy_app(lazy_settings)
    real_build = lazy._build_fastapi_app
    builds = []

    def counting_build(*args: Any) -> Any:
        builds.append(args)
        return real_build(*args)

    async def get(path: str) -> int:
        scope = {
            "type": "http",
            "method": "GET",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "headers": [],
            "scheme": "http",
            "http_version": "1.1",
            "root_path": "",
            "server": ("127.0.0.1", 8080),
            "client": ("127.0.0.1", 50000),
        }
        statuses = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        await app(scope, receive, send)
        return statuses[0]

    async def main() -> list[int]:
        return list(await asyncio.gather(*(get("/openapi.json") for _ in range(3))))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lazy, "_build_fastapi_app", counting_build)
        statuses = asyncio.run(main())

    assert statuses == [200, 200, 200]
    assert len(builds) == 1


def test_failed_shutdown_reported(
    lazy_settings: Settings,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    state = build_state(lazy_settings)

    async def fail_close() -> None:
        raise ConnectionError("store gone")

    monkeypatch.setattr(state.store, "close", fail_close)
    app = create_lazy_app(lazy_settings, state)
    incoming = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return incoming.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    with caplog.at_level(logging.INFO, logger="mockserver"):
        asyncio.run(app({"type": "lifespan"}, receive, send))

    assert [message["type"] for message in sent] == [
        "lifespan.startup.complete",
        "lifespan.shutdown.failed",
    ]
    assert sent[1]["message"] == "store gone"
    assert "shutdown work failed" in caplog.text
