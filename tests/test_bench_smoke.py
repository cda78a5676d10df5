"""The benchmark command runs end to end and prints a well-formed table.

Only the shape of the output is checked: benchmark figures depend on the
machine, so no test asserts them.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
COLUMNS = ["server", "workload", "req/s@50", "p50@50", "p99@50", "p50@1", "p99@1"]
COLUMNS += ["non-2xx", "bytes", "RSS MB", "cold s"]
NUMBER = r"[\d,]+(?:\.\d+)?"
ROW = re.compile(
    rf"^qubictron-mock\s+ok\s+(?P<rate>{NUMBER})\s+{NUMBER}\s+{NUMBER}\s+"
    rf"{NUMBER}\s+{NUMBER}\s+(?P<non_2xx>{NUMBER})\s+{NUMBER}\s+{NUMBER}\s+"
    rf"{NUMBER}$",
    re.MULTILINE,
)


@pytest.fixture
def wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        if os.environ.get("QUBICTRON_MOCK_REQUIRE_WRK") == "1":
            pytest.fail("wrk is not installed but QUBICTRON_MOCK_REQUIRE_WRK=1")
        pytest.skip("wrk is not installed (apt-get install wrk)")
    return path


@pytest.mark.slow
@pytest.mark.usefixtures("wrk")
def test_quick_run_prints_table() -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "run.py"),
            "--quick",
            "--workloads",
            "ok",
            "--no-floors",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    header = next(
        (line for line in result.stdout.splitlines() if line.startswith("server ")),
        "",
    )
    for name in COLUMNS:
        assert name in header
    row = ROW.search(result.stdout)
    assert row is not None, result.stdout
    assert row["non_2xx"] == "0"
    assert "access lines" in result.stdout
    assert "1-minute load average" in result.stdout


def test_missing_wrk_exits_2(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(tmp_path)}

    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--quick"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    assert "wrk is not installed" in result.stderr
