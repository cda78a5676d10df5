import random

from mockserver.shipments.draws import below, between, pick, pick_weighted

SEEDS = range(20)


def test_below_equals_randrange() -> None:
    for seed in SEEDS:
        ours, theirs = random.Random(seed), random.Random(seed)
        for n in (1, 2, 3, 10, 26, 40, 60, 1000, 2**20 + 1):
            assert below(ours, n) == theirs.randrange(n)


def test_between_equals_randint() -> None:
    for seed in SEEDS:
        ours, theirs = random.Random(seed), random.Random(seed)
        for low, high in ((180, 1200), (-720, 1440), (0, 0), (910_000, 989_999)):
            assert between(ours, low, high) == theirs.randint(low, high)


def test_pick_equals_choice() -> None:
    for seed in SEEDS:
        ours, theirs = random.Random(seed), random.Random(seed)
        for items in ("0123456789", tuple(range(40)), ["only"], range(7)):
            assert pick(ours, items) == theirs.choice(items)


def test_draws_leave_same_state() -> None:
    ours, theirs = random.Random(7), random.Random(7)
    below(ours, 37)
    between(ours, 5, 500)
    pick(ours, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    theirs.randrange(37)
    theirs.randint(5, 500)
    theirs.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    assert ours.getstate() == theirs.getstate()


def test_pick_weighted_equals_choices() -> None:
    items = ("22G1", "42G1", "45G1", "22R1")
    totals = (40, 65, 95, 100)
    for seed in SEEDS:
        ours, theirs = random.Random(seed), random.Random(seed)
        for _ in range(50):
            expected = theirs.choices(items, cum_weights=totals)[0]
            assert pick_weighted(ours, items, totals) == expected
