"""Carrier fleets: vessels with believable names and valid IMO and MMSI numbers.

Vessel names are built from word pools drawn from Faker's word lists. Town
names come from its German and Spanish address data, because those list
real places where its English locales invent towns. Given names and
surnames come from several locales, and business words ("synergy",
"paradigm", "adaptive") from its English catch phrases. vessel_words.py
draws the pools once, at development time, and they ship as data, so the
server never calls Faker. A carrier's fleet is drawn from the pools with a
`random.Random` seeded from the carrier code, so a vessel has the same IMO
number, MMSI and call sign in every shipment that uses it.
"""

import functools
import random
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mockserver.checkdigits import imo_check_digit
from mockserver.datafiles import load_toml, shipped_scenarios_dir
from mockserver.shipments.draws import pick
from mockserver.shipments.spec import derive_seed
from mockserver.shipments.vessel_words import load_word_pools

FLEET_SIZE = 40


@dataclass(frozen=True, slots=True)
class Vessel:
    """A ship as a vessel entry sends it; `flag` is an ISO 3166 alpha-2 code."""

    name: str
    imo: int
    mmsi: int
    call_sign: str
    flag: str


@dataclass(frozen=True, slots=True)
class FleetRules:
    """Naming, flag and voyage number rules of one carrier's fleet."""

    name_patterns: tuple[str, ...]
    flags: tuple[str, ...]
    voyage_patterns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FlagState:
    """A flag state's MMSI prefixes and call sign shapes."""

    mids: tuple[int, ...]
    call_sign_patterns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class VesselRules:
    """The contents of vessels.toml."""

    flags: dict[str, FlagState]
    carriers: dict[str, FleetRules]
    default: FleetRules

    def for_carrier(self, carrier_code: str) -> FleetRules:
        """Return the carrier's rules, or the default rules for an unlisted one."""
        return self.carriers.get(carrier_code, self.default)


def load_vessel_rules(path: Path | None = None) -> VesselRules:
    """Read flag states and fleet rules, by default from vessels.toml.

    Raises ValueError naming the file when a carrier uses a flag state that
    the file does not define, or a table lacks a field.
    """
    path = path or shipped_scenarios_dir() / "vessels.toml"
    data = load_toml(path)
    try:
        flags = {
            code: FlagState(
                tuple(int(mid) for mid in table["mids"]),
                tuple(table["call_sign_patterns"]),
            )
            for code, table in data["flags"].items()
        }
        default = _parse_fleet_rules(data["default"])
        carriers = {code: _parse_fleet_rules(t) for code, t in data["carriers"].items()}
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"{path}: invalid vessel rules: {error!r}") from error

    for owner, rules in [("default", default), *carriers.items()]:
        unknown = [flag for flag in rules.flags if flag not in flags]
        if unknown:
            raise ValueError(f"{path}: {owner} uses undefined flag states {unknown}")
    return VesselRules(flags, carriers, default)


def _parse_fleet_rules(table: dict[str, Any]) -> FleetRules:
    rules = FleetRules(
        tuple(table["name_patterns"]),
        tuple(table["flags"]),
        tuple(table["voyage_patterns"]),
    )
    if not (rules.name_patterns and rules.flags and rules.voyage_patterns):
        raise ValueError("name_patterns, flags and voyage_patterns must not be empty")
    return rules


@functools.cache
def shipped_vessel_rules() -> VesselRules:
    """Return the shipped vessel rules, read once per process."""
    return load_vessel_rules()


@functools.lru_cache(maxsize=256)
def carrier_fleet(carrier_code: str) -> tuple[Vessel, ...]:
    """Return the fleet of a carrier, the same in every process.

    The fleet depends on the carrier code only, not on the server seed, so a
    vessel keeps its identity whatever seed the server runs with.
    """
    rules = shipped_vessel_rules()
    fleet_rules = rules.for_carrier(carrier_code)
    pools = _name_pools()
    rng = random.Random(derive_seed("fleet", carrier_code))

    names: set[str] = set()
    imos: set[int] = set()
    fleet = []
    for _ in range(FLEET_SIZE * 50):
        name = rng.choice(fleet_rules.name_patterns).format(
            **{key: rng.choice(pool) for key, pool in pools.items()}
        )
        imo = _imo_number(rng)
        if name in names or imo in imos:
            continue
        names.add(name)
        imos.add(imo)

        flag = rng.choice(fleet_rules.flags)
        state = rules.flags[flag]
        mmsi = rng.choice(state.mids) * 1_000_000 + rng.randrange(1_000_000)
        call_sign = fill_pattern(rng, rng.choice(state.call_sign_patterns))
        fleet.append(Vessel(name, imo, mmsi, call_sign, flag))
        if len(fleet) == FLEET_SIZE:
            return tuple(fleet)
    raise ValueError(
        f"cannot find {FLEET_SIZE} distinct vessel names for carrier {carrier_code}; "
        "add name patterns to vessels.toml"
    )


def voyage_number(rng: random.Random, carrier_code: str, direction: str) -> str:
    """Return a voyage number in one of the carrier's shapes."""
    patterns = shipped_vessel_rules().for_carrier(carrier_code).voyage_patterns
    return fill_pattern(rng, pick(rng, patterns)).replace("{dir}", direction)


def fill_pattern(rng: random.Random, pattern: str) -> str:
    """Replace each "#" with a random digit and each "?" with a capital letter."""
    chars = []
    for char in pattern:
        if char == "#":
            chars.append(pick(rng, string.digits))
        elif char == "?":
            chars.append(pick(rng, string.ascii_uppercase))
        else:
            chars.append(char)
    return "".join(chars)


def _imo_number(rng: random.Random) -> int:
    # Ships built since the 1990s hold IMO numbers from 9 000 000 up.
    first_six = str(rng.randint(910_000, 989_999))
    return int(first_six + str(imo_check_digit(first_six)))


@functools.cache
def _name_pools() -> dict[str, tuple[str, ...]]:
    """Return the word pools that name patterns draw from, read once per process."""
    pools = load_word_pools()
    pools["number"] = tuple(str(n) for n in range(101, 700))
    return pools
