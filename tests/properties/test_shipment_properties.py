"""Data invariants of generated shipments for arbitrary references, seeds and hours.

The invariant checkers are the ones of the shipment tests, which verify
check digits, ids, dates and statuses with formulas of their own.
"""

import string
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.shipments import ShipmentSpec, generate_shipment
from tests.properties.strategies import container_numbers
from tests.shipments.test_shipment_invariants import CARRIERS, check_shipment, table

FIRST_HOUR = datetime(1990, 1, 1, tzinfo=UTC)
HOURS = 70 * 365 * 24
BL_CHARACTERS = string.ascii_uppercase + string.digits + "-/"


@st.composite
def specs(draw) -> ShipmentSpec:
    code, name, prefixes = draw(st.sampled_from(CARRIERS))
    reference_type = draw(st.sampled_from(["BL", "BOOKING", "CONTAINER"]))
    if reference_type == "CONTAINER":
        owners = st.sampled_from(prefixes) if prefixes else None
        reference = draw(container_numbers(owners))
    else:
        reference = draw(st.text(BL_CHARACTERS, min_size=1, max_size=64))
    seed = draw(st.integers(0, 2**63 - 1))
    anchor = FIRST_HOUR + timedelta(hours=draw(st.integers(0, HOURS)))
    return ShipmentSpec(reference, reference_type, code, name, prefixes, seed, anchor)


@settings(max_examples=60, deadline=None)
@given(specs())
def test_generated_shipment_invariants(spec: ShipmentSpec) -> None:
    check_shipment(generate_shipment(spec, table()), spec)


@settings(max_examples=20, deadline=None)
@given(specs())
def test_generation_deterministic(spec: ShipmentSpec) -> None:
    assert generate_shipment(spec, table()) == generate_shipment(spec, table())
