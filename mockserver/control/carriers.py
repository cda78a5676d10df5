"""Carrier states at run time: list carriers, read one, change its state."""

import logging
from typing import Any

from mockserver.carriers import STATE_OUTCOMES, Carrier, CarrierState
from mockserver.control.errors import not_found
from mockserver.state import MockState

logger = logging.getLogger(__name__)


def list_carriers(state: MockState) -> dict[str, Any]:
    """Return every carrier with its current and loaded state."""
    return {"carriers": [_carrier_view(state, c) for c in state.scenarios.carriers]}


def get_carrier(state: MockState, code: str) -> dict[str, Any]:
    """Return one carrier; raise ControlError (404) for an unknown code."""
    return _carrier_view(state, _carrier(state, code))


def set_carrier_state(
    state: MockState, code: str, new_state: CarrierState
) -> dict[str, Any]:
    """Put a carrier into `new_state` until it is changed again or reset."""
    carrier = _carrier(state, code)
    updated = state.scenarios.carriers.set_state(carrier.code, new_state)
    logger.info("carrier %s is now %s", updated.code, updated.state.value)
    return _carrier_view(state, updated)


def _carrier(state: MockState, code: str) -> Carrier:
    carrier = state.scenarios.carriers.get(code.strip().upper())
    if carrier is None:
        raise not_found(
            f"carrier {code[:20]!r} is not known; GET /__mock/carriers lists the codes"
        )
    return carrier


def _carrier_view(state: MockState, carrier: Carrier) -> dict[str, Any]:
    outcome = STATE_OUTCOMES.get(carrier.state)
    loaded = state.loaded_carrier_states.get(carrier.code)
    return {
        "code": carrier.code,
        "name": carrier.name,
        "state": carrier.state.value,
        "loaded_state": loaded.value if loaded is not None else None,
        "outcome": outcome.name if outcome is not None else None,
        "reference_types": sorted(t.value for t in carrier.reference_types),
    }
