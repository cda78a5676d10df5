"""User scenario folders: the example folder, the docs, and start-up errors."""

import re
import subprocess
import sys
from pathlib import Path

import httpx2
import pytest

from mockserver.carriers import CarrierState
from mockserver.outcomes import Outcome
from mockserver.scenario_files import (
    CarrierEntry,
    FamilyEntry,
    KeyEntry,
    LessorEntry,
    ScenarioError,
    load_scenarios,
)
from tests.servers import running_server

REPOSITORY = Path(__file__).resolve().parents[1]
EXAMPLES = REPOSITORY / "examples" / "scenarios"
DOCS = (REPOSITORY / "docs" / "scenarios.md").read_text("utf-8")
TOML_BLOCK = re.compile(r"```toml\n# (\S+\.toml)\n(.*?)```", re.DOTALL)


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_example_folder_loads() -> None:
    scenarios = load_scenarios(EXAMPLES)

    assert scenarios.carriers.get("QTLN").name == "Example Test Line"
    assert scenarios.carriers.get("OOLU").state is CarrierState.MAINTENANCE
    assert scenarios.carriers.get("MAEU") is not None
    assert scenarios.magic.families[0].prefix == "QTLNNE"
    assert scenarios.magic.match("QTLNNE0042").outcome is Outcome.NO_EVENTS
    assert scenarios.keys.keys["team-ci-key"].quota == 500
    assert scenarios.keys.keys["team-expired-key"].expires_at.year == 2025
    assert "mock-valid-key" in scenarios.keys.keys


def test_docs_snippets_load(tmp_path: Path) -> None:
    snippets = TOML_BLOCK.findall(DOCS)

    assert sorted(name for name, _ in snippets) == [
        "carriers.toml",
        "keys.toml",
        "magic.toml",
    ]
    for name, text in snippets:
        write(tmp_path / name, name, text)
        load_scenarios(tmp_path / name)


@pytest.mark.parametrize("model", [CarrierEntry, LessorEntry, FamilyEntry, KeyEntry])
def test_docs_name_every_field(model: type) -> None:
    for field in model.model_fields:
        assert f"`{field}`" in DOCS, f"{model.__name__}.{field} is not documented"


@pytest.mark.slow
def test_server_runs_example_folder() -> None:
    command = [sys.executable, "-m", "mockserver", "--scenarios", str(EXAMPLES)]
    with running_server(command) as base_url:

        def track(reference: str, key: str = "team-ci-key", **params: str) -> dict:
            query = {"reference_number": reference, "api_key": key, **params}
            response = httpx2.get(f"{base_url}/tracking/v1/ocean", params=query)
            return response.json()

        example = httpx2.get(f"{base_url}/__mock/scenarios").json()["data"]
        container = next(
            family["example"]
            for entry in example["outcomes"]
            for family in entry["magic_numbers"]
            if family["prefix"] == "QTLU77"
        )
        own_carrier = track("QTLN123456")
        no_events = track("QTLNNE0042")
        silent = track(container, "mock-valid-key")
        maintenance = track("OOLU1234567", carrier_code="OOLU")
        leased = track("QXLU1234567", reference_type="BL")
        expired = track("MSKU7868382", "team-expired-key")
        nearly = [track("MSKU7868382", "team-nearly-exhausted-key") for _ in range(3)]

    assert own_carrier["status_code"] == "OK"
    assert own_carrier["data"]["metadata"]["carrier_code"] == "QTLN"
    assert no_events["status_code"] == "NO_EVENTS"
    assert silent["status_code"] == "CARRIER_NO_RESPONSE"
    assert maintenance["status_code"] == "CARRIER_UNDER_MAINTENANCE"
    assert leased["status_code"] == "AUTO_CANT_DETECT_CARRIER"
    assert expired["status_code"] == "API_KEY_EXPIRED"
    assert [body["status_code"] for body in nearly] == [
        "OK",
        "OK",
        "API_KEY_QUOTA_EXCEEDED",
    ]


@pytest.mark.slow
def test_broken_file_stops_start(tmp_path: Path) -> None:
    write(
        tmp_path,
        "keys.toml",
        '[[keys]]\nkey = "team-a"\n\n[[keys]]\nkey = "team-ci-key"\nquota = -5\n',
    )

    result = subprocess.run(
        [sys.executable, "-m", "mockserver", "--scenarios", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2
    assert str(tmp_path / "keys.toml") in result.stderr
    assert "keys[2] (key = 'team-ci-key').quota" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_toml_file_reported(tmp_path: Path) -> None:
    write(tmp_path, "keys.toml", '[[keys]]\nkey = "a"\n')
    write(tmp_path, "key.toml", '[[keys]]\nkey = "b"\n')

    with pytest.raises(ScenarioError) as caught:
        load_scenarios(tmp_path)

    assert str(tmp_path / "key.toml") in str(caught.value)
    assert "unknown scenario file" in str(caught.value)


def test_other_files_ignored(tmp_path: Path) -> None:
    write(tmp_path, "keys.toml", '[[keys]]\nkey = "a"\n')
    write(tmp_path, "README.md", "# Our scenarios\n")

    assert "a" in load_scenarios(tmp_path).keys.keys


def test_folder_without_scenario_files(tmp_path: Path) -> None:
    write(tmp_path, "notes.txt", "nothing here\n")

    with pytest.raises(ScenarioError, match="contains none of carriers"):
        load_scenarios(tmp_path)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "keys.toml",
            '[[keys]]\nkey = "a"\n\n[[keys]]\nkey = "b"\n\n[[keys]]\nkey = "a"\n',
            "keys[3] (key = 'a') repeats keys[1]",
        ),
        (
            "carriers.toml",
            '[[carriers]]\ncode = "QAA"\nname = "A"\nreference_types = ["BL"]\n\n'
            '[[carriers]]\ncode = "QAA"\nname = "B"\nreference_types = ["BL"]\n',
            "carriers[2] (code = 'QAA') repeats carriers[1]",
        ),
        (
            "magic.toml",
            '[[families]]\noutcome = "OK"\nreference_type = "BL"\nprefix = "QA"\n'
            'suffix_digits = 3\n\n[[families]]\noutcome = "NO_EVENTS"\n'
            'reference_type = "BL"\nprefix = "QA"\nsuffix_digits = 4\n',
            "families[2] (prefix = 'QA') repeats families[1]",
        ),
    ],
)
def test_duplicate_entry_reported(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    write(tmp_path, name, text)

    with pytest.raises(ScenarioError) as caught:
        load_scenarios(tmp_path)

    assert str(tmp_path / name) in str(caught.value)
    assert expected in str(caught.value)


@pytest.mark.parametrize(
    ("prefix", "digits", "reference_type"),
    [
        ("QTLU77", 3, "CONTAINER"),
        ("QTLU77", 5, "CONTAINER"),
        ("QTL", 7, "CONTAINER"),
        ("QTLX77", 4, "CONTAINER"),
    ],
)
def test_unusable_family_reported(
    tmp_path: Path, prefix: str, digits: int, reference_type: str
) -> None:
    write(
        tmp_path,
        "magic.toml",
        f'[[families]]\noutcome = "OK"\nreference_type = "{reference_type}"\n'
        f'prefix = "{prefix}"\nsuffix_digits = {digits}\n',
    )

    with pytest.raises(ScenarioError) as caught:
        load_scenarios(tmp_path)

    assert f"families[1] (prefix = '{prefix}')" in str(caught.value)
