"""The ASGI fast path and the FastAPI route return the same bytes."""

import pytest
from fastapi.testclient import TestClient

from mockserver.app import create_app
from mockserver.settings import Settings
from mockserver.state import build_state
from tests.conftest import FROZEN_AT

REQUESTS = [
    ({"reference_number": "MSKU7868382", "api_key": "mock-valid-key"}, {}),
    ({"reference_number": "255303287", "api_key": "mock-valid-key"}, {}),
    ({"reference_number": "MEDUNE000001", "api_key": "mock-valid-key"}, {}),
    ({"reference_number": "1", "api_key": "mock-valid-key"}, {}),
    ({"reference_number": "X", "api_key": "nobody"}, {}),
    ({"api_key": "mock-valid-key"}, {"X-Mock-Status": "UNEXPECTED_ERROR"}),
    ({"reference_number": "1", "api_key": "mock-exhausted-key"}, {}),
]

# Headers that differ by design between two servers: the generated request id.
VARYING_HEADERS = {"x-request-id", "date"}


def responses(fast: bool) -> list:
    settings = Settings(frozen_at=FROZEN_AT)
    app = create_app(settings, build_state(settings), asgi_fast_path=fast)
    with TestClient(app, raise_server_exceptions=False) as client:
        return [
            client.get("/tracking/v1/ocean", params=params, headers=headers)
            for params, headers in REQUESTS
        ]


@pytest.mark.parametrize("index", range(len(REQUESTS)))
def test_paths_answer_alike(index: int) -> None:
    fast = responses(True)[index]
    routed = responses(False)[index]

    assert fast.status_code == routed.status_code
    assert fast.content == routed.content
    fast_headers = {k: v for k, v in fast.headers.items() if k not in VARYING_HEADERS}
    routed_headers = {
        k: v for k, v in routed.headers.items() if k not in VARYING_HEADERS
    }
    assert fast_headers == routed_headers
