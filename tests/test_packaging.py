"""A wheel installed into a fresh virtual environment serves the shipped data."""

import subprocess
import sys
from pathlib import Path

import httpx2
import pytest

from tests.servers import running_server

REPOSITORY = Path(__file__).resolve().parents[1]
PRINT_PACKAGE_LOCATION = "import mockserver; print(mockserver.__file__)"


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_installed_wheel_serves_shipped_data(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, "."],
        cwd=REPOSITORY,
        check=True,
    )
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    wheel = next(wheels.glob("qubictron_mock-*.whl"))
    subprocess.run(
        [venv / "bin" / "pip", "install", "-q", wheel],
        check=True,
        cwd=tmp_path,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    location = subprocess.run(
        [
            venv / "bin" / "python",
            "-c",
            "import mockserver; print(mockserver.__file__)",
        ],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert str(venv) in location

    command = [str(venv / "bin" / "qubictron-mock"), "serve"]
    with running_server(command, cwd=elsewhere) as base_url:
        response = httpx2.get(
            f"{base_url}/tracking/v1/ocean",
            params={"reference_number": "MSKU7868382", "api_key": "mock-valid-key"},
        )
        health = subprocess.run(
            [
                venv / "bin" / "qubictron-mock",
                "healthcheck",
                "--port",
                base_url.rsplit(":", 1)[1],
            ],
            cwd=elsewhere,
        )

    assert response.status_code == 200
    body = response.json()
    assert body["status_code"] == "OK"
    assert body["data"]["metadata"]["carrier_code"] == "MAEU"
    assert len(body["data"]["locations"]) >= 2
    assert health.returncode == 0
