"""The failures of control operations, with the status the client receives."""

from mockserver.outcomes import Outcome

# Status codes of failures that are not outcomes of the API, as the
# tracking endpoint names them too.
NOT_FOUND = "NOT_FOUND"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
UNAUTHORIZED = "UNAUTHORIZED"
CONTENT_TOO_LARGE = "CONTENT_TOO_LARGE"


class ControlError(Exception):
    """A control request that cannot be carried out; rendered in the envelope."""

    def __init__(self, http_status: int, status_code: str, message: str) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.status_code = status_code
        self.message = message


def invalid_request(message: str) -> ControlError:
    """Return the 400 WRONG_PARAMETERS error for invalid input."""
    outcome = Outcome.WRONG_PARAMETERS
    return ControlError(outcome.http_status, outcome.name, message)


def not_found(message: str) -> ControlError:
    """Return the 404 error for an unknown key or carrier."""
    return ControlError(404, NOT_FOUND, message)


def unauthorized(message: str) -> ControlError:
    """Return the 401 error for a missing or wrong admin token."""
    return ControlError(401, UNAUTHORIZED, message)


def content_too_large(message: str) -> ControlError:
    """Return the 413 error for a request body over the control plane's limit."""
    return ControlError(413, CONTENT_TOO_LARGE, message)
