"""`qubictron-mock scenarios`: one row per way to reach each outcome."""

import io

from mockserver.catalogue_table import HEADINGS, catalogue_rows, print_catalogue
from mockserver.outcomes import Outcome
from mockserver.settings import Settings
from tests.test_scenario_examples import EXAMPLES


def test_every_outcome_has_header_row() -> None:
    text = io.StringIO()
    print_catalogue(Settings(), text)

    for outcome in Outcome:
        assert f"X-Mock-Status: {outcome.name}" in text.getvalue()


def test_row_kinds() -> None:
    from mockserver.catalogue import build_catalogue
    from mockserver.scenario_files import load_scenarios
    from tests.conftest import FROZEN_AT

    scenarios = load_scenarios()
    catalogue = build_catalogue(
        scenarios.carriers, scenarios.magic, scenarios.keys, FROZEN_AT
    )
    rows = catalogue_rows(catalogue)

    assert len(HEADINGS) == 5
    assert ("OK", "200", "header", "X-Mock-Status: OK", "") in rows
    assert (
        "NO_EVENTS",
        "200",
        "BL number",
        "reference_number=MEDUNE000001",
        "MEDUNE + 6 digits",
    ) in rows
    assert (
        "NO_EVENTS",
        "200",
        "container",
        "reference_number=MSMU9040016",
        "MSMU904 + 3 digits + check digit",
    ) in rows
    assert (
        "API_KEY_RATE_LIMIT_EXCEEDED",
        "429",
        "key",
        "api_key=mock-throttled-key",
        "send more than 3 requests within 60 s",
    ) in rows
    assert (
        "INVALID_API_KEY",
        "401",
        "key",
        "api_key=<any unknown key>",
        "send a key that is not registered, or no key",
    ) in rows
    assert (
        "CARRIER_UNDER_MAINTENANCE",
        "200",
        "carrier",
        "carrier_code=QMNT",
        "Mock Line (under maintenance)",
    ) in rows


def test_user_scenarios_listed() -> None:
    text = io.StringIO()
    print_catalogue(Settings(scenarios=EXAMPLES), text)

    assert "reference_number=QTLNNE0001" in text.getvalue()
    assert "api_key=team-ci-key" in text.getvalue()
    assert "carrier_code=OOLU" in text.getvalue()


def test_undetectable_family_noted(tmp_path) -> None:
    (tmp_path / "magic.toml").write_text(
        '[[families]]\noutcome = "NO_EVENTS"\nreference_type = "BL"\n'
        'prefix = "ZZNE"\nsuffix_digits = 4\n',
        encoding="utf-8",
    )
    text = io.StringIO()
    print_catalogue(Settings(scenarios=tmp_path), text)

    line = next(row for row in text.getvalue().splitlines() if "ZZNE0001" in row)
    assert line.endswith(
        "ZZNE + 4 digits; no carrier is detected, so send carrier_code too"
    )
