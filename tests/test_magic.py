"""Magic reference-number families: matching and examples."""

import pytest

from mockserver.magic import MagicFamily
from mockserver.outcomes import Outcome
from mockserver.references import ReferenceType

BL_FAMILY = MagicFamily(Outcome.NO_EVENTS, ReferenceType.BL, "MEDUNE", 6)
CONTAINER_FAMILY = MagicFamily(Outcome.NO_EVENTS, ReferenceType.CONTAINER, "MSMU904", 3)


def test_examples_match_their_family() -> None:
    assert BL_FAMILY.example(42) == "MEDUNE000042"
    assert BL_FAMILY.matches("MEDUNE000042")
    assert CONTAINER_FAMILY.example(123) == "MSMU9041239"
    assert CONTAINER_FAMILY.matches("MSMU9041239")


@pytest.mark.parametrize("suffix", [-1, 1_000_000])
def test_example_rejects_unusable_suffix(suffix: int) -> None:
    with pytest.raises(ValueError):
        BL_FAMILY.example(suffix)


@pytest.mark.parametrize("number", ["MEDUNE00004", "MEDUNE0000421", "MEDUNEABCDEF"])
def test_other_numbers_do_not_match(number: str) -> None:
    assert not BL_FAMILY.matches(number)
