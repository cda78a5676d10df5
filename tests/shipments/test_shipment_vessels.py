import random

import pytest

from mockserver.shipments.vessels import carrier_fleet, fill_pattern, voyage_number

# ITU call sign prefixes of the flag states that the fleets use.
CALL_SIGN_PREFIXES = {
    "PA": ("3E", "3F", "H3", "HO", "HP"),
    "LR": ("A8", "D5", "5L"),
    "MH": ("V7",),
    "SG": ("9V", "S6"),
    "HK": ("VR",),
    "MT": ("9H",),
    "DK": ("OU", "OW", "OX", "OY", "OZ"),
    "DE": ("DA", "DD", "DF"),
    "PT": ("CQ",),
    "FR": ("FM", "FN"),
    "IL": ("4X", "4Z"),
    "TW": ("BL", "BK"),
    "US": ("WD", "K"),
    "GB": ("2", "M"),
}


def test_fleet_names_and_imos_distinct() -> None:
    fleet = carrier_fleet("MAEU")
    assert len({v.name for v in fleet}) == len(fleet)
    assert len({v.imo for v in fleet}) == len(fleet)


def test_fleet_is_stable() -> None:
    carrier_fleet.cache_clear()
    first = carrier_fleet("MSCU")
    carrier_fleet.cache_clear()
    assert carrier_fleet("MSCU") == first


@pytest.mark.parametrize(
    ("carrier_code", "marker"),
    [("MAEU", "MAERSK"), ("MSCU", "MSC "), ("EGLV", "EVER "), ("CMDU", "CMA CGM ")],
)
def test_fleet_names_follow_carrier(carrier_code: str, marker: str) -> None:
    assert all(marker in vessel.name for vessel in carrier_fleet(carrier_code))


@pytest.mark.parametrize(
    "carrier_code", ["MAEU", "MSCU", "CMDU", "ZIMU", "MATS", "EGLV"]
)
def test_call_signs_start_with_flag_prefix(carrier_code: str) -> None:
    for vessel in carrier_fleet(carrier_code):
        assert vessel.call_sign.startswith(CALL_SIGN_PREFIXES[vessel.flag]), vessel


def test_unlisted_carrier_gets_default_fleet() -> None:
    fleet = carrier_fleet("QQQQ")
    assert len(fleet) == 40
    assert fleet != carrier_fleet("QQQR")


def test_fill_pattern_replaces_placeholders() -> None:
    text = fill_pattern(random.Random(1), "9V??##-")
    assert text[:2] == "9V"
    assert text[2:4].isalpha()
    assert text[2:4].isupper()
    assert text[4:6].isdigit()
    assert text[6] == "-"


def test_voyage_number_ends_in_direction() -> None:
    voyage = voyage_number(random.Random(5), "MAEU", "W")
    assert len(voyage) == 4
    assert voyage[:3].isdigit()
    assert voyage[3] == "W"
