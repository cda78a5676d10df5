"""Deterministic shipment data for successful tracking responses.

`generate_shipment` turns a `ShipmentSpec` into the route, places, vessels
and container events of one shipment. It is `generate_journey`, shared by
the references whose seeds pick the same journey, with the reference's own
`container_numbers`. `load_port_table` reads the real ports that routes pass
through.
"""

from mockserver.shipments.generator import (
    container_numbers,
    generate_journey,
    generate_shipment,
)
from mockserver.shipments.ports import PortTable, load_port_table
from mockserver.shipments.spec import JourneySpec, ShipmentSpec, journey_of

__all__ = [
    "JourneySpec",
    "PortTable",
    "ShipmentSpec",
    "container_numbers",
    "generate_journey",
    "generate_shipment",
    "journey_of",
    "load_port_table",
]
