"""Carrier registry lookups and detection rules, on the shipped data."""

import pytest

from mockserver.carriers import CarrierState
from mockserver.references import Reference, ReferenceType
from mockserver.scenario_files import load_scenarios

REGISTRY = load_scenarios().carriers
LARGEST_LINES = [
    "MSCU",
    "MAEU",
    "CMDU",
    "COSU",
    "HLCU",
    "ONEY",
    "EGLV",
    "HDMU",
    "YMLU",
    "ZIMU",
    "WHLC",
    "PCIU",
    "OOLU",
    "MATS",
    "SMLM",
]


def detect(number: str, kind: ReferenceType) -> str | None:
    carrier = REGISTRY.detect(Reference(number, kind, type_given=False)).carrier
    return carrier.code if carrier else None


def test_registry_has_largest_lines() -> None:
    for code in LARGEST_LINES:
        carrier = REGISTRY.get(code)
        assert carrier is not None, code
        assert carrier.state is CarrierState.ACTIVE


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("MSKU7868382", "MAEU"),
        ("MRKU1234560", "MAEU"),
        ("MSCU1234566", "MSCU"),
        ("MEDU1234563", "MSCU"),
        ("HLXU1234565", "HLCU"),
        ("TCLU1234568", None),
        ("ABCU1234561", None),
    ],
)
def test_container_owner_detection(number: str, code: str | None) -> None:
    assert detect(number, ReferenceType.CONTAINER) == code


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("255303287", "MAEU"),
        ("MAEU255303287", "MAEU"),
        ("MEDUAB123456", "MSCU"),
        ("COSU6123456789", "COSU"),
        ("HLCUHAM250312345", "HLCU"),
        ("ONEYTYOF12345600", "ONEY"),
        ("1234567890", None),
        ("123456789012", None),
        ("MEDU", None),
        ("XYZ1234567", None),
    ],
)
def test_bl_prefix_detection(number: str, code: str | None) -> None:
    assert detect(number, ReferenceType.BL) == code


def test_detection_reason_names_lessor() -> None:
    detection = REGISTRY.detect(
        Reference("TCLU1234568", ReferenceType.CONTAINER, type_given=True)
    )

    assert "Triton" in detection.reason


def test_state_change_and_reset() -> None:
    registry = load_scenarios().carriers
    registry.set_state("MAEU", CarrierState.MAINTENANCE)

    assert registry.get("MAEU").state is CarrierState.MAINTENANCE
    assert detect("MSKU7868382", ReferenceType.CONTAINER) == "MAEU"

    registry.reset()

    assert registry.get("MAEU").state is CarrierState.ACTIVE
