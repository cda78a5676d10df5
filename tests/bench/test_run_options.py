"""The options of bench/run.py: --quick's choices, and flags that override them."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import run


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], (5.0, 3, 3)),
        (["--quick"], (1.0, 1, 1)),
        (["--quick", "--cold-starts", "7"], (1.0, 1, 7)),
        (["--repeat", "2"], (5.0, 2, 3)),
    ],
)
def test_flags_win_over_quick(argv: list[str], expected: tuple) -> None:
    args = run.parse_args(argv)

    assert (args.duration, args.repeat, args.cold_starts) == expected
