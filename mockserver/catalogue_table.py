"""Print the scenario catalogue as a table, for `qubictron-mock scenarios`."""

import sys
from typing import Any, TextIO

from mockserver.catalogue import build_catalogue
from mockserver.clock import MockClock
from mockserver.scenario_files import load_scenarios
from mockserver.settings import Settings

HEADINGS = ("status_code", "HTTP", "way", "send", "note")
LEGEND = """\
Ways to reach each outcome of GET /tracking/v1/ocean.
- header: add it to any request; it wins over everything else.
- BL number, container: send as reference_number with a working key
  (api_key=mock-valid-key); any digits may replace the example's suffix.
- key: send as api_key (or the X-API-Key header) with any reference number.
- carrier: send these parameters with a working key and a valid number.
"""

Row = tuple[str, str, str, str, str]


def catalogue_rows(catalogue: dict[str, Any]) -> list[Row]:
    """Flatten the catalogue into (status_code, HTTP, way, send, note) rows."""
    rows: list[Row] = []
    for entry in catalogue["outcomes"]:
        name = entry["status_code"]
        status = str(entry["http_status"])
        header = entry["header"]
        rows.append(
            (name, status, "header", f"{header['name']}: {header['value']}", "")
        )
        for magic in entry["magic_numbers"]:
            way = "container" if magic["reference_type"] == "CONTAINER" else "BL number"
            note = _magic_note(magic)
            rows.append(
                (name, status, way, f"reference_number={magic['example']}", note)
            )
        for key in entry["keys"]:
            rows.append((name, status, "key", _key_value(key), key["how"]))
        for carrier in entry["carriers"]:
            rows.append((name, status, "carrier", carrier["how"], carrier["name"]))
    return rows


def _magic_note(magic: dict[str, Any]) -> str:
    digits = f"{magic['prefix']} + {magic['suffix_digits']} digits"
    if magic["reference_type"] == "CONTAINER":
        digits += " + check digit"
    if magic["carrier_code"] is None:
        return f"{digits}; no carrier is detected, so send carrier_code too"
    return digits


def _key_value(key: dict[str, Any]) -> str:
    if key["key"].startswith("any "):
        return "api_key=<any unknown key>"
    return f"api_key={key['key']}"


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
    out.write(LEGEND + "\n")
    out.write(format_table(list(catalogue_rows(catalogue)), HEADINGS) + "\n")
