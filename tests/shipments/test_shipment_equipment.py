import random

from mockserver.shipments.equipment import container_number, shipped_equipment


def test_container_number_has_check_digit() -> None:
    # Worked example from ISO 6346: CSQU305438 has check digit 3.
    assert container_number("CSQU", 305438) == "CSQU3054383"


def test_owner_codes_outside_category_u_skipped() -> None:
    numbers = shipped_equipment().container_numbers(
        random.Random(3), ("ABCJ", "ABCZ"), 30
    )
    leasing = set(shipped_equipment().leasing_owner_codes)
    assert {n[:4] for n in numbers} <= leasing


def test_container_numbers_mix_in_leased_boxes() -> None:
    numbers = shipped_equipment().container_numbers(random.Random(9), ("MSKU",), 200)
    owners = {n[:4] for n in numbers}
    assert "MSKU" in owners
    assert len(owners) > 1
    assert len(set(numbers)) == 200
