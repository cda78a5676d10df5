"""Routes outside the emulated API: health and the mock's control plane.

Each control route reads its input, calls one function of
`mockserver.control`, and wraps the result in the envelope.
"""

import logging
from typing import Any

from fastapi import APIRouter, Request, Response

from mockserver.catalogue import build_catalogue
from mockserver.control import carriers, clock, delays, journal, keys
from mockserver.control.inputs import (
    AdvanceBody,
    CarrierStateBody,
    DelaysBody,
    EmptyBody,
    FreezeBody,
    KeyBody,
    KeyPatchBody,
    parse_journal_filter,
)
from mockserver.http.control_route import (
    ERROR_RESPONSES,
    LOOKUP_RESPONSES,
    ControlEnvelope,
    ControlRoute,
    json_body,
    mock_state,
    read_body,
    reject_any_query,
    success,
)
from mockserver.http.dispatch import CONTROL_PREFIX
from mockserver.http.health import HEALTH_PATH, check_health

CONTROL_TAG = "Mock control"

logger = logging.getLogger(__name__)


def health_router() -> APIRouter:
    """Return the router of `GET /health`, which the container's health check reads."""
    router = APIRouter(tags=["Health"])

    @router.get(
        HEALTH_PATH,
        summary="Tell whether the server can serve requests",
        description="503 when the usage counters (Redis) cannot be reached.",
        responses={503: {"description": "The counter store is unreachable."}},
    )
    async def health(request: Request) -> Response:
        prepared = await check_health(mock_state(request).store)
        return Response(
            prepared.body, status_code=prepared.status, media_type="application/json"
        )

    return router


def control_router() -> APIRouter:
    """Return the router of the mock's control endpoints under /__mock."""
    router = APIRouter(
        prefix=CONTROL_PREFIX, tags=[CONTROL_TAG], route_class=ControlRoute
    )
    _add_catalogue_routes(router)
    _add_carrier_routes(router)
    _add_key_routes(router)
    _add_clock_routes(router)
    _add_journal_routes(router)
    _add_delay_routes(router)
    return router


def _add_catalogue_routes(router: APIRouter) -> None:
    @router.get(
        "/scenarios",
        summary="List every way to reach every outcome",
        description=(
            "Magic reference numbers, keys, carriers and the X-Mock-Status "
            "header, for each of the API's 22 outcomes."
        ),
        responses=ERROR_RESPONSES,
    )
    async def scenarios(request: Request) -> Response:
        reject_any_query(request)
        state = mock_state(request)
        catalogue = build_catalogue(
            state.scenarios.carriers,
            state.scenarios.magic,
            state.scenarios.keys,
            state.clock.now(),
        )
        return success(catalogue, "Every way to reach every outcome.")

    @router.post(
        "/reset",
        summary="Return the mock to its start state",
        description=(
            "Forgets usage and rate windows, empties the journal, restores the "
            "clock, carrier states, keys and delays as the server started."
        ),
        responses=ERROR_RESPONSES,
        openapi_extra=json_body(EmptyBody, required=False),
    )
    async def reset(request: Request) -> Response:
        reject_any_query(request)
        await read_body(request, EmptyBody)
        await mock_state(request).reset()
        logger.info("state reset")
        return success(None, "The mock is back in its start state.")


def _add_carrier_routes(router: APIRouter) -> None:
    @router.get(
        "/carriers",
        summary="List the carriers and their states",
        responses=ERROR_RESPONSES,
    )
    async def list_carriers(request: Request) -> Response:
        reject_any_query(request)
        return success(carriers.list_carriers(mock_state(request)), "Carriers.")

    @router.get(
        "/carriers/{code}", summary="Get one carrier", responses=LOOKUP_RESPONSES
    )
    async def get_carrier(request: Request, code: str) -> Response:
        reject_any_query(request)
        return success(carriers.get_carrier(mock_state(request), code), "Carrier.")

    carrier_state_docs: dict[str, Any] = {
        "summary": "Change a carrier's state",
        "description": (
            "States: active, unsupported, disabled, maintenance, no_response. "
            "The state lasts until changed again or until POST /__mock/reset."
        ),
        "responses": LOOKUP_RESPONSES,
        "openapi_extra": json_body(CarrierStateBody),
    }

    @router.put(
        "/carriers/{code}", operation_id="put_carrier_state", **carrier_state_docs
    )
    @router.patch(
        "/carriers/{code}", operation_id="patch_carrier_state", **carrier_state_docs
    )
    async def set_carrier_state(request: Request, code: str) -> Response:
        reject_any_query(request)
        body = await read_body(request, CarrierStateBody)
        carrier = carriers.set_carrier_state(mock_state(request), code, body.state)
        return success(carrier, f"Carrier {carrier['code']} is now {carrier['state']}.")


def _add_key_routes(router: APIRouter) -> None:
    @router.get("/keys", summary="List the API keys", responses=ERROR_RESPONSES)
    async def list_keys(request: Request) -> Response:
        reject_any_query(request)
        return success(await keys.list_keys(mock_state(request)), "Keys.")

    @router.get("/keys/{key}", summary="Get one API key", responses=LOOKUP_RESPONSES)
    async def get_key(request: Request, key: str) -> Response:
        reject_any_query(request)
        return success(await keys.get_key(mock_state(request), key), "Key.")

    @router.put(
        "/keys/{key}",
        summary="Create an API key or replace its policy",
        description=(
            "Fields left out take the defaults of keys.toml. Usage is kept "
            "unless `used` is sent, which restarts the key's usage at that "
            "count with a fresh rate window. Returns 201 for a new key."
        ),
        responses=ERROR_RESPONSES
        | {201: {"model": ControlEnvelope, "description": "Key created."}},
        openapi_extra=json_body(KeyBody, required=False),
    )
    async def put_key(request: Request, key: str) -> Response:
        reject_any_query(request)
        body = await read_body(request, KeyBody)
        view, created = await keys.put_key(mock_state(request), key, body)
        if created:
            return success(view, "Key created.", status=201)
        return success(view, "Key replaced.")

    @router.patch(
        "/keys/{key}",
        summary="Change some fields of an API key",
        description="Usage is kept unless `used` is sent.",
        responses=LOOKUP_RESPONSES,
        openapi_extra=json_body(KeyPatchBody, required=False),
    )
    async def patch_key(request: Request, key: str) -> Response:
        reject_any_query(request)
        body = await read_body(request, KeyPatchBody)
        return success(
            await keys.patch_key(mock_state(request), key, body), "Key updated."
        )

    @router.delete(
        "/keys/{key}",
        summary="Delete an API key",
        description="POST /__mock/reset brings back a key the server loaded.",
        responses=LOOKUP_RESPONSES,
    )
    async def delete_key(request: Request, key: str) -> Response:
        reject_any_query(request)
        await read_body(request, EmptyBody)
        return success(await keys.delete_key(mock_state(request), key), "Key deleted.")

    @router.get(
        "/keys/{key}/usage",
        summary="Get a key's quota and rate-window usage",
        responses=LOOKUP_RESPONSES,
    )
    async def key_usage(request: Request, key: str) -> Response:
        reject_any_query(request)
        return success(await keys.key_usage(mock_state(request), key), "Usage.")

    @router.delete(
        "/keys/{key}/usage",
        summary="Reset a key's usage and rate window",
        responses=LOOKUP_RESPONSES,
    )
    async def reset_key_usage(request: Request, key: str) -> Response:
        reject_any_query(request)
        await read_body(request, EmptyBody)
        usage = await keys.reset_key_usage(mock_state(request), key)
        return success(usage, "Usage reset.")


def _add_clock_routes(router: APIRouter) -> None:
    @router.get("/clock", summary="Read the mock clock", responses=ERROR_RESPONSES)
    async def read_clock(request: Request) -> Response:
        reject_any_query(request)
        return success(clock.clock_view(mock_state(request)), "Clock.")

    @router.post(
        "/clock/freeze",
        summary="Stop the clock",
        description=(
            "At `at` (RFC 3339 with a time zone), or at the current mock time "
            "when the body is empty."
        ),
        responses=ERROR_RESPONSES,
        openapi_extra=json_body(FreezeBody, required=False),
    )
    async def freeze_clock(request: Request) -> Response:
        reject_any_query(request)
        body = await read_body(request, FreezeBody)
        return success(clock.freeze_clock(mock_state(request), body), "Clock frozen.")

    @router.post(
        "/clock/advance",
        summary="Move the clock forward",
        description=(
            "By `seconds` or by an ISO 8601 `duration` such as PT90S; works "
            "whether the clock is frozen or running."
        ),
        responses=ERROR_RESPONSES,
        openapi_extra=json_body(AdvanceBody),
    )
    async def advance_clock(request: Request) -> Response:
        reject_any_query(request)
        body = await read_body(request, AdvanceBody)
        return success(
            clock.advance_clock(mock_state(request), body), "Clock advanced."
        )

    @router.post(
        "/clock/release",
        summary="Let the clock follow real time again",
        responses=ERROR_RESPONSES,
        openapi_extra=json_body(EmptyBody, required=False),
    )
    async def release_clock(request: Request) -> Response:
        reject_any_query(request)
        await read_body(request, EmptyBody)
        return success(clock.release_clock(mock_state(request)), "Clock released.")


def _add_journal_routes(router: APIRouter) -> None:
    @router.get(
        "/journal",
        summary="Read the request journal",
        description=(
            "Requests to /tracking/v1, newest first, with API keys masked. "
            "Filters: `reference_number` (case, spaces and hyphens ignored), "
            "`status_code`, `limit`, and `after` (a sequence number)."
        ),
        responses=ERROR_RESPONSES,
    )
    async def read_journal(request: Request) -> Response:
        query = parse_journal_filter(request.query_params.multi_items())
        return success(
            journal.read_journal(mock_state(request), query), "Journal entries."
        )

    @router.delete(
        "/journal", summary="Empty the request journal", responses=ERROR_RESPONSES
    )
    async def clear_journal(request: Request) -> Response:
        reject_any_query(request)
        await read_body(request, EmptyBody)
        return success(journal.clear_journal(mock_state(request)), "Journal emptied.")


def _add_delay_routes(router: APIRouter) -> None:
    @router.get(
        "/delays", summary="Read the response delays", responses=ERROR_RESPONSES
    )
    async def read_delays(request: Request) -> Response:
        reject_any_query(request)
        return success(delays.delays_view(mock_state(request)), "Delays.")

    delay_docs: dict[str, Any] = {
        "summary": "Change the response delays",
        "description": (
            "`delay_ms` delays every tracking response; `no_response_delay_ms` "
            "delays CARRIER_NO_RESPONSE responses. Fields left out keep their "
            "value; POST /__mock/reset restores the settings."
        ),
        "responses": ERROR_RESPONSES,
        "openapi_extra": json_body(DelaysBody),
    }

    @router.put("/delays", operation_id="put_delays", **delay_docs)
    @router.patch("/delays", operation_id="patch_delays", **delay_docs)
    async def set_delays(request: Request) -> Response:
        reject_any_query(request)
        body = await read_body(request, DelaysBody)
        return success(delays.set_delays(mock_state(request), body), "Delays set.")
