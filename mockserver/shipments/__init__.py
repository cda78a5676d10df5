"""Deterministic shipment data for successful tracking responses.

`generate_shipment` turns a `ShipmentSpec` into the route, places, vessels
and container events of one shipment. `load_port_table` reads the real ports
that routes pass through.
"""

from mockserver.shipments.generator import generate_shipment
from mockserver.shipments.ports import PortTable, load_port_table
from mockserver.shipments.spec import ShipmentSpec

__all__ = ["PortTable", "ShipmentSpec", "generate_shipment", "load_port_table"]
