"""The OpenAPI description of the tracking endpoint, with an example per outcome."""

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request, Response

from mockserver.http.limits import MAX_KEY_HEADER_LENGTH
from mockserver.http.tracking import TrackingApp
from mockserver.models import TrackingEnvelope
from mockserver.outcomes import Outcome
from mockserver.payload import envelope
from mockserver.query import MAX_VALUE_CHARACTERS
from mockserver.references import MAX_REFERENCE_LENGTH
from mockserver.selection import MAX_FORCED_STATUS_LENGTH

_TEXT = {"type": "string"}
_COUNT = {"type": "integer", "minimum": 0}
_SECONDS = {"type": "integer", "minimum": 1}
# Response headers: (description, schema, sent on every response of the status).
_HEADERS = {
    "X-Request-Id": (
        "The client's id when it sent a well-formed one, else a new id.",
        _TEXT,
        True,
    ),
    "X-Mock-Reason": (
        "Why the mock chose this outcome, in plain English.",
        _TEXT,
        True,
    ),
}
_RATE_HEADERS = {
    "X-RateLimit-Limit": ("Requests allowed per rate window for this key.", _COUNT),
    "X-RateLimit-Remaining": ("Requests left in the current window.", _COUNT),
    "X-RateLimit-Reset": ("Whole seconds until the window resets.", _SECONDS),
}
_RETRY_AFTER = {"Retry-After": ("Whole seconds to wait before retrying.", _SECONDS)}


OCEAN_PATH = "/tracking/v1/ocean"


def tracking_router(tracking: TrackingApp) -> APIRouter:
    """Return the router that documents (and can serve) GET /tracking/v1/ocean."""
    router = APIRouter(tags=["Tracking API"])

    # The parameters are declared in OpenAPI only: the handler reads the raw
    # request itself, so FastAPI must not validate or decode them first.
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
        openapi_extra={"parameters": _parameters()},
    )
    async def track_ocean(request: Request) -> Response:
        prepared = await tracking.respond(request.scope)
        body = b"" if request.method == "HEAD" else prepared.body
        response = Response(body, status_code=prepared.status)
        for name, value in prepared.headers:
            response.headers.append(name.decode("latin-1"), value.decode("latin-1"))
        return response

    return router


def _parameter(
    name: str, where: str, description: str, schema: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": False,
        "description": description,
        "schema": schema,
        **extra,
    }


def _parameters() -> list[dict[str, Any]]:
    """Describe everything the endpoint reads from a request."""
    value = {"type": "string", "maxLength": MAX_VALUE_CHARACTERS}
    return [
        _parameter(
            "reference_number",
            "query",
            "BL, booking or container number: ASCII letters, digits, '-' and "
            "'/', trimmed and upper-cased. Container numbers may contain spaces "
            "and need a valid ISO 6346 check digit.",
            {"type": "string", "minLength": 1, "maxLength": MAX_REFERENCE_LENGTH},
            required=True,
            example="MSKU7868382",
        ),
        _parameter(
            "reference_type",
            "query",
            "BL, BOOKING or CONTAINER (case-insensitive). Without it, a valid "
            "container number is CONTAINER and anything else BL.",
            value,
        ),
        _parameter(
            "carrier_code",
            "query",
            "Carrier SCAC of 2 to 4 letters, or AUTO (the default) to detect it.",
            value,
        ),
        _parameter(
            "api_key",
            "query",
            "API key; or send it in X-API-Key. Both with different values: 401.",
            value,
            example="mock-valid-key",
        ),
        _parameter(
            "X-API-Key",
            "header",
            "API key, instead of the api_key parameter. Sent twice: 400.",
            {"type": "string", "maxLength": MAX_KEY_HEADER_LENGTH},
        ),
        _parameter(
            "X-Mock-Status",
            "header",
            "Mock only: force this outcome (case-insensitive), before every other "
            "check and without counting. Sent twice or unknown: 400.",
            {
                "type": "string",
                "enum": [outcome.name for outcome in Outcome],
                "maxLength": MAX_FORCED_STATUS_LENGTH,
            },
        ),
        _parameter(
            "X-Request-Id",
            "header",
            "Mock only: echoed in the response when it is 1 to 128 of "
            "A-Z a-z 0-9 . _ : -, else replaced by a new id.",
            _TEXT,
        ),
    ]


def _outcomes_by_status() -> dict[int, list[Outcome]]:
    by_status: dict[int, list[Outcome]] = defaultdict(list)
    for outcome in Outcome:
        by_status[outcome.http_status].append(outcome)
    return dict(sorted(by_status.items()))


def _responses() -> dict[int | str, dict[str, Any]]:
    responses: dict[int | str, dict[str, Any]] = {}
    for status, outcomes in _outcomes_by_status().items():
        headers = dict(_HEADERS)
        # Keyed successes carry the rate headers; every 429 carries them all.
        if status == 200:
            headers |= {name: (*info, False) for name, info in _RATE_HEADERS.items()}
        if status == 429:
            headers |= {name: (*info, True) for name, info in _RATE_HEADERS.items()}
            headers |= {name: (*info, True) for name, info in _RETRY_AFTER.items()}
        responses[status] = {
            "description": ", ".join(outcome.name for outcome in outcomes),
            "headers": {
                name: {"description": text, "schema": schema, "required": required}
                for name, (text, schema, required) in headers.items()
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
