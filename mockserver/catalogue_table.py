"""Print the scenario catalogue as a table, for `qubictron-mock scenarios`."""

import sys
from typing import Any, TextIO

from mockserver.catalogue import build_catalogue
from mockserver.clock import MockClock
from mockserver.scenario_files import load_scenarios
from mockserver.settings import Settings


def catalogue_rows(catalogue: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """Flatten the catalogue into (status_code, HTTP status, how, example) rows."""
    rows: list[tuple[str, str, str, str]] = []
    for entry in catalogue["outcomes"]:
        name = entry["status_code"]
        status = str(entry["http_status"])
        for magic in entry["magic_numbers"]:
            how = f"reference_number {magic['pattern']} ({magic['reference_type']})"
            rows.append((name, status, how, magic["example"]))
        for key in entry["keys"]:
            rows.append((name, status, f"key: {key['how']}", key["key"]))
        for carrier in entry["carriers"]:
            rows.append((name, status, "carrier", carrier["how"]))
        header = entry["header"]
        rows.append((name, status, "header", f"{header['name']}: {header['value']}"))
    return rows


def format_table(rows: list[tuple[str, ...]], headings: tuple[str, ...]) -> str:
    """Lay rows out in aligned columns under their headings."""
    widths = [
        max(len(row[column]) for row in [headings, *rows])
        for column in range(len(headings))
    ]
    lines = []
    for row in [headings, tuple("-" * width for width in widths), *rows]:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def print_catalogue(settings: Settings, out: TextIO = sys.stdout) -> None:
    """Load the scenarios the settings name and print the catalogue table."""
    scenarios = load_scenarios(settings.scenarios, settings.accept_any_key)
    clock = MockClock(frozen_at=settings.frozen_at)
    catalogue = build_catalogue(
        scenarios.carriers, scenarios.magic, scenarios.keys, clock.now()
    )
    headings = ("status_code", "HTTP", "how", "example")
    out.write(format_table(catalogue_rows(catalogue), headings) + "\n")
