"""The pytest plugin and its client, used as another project would use them."""

import importlib.metadata
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mockserver.checkdigits import is_valid_container_number
from mockserver.pytest_plugin import server_arguments
from mockserver.server_process import ServerProcess, start_server
from mockserver.testing import ControlRequestError, QubictronMock

pytest_plugins = ["pytester"]

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "scenarios"
TOKEN = "plugin-test-token"


def plugin_flags() -> list[str]:
    """Load the plugin by name unless an installed package already loads it."""
    installed = importlib.metadata.entry_points(group="pytest11", name="qubictron_mock")
    return [] if installed else ["-p", "mockserver.pytest_plugin"]


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    process = start_server(
        ["--log-level", "warning", "--frozen-at", "2026-03-02T09:30:15Z"]
    )
    yield process
    process.stop()


@pytest.fixture
def mock(server: ServerProcess) -> QubictronMock:
    client = QubictronMock(server.base_url)
    client.reset()
    return client


def test_fixtures_reset_and_marker(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        f"""
        [pytest]
        qubictron_mock_seed = 5
        qubictron_mock_scenarios = {EXAMPLES}
        qubictron_mock_args = --log-level warning
        """
    )
    pytester.makepyfile(
        """
        import urllib.request

        import pytest

        def test_change_state(qubictron_mock):
            carrier = qubictron_mock.set_carrier_state("MAEU", "maintenance")
            assert carrier["state"] == "maintenance"

        def test_state_was_reset(qubictron_mock):
            states = {c["code"]: c["state"] for c in qubictron_mock.list_carriers()}
            assert states["MAEU"] == "active"

        def test_user_scenarios_loaded(qubictron_mock):
            keys = {entry["key"] for entry in qubictron_mock.list_keys()}
            assert "team-ci-key" in keys

        @pytest.mark.qubictron_mock_clock("2026-05-01T08:00:00Z")
        def test_clock_marker(qubictron_mock):
            assert qubictron_mock.now().isoformat() == "2026-05-01T08:00:00+00:00"

        def test_session_server(qubictron_mock_server):
            assert qubictron_mock_server.base_url.startswith("http://127.0.0.1:")

        def test_failure_shows_journal(qubictron_mock):
            url = qubictron_mock.tracking_url + (
                "?reference_number=MEDUNE000001&api_key=mock-valid-key"
            )
            urllib.request.urlopen(url).read()
            assert False, "the client misread NO_EVENTS"
        """
    )

    result = pytester.runpytest(*plugin_flags())

    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*qubictron-mock journal*",
            "last 1 tracking requests, oldest first:",
            "*GET /tracking/v1/ocean?reference_number=MEDUNE000001&api_key=mock...key"
            " -> 200 NO_EVENTS (magic number family MEDUNE for NO_EVENTS)",
        ]
    )


def test_running_server_used(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = start_server(
        ["--log-level", "warning"], env={"QUBICTRON_MOCK_ADMIN_TOKEN": TOKEN}
    )
    monkeypatch.setenv("QUBICTRON_MOCK_ADMIN_TOKEN", TOKEN)
    pytester.makepyfile(
        f"""
        def test_uses_given_server(qubictron_mock):
            assert qubictron_mock.base_url == "{server.base_url}"
            assert qubictron_mock.now().year >= 2026
        """
    )
    try:
        result = pytester.runpytest(
            *plugin_flags(), f"--qubictron-mock-url={server.base_url}"
        )
    finally:
        server.stop()

    result.assert_outcomes(passed=1)


def test_start_failure_reported(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        """
        [pytest]
        qubictron_mock_args = --seed -1
        """
    )
    pytester.makepyfile(
        """
        def test_needs_mock(qubictron_mock):
            pass
        """
    )

    result = pytester.runpytest(*plugin_flags())

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*mock server exited with status 2*", "*invalid setting seed*"]
    )


def test_options_become_flags(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        """
        [pytest]
        qubictron_mock_seed = 5
        qubictron_mock_scenarios = scenarios
        qubictron_mock_args = --no-response-delay 2 --journal-size 50
        """
    )

    from_ini = server_arguments(pytester.parseconfig(*plugin_flags()))
    overridden = server_arguments(
        pytester.parseconfig(
            *plugin_flags(),
            "--qubictron-mock-seed=9",
            "--qubictron-mock-scenarios=other",
        )
    )

    assert from_ini == [
        "--seed",
        "5",
        "--scenarios",
        str(pytester.path / "scenarios"),
        "--no-response-delay",
        "2",
        "--journal-size",
        "50",
    ]
    assert overridden[:4] == [
        "--seed",
        "9",
        "--scenarios",
        str(Path("other").resolve()),
    ]


def test_client_clock(mock: QubictronMock) -> None:
    frozen = mock.freeze(datetime(2026, 4, 1, 12, tzinfo=UTC))
    moved = mock.advance(timedelta(minutes=2))
    moved_again = mock.advance("PT30S")
    moved_by_seconds = mock.advance(0.5)

    assert frozen == datetime(2026, 4, 1, 12, tzinfo=UTC)
    assert moved == datetime(2026, 4, 1, 12, 2, tzinfo=UTC)
    assert moved_again == datetime(2026, 4, 1, 12, 2, 30, tzinfo=UTC)
    assert moved_by_seconds.microsecond == 500_000
    with pytest.raises(ValueError, match="has no time zone"):
        mock.freeze(datetime(2026, 4, 1))
    assert mock.release() > datetime(2026, 1, 1, tzinfo=UTC)


def test_client_keys(mock: QubictronMock) -> None:
    created = mock.put_key(
        "team-key", quota=3, expires_at=datetime(2027, 1, 1, tzinfo=UTC)
    )
    updated = mock.update_key("team-key", rate_limit=9)
    usage = mock.reset_usage("team-key")
    mock.delete_key("team-key")

    assert created["expires_at"] == "2027-01-01T00:00:00.000Z"
    assert updated["rate_limit"] == 9
    assert updated["quota"] == 3
    assert usage["remaining"] == 3
    assert "team-key" not in {entry["key"] for entry in mock.list_keys()}
    assert mock.key("mock-valid-key")["quota"] == 100_000_000
    assert mock.usage("mock-throttled-key")["rate_limit"] == 3


def test_client_errors(mock: QubictronMock) -> None:
    with pytest.raises(ControlRequestError) as unknown:
        mock.set_carrier_state("ZZZZ", "active")
    with pytest.raises(ControlRequestError) as invalid:
        mock.set_delays(delay_ms=-1)

    assert unknown.value.http_status == 404
    assert unknown.value.status_code == "NOT_FOUND"
    assert invalid.value.http_status == 400
    assert "field 'delay_ms'" in invalid.value.message


def test_client_unreachable() -> None:
    from mockserver.server_process import free_port

    client = QubictronMock(f"http://127.0.0.1:{free_port()}", timeout=1)

    with pytest.raises(ControlRequestError) as caught:
        client.reset()

    assert caught.value.status_code == "UNREACHABLE"


def test_magic_numbers(mock: QubictronMock) -> None:
    bl = mock.magic_number("NO_EVENTS", 42)
    container = mock.magic_number("no_events", 7, reference_type="container")

    assert bl == "MEDUNE000042"
    assert container.startswith("MSMU904007")
    assert is_valid_container_number(container)
    with pytest.raises(ValueError, match="no BOOKING magic number"):
        mock.magic_number("OK", reference_type="BOOKING")


def test_client_journal_and_delays(mock: QubictronMock) -> None:
    import urllib.request

    delays = mock.set_delays(delay_ms=1)
    url = f"{mock.tracking_url}?reference_number=MSKU7868382&api_key=mock-valid-key"
    urllib.request.urlopen(url).read()
    entries = mock.journal(reference_number="MSKU7868382", status_code="OK", limit=5)
    mock.clear_journal()

    assert delays["delay_ms"] == 1
    assert [entry["delay_ms"] for entry in entries] == [1]
    assert mock.journal() == []
