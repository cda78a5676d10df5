"""Exception handlers that give every non-API failure the API's envelope."""

import functools
import logging
import re

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from mockserver.http.envelope import (
    JSON_CONTENT_TYPE,
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    error_body,
    loggable,
)
from mockserver.outcomes import Outcome

logger = logging.getLogger(__name__)

_STATUS_CODES = {404: NOT_FOUND, 405: METHOD_NOT_ALLOWED}
# Paths and methods echoed in messages are cut to this many characters.
_ECHO_LIMIT = 100


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on `app`."""
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected_error)


def envelope_response(
    status: int,
    status_code: str,
    message: str,
    reason: str,
    headers: dict[str, str] | None = None,
) -> Response:
    """Return a failure in the API's envelope, with `reason` in `X-Mock-Reason`."""
    return Response(
        error_body(status_code, message),
        status_code=status,
        media_type=JSON_CONTENT_TYPE.decode(),
        headers={**(headers or {}), "X-Mock-Reason": loggable(reason)},
    )


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    status_code = _STATUS_CODES.get(error.status_code, f"HTTP_{error.status_code}")
    path = request.url.path[:_ECHO_LIMIT]
    if error.status_code == 404:
        message = f"No endpoint at {path}."
        reason = "no such path"
    elif error.status_code == 405:
        method = request.method[:_ECHO_LIMIT]
        message = f"Method {method} is not allowed on {path}."
        reason = f"method {method} is not allowed here"
    else:
        message = str(error.detail)
        reason = message
    headers = dict(error.headers or {})
    if error.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request))
    return envelope_response(error.status_code, status_code, message, reason, headers)


def allowed_methods(request: Request) -> list[str]:
    """Return the methods that the OpenAPI document lists for the request's path.

    Starlette's own 405 names only the first route that matches the path,
    but each method of a control path is a route of its own.
    """
    document = request.app.openapi()
    for template, operations in document.get("paths", {}).items():
        if _template_pattern(template).fullmatch(request.url.path):
            return sorted(method.upper() for method in operations)
    return []


@functools.lru_cache(maxsize=256)
def _template_pattern(template: str) -> re.Pattern[str]:
    """Compile an OpenAPI path template such as /keys/{key} to a regex."""
    parts = re.split(r"(\{[^/{}]+\})", template)
    return re.compile(
        "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)
    )


async def _validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    problems = []
    for problem in error.errors()[:5]:
        location = ".".join(str(part) for part in problem.get("loc", ()))
        problems.append(f"{location}: {problem.get('msg', 'invalid')}")
    logger.info(
        "rejected %s %s: %s",
        loggable(request.method),
        loggable(request.url.path),
        problems,
    )
    outcome = Outcome.WRONG_PARAMETERS
    return envelope_response(
        outcome.http_status, outcome.name, outcome.message, "; ".join(problems)
    )


async def _unexpected_error(request: Request, error: Exception) -> Response:
    logger.error(
        "unhandled error on %s %s",
        loggable(request.method),
        loggable(request.url.path),
        exc_info=error,
    )
    outcome = Outcome.UNEXPECTED_ERROR
    return envelope_response(
        outcome.http_status,
        outcome.name,
        outcome.message,
        "internal error in the mock; see the server log",
    )
