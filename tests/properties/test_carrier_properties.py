"""Properties of carrier detection over the shipped carrier registry."""

import string

from hypothesis import given
from hypothesis import strategies as st

from mockserver.carriers import CarrierRegistry
from mockserver.references import Reference, ReferenceType
from mockserver.scenario_files import load_scenarios
from tests.properties.strategies import container_numbers

REGISTRY: CarrierRegistry = load_scenarios().carriers
OWNERS = sorted({p for carrier in REGISTRY for p in carrier.owner_prefixes})
BL_PREFIXES = sorted({p for carrier in REGISTRY for p in carrier.bl_prefixes})
LESSOR_OWNERS = sorted(REGISTRY.lessors)
DIGIT_LENGTHS = {n: c for c in REGISTRY for n in c.bl_digit_lengths}


@given(st.text(max_size=70), st.sampled_from(list(ReferenceType)))
def test_detection_never_raises(number: str, reference_type: ReferenceType) -> None:
    detection = REGISTRY.detect(Reference(number, reference_type, type_given=False))

    assert detection.carrier is None or REGISTRY.get(detection.carrier.code)
    assert detection.reason


@given(container_numbers(st.sampled_from(OWNERS)))
def test_owner_prefix_detects_owner(number: str) -> None:
    carrier = REGISTRY.detect_number(number, ReferenceType.CONTAINER)

    assert carrier is not None
    assert number[:4] in carrier.owner_prefixes


@given(container_numbers(st.sampled_from(LESSOR_OWNERS)))
def test_lessor_owner_detects_none(number: str) -> None:
    assert REGISTRY.detect_number(number, ReferenceType.CONTAINER) is None


@given(
    st.sampled_from(BL_PREFIXES),
    st.text(string.ascii_uppercase + string.digits, min_size=1, max_size=20),
    st.sampled_from([ReferenceType.BL, ReferenceType.BOOKING]),
)
def test_bl_prefix_detects_longest(
    prefix: str, suffix: str, reference_type: ReferenceType
) -> None:
    number = prefix + suffix
    carrier = REGISTRY.detect_number(number, reference_type)

    longest = max(
        (p for p in BL_PREFIXES if number.startswith(p) and len(number) > len(p)),
        key=len,
    )
    assert carrier is not None
    assert longest in carrier.bl_prefixes


@given(st.text(string.digits, min_size=1, max_size=20))
def test_plain_digits_by_length(number: str) -> None:
    if any(number.startswith(p) for p in BL_PREFIXES):
        return

    carrier = REGISTRY.detect_number(number, ReferenceType.BL)

    assert carrier is DIGIT_LENGTHS.get(len(number))


def test_nine_digits_is_maersk() -> None:
    assert DIGIT_LENGTHS[9].code == "MAEU"
