"""Containers of a shipment: ISO 6346 numbers and size-type codes."""

import functools
import itertools
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from mockserver.checkdigits import iso6346_check_digit
from mockserver.datafiles import load_toml, shipped_scenarios_dir
from mockserver.shipments.draws import below, pick, pick_weighted

# Category letter U marks a freight container; J and Z owner codes are not
# containers that anyone tracks.
_FREIGHT_OWNER_CODE = re.compile(r"[A-Z]{3}U")

# Shares of bills of lading and bookings by the number of containers they
# hold, from one to four.
CONTAINER_COUNT_WEIGHTS = (45, 30, 15, 10)
# Share of multi-container shipments whose boxes all have the same size type.
UNIFORM_TYPE_SHARE = 0.75


@dataclass(frozen=True, slots=True)
class SizeType:
    """An ISO 6346 size-type code and the text sent with it."""

    iso_code: str
    size_type: str
    weight: int


@dataclass(frozen=True, slots=True)
class Equipment:
    """Container types and the owner codes of leasing companies."""

    size_types: tuple[SizeType, ...]
    leasing_owner_codes: tuple[str, ...]
    leasing_share: float
    # Running totals of the size types' weights, summed once, because
    # random.choices makes the same draws from cum_weights as from weights.
    cumulative_weights: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        totals = tuple(itertools.accumulate(t.weight for t in self.size_types))
        object.__setattr__(self, "cumulative_weights", totals)

    def choose_size_types(self, rng: random.Random, count: int) -> list[SizeType]:
        """Pick the size type of each of `count` containers."""
        totals = self.cumulative_weights
        if count == 1 or rng.random() < UNIFORM_TYPE_SHARE:
            return [pick_weighted(rng, self.size_types, totals)] * count
        return rng.choices(self.size_types, cum_weights=totals, k=count)

    def container_numbers(
        self, rng: random.Random, owner_prefixes: tuple[str, ...], count: int
    ) -> list[str]:
        """Make `count` distinct container numbers with valid check digits.

        Owner codes come from `owner_prefixes`, with a share of leased boxes;
        prefixes that are not freight container owner codes are skipped.
        """
        own_codes = [p for p in owner_prefixes if _FREIGHT_OWNER_CODE.fullmatch(p)]
        numbers: list[str] = []
        while len(numbers) < count:
            if own_codes and rng.random() >= self.leasing_share:
                owner_code = pick(rng, own_codes)
            else:
                owner_code = pick(rng, self.leasing_owner_codes)
            number = container_number(owner_code, below(rng, 1_000_000))
            if number not in numbers:
                numbers.append(number)
        return numbers


def container_number(owner_code: str, serial: int) -> str:
    """Return the container number of an owner code and a serial below 10**6."""
    first_ten = f"{owner_code}{serial:06d}"
    return f"{first_ten}{iso6346_check_digit(first_ten)}"


def load_equipment(path: Path | None = None) -> Equipment:
    """Read size types and leasing owner codes, by default from equipment.toml.

    Raises ValueError naming the file when a table is missing or malformed.
    """
    path = path or shipped_scenarios_dir() / "equipment.toml"
    data = load_toml(path)
    try:
        size_types = tuple(
            SizeType(str(t["iso_code"]), str(t["size_type"]), int(t["weight"]))
            for t in data["size_types"]
        )
        leasing = data["leasing"]
        owner_codes = tuple(str(code) for code in leasing["owner_codes"])
        share = float(leasing["share"])
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"{path}: invalid equipment data: {error!r}") from error

    if not size_types:
        raise ValueError(f"{path}: no size types")
    bad_codes = [c for c in owner_codes if not _FREIGHT_OWNER_CODE.fullmatch(c)]
    if not owner_codes or bad_codes:
        raise ValueError(
            f"{path}: leasing owner codes must be 3 letters and U: {bad_codes}"
        )
    if not 0 <= share <= 1:
        raise ValueError(f"{path}: leasing share must be between 0 and 1, got {share}")
    return Equipment(size_types, owner_codes, share)


@functools.cache
def shipped_equipment() -> Equipment:
    """Return the shipped equipment data, read once per process."""
    return load_equipment()
