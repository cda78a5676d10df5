"""Loading scenario files: shipped data, user overrides and clear errors."""

from pathlib import Path

import pytest

from mockserver.outcomes import Outcome
from mockserver.scenario_files import ScenarioError, load_scenarios


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_data_loads() -> None:
    scenarios = load_scenarios()

    assert len(scenarios.carriers.carriers) >= 15
    assert {f.outcome for f in scenarios.magic.families} == set(Outcome)
    assert "mock-valid-key" in scenarios.keys.keys


def test_user_folder_adds_and_overrides(tmp_path: Path) -> None:
    write(
        tmp_path,
        "keys.toml",
        '[[keys]]\nkey = "team-key"\nquota = 7\n\n'
        '[[keys]]\nkey = "mock-valid-key"\nquota = 3\n',
    )
    write(
        tmp_path,
        "carriers.toml",
        '[[carriers]]\ncode = "MAEU"\nname = "Maersk"\n'
        'reference_types = ["BL"]\nstate = "maintenance"\n',
    )
    write(
        tmp_path,
        "magic.toml",
        '[[families]]\noutcome = "NO_EVENTS"\nreference_type = "BL"\n'
        'prefix = "MEDUOK"\nsuffix_digits = 6\n',
    )

    scenarios = load_scenarios(tmp_path)

    assert scenarios.keys.keys["team-key"].quota == 7
    assert scenarios.keys.keys["mock-valid-key"].quota == 3
    assert scenarios.carriers.get("MAEU").state.value == "maintenance"
    assert scenarios.magic.match("MEDUOK000001").outcome is Outcome.NO_EVENTS
    assert len(scenarios.carriers.carriers) >= 15


def test_missing_user_folder(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="scenarios folder not found"):
        load_scenarios(tmp_path / "nope")


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "keys.toml", '[[keys]]\nkey = "a"\nquota = = 3\n')

    with pytest.raises(ScenarioError) as caught:
        load_scenarios(tmp_path)

    message = str(caught.value)
    assert str(path) in message
    assert "line 3" in message


def test_non_utf8_file_named(tmp_path: Path) -> None:
    path = tmp_path / "carriers.toml"
    path.write_bytes(b'# \xff\xfe\n[[carriers]]\ncode = "ABCD"\n')

    with pytest.raises(ScenarioError) as caught:
        load_scenarios(tmp_path)

    message = str(caught.value)
    assert str(path) in message
    assert "not UTF-8 at byte 2" in message


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "keys.toml",
            '[[keys]]\nkey = "a"\nquota = -1\n',
            "keys[1] (key = 'a').quota: Input should be greater than or equal to 0",
        ),
        (
            "keys.toml",
            '[[keys]]\nkey = "a"\nexpires_at = 2026-01-01T00:00:00\n',
            "keys[1] (key = 'a').expires_at: Value error, needs a time zone",
        ),
        (
            "keys.toml",
            '[[keys]]\nkey = "a"\nqouta = 5\n',
            "keys[1] (key = 'a').qouta: Extra inputs are not permitted",
        ),
        (
            "carriers.toml",
            '[[carriers]]\ncode = "maersk"\nname = "M"\nreference_types = ["BL"]\n',
            "carriers[1] (code = 'maersk').code: String should match pattern",
        ),
        (
            "carriers.toml",
            '[[carriers]]\ncode = "ABCD"\nname = "M"\nreference_types = ["AWB"]\n',
            "carriers[1] (code = 'ABCD').reference_types[1]: Input should be",
        ),
        (
            "magic.toml",
            '[[families]]\noutcome = "TEAPOT"\nreference_type = "BL"\n'
            'prefix = "X"\nsuffix_digits = 3\n',
            "families[1] (prefix = 'X').outcome: Value error, 'TEAPOT' is not one",
        ),
    ],
)
def test_invalid_entries_named(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    write(tmp_path, name, text)

    with pytest.raises(ScenarioError) as caught:
        load_scenarios(tmp_path)

    assert name in str(caught.value)
    assert expected in str(caught.value)
