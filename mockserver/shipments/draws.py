"""Random draws equal to random.Random's own, in one Python call each.

A new shipment makes about seventy draws. Random.choice, randint and
randrange each pass through two or three Python functions before they reach
the C method getrandbits. These helpers call getrandbits directly and repeat
the rejection sampling of `Random._randbelow_with_getrandbits`, or the
bisection of `Random.choices` (CPython 3.11 random.py), so a seeded
generator gives the same values through them as through its own methods.
tests/shipments/test_shipment_draws.py checks that against the running
Python.
"""

import bisect
import random
from collections.abc import Sequence
from typing import TypeVar

Item = TypeVar("Item")


def below(rng: random.Random, n: int) -> int:
    """Return a random int in `[0, n)` as `rng.randrange(n)` does, for n above 0."""
    bits = n.bit_length()
    value = rng.getrandbits(bits)
    while value >= n:
        value = rng.getrandbits(bits)
    return value


def between(rng: random.Random, low: int, high: int) -> int:
    """Return a random int in `[low, high]`, as `rng.randint(low, high)` does."""
    width = high - low + 1
    bits = width.bit_length()
    value = rng.getrandbits(bits)
    while value >= width:
        value = rng.getrandbits(bits)
    return low + value


def pick(rng: random.Random, items: Sequence[Item]) -> Item:
    """Return a random item of a non-empty sequence, as `rng.choice(items)` does."""
    count = len(items)
    bits = count.bit_length()
    index = rng.getrandbits(bits)
    while index >= count:
        index = rng.getrandbits(bits)
    return items[index]


def pick_weighted(
    rng: random.Random, items: Sequence[Item], cumulative_weights: Sequence[float]
) -> Item:
    """Return a random item, as `rng.choices(items, cum_weights=...)[0]` does.

    The weights are running totals, one per item, and the last is positive.
    """
    total = cumulative_weights[-1] + 0.0
    index = bisect.bisect(cumulative_weights, rng.random() * total, 0, len(items) - 1)
    return items[index]
