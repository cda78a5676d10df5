"""The outside-team project under tests/plugin_project passes against the mock.

The project is run by a separate pytest process that finds the plugin the
way an installed package offers it: through the `pytest11` entry point
declared in pyproject.toml.
"""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]
PROJECT = REPOSITORY / "tests" / "plugin_project"


def install_entry_points(site: Path) -> None:
    """Write package metadata that declares the project's pytest11 entry point."""
    metadata = tomllib.loads((REPOSITORY / "pyproject.toml").read_text("utf-8"))
    project = metadata["project"]
    dist_info = site / f"qubictron_mock-{project['version']}.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project['name']}\n"
        f"Version: {project['version']}\n",
        encoding="utf-8",
    )
    lines = ["[pytest11]"]
    for name, target in project["entry-points"]["pytest11"].items():
        lines.append(f"{name} = {target}")
    (dist_info / "entry_points.txt").write_text("\n".join(lines) + "\n", "utf-8")


def run_pytest(cwd: Path, site: Path, *args: str) -> subprocess.CompletedProcess:
    """Run pytest in `cwd` with the mock importable and its entry point visible."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("PYTEST_")
    }
    env["PYTHONPATH"] = os.pathsep.join([str(site), str(REPOSITORY)])
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_plugin_project_passes(tmp_path: Path) -> None:
    install_entry_points(tmp_path / "site")

    result = run_pytest(PROJECT, tmp_path / "site")

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "qubictron-mock" in output.split("collected", 1)[0]
    assert " failed" not in output
    assert " passed" in output
