"""Build the ASGI application: the emulated API, health and control routes."""

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import orjson
from fastapi import FastAPI

from mockserver import __version__
from mockserver.carriers import CarrierState
from mockserver.http.api_docs import (
    add_outcome_examples,
    tracking_router,
    without_validation_responses,
)
from mockserver.http.control import control_router, health_router
from mockserver.http.cors import api_policy, control_policy, parse_origins
from mockserver.http.dispatch import DispatchingFastAPI
from mockserver.http.errors import install_error_handlers
from mockserver.http.observed import ObservedTrackingApp
from mockserver.outcomes import Outcome
from mockserver.references import Reference, ReferenceType
from mockserver.selection import Decision, Lookup
from mockserver.settings import Settings
from mockserver.state import MockState, build_state

logger = logging.getLogger(__name__)

# The shipment shown in the OpenAPI examples, at a fixed instant.
_EXAMPLE_REFERENCE = Reference("MSKU7868382", ReferenceType.CONTAINER, type_given=True)
_EXAMPLE_TIME = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def create_app(
    settings: Settings | None = None,
    state: MockState | None = None,
    *,
    asgi_fast_path: bool = True,
) -> FastAPI:
    """Return the mock's ASGI application.

    With `asgi_fast_path` (the default) requests under /tracking/v1 bypass
    FastAPI's routing; without it the documented FastAPI route serves them.
    Both call the same handler and return the same bytes.
    """
    settings = settings or Settings()
    state = state or build_state(settings)
    tracking = ObservedTrackingApp(
        state.selector,
        state.renderer,
        state.scenarios.keys,
        state.clock,
        journal=state.journal if settings.control_plane else None,
        latency=state.latency,
        cors=api_policy(parse_origins(settings.cors_origins)),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        logger.info(
            "qubictron-mock %s ready: seed=%d, %d carriers, %d keys, store=%s",
            __version__,
            settings.seed,
            len(state.scenarios.carriers.carriers),
            len(state.scenarios.keys.keys),
            type(state.store).__name__,
        )
        _warn_if_control_plane_exposed(settings)
        yield
        await state.store.close()
        logger.info("qubictron-mock stopped")

    app = DispatchingFastAPI(
        title="Qubictron Container Tracking API (mock)",
        version=__version__,
        description=(
            "A deterministic mock of the Qubictron Container Tracking API. "
            "Serves `GET /tracking/v1/ocean` with every documented outcome."
        ),
        lifespan=lifespan,
        redirect_slashes=False,
        tracking=tracking if asgi_fast_path else None,
        control_cors=control_policy(parse_origins(settings.control_cors_origins)),
    )
    app.state.mock = state
    install_error_handlers(app)
    app.include_router(tracking_router(tracking))
    app.include_router(health_router())
    if settings.control_plane:
        app.include_router(control_router())

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = without_validation_responses(FastAPI.openapi(app))
            app.openapi_schema = add_outcome_examples(document, _success_example(state))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def create_app_from_environment() -> FastAPI:
    """Return the app of one uvicorn worker process, configured from the environment.

    `qubictron-mock --workers N` exports its settings as QUBICTRON_MOCK_*
    variables, and each worker process calls this factory.
    """
    return create_app(Settings())


def _warn_if_control_plane_exposed(settings: Settings) -> None:
    """Warn when anyone who reaches the port can change the mock's state."""
    loopback = settings.host in ("127.0.0.1", "::1", "localhost")
    if settings.control_plane and settings.admin_token is None and not loopback:
        logger.warning(
            "the control plane under /__mock/ is open to anyone who reaches "
            "%s:%d; set an admin token or turn it off with --no-control-plane",
            settings.host,
            settings.port,
        )


def _success_example(state: MockState) -> Callable[[Outcome], dict[str, Any]]:
    """Return a function that renders the example body of a successful outcome.

    The example is a Maersk container at a fixed instant, or, when user
    scenarios remove Maersk, a lookup without data, as a forced success has.
    """
    maersk = state.scenarios.carriers.get("MAEU")
    lookup = None
    if maersk is not None and maersk.state is CarrierState.ACTIVE:
        lookup = Lookup(_EXAMPLE_REFERENCE, maersk, carrier_detected=True)

    def example(outcome: Outcome) -> dict[str, Any]:
        body = state.renderer.render(Decision(outcome, "", lookup), _EXAMPLE_TIME)
        return orjson.loads(body)

    return example
