"""The 22 outcomes of the tracking API, each defined once as a value."""

from enum import Enum


class Outcome(Enum):
    """One documented outcome: HTTP status, `success` flag and `message`.

    The member name is the `status_code` the API sends in the body.
    """

    OK = (200, True, "Request completed successfully. Data returned as expected.")
    CARRIER_INFO_NOT_PROVIDED = (
        200,
        True,
        "Request was successful, but the carrier has not provided any tracking "
        "information yet.",
    )
    CARRIER_SHIPMENT_CANCELED = (
        200,
        True,
        "Request was successful. The shipment has been canceled by the carrier.",
    )
    NO_CONTAINERS = (
        200,
        True,
        "Request was successful, but no containers were found for the given reference.",
    )
    NO_EVENTS = (
        200,
        True,
        "Request was successful, but no tracking events are available for this "
        "shipment yet.",
    )
    WRONG_PARAMETERS = (
        400,
        False,
        "One or more request parameters are invalid, missing, or have an "
        "unsupported value.",
    )
    WRONG_CARRIER_CODE = (
        400,
        False,
        "The provided carrier code is invalid or does not match any known carrier.",
    )
    WRONG_REFERENCE_NUMBER = (
        400,
        False,
        "The provided reference number has an invalid format or does not exist.",
    )
    WRONG_REFERENCE_TYPE = (
        400,
        False,
        "The provided reference type is invalid or not recognized.",
    )
    CARRIER_NOT_SUPPORTED = (
        200,
        False,
        "The specified carrier is not supported by this API.",
    )
    CARRIER_NOT_SUPPORT_REF_TYPE = (
        200,
        False,
        "The carrier does not support tracking by the provided reference type.",
    )
    CARRIER_TEMPORARILY_DISABLED = (
        200,
        False,
        "The carrier integration is temporarily disabled. Please try again later.",
    )
    CARRIER_UNDER_MAINTENANCE = (
        200,
        False,
        "The carrier's system is currently under maintenance. Please try again later.",
    )
    CARRIER_NO_RESPONSE = (
        200,
        False,
        "The carrier did not respond within the expected time. Please try again later.",
    )
    AUTO_CANT_DETECT_CARRIER = (
        200,
        False,
        "Could not automatically detect the carrier from the provided reference "
        "number.",
    )
    AUTO_CANT_FIND_INFO = (
        200,
        False,
        "Carrier was detected automatically, but no tracking information could be "
        "retrieved.",
    )
    INVALID_API_KEY = (401, False, "The provided API key is missing, invalid.")
    API_KEY_ACCESS_DENIED = (
        403,
        False,
        "The API key does not have permission to access this resource.",
    )
    API_KEY_EXPIRED = (
        403,
        False,
        "The API key has expired. Please renew or replace it.",
    )
    API_KEY_QUOTA_EXCEEDED = (
        429,
        False,
        "The API key has exhausted its total request quota for the current billing "
        "period.",
    )
    API_KEY_RATE_LIMIT_EXCEEDED = (
        429,
        False,
        "The API key has exceeded the allowed request rate. Please slow down and "
        "retry.",
    )
    UNEXPECTED_ERROR = (
        500,
        False,
        "An unexpected internal server error occurred. Please try again or contact "
        "support.",
    )

    # Members are singletons, so identity is their hash, as it is their
    # equality. Enum's own __hash__ is Python code, run for each dict lookup
    # of an outcome on every request.
    __hash__ = object.__hash__

    def __init__(self, http_status: int, success: bool, message: str) -> None:
        self.http_status = http_status
        self.success = success
        self.message = message
        # Attributes, not properties, because every request reads them.
        # Enum sets `_name_` before it calls __init__.
        self.status_code: str = self._name_
        """The `status_code` string of the response body: the member's name."""
        self.is_rate_limited = http_status == 429
        """True for the two 429 outcomes, which carry `Retry-After`."""


def parse_outcome(text: str) -> Outcome | None:
    """Return the outcome named `text` (case-insensitive), or None."""
    return Outcome.__members__.get(text.strip().upper())


class OutcomeError(Exception):
    """An outcome decided before the request reached the end of selection.

    `reason` is the plain-English line sent in the `X-Mock-Reason` header.
    """

    def __init__(self, outcome: Outcome, reason: str) -> None:
        super().__init__(f"{outcome.name}: {reason}")
        self.outcome = outcome
        self.reason = reason
