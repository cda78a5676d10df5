"""The mock clock at run time: read, freeze, advance and release."""

import logging
from datetime import UTC, datetime
from typing import Any

from mockserver.control.errors import invalid_request
from mockserver.control.inputs import AdvanceBody, FreezeBody
from mockserver.durations import check_clock_range, format_instant
from mockserver.state import MockState

logger = logging.getLogger(__name__)


def clock_view(state: MockState) -> dict[str, Any]:
    """Return the mock time and whether the clock is frozen."""
    return {
        "now": format_instant(state.clock.now()),
        "epoch_seconds": state.clock.time(),
        "frozen": state.clock.frozen,
    }


def freeze_clock(state: MockState, body: FreezeBody) -> dict[str, Any]:
    """Stop the clock at `body.at`, or at the current mock time."""
    state.clock.freeze(body.at)
    logger.info("clock frozen at %s", format_instant(state.clock.now()))
    return clock_view(state)


def advance_clock(state: MockState, body: AdvanceBody) -> dict[str, Any]:
    """Move the clock forward, frozen or running."""
    seconds = body.total_seconds
    try:
        check_clock_range(datetime.fromtimestamp(state.clock.time() + seconds, UTC))
    except (ValueError, OverflowError, OSError) as error:
        raise invalid_request(
            f"cannot advance the clock by {seconds:g} s: {error}"
        ) from None
    state.clock.advance(seconds)
    logger.info(
        "clock advanced by %g s to %s", seconds, format_instant(state.clock.now())
    )
    return clock_view(state)


def release_clock(state: MockState) -> dict[str, Any]:
    """Let the clock follow real time again, without any offset."""
    state.clock.release()
    logger.info("clock released")
    return clock_view(state)
