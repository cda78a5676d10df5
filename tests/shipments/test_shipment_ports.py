import math
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from mockserver.shipments.ports import PortTable, load_port_table

# Main container hubs of every continent that the table must hold.
MAIN_HUBS = [
    "CNSHA",  # Shanghai
    "SGSIN",  # Singapore
    "CNNGB",  # Ningbo
    "CNYTN",  # Shenzhen Yantian
    "CNSHK",  # Shenzhen Shekou
    "KRPUS",  # Busan
    "NLRTM",  # Rotterdam
    "BEANR",  # Antwerp
    "DEHAM",  # Hamburg
    "USLAX",  # Los Angeles
    "USLGB",  # Long Beach
    "USNYC",  # New York / New Jersey
    "USSAV",  # Savannah
    "AEJEA",  # Jebel Ali
    "MYTPP",  # Tanjung Pelepas
    "MYPKG",  # Port Klang
    "LKCMB",  # Colombo
    "BRSSZ",  # Santos
    "ESVLC",  # Valencia
    "ESALG",  # Algeciras
    "GRPIR",  # Piraeus
    "MAPTM",  # Tanger Med
    "GBFXT",  # Felixstowe
    "JPYOK",  # Yokohama
    "ZADUR",  # Durban
    "AUMEL",  # Melbourne
]

LOCODE_SHAPE = re.compile(r"[A-Z]{2}[A-Z0-9]{3}")
MAX_TERMINAL_DISTANCE_KM = 100


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(a))


def test_table_has_sixty_seaports(port_table: PortTable) -> None:
    assert len(port_table.seaports) >= 60


def test_table_has_main_hubs(port_table: PortTable) -> None:
    locodes = {p.locode for p in port_table.seaports}
    missing = [code for code in MAIN_HUBS if code not in locodes]
    assert missing == []


def test_locodes_have_un_shape(port_table: PortTable) -> None:
    bad = [p.locode for p in port_table.places if not LOCODE_SHAPE.fullmatch(p.locode)]
    assert bad == []


def test_locodes_are_unique(port_table: PortTable) -> None:
    locodes = [p.locode for p in port_table.places]
    assert len(locodes) == len(set(locodes))


def test_country_code_matches_locode(port_table: PortTable) -> None:
    bad = [p.locode for p in port_table.places if p.country_code != p.locode[:2]]
    assert bad == []


def test_coordinates_in_range(port_table: PortTable) -> None:
    for place in port_table.places:
        assert -90 <= place.lat <= 90, place.locode
        assert -180 <= place.lng <= 180, place.locode
        for terminal in place.terminals:
            assert -90 <= terminal.lat <= 90, terminal.name
            assert -180 <= terminal.lng <= 180, terminal.name


def test_time_zones_load(port_table: PortTable) -> None:
    for place in port_table.places:
        assert ZoneInfo(place.timezone).key == place.timezone


def test_seaports_have_one_to_three_terminals(port_table: PortTable) -> None:
    for port in port_table.seaports:
        assert 1 <= len(port.terminals) <= 3, port.locode


def test_terminals_lie_near_port(port_table: PortTable) -> None:
    for port in port_table.seaports:
        for terminal in port.terminals:
            distance = haversine_km(port.lat, port.lng, terminal.lat, terminal.lng)
            assert distance < MAX_TERMINAL_DISTANCE_KM, (port.locode, terminal.name)


def test_terminal_codes_are_text_or_none(port_table: PortTable) -> None:
    for port in port_table.seaports:
        for terminal in port.terminals:
            assert terminal.smdg_code is None or terminal.smdg_code.strip()
            assert terminal.bic_code is None or terminal.bic_code.startswith(
                port.locode
            )


def test_inland_gateways_are_seaports(port_table: PortTable) -> None:
    inland = [p for p in port_table.places if p.kind == "inland"]
    assert inland
    for place in inland:
        assert place.terminals == ()
        assert place.modes
        for gateway in place.gateways:
            assert port_table.get(gateway).kind == "seaport"


def test_every_region_has_seaports(port_table: PortTable) -> None:
    regions = {p.region for p in port_table.seaports}
    assert len(regions) == 14


def test_hubs_cover_regions(port_table: PortTable) -> None:
    hubs = [p for p in port_table.seaports if p.hub_for]
    assert len(hubs) >= 20
    assert port_table.hubs_for("east_asia")
    assert port_table.hubs_for(None) == ()


def write_table(tmp_path: Path, entry: str) -> Path:
    path = tmp_path / "ports.toml"
    path.write_text(entry, encoding="utf-8")
    return path


VALID_PAIR = """
[[ports]]
locode = "NLRTM"
name = "Rotterdam"
country = "Netherlands"
country_code = "NL"
lat = 51.9
lng = 4.5
timezone = "Europe/Amsterdam"
region = "north_europe"
terminals = [{ name = "Terminal A", lat = 51.9, lng = 4.0 }]

[[ports]]
locode = "SGSIN"
name = "Singapore"
country = "Singapore"
country_code = "SG"
lat = 1.29
lng = 103.85
timezone = "Asia/Singapore"
region = "southeast_asia"
terminals = [{ name = "Terminal B", lat = 1.27, lng = 103.76 }]
"""


def test_loader_reads_custom_table(tmp_path: Path) -> None:
    table = load_port_table(write_table(tmp_path, VALID_PAIR))
    assert [p.locode for p in table.seaports] == ["NLRTM", "SGSIN"]
    assert table.get("NLRTM").terminals[0].smdg_code is None


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('country_code = "NL"', 'country_code = "BE"', "differs from the LOCODE"),
        ('"Europe/Amsterdam"', '"Europe/Atlantis"', "unknown time zone"),
        ("lat = 51.9\n", "lat = 151.9\n", "out of range"),
        ('locode = "NLRTM"', 'locode = "NL-RT"', "locode must be"),
        ('region = "north_europe"', 'region = "atlantis"', "region must be"),
    ],
)
def test_loader_rejects_bad_entry(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    path = write_table(tmp_path, VALID_PAIR.replace(old, new, 1))
    with pytest.raises(ValueError, match=message):
        load_port_table(path)


def test_loader_rejects_duplicate_locode(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="NLRTM appears twice"):
        load_port_table(write_table(tmp_path, VALID_PAIR + VALID_PAIR))


def test_loader_rejects_unknown_gateway(tmp_path: Path) -> None:
    inland = """
[[ports]]
locode = "DEDUI"
name = "Duisburg"
country = "Germany"
country_code = "DE"
lat = 51.43
lng = 6.76
timezone = "Europe/Berlin"
kind = "inland"
gateways = ["BEANR"]
modes = ["BARGE"]
"""
    with pytest.raises(ValueError, match="gateway BEANR is not a seaport"):
        load_port_table(write_table(tmp_path, VALID_PAIR + inland))


def test_table_rejects_misnumbered_places(port_table: PortTable) -> None:
    with pytest.raises(ValueError, match="index must equal its position"):
        PortTable(port_table.places[::-1])
