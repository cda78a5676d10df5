"""Count the machine instructions the mock's own code runs per request.

    python bench/instructions.py [--workload NAME] [--requests N]

Runs bench/profile_handler.py under valgrind's callgrind twice, with N and
with 3 N requests, and divides the difference in instructions by 2 N, so
start-up and warm-up cancel out. Unlike CPU time, the count hardly moves
when other processes share the machine, so it compares two versions of
the code on a busy machine. It leaves out uvicorn's HTTP layer and the
kernel's work (the system calls that write responses and logs).
Needs valgrind (Debian: `apt-get install valgrind`).
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import workloads

PROFILE_HANDLER = Path(__file__).resolve().parent / "profile_handler.py"
_COLLECTED = re.compile(r"Collected : (\d+)")


def count(workload: str, requests: int) -> int:
    """Return the instructions of one profile_handler run of `requests`."""
    with tempfile.TemporaryDirectory() as folder:
        finished = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={folder}/callgrind.out",
                sys.executable,
                str(PROFILE_HANDLER),
                "--workload",
                workload,
                "--requests",
                str(requests),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    match = _COLLECTED.search(finished.stderr)
    if finished.returncode != 0 or match is None:
        raise RuntimeError(f"callgrind failed: {finished.stderr[-2000:]}")
    return int(match.group(1))


def main() -> int:
    """Print the instructions per request of the chosen workload."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--workload",
        default="ok",
        choices=list(workloads.BY_NAME),
        help="which workload's request to send (default ok)",
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=500,
        help="requests of the shorter run; the longer one sends 3 times as many",
    )
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.stderr.write(
            "instructions: valgrind is not installed; install it with "
            "`apt-get install valgrind`\n"
        )
        return 2
    short = count(args.workload, args.requests)
    long = count(args.workload, 3 * args.requests)
    per_request = (long - short) / (2 * args.requests)
    sys.stdout.write(f"{args.workload}: {per_request:,.0f} instructions per request\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
