"""Carrier fleets: vessels with believable names and valid IMO and MMSI numbers.

Faker supplies the words that vessel names are built from. Town names come
from its German and Spanish address data, because those list real places
where its English locales invent towns. Given names and surnames come from
several locales, and business words ("synergy", "paradigm", "adaptive") from
its English catch phrases.
These pools are built once per process from Faker instances with a fixed
seed. A carrier's fleet is then drawn from the pools with a `random.Random`
seeded from the carrier code, so no Faker call happens per shipment. A
vessel therefore has the same IMO number, MMSI and call sign in every
shipment that uses it.

NOTE: the pools come from the word lists bundled with Faker, so upgrading
Faker may rename vessels.
"""

import functools
import random
import string
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from faker import Faker

from mockserver.checkdigits import imo_check_digit
from mockserver.datafiles import load_toml, shipped_scenarios_dir
from mockserver.shipments.spec import derive_seed

FLEET_SIZE = 40
_FAKER_SEED = 6346
_POOL_DRAWS = 400
# Maximum length of a word that still reads well in a vessel name.
_MAX_WORD_LENGTH = 12

_CITY_LOCALES = ("de_DE", "es_ES")
_GIVEN_NAME_LOCALES = ("it_IT", "en_GB", "de_DE", "es_ES")
_SURNAME_LOCALES = ("en_GB", "de_DE", "it_IT")
# Letters that Unicode decomposition leaves whole, spelled the way ships'
# names write them.
_LETTERS_WITHOUT_DECOMPOSITION = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
    }
)


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
    return fill_pattern(rng, rng.choice(patterns)).replace("{dir}", direction)


def fill_pattern(rng: random.Random, pattern: str) -> str:
    """Replace each "#" with a random digit and each "?" with a capital letter."""
    chars = []
    for char in pattern:
        if char == "#":
            chars.append(rng.choice(string.digits))
        elif char == "?":
            chars.append(rng.choice(string.ascii_uppercase))
        else:
            chars.append(char)
    return "".join(chars)


def _imo_number(rng: random.Random) -> int:
    # Ships built since the 1990s hold IMO numbers from 9 000 000 up.
    first_six = str(rng.randint(910_000, 989_999))
    return int(first_six + str(imo_check_digit(first_six)))


@functools.cache
def _name_pools() -> dict[str, tuple[str, ...]]:
    """Build the word pools that name patterns draw from, once per process."""
    return {
        "city": _faker_pool(_CITY_LOCALES, "city"),
        "given": _faker_pool(_GIVEN_NAME_LOCALES, "first_name"),
        "surname": _faker_pool(_SURNAME_LOCALES, "last_name"),
        "word": _faker_pool(("en_US",), "catch_phrase"),
        "number": tuple(str(n) for n in range(101, 700)),
    }


def _faker_pool(locales: tuple[str, ...], provider: str) -> tuple[str, ...]:
    words: set[str] = set()
    for locale in locales:
        fake = Faker(locale)
        fake.seed_instance(_FAKER_SEED)
        produce = getattr(fake, provider)
        for _ in range(_POOL_DRAWS):
            # A catch phrase has several words; names take one word at a time.
            for text in produce().split():
                word = _ship_name_word(text)
                if word:
                    words.add(word)
    return tuple(sorted(words))


def _ship_name_word(text: str) -> str | None:
    """Return text as a capitalised ASCII word for a vessel name, or None.

    Accents are dropped the way ships' names are painted. Text with more than
    one word, or with digits or punctuation, is rejected.
    """
    spelled_out = text.translate(_LETTERS_WITHOUT_DECOMPOSITION)
    ascii_text = (
        unicodedata.normalize("NFKD", spelled_out).encode("ascii", "ignore").decode()
    )
    word = ascii_text.upper()
    if not word.isalpha() or not 3 <= len(word) <= _MAX_WORD_LENGTH:
        return None
    return word
