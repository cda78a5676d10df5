"""The requests each benchmark workload sends, and the status it expects."""

from dataclasses import dataclass, field

OCEAN = "/tracking/v1/ocean"
VALID_KEY = "mock-valid-key"
THROTTLED_KEY = "mock-throttled-key"
# A Maersk container: the mock detects the carrier and generates a shipment.
# Its body is about 6,000 bytes, near the median of 3,000 Maersk container
# numbers (5,931 bytes, from 4,316 to 8,051, with seed 0).
REPEATED_REFERENCE = "MSKU0000114"
# Maersk owner codes; workload.lua builds up to a million serials on each.
DISTINCT_OWNERS = "MSKU,MRKU,MRSU,MIEU,MAEU,MMAU,HASU"
DISTINCT_CAPACITY = 7_000_000


@dataclass(frozen=True)
class Workload:
    """One kind of request, sent over and over by wrk."""

    name: str
    description: str
    target: str
    status: int
    status_code: str
    headers: dict[str, str] = field(default_factory=dict)
    distinct: bool = False
    # Requests sent before the run, for example to use up a rate window.
    priming_requests: int = 0

    def example_target(self) -> str:
        """Return a request target to check the workload with, before wrk runs."""
        if self.distinct:
            return f"{self.target}{REPEATED_REFERENCE}"
        return self.target


OK = Workload(
    "ok",
    "OK, one repeated container number (a full generated shipment)",
    f"{OCEAN}?reference_number={REPEATED_REFERENCE}&api_key={VALID_KEY}",
    200,
    "OK",
)
OK_DISTINCT = Workload(
    "ok-distinct",
    "OK, a distinct valid container number on every request",
    f"{OCEAN}?api_key={VALID_KEY}&reference_number=",
    200,
    "OK",
    distinct=True,
)
UNAUTHORIZED = Workload(
    "401",
    "401 INVALID_API_KEY, an unknown key",
    f"{OCEAN}?reference_number={REPEATED_REFERENCE}&api_key=bench-unknown-key",
    401,
    "INVALID_API_KEY",
)
BAD_REQUEST = Workload(
    "400",
    "400 WRONG_PARAMETERS, reference_number missing",
    f"{OCEAN}?api_key={VALID_KEY}",
    400,
    "WRONG_PARAMETERS",
)
THROTTLED = Workload(
    "429",
    "429 API_KEY_RATE_LIMIT_EXCEEDED, mock-throttled-key (3 requests a minute)",
    f"{OCEAN}?reference_number={REPEATED_REFERENCE}&api_key={THROTTLED_KEY}",
    429,
    "API_KEY_RATE_LIMIT_EXCEEDED",
    priming_requests=3,
)
FORCED = Workload(
    "forced",
    "NO_EVENTS forced by the X-Mock-Status header",
    OK.target,
    200,
    "NO_EVENTS",
    headers={"X-Mock-Status": "NO_EVENTS"},
)

MOCK_WORKLOADS = (OK, OK_DISTINCT, UNAUTHORIZED, BAD_REQUEST, THROTTLED, FORCED)
BY_NAME = {workload.name: workload for workload in MOCK_WORKLOADS}
