"""Pydantic models of the API's response body, for OpenAPI and for tests.

The server renders bodies from plain dicts for speed; these models describe
the same shapes, and the test suite checks every body against them.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict

ShipmentStatus = Literal["PLANNED", "IN_TRANSIT", "DELIVERED", "UNKNOWN"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ApiCalls(_Model):
    """Usage of the calling key after this request; null when no key applies."""

    total: int | None
    used: int | None
    remaining: int | None


class Metadata(_Model):
    """The reference looked up, its carrier, and the state of the shipment."""

    reference_number: str | None
    reference_type: Literal["BL", "BOOKING", "CONTAINER"] | None
    carrier_code: str | None
    carrier_name: str | None
    status: ShipmentStatus
    updated_at: str
    api_calls: ApiCalls


class Location(_Model):
    """A port or inland place on the route."""

    id: int
    name: str
    state: str | None
    country: str
    country_code: str
    locode: str | None
    lat: float | None
    lng: float | None
    timezone: str


class Facility(_Model):
    """A terminal or depot where events happen."""

    id: int
    name: str
    country_code: str | None
    locode: str | None
    bic_code: str | None
    smdg_code: str | None
    lat: float | None
    lng: float | None


class RouteLeg(_Model):
    """One point of the route summary; `location` is an id into `locations`."""

    location: int | None
    date: str | None
    actual: bool | None


class PortOfDischarge(RouteLeg):
    """The port of discharge, with the predicted arrival."""

    predictive_eta: str | None


class Route(_Model):
    """Origin, ports of loading and discharge, and destination."""

    prepol: RouteLeg
    pol: RouteLeg
    pod: PortOfDischarge
    postpod: RouteLeg


class Vessel(_Model):
    """A ship that carries the containers on a sea leg."""

    id: int
    name: str
    imo: int | None
    mmsi: int | None
    call_sign: str | None
    flag: str | None


class Event(_Model):
    """One container event, in the local time of its location."""

    order_id: int
    location: int | None
    facility: int | None
    description: str
    event_type: Literal["EQUIPMENT", "TRANSPORT"]
    event_code: str
    status: str
    date: str
    actual: bool
    is_additional_event: bool
    type: Literal["sea", "land"]
    transport_type: Literal["VESSEL", "FEEDER", "BARGE", "RAIL", "TRUCK"] | None
    vessel: int | None
    voyage: str | None


class Container(_Model):
    """A container and its events."""

    number: str
    iso_code: str
    size_type: str
    status: str | None
    events: list[Event]


class TrackingData(_Model):
    """The `data` object of a successful response."""

    metadata: Metadata
    locations: list[Location]
    facilities: list[Facility]
    route: Route
    vessels: list[Vessel]
    containers: list[Container]


class TrackingEnvelope(_Model):
    """Every response body: outcome, message and, on success, the data."""

    success: bool
    status_code: str
    message: str
    data: TrackingData | None
