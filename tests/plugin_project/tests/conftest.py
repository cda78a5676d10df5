"""Clients pointed at the Qubictron mock that the plugin runs."""

import pytest
from mockserver.testing import QubictronMock

from fleetwatch.tracking import TrackingClient


@pytest.fixture
def client(qubictron_mock: QubictronMock) -> TrackingClient:
    return TrackingClient(qubictron_mock.base_url, qubictron_mock.valid_key)
