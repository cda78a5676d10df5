"""The server's start-up and shutdown work, shared by every form of the app."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from mockserver import __version__
from mockserver.settings import Settings
from mockserver.state import MockState

logger = logging.getLogger(__name__)


@asynccontextmanager
async def server_lifespan(settings: Settings, state: MockState) -> AsyncIterator[None]:
    """Log that the server is ready, and close the counter store at shutdown."""
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
