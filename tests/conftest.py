"""Shared fixtures: an app on a frozen clock, and an HTTP client for it."""

import os
from collections.abc import Iterator
from datetime import UTC, datetime

import hypothesis
import pytest
from fastapi.testclient import TestClient

from mockserver.app import create_app
from mockserver.settings import Settings
from mockserver.state import MockState, build_state

pytest_plugins = ["tests.redis_server"]

# In CI, property tests draw the same examples on every run, so that a
# build cannot fail by chance; locally they keep exploring new ones.
hypothesis.settings.register_profile(
    "ci", derandomize=True, database=None, deadline=None
)
if os.environ.get("CI"):
    hypothesis.settings.load_profile("ci")

# A fixed instant for tests, so generated data and windows are reproducible.
FROZEN_AT = datetime(2026, 3, 2, 9, 30, 15, tzinfo=UTC)
VALID_KEY = "mock-valid-key"


@pytest.fixture
def settings() -> Settings:
    return Settings(frozen_at=FROZEN_AT)


@pytest.fixture
def state(settings: Settings) -> MockState:
    return build_state(settings)


@pytest.fixture
def client(settings: Settings, state: MockState) -> Iterator[TestClient]:
    app = create_app(settings, state)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def track(client: TestClient, headers: dict[str, str] | None = None, **params: str):
    """GET the tracking endpoint with the valid key unless `api_key` is given."""
    params.setdefault("api_key", VALID_KEY)
    query = {name: value for name, value in params.items() if value is not None}
    return client.get("/tracking/v1/ocean", params=query, headers=headers or {})
