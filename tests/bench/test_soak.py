"""A 3-second run of bench/soak.py: its report has every figure, in its format."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMMAND = [sys.executable, "bench/soak.py", "--duration", "3", "--warmup", "1"]
COMMAND += ["--clients", "2", "--cache-size", "64"]
LINES = {
    "soak": r"server pid \d+ on 127\.0\.0\.1:\d+, 2 clients, 3 s \(warm-up 1 s\), "
    r"seed 1, shipment cache 64",
    "machine": r"\w+ \w+, \d+ CPUs, Python [\d.]+",
    "requests": r"(?P<requests>\d+) in [\d.]+ s \(\d+/s\)",
    "outcomes seen": r"(?P<seen>\d+) of 22",
    "unexpected outcomes": r"(?P<unexpected>\d+)",
    "transport errors": r"(?P<errors>\d+)",
    "rss start": r"[\d.]+ MB",
    "rss after warm-up": r"[\d.]+ MB",
    "rss end": r"[\d.]+ MB \(peak [\d.]+ MB\)",
    "rss growth after warm-up": r"[+-][\d.]+ MB \(limit 10 MB\)",
    "quota mock-valid-key": r"used (?P<used>\d+), successes received (?P<sent>\d+)",
    "quota mock-throttled-key": r"used (?P<throttled_used>\d+), "
    r"successes received (?P<throttled_sent>\d+)",
    "rate mock-throttled-key": r"\d+ admitted, at most \d+ in \d+ windows",
    "result": r"(?P<result>PASS|FAIL)",
    "server tracebacks": r"(?P<tracebacks>\d+)",
}


@pytest.mark.slow
def test_soak_report_format() -> None:
    run = subprocess.run(
        COMMAND,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
    )

    report = {}
    for line in run.stdout.splitlines():
        name, separator, value = line.partition(": ")
        if separator and not line.startswith(" "):
            report[name] = value
    figures = {}
    for name, pattern in LINES.items():
        match = re.fullmatch(pattern, report.get(name, ""))
        assert match, (name, report.get(name), run.stderr[-2000:])
        figures |= match.groupdict()
    assert int(figures["requests"]) > 0
    assert int(figures["unexpected"]) == 0
    assert int(figures["errors"]) == 0
    assert figures["used"] == figures["sent"]
    assert figures["throttled_used"] == figures["throttled_sent"]
    assert int(figures["tracebacks"]) == 0
    assert (run.returncode == 0) is (figures["result"] == "PASS")
