"""The command line: flags over environment variables, and clear failures."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mockserver.cli import build_parser, load_settings, main
from mockserver.outcomes import Outcome


def settings_from(argv: list[str]):
    return load_settings(build_parser().parse_args(argv))


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HOST", "PORT", "SEED"):
        monkeypatch.delenv(f"QUBICTRON_MOCK_{name}", raising=False)

    settings = settings_from(["serve"])

    assert settings.host == "127.0.0.1"
    assert settings.port == 8080
    assert settings.seed == 0
    assert settings.log_level == "INFO"


def test_environment_then_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUBICTRON_MOCK_PORT", "9000")
    monkeypatch.setenv("QUBICTRON_MOCK_SEED", "7")

    from_env = settings_from(["serve"])
    from_flag = settings_from(["serve", "--port", "9100", "--log-level", "debug"])

    assert from_env.port == 9000
    assert from_env.seed == 7
    assert from_flag.port == 9100
    assert from_flag.seed == 7
    assert from_flag.log_level == "DEBUG"


def test_invalid_setting_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["--port", "70000"])

    assert status == 2
    assert "invalid setting port" in capsys.readouterr().err


def test_naive_frozen_at_rejected(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["serve", "--frozen-at", "2026-01-01T00:00:00"])

    assert status == 2
    assert "needs a time zone" in capsys.readouterr().err


def test_invalid_scenarios_stop_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "keys.toml").write_text('[[keys]]\nkey = "a"\nquota = "many"\n')

    status = main(["serve", "--scenarios", str(tmp_path)])

    assert status == 2
    error = capsys.readouterr().err
    assert "keys.toml" in error
    assert "keys[1] (key = 'a').quota" in error


def test_scenarios_table_lists_every_outcome() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mockserver", "scenarios"],
        capture_output=True,
        text=True,
        check=True,
    )

    for outcome in Outcome:
        assert f"X-Mock-Status: {outcome.name}" in result.stdout
    assert "MSMU900" in result.stdout
    assert "mock-throttled-key" in result.stdout


def test_scenarios_into_closed_pipe_exits_quietly() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "mockserver", "scenarios"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write_end)

    assert result.returncode == 0
    assert result.stderr == ""


def test_healthcheck_fails_without_server(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.servers import free_port

    status = main(["healthcheck", "--port", str(free_port())])

    assert status == 1
    assert "health check of http://127.0.0.1:" in capsys.readouterr().err
