"""The README's tables and examples agree with the shipped scenario data."""

import re
from pathlib import Path

from mockserver.checkdigits import is_valid_container_number
from mockserver.scenario_files import load_scenarios

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def test_magic_table_matches_data() -> None:
    rows = re.findall(r"\| `([A-Z_]+)` \| `([A-Z0-9]+)` \| `([A-Z0-9]+)` \|", README)
    families = load_scenarios().magic.families
    expected = {
        (family.outcome.name, family.reference_type.value): family.prefix
        for family in families
    }

    assert len(rows) == 22
    for outcome, bl_prefix, container_prefix in rows:
        assert expected[(outcome, "BL")] == bl_prefix
        assert expected[(outcome, "CONTAINER")] == container_prefix


def test_container_examples_are_valid() -> None:
    for number in re.findall(r"`([A-Z]{4}[0-9]{7})`", README):
        assert is_valid_container_number(number), number


def test_shipped_keys_documented() -> None:
    for key in load_scenarios().keys.keys:
        assert f"`{key}`" in README
