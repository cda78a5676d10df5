"""Routes outside the emulated API: health and the mock's own control plane."""

from typing import Any

from fastapi import APIRouter, Request

from mockserver.catalogue import build_catalogue
from mockserver.state import MockState

CONTROL_PREFIX = "/__mock"


def _state(request: Request) -> MockState:
    state: MockState = request.app.state.mock
    return state


def health_router() -> APIRouter:
    """Return the router of `GET /health`, which the container's health check reads."""
    router = APIRouter(tags=["Health"])

    @router.get("/health", summary="Tell whether the server is up")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return router


def control_router() -> APIRouter:
    """Return the router of the mock's control endpoints under /__mock."""
    router = APIRouter(prefix=CONTROL_PREFIX, tags=["Mock control"])

    @router.get(
        "/scenarios",
        summary="List every way to reach every outcome",
        description=(
            "Magic reference numbers, keys, carriers and the X-Mock-Status "
            "header, for each of the API's 22 outcomes."
        ),
    )
    async def scenarios(request: Request) -> dict[str, Any]:
        state = _state(request)
        return build_catalogue(
            state.scenarios.carriers,
            state.scenarios.magic,
            state.scenarios.keys,
            state.clock.now(),
        )

    return router
