"""Settings and flags of the control plane, the journal and the delays."""

import logging

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from mockserver.app import create_app
from mockserver.cli import build_parser, load_settings, main
from mockserver.settings import Settings


def settings_from(argv: list[str]) -> Settings:
    return load_settings(build_parser().parse_args(argv))


def test_defaults() -> None:
    settings = Settings()

    assert settings.control_plane is True
    assert settings.admin_token is None
    assert settings.journal_size == 1000
    assert settings.max_delay_seconds == 10
    assert settings.delay_seconds == 0
    assert settings.no_response_delay_seconds == 0


def test_flags_set_settings() -> None:
    settings = settings_from(
        [
            "serve",
            "--no-control-plane",
            "--admin-token",
            "tok",
            "--journal-size",
            "5",
            "--max-delay",
            "30",
            "--delay",
            "0.1",
            "--no-response-delay",
            "20",
        ]
    )

    assert settings.control_plane is False
    assert settings.admin_token.get_secret_value() == "tok"
    assert settings.journal_size == 5
    assert settings.max_delay_seconds == 30
    assert settings.delay_seconds == 0.1
    assert settings.no_response_delay_seconds == 20


def test_environment_sets_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUBICTRON_MOCK_ADMIN_TOKEN", "from-env")
    monkeypatch.setenv("QUBICTRON_MOCK_CONTROL_PLANE", "false")

    settings = settings_from(["serve"])

    assert settings.admin_token.get_secret_value() == "from-env"
    assert settings.control_plane is False
    assert "from-env" not in repr(settings)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--no-response-delay", "11"],
            "invalid settings: no_response_delay_seconds (11 s) exceeds",
        ),
        (["--delay", "-1"], "invalid setting delay_seconds"),
        (["--journal-size", "100001"], "invalid setting journal_size"),
        (["--max-delay", "3601"], "invalid setting max_delay_seconds"),
        (["--admin-token", ""], "invalid setting admin_token"),
        (["--admin-token", "has space"], "invalid setting admin_token"),
        (["--frozen-at", "9999-06-01T00:00:00Z"], "outside the clock's range"),
    ],
)
def test_invalid_flag_exits_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["serve", *argv])

    assert status == 2
    assert message in capsys.readouterr().err


def test_empty_token_rejected() -> None:
    with pytest.raises(ValidationError, match="unset it to turn the token check off"):
        Settings(admin_token="")


def test_exposed_control_plane_warned(caplog: pytest.LogCaptureFixture) -> None:
    open_settings = Settings(host="0.0.0.0")
    guarded_settings = Settings(host="0.0.0.0", admin_token="tok")

    with caplog.at_level(logging.WARNING, logger="mockserver.lifespan"):
        with TestClient(create_app(open_settings)):
            pass
        warnings_when_open = len(caplog.records)
        with TestClient(create_app(guarded_settings)):
            pass

    assert warnings_when_open == 1
    assert "open to anyone who reaches 0.0.0.0:8080" in caplog.records[0].message
    assert len(caplog.records) == 1


def test_worker_environment_keeps_token() -> None:
    from mockserver.cli import settings_environment

    environment = settings_environment(Settings(admin_token="tok"))

    assert environment["QUBICTRON_MOCK_ADMIN_TOKEN"] == "tok"


def test_workers_warned_about_control_plane(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import uvicorn

    from mockserver import cli, redis_store

    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: None)
    monkeypatch.setattr(redis_store, "check_connection", lambda url: None)
    # _serve_workers exports the settings; keep them out of this process.
    monkeypatch.setattr(cli.os, "environ", dict(cli.os.environ))
    settings = Settings(workers=2, redis_url="redis://127.0.0.1:1/0")

    with caplog.at_level(logging.WARNING, logger="mockserver"):
        status = cli._serve_workers(settings)

    assert status == 0
    assert "a /__mock/ request changes only the worker" in caplog.text
