"""Build the ASGI application: the emulated API, health and control routes."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
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
from mockserver.http.cors import control_policy, parse_origins
from mockserver.http.dispatch import DispatchMiddleware, build_tracking_app
from mockserver.http.errors import install_error_handlers
from mockserver.http.tracking import Receive, Scope, Send, TrackingApp
from mockserver.lifespan import server_lifespan
from mockserver.outcomes import Outcome
from mockserver.references import Reference, ReferenceType
from mockserver.selection import Decision, Lookup
from mockserver.settings import Settings
from mockserver.state import MockState, build_state

# The shipment shown in the OpenAPI examples, at a fixed instant.
_EXAMPLE_REFERENCE = Reference("MSKU7868382", ReferenceType.CONTAINER, type_given=True)
_EXAMPLE_TIME = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


class DispatchingFastAPI(FastAPI):
    """FastAPI that hands every request to its `dispatch` middleware first.

    Middleware added with `add_middleware` wraps only FastAPI's own stack, so
    requests to the emulated API would still pass Starlette's error,
    telemetry and body-limit layers on the way in. Dispatching in `__call__`
    skips them: the tracking app catches its own errors and reads no body.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dispatch: DispatchMiddleware | None = None

    async def serve_routes(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request with FastAPI's own stack, skipping `dispatch`."""
        await super().__call__(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.dispatch is None:
            await self.serve_routes(scope, receive, send)
        else:
            await self.dispatch(scope, receive, send)


def create_app(
    settings: Settings | None = None,
    state: MockState | None = None,
    *,
    asgi_fast_path: bool = True,
) -> FastAPI:
    """Return the mock's ASGI application, with every route built at once.

    With `asgi_fast_path` (the default) requests under /tracking/v1 and
    GET /health bypass FastAPI's routing; without it the documented FastAPI
    routes serve them. Both call the same handlers and return the same bytes.
    The command line serves `mockserver.http.lazy.LazyApp` instead, which
    builds the FastAPI part on first need.
    """
    settings = settings or Settings()
    state = state or build_state(settings)
    tracking = build_tracking_app(settings, state)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with server_lifespan(settings, state):
            yield

    app = build_fastapi_app(settings, state, tracking, lifespan=lifespan)
    if asgi_fast_path:
        control_cors = control_policy(parse_origins(settings.control_cors_origins))
        app.dispatch = DispatchMiddleware(
            app.serve_routes, tracking, state.store, control_cors
        )
    return app


def build_fastapi_app(
    settings: Settings,
    state: MockState,
    tracking: TrackingApp,
    *,
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None,
) -> DispatchingFastAPI:
    """Return the FastAPI app of every route, with no dispatch middleware yet.

    It runs `lifespan` only when given one, so a caller that runs the
    server's start-up and shutdown work itself passes none.
    """
    app = DispatchingFastAPI(
        title="Qubictron Container Tracking API (mock)",
        version=__version__,
        description=(
            "A deterministic mock of the Qubictron Container Tracking API. "
            "Serves `GET /tracking/v1/ocean` with every documented outcome."
        ),
        lifespan=lifespan,
        redirect_slashes=False,
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

    Any ASGI server can run this factory; it reads the QUBICTRON_MOCK_*
    variables. `qubictron-mock --workers N` runs the lazy form,
    `mockserver.http.lazy:create_lazy_app_from_environment`, instead.
    """
    return create_app(Settings())


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
        body = state.renderer.render(
            Decision(outcome, "", lookup), _EXAMPLE_TIME.timestamp()
        )
        return orjson.loads(body)

    return example
