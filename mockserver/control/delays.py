"""Response delays at run time, in milliseconds."""

from typing import Any

from mockserver.control.errors import invalid_request
from mockserver.control.inputs import DelaysBody
from mockserver.state import MockState


def delays_view(state: MockState) -> dict[str, Any]:
    """Return the response delays in milliseconds."""
    latency = state.latency
    return {
        "delay_ms": _milliseconds(latency.delay),
        "no_response_delay_ms": _milliseconds(latency.no_response_delay),
        "max_delay_ms": _milliseconds(latency.max_seconds),
    }


def set_delays(state: MockState, body: DelaysBody) -> dict[str, Any]:
    """Change the response delays that the body names."""
    maximum = _milliseconds(state.latency.max_seconds)
    for name in ("delay_ms", "no_response_delay_ms"):
        value = getattr(body, name)
        if value is not None and value > maximum:
            raise invalid_request(
                f"field {name!r}: {value:g} ms exceeds the maximum delay of "
                f"{maximum:g} ms; send less, or start the server with a higher "
                "--max-delay"
            )
    state.latency.configure(
        delay=None if body.delay_ms is None else body.delay_ms / 1000,
        no_response_delay=(
            None
            if body.no_response_delay_ms is None
            else body.no_response_delay_ms / 1000
        ),
    )
    return delays_view(state)


def _milliseconds(seconds: float) -> float:
    return round(seconds * 1000, 3)
