"""Fleetwatch's tracking client against the mock: data, failures, limits."""

import pytest
from mockserver.testing import QubictronMock

from fleetwatch.tracking import (
    AuthenticationError,
    CarrierError,
    InvalidRequest,
    QuotaExceeded,
    RateLimited,
    TrackingClient,
    TrackingTimeout,
)

CARRIER_FAILURES = [
    ("CARRIER_NOT_SUPPORTED", False),
    ("CARRIER_NOT_SUPPORT_REF_TYPE", False),
    ("CARRIER_TEMPORARILY_DISABLED", True),
    ("CARRIER_UNDER_MAINTENANCE", True),
    ("CARRIER_NO_RESPONSE", True),
    ("AUTO_CANT_DETECT_CARRIER", False),
    ("AUTO_CANT_FIND_INFO", False),
]
PARTIAL_SUCCESSES = [
    "CARRIER_INFO_NOT_PROVIDED",
    "CARRIER_SHIPMENT_CANCELED",
    "NO_CONTAINERS",
    "NO_EVENTS",
]


def test_container_tracked(client: TrackingClient) -> None:
    result = client.track("MSKU7868382")

    assert result.status_code == "OK"
    assert result.data["metadata"]["carrier_code"] == "MAEU"
    assert result.container_numbers[0] == "MSKU7868382"
    assert result.shipment_status in {"PLANNED", "IN_TRANSIT", "DELIVERED"}


@pytest.mark.parametrize("outcome", PARTIAL_SUCCESSES)
def test_partial_success_returned(
    client: TrackingClient, qubictron_mock: QubictronMock, outcome: str
) -> None:
    number = qubictron_mock.magic_number(outcome, suffix=11)

    result = client.track(number)

    assert result.status_code == outcome
    assert result.shipment_status == "UNKNOWN"


@pytest.mark.parametrize(("outcome", "retryable"), CARRIER_FAILURES)
def test_carrier_failure_raised(
    client: TrackingClient,
    qubictron_mock: QubictronMock,
    outcome: str,
    retryable: bool,
) -> None:
    number = qubictron_mock.magic_number(outcome, suffix=21)

    with pytest.raises(CarrierError) as caught:
        client.track(number)

    assert caught.value.status_code == outcome
    assert caught.value.retryable is retryable


def test_carrier_maintenance_then_back(
    client: TrackingClient, qubictron_mock: QubictronMock
) -> None:
    qubictron_mock.set_carrier_state("MAEU", "maintenance")
    with pytest.raises(CarrierError) as caught:
        client.track("MSKU7868382")
    qubictron_mock.set_carrier_state("MAEU", "active")
    result = client.track("MSKU7868382")

    assert caught.value.status_code == "CARRIER_UNDER_MAINTENANCE"
    assert caught.value.retryable is True
    assert result.status_code == "OK"


def test_container_number_rejected(client: TrackingClient) -> None:
    with pytest.raises(InvalidRequest) as caught:
        client.track("MSKU7868381", reference_type="CONTAINER")

    assert caught.value.status_code == "WRONG_REFERENCE_NUMBER"


@pytest.mark.parametrize(
    ("key", "status"),
    [("not-a-key", "INVALID_API_KEY"), ("mock-expired-key", "API_KEY_EXPIRED")],
)
def test_key_rejected(qubictron_mock: QubictronMock, key: str, status: str) -> None:
    client = TrackingClient(qubictron_mock.base_url, key)

    with pytest.raises(AuthenticationError) as caught:
        client.track("MSKU7868382")

    assert caught.value.status_code == status


@pytest.mark.qubictron_mock_clock("2026-03-02T09:30:15Z")
def test_rate_limit_retried_after_wait(qubictron_mock: QubictronMock) -> None:
    qubictron_mock.put_key("fleetwatch-ci", rate_limit=2, rate_window_seconds=60)
    waits: list[float] = []

    def wait_on_mock_clock(seconds: float) -> None:
        # Move the mock's clock instead of sleeping through the window.
        waits.append(seconds)
        qubictron_mock.advance(seconds)

    client = TrackingClient(
        qubictron_mock.base_url, "fleetwatch-ci", sleep=wait_on_mock_clock
    )
    client.track("MSKU7868382")
    client.track("MSKU7868382")
    result = client.track("MSKU7868382")

    outcomes = [entry["status_code"] for entry in qubictron_mock.journal()]
    assert result.status_code == "OK"
    assert waits == [45]
    assert outcomes == ["OK", "API_KEY_RATE_LIMIT_EXCEEDED", "OK", "OK"]
    assert qubictron_mock.usage("fleetwatch-ci")["used"] == 3


@pytest.mark.qubictron_mock_clock("2026-03-02T09:30:15Z")
def test_rate_limit_gives_up(qubictron_mock: QubictronMock) -> None:
    qubictron_mock.put_key("fleetwatch-ci", rate_limit=1)
    waits: list[float] = []
    client = TrackingClient(
        qubictron_mock.base_url, "fleetwatch-ci", max_retries=2, sleep=waits.append
    )
    client.track("MSKU7868382")

    with pytest.raises(RateLimited) as caught:
        client.track("MSKU7868382")

    assert caught.value.retry_after == 45
    assert waits == [45, 45]


def test_quota_exceeded_not_retried(qubictron_mock: QubictronMock) -> None:
    waits: list[float] = []
    client = TrackingClient(
        qubictron_mock.base_url, "mock-exhausted-key", sleep=waits.append
    )

    with pytest.raises(QuotaExceeded):
        client.track("MSKU7868382")

    assert waits == []
    assert len(qubictron_mock.journal()) == 1


def test_silent_carrier_times_out(qubictron_mock: QubictronMock) -> None:
    qubictron_mock.set_delays(no_response_delay_ms=1000)
    client = TrackingClient(
        qubictron_mock.base_url, qubictron_mock.valid_key, timeout=0.25
    )

    with pytest.raises(TrackingTimeout):
        client.track("MSKU7868382", carrier_code="QNRS")


def test_key_sent_in_header_only(
    client: TrackingClient, qubictron_mock: QubictronMock
) -> None:
    client.track("MSKU7868382")

    entry = qubictron_mock.journal(reference_number="MSKU7868382")[0]
    assert "api_key" not in entry["query"]
    assert entry["api_key"] == "mock...key"
    assert entry["request_headers"]["x-api-key"] == "mock...key"
