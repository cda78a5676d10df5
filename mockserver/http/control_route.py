"""The route class of the control plane: admin token, envelope, OpenAPI bodies.

Control routes read their input themselves rather than through FastAPI's
parameters, so the admin token is checked before the body is parsed and
invalid input gets the API's envelope with a message that names the field.
Every control response uses the envelope and is never cached.
"""

import copy
import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from fastapi import Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel

from mockserver.control.errors import ControlError, content_too_large, unauthorized
from mockserver.control.inputs import Body, parse_body, reject_query
from mockserver.http.dispatch import loggable_path
from mockserver.http.envelope import JSON_CONTENT_TYPE, MAX_REASON_LENGTH, loggable
from mockserver.outcomes import Outcome
from mockserver.state import MockState

ADMIN_TOKEN_HEADER = "x-admin-token"
# Bytes of a control request body. The largest valid body, a key with a
# 500-character description, takes a few KiB at most.
MAX_BODY_BYTES = 64 * 1024
_WWW_AUTHENTICATE = 'Bearer realm="qubictron-mock control plane"'

logger = logging.getLogger(__name__)


class ControlEnvelope(BaseModel):
    """The body of every control response, shaped like the API's envelope."""

    success: bool
    status_code: str
    message: str
    data: Any


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ControlEnvelope, "description": "WRONG_PARAMETERS"},
    401: {"model": ControlEnvelope, "description": "UNAUTHORIZED (admin token)"},
}
LOOKUP_RESPONSES = ERROR_RESPONSES | {
    404: {"model": ControlEnvelope, "description": "NOT_FOUND"},
}


def mock_state(request: Request) -> MockState:
    state: MockState = request.app.state.mock
    return state


def success(data: Any, message: str, status: int = 200) -> Response:
    """Return a successful control response in the envelope."""
    body = {"success": True, "status_code": "OK", "message": message, "data": data}
    return Response(
        orjson.dumps(body),
        status_code=status,
        media_type=JSON_CONTENT_TYPE.decode(),
        headers={"cache-control": "no-store"},
    )


def failure(error: ControlError) -> Response:
    """Return a failed control response in the envelope."""
    body = {
        "success": False,
        "status_code": error.status_code,
        "message": error.message,
        "data": None,
    }
    headers = {"cache-control": "no-store"}
    if error.http_status == 401:
        headers["www-authenticate"] = _WWW_AUTHENTICATE
    return Response(
        orjson.dumps(body),
        status_code=error.http_status,
        media_type=JSON_CONTENT_TYPE.decode(),
        headers=headers,
    )


def check_admin_token(request: Request) -> None:
    """Raise ControlError (401) unless the request carries the admin token.

    Does nothing when no token is configured. The comparison takes the same
    time wherever the tokens differ, so timing does not reveal the token.
    """
    token = mock_state(request).settings.admin_token
    if token is None:
        return
    sent_token = request.headers.get(ADMIN_TOKEN_HEADER)
    if sent_token is None:
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer":
            sent_token = credentials.strip()
    if not sent_token:
        raise unauthorized(
            "this control endpoint needs the admin token; send it in the "
            "X-Admin-Token header or as Authorization: Bearer <token>"
        )
    expected = token.get_secret_value().encode("ascii")
    if not hmac.compare_digest(sent_token.encode("latin-1"), expected):
        raise unauthorized("the admin token is wrong")


class ControlRoute(APIRoute):
    """A control route: checks the admin token, renders ControlError."""

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                check_admin_token(request)
                return await handler(request)
            except ControlError as error:
                logger.info(
                    "control request %s %s rejected: %s",
                    loggable(request.method),
                    loggable(loggable_path(request.url.path)),
                    loggable(error.message, MAX_REASON_LENGTH),
                )
                return failure(error)
            except Exception:
                # Handled here rather than by the app's handler, so the log
                # line shows the path with its key masked.
                logger.exception(
                    "control request %s %s failed",
                    loggable(request.method),
                    loggable(loggable_path(request.url.path)),
                )
                outcome = Outcome.UNEXPECTED_ERROR
                return failure(
                    ControlError(outcome.http_status, outcome.name, outcome.message)
                )

        return guarded


def json_body(model: type[Body], required: bool = True) -> dict[str, Any]:
    """Describe a request body in OpenAPI, for routes that parse it themselves."""
    return {
        "requestBody": {
            "required": required,
            "content": {"application/json": {"schema": inline_schema(model)}},
        }
    }


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """Return the model's JSON schema with every `$ref` replaced by its target."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            reference = node.get("$ref")
            if isinstance(reference, str):
                name = reference.rsplit("/", 1)[-1]
                return resolve(copy.deepcopy(definitions[name]))
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved


async def read_body(request: Request, model: type[Body]) -> Any:
    """Read and validate a control request's body, at most MAX_BODY_BYTES of it.

    Raises ControlError (413) as soon as the declared or received size is
    over the limit, without reading the rest.
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise content_too_large(
            f"the request body declares {int(declared)} bytes, over the limit "
            f"of {MAX_BODY_BYTES}; control bodies are small JSON objects"
        )
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise content_too_large(
                f"the request body is over the limit of {MAX_BODY_BYTES} bytes; "
                "control bodies are small JSON objects"
            )
        chunks.append(chunk)
    return parse_body(b"".join(chunks), model)


def reject_any_query(request: Request) -> None:
    reject_query(request.query_params.multi_items())
