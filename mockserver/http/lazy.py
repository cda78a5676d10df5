"""The served app: the emulated API and /health at once, FastAPI on first need.

Importing FastAPI and building the documented routes took about 0.2 s of
the server's 0.5 s cold start on a 2-core machine (`python -X importtime`
and `bench/run.py`), and the emulated API and GET /health need none of it.
This app serves those through `DispatchMiddleware` as soon as uvicorn
listens. It builds the FastAPI app of every other route (OpenAPI document,
control plane, 404 and 405 envelopes) on the first request that needs it.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from mockserver.http.cors import control_policy, parse_origins
from mockserver.http.dispatch import (
    DispatchMiddleware,
    build_tracking_app,
    loggable_path,
)
from mockserver.http.envelope import (
    JSON_CONTENT_TYPE,
    PreparedResponse,
    error_body,
    header_value,
    loggable,
)
from mockserver.http.tracking import Receive, Scope, Send, TrackingApp, send_prepared
from mockserver.lifespan import server_lifespan
from mockserver.outcomes import Outcome
from mockserver.settings import Settings
from mockserver.state import MockState, build_state
from mockserver.store import MemoryStore

ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

logger = logging.getLogger(__name__)

_BUILD_FAILED = PreparedResponse(
    Outcome.UNEXPECTED_ERROR.http_status,
    [
        (b"content-type", JSON_CONTENT_TYPE),
        (
            b"x-mock-reason",
            header_value("FastAPI failed to load. See the server log."),
        ),
    ],
    error_body(Outcome.UNEXPECTED_ERROR.name, Outcome.UNEXPECTED_ERROR.message),
)


class LazyApp:
    """Serves the mock and builds its FastAPI part on the first request that needs it.

    The build runs once, in a worker thread, so requests to the emulated API
    are served while it runs. Requests that need it wait for it. When it
    fails, the error is logged once and each of those requests gets 500
    `UNEXPECTED_ERROR` until the server restarts.

    This app runs the server's start-up and shutdown work itself, and the
    FastAPI app it builds has no lifespan, so that work happens once.
    """

    def __init__(self, settings: Settings, state: MockState) -> None:
        self._settings = settings
        self._state = state
        self._tracking = build_tracking_app(settings, state)
        control_cors = control_policy(parse_origins(settings.control_cors_origins))
        self._dispatch = DispatchMiddleware(
            self._serve_other_routes, self._tracking, state.store, control_cors
        )
        self._build: asyncio.Task[ASGIApp | None] | None = None

    @property
    def direct_tracking(self) -> TrackingApp | None:
        """The API's app if it may respond outside an asyncio task, else None.

        With counters in memory its handling needs no task. The Redis
        client's time-outs do (`asyncio.timeout` needs the current task).
        """
        if isinstance(self._state.store, MemoryStore):
            return self._tracking
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._run_lifespan(receive, send)
        else:
            await self._dispatch(scope, receive, send)

    async def _serve_other_routes(
        self, scope: Scope, receive: Receive, send: Send
    ) -> None:
        if self._build is None:
            self._build = asyncio.create_task(self._build_fastapi_app(scope))
        # Shielded, so that a request cancelled while it waits does not
        # cancel the build that other requests share.
        app = await asyncio.shield(self._build)
        if app is not None:
            await app(scope, receive, send)
        elif scope["type"] == "http":
            await send_prepared(_BUILD_FAILED, send)

    async def _build_fastapi_app(self, first_scope: Scope) -> ASGIApp | None:
        """Return the FastAPI app of every route, or None when building it fails."""
        logger.info(
            "loading FastAPI for the routes outside the API and /health, first "
            "needed by %s %s",
            loggable(first_scope.get("method", first_scope["type"])),
            loggable(loggable_path(first_scope["path"])),
        )
        started = time.perf_counter()
        try:
            app = await asyncio.to_thread(
                _build_fastapi_app, self._settings, self._state, self._tracking
            )
        except Exception:
            logger.exception(
                "loading FastAPI failed, so requests outside the API and /health "
                "get 500 until the server restarts"
            )
            return None
        logger.info(
            "FastAPI routes ready in %.0f ms", (time.perf_counter() - started) * 1000
        )
        return app

    async def _run_lifespan(self, receive: Receive, send: Send) -> None:
        """Run the ASGI lifespan protocol around `server_lifespan`."""
        lifespan = server_lifespan(self._settings, self._state)
        await receive()  # lifespan.startup
        try:
            await lifespan.__aenter__()
        except Exception as error:
            logger.exception("start-up work failed")
            await send({"type": "lifespan.startup.failed", "message": str(error)})
            return
        await send({"type": "lifespan.startup.complete"})

        await receive()  # lifespan.shutdown
        try:
            await lifespan.__aexit__(None, None, None)
        except Exception as error:
            logger.exception("shutdown work failed")
            await send({"type": "lifespan.shutdown.failed", "message": str(error)})
            return
        await send({"type": "lifespan.shutdown.complete"})


def _build_fastapi_app(
    settings: Settings, state: MockState, tracking: TrackingApp
) -> ASGIApp:
    # Imported here, because importing FastAPI is the work that LazyApp defers.
    from mockserver.app import build_fastapi_app

    return build_fastapi_app(settings, state, tracking)


def create_lazy_app(
    settings: Settings | None = None, state: MockState | None = None
) -> LazyApp:
    """Return the app that the command line serves.

    Raises ScenarioError when a scenario file is invalid, and
    StoreUnavailable when the Redis server in the settings cannot be reached.
    """
    settings = settings or Settings()
    return LazyApp(settings, state or build_state(settings))


def create_lazy_app_from_environment() -> LazyApp:
    """Return the app of one uvicorn worker process, configured from the environment.

    `qubictron-mock --workers N` exports its settings as QUBICTRON_MOCK_*
    variables, and each worker process calls this factory.
    """
    return create_lazy_app(Settings())
