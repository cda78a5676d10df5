import pytest

from mockserver.shipments.ports import PortTable, load_port_table


@pytest.fixture(scope="session")
def port_table() -> PortTable:
    return load_port_table()
