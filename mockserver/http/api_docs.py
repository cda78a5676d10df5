"""The OpenAPI description of the tracking endpoint, with an example per outcome."""

from collections import defaultdict
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from mockserver.http.tracking import TrackingApp
from mockserver.models import TrackingEnvelope
from mockserver.outcomes import Outcome
from mockserver.payload import envelope

_HEADERS = {
    "X-Request-Id": "The client's id when it sent a well-formed one, else a new id.",
    "X-Mock-Reason": "Why the mock chose this outcome, in plain English.",
}
_RATE_HEADERS = {
    "X-RateLimit-Limit": "Requests allowed per rate window for this key.",
    "X-RateLimit-Remaining": "Requests left in the current window.",
    "X-RateLimit-Reset": "Whole seconds until the window resets.",
}
_RETRY_AFTER = {"Retry-After": "Whole seconds to wait before retrying."}


OCEAN_PATH = "/tracking/v1/ocean"


def tracking_router(tracking: TrackingApp) -> APIRouter:
    """Return the router that documents (and can serve) GET /tracking/v1/ocean."""
    router = APIRouter(tags=["Tracking API"])

    @router.head(OCEAN_PATH, include_in_schema=False)
    @router.get(
        OCEAN_PATH,
        operation_id="track_ocean",
        summary="Track an ocean shipment",
        description=(
            "Returns tracking data for one BL, booking or container number. "
            "Every response uses the same envelope; `status_code` names one of "
            "the API's 22 outcomes. Send `X-Mock-Status: <STATUS_CODE>` to force "
            "an outcome."
        ),
        response_class=Response,
        responses=_responses(),
    )
    async def track_ocean(
        request: Request,
        reference_number: Annotated[
            str | None,
            Query(description="BL, booking or container number.", max_length=256),
        ] = None,
        reference_type: Annotated[
            str | None,
            Query(
                description="BL, BOOKING or CONTAINER (case-insensitive).",
                max_length=256,
            ),
        ] = None,
        carrier_code: Annotated[
            str | None,
            Query(description="Carrier SCAC, or AUTO to detect.", max_length=256),
        ] = None,
        api_key: Annotated[
            str | None,
            Query(description="API key; or send it in X-API-Key.", max_length=256),
        ] = None,
    ) -> Response:
        prepared = await tracking.respond(request.scope)
        body = b"" if request.method == "HEAD" else prepared.body
        response = Response(body, status_code=prepared.status)
        for name, value in prepared.headers:
            response.headers.append(name.decode("latin-1"), value.decode("latin-1"))
        return response

    return router


def _outcomes_by_status() -> dict[int, list[Outcome]]:
    by_status: dict[int, list[Outcome]] = defaultdict(list)
    for outcome in Outcome:
        by_status[outcome.http_status].append(outcome)
    return dict(sorted(by_status.items()))


def _responses() -> dict[int | str, dict[str, Any]]:
    responses: dict[int | str, dict[str, Any]] = {}
    for status, outcomes in _outcomes_by_status().items():
        headers = dict(_HEADERS)
        if status in (200, 429):
            headers |= _RATE_HEADERS
        if status == 429:
            headers |= _RETRY_AFTER
        responses[status] = {
            "description": ", ".join(outcome.name for outcome in outcomes),
            "headers": {
                name: {"description": text, "schema": {"type": "string"}}
                for name, text in headers.items()
            },
            "model": TrackingEnvelope,
        }
    return responses


def without_validation_responses(document: dict[str, Any]) -> dict[str, Any]:
    """Drop FastAPI's 422 responses from an OpenAPI document.

    The mock never returns 422: invalid input gets 400 WRONG_PARAMETERS in
    the API's envelope, which the operations document themselves.
    """
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict):
                operation.get("responses", {}).pop("422", None)
    schemas = document.get("components", {}).get("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    return document


def add_outcome_examples(
    document: dict[str, Any],
    success_example: Callable[[Outcome], dict[str, Any]],
) -> dict[str, Any]:
    """Add an example body for each of the 22 outcomes to the tracking operation.

    They are added to the finished document because FastAPI drops null
    values from the examples it renders, and the API's bodies contain nulls.
    `success_example` returns the body of each successful outcome.
    """
    responses = document["paths"][OCEAN_PATH]["get"]["responses"]
    for status, outcomes in _outcomes_by_status().items():
        content = responses[str(status)]["content"]["application/json"]
        content["examples"] = {
            outcome.name: {
                "summary": outcome.message,
                "value": (
                    success_example(outcome)
                    if outcome.success
                    else envelope(outcome, None)
                ),
            }
            for outcome in outcomes
        }
    return document
