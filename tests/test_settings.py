"""Settings come from keyword arguments, then QUBICTRON_MOCK_* variables."""

import pytest
from pydantic import ValidationError

from mockserver.settings import Settings


def test_environment_variable_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUBICTRON_MOCK_SEED", "7")
    monkeypatch.setenv("QUBICTRON_MOCK_CONTROL_PLANE", "false")

    settings = Settings()

    assert settings.seed == 7
    assert settings.control_plane is False


def test_variable_name_any_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("qubictron_mock_seed", "8")

    assert Settings().seed == 8


def test_keyword_beats_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUBICTRON_MOCK_PORT", "9000")

    assert Settings(port=9001).port == 9001


def test_unknown_variable_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUBICTRON_MOCK_NO_SUCH_SETTING", "1")

    assert Settings() == Settings(port=8080)


def test_unknown_keyword_rejected() -> None:
    with pytest.raises(ValidationError, match="no_such_setting"):
        Settings(no_such_setting=1)


def test_invalid_variable_names_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUBICTRON_MOCK_PORT", "abc")

    with pytest.raises(ValidationError) as raised:
        Settings()

    assert raised.value.errors()[0]["loc"] == ("port",)
