"""A small client for the Qubictron Container Tracking API.

It sends the key in the X-API-Key header, retries 429 rate-limit responses
after the `Retry-After` seconds, and turns every failure into one of the
exceptions below, so callers can decide what to retry.
"""

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Carrier-side failures that are worth retrying later.
RETRYABLE_CARRIER_CODES = frozenset(
    {
        "CARRIER_TEMPORARILY_DISABLED",
        "CARRIER_UNDER_MAINTENANCE",
        "CARRIER_NO_RESPONSE",
    }
)
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class TrackingError(Exception):
    """A tracking request that returned no shipment."""

    def __init__(self, status_code: str, message: str, http_status: int) -> None:
        super().__init__(f"{http_status} {status_code}: {message}")
        self.status_code = status_code
        self.message = message
        self.http_status = http_status


class CarrierError(TrackingError):
    """The carrier's side failed; `retryable` is true when a later retry may succeed."""

    @property
    def retryable(self) -> bool:
        """Whether the same request may succeed later."""
        return self.status_code in RETRYABLE_CARRIER_CODES


class InvalidRequest(TrackingError):
    """The reference number, type or carrier code was rejected."""


class AuthenticationError(TrackingError):
    """The API key is missing, unknown, expired or without access."""


class RateLimited(TrackingError):
    """Too many requests; `retry_after` is the wait in seconds."""

    def __init__(
        self, status_code: str, message: str, http_status: int, retry_after: int
    ) -> None:
        super().__init__(status_code, message, http_status)
        self.retry_after = retry_after


class QuotaExceeded(TrackingError):
    """The key's quota for this billing period is used up."""


class ServiceError(TrackingError):
    """The service failed on its side."""


class TrackingTimeout(TrackingError):
    """No response within the client's time-out."""


@dataclass(frozen=True)
class TrackingResult:
    """A successful response; some outcomes carry only part of the data."""

    status_code: str
    message: str
    data: dict[str, Any]

    @property
    def shipment_status(self) -> str:
        """PLANNED, IN_TRANSIT, DELIVERED or UNKNOWN."""
        status: str = self.data["metadata"]["status"]
        return status

    @property
    def container_numbers(self) -> list[str]:
        """The numbers of the shipment's containers."""
        return [container["number"] for container in self.data["containers"]]


class TrackingClient:
    """Calls GET /tracking/v1/ocean and interprets the response."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float = 30.0,
        max_retries: int = 2,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._url = base_url.rstrip("/") + "/tracking/v1/ocean"
        self._api_key = api_key
        self._timeout = timeout
        self._max_retries = max_retries
        self._sleep = sleep

    def track(
        self,
        reference_number: str,
        *,
        reference_type: str | None = None,
        carrier_code: str | None = None,
    ) -> TrackingResult:
        """Return the shipment of a BL, booking or container number."""
        query = {"reference_number": reference_number}
        if reference_type is not None:
            query["reference_type"] = reference_type
        if carrier_code is not None:
            query["carrier_code"] = carrier_code
        url = f"{self._url}?{urllib.parse.urlencode(query)}"

        for attempt in range(self._max_retries + 1):
            try:
                return self._send(url)
            except RateLimited as error:
                if attempt == self._max_retries:
                    raise
                self._sleep(error.retry_after)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _send(self, url: str) -> TrackingResult:
        request = urllib.request.Request(url, headers={"X-API-Key": self._api_key})
        try:
            with _DIRECT.open(request, timeout=self._timeout) as response:
                return _interpret(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return _interpret(error.code, error.headers, error.read())
        except TimeoutError as error:
            raise TrackingTimeout("TIMEOUT", str(error), 0) from error
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise TrackingTimeout("TIMEOUT", str(error.reason), 0) from error
            raise


def _interpret(http_status: int, headers: Any, raw: bytes) -> TrackingResult:
    body = json.loads(raw)
    status_code = body["status_code"]
    message = body["message"]
    if body["success"]:
        return TrackingResult(status_code, message, body["data"])
    if http_status == 429 and status_code == "API_KEY_QUOTA_EXCEEDED":
        raise QuotaExceeded(status_code, message, http_status)
    if http_status == 429:
        retry_after = int(headers.get("Retry-After", "1"))
        raise RateLimited(status_code, message, http_status, retry_after)
    if http_status in (401, 403):
        raise AuthenticationError(status_code, message, http_status)
    if http_status == 400:
        raise InvalidRequest(status_code, message, http_status)
    if http_status >= 500:
        raise ServiceError(status_code, message, http_status)
    # The API returns carrier-side failures with HTTP 200 and success false.
    raise CarrierError(status_code, message, http_status)
