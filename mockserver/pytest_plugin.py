"""pytest plugin: run the Qubictron mock for a test session and control it.

Installed with the package, the plugin loads by itself (entry point
`pytest11`). It starts nothing until a test requests one of its fixtures.

Fixtures:

- `qubictron_mock`: for each test, the mock reset to its start state. It
  is a `mockserver.testing.QubictronMock`: `base_url`, `tracking_url`,
  `valid_key`, and control methods such as `reset()`, `freeze(at)`,
  `advance(by)`, `set_carrier_state(code, state)`, `put_key(key, ...)`,
  `journal(...)` and `magic_number(outcome, suffix)`.
- `qubictron_mock_server`: the same object for the whole session, without
  the reset; the server starts on first use and stops at the end.

Marker: `@pytest.mark.qubictron_mock_clock("2026-03-01T12:00:00Z")` freezes
the mock clock at that instant before the test runs.

Options (command line, or the ini key in brackets):

- `--qubictron-mock-seed N` [qubictron_mock_seed]: seed of generated data.
- `--qubictron-mock-scenarios DIR` [qubictron_mock_scenarios]: user
  scenario folder; a relative ini path is read from the ini file's folder.
- `--qubictron-mock-url URL` [qubictron_mock_url]: use a server that is
  already running instead of starting one.
- [qubictron_mock_args]: more server flags, e.g. `--no-response-delay 2`.
- [qubictron_mock_startup_timeout]: seconds to wait for the server (30).

When the server needs an admin token, set QUBICTRON_MOCK_ADMIN_TOKEN; the
started server and the client both read it.

When a test that used `qubictron_mock` fails, its report shows the last
requests the mock received.
"""

from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from mockserver.server_process import DEFAULT_STARTUP_TIMEOUT_SECONDS, start_server
from mockserver.testing import ControlRequestError, QubictronMock

CLOCK_MARKER = "qubictron_mock_clock"
JOURNAL_LINES_ON_FAILURE = 20
_USED_MOCK = pytest.StashKey[QubictronMock]()

__all__ = ["ControlRequestError", "QubictronMock"]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("qubictron-mock", "Qubictron mock server")
    group.addoption(
        "--qubictron-mock-seed",
        type=int,
        default=None,
        help="seed of the mock's generated data (default 0)",
    )
    group.addoption(
        "--qubictron-mock-scenarios",
        default=None,
        help="folder of user scenario files for the mock",
    )
    group.addoption(
        "--qubictron-mock-url",
        default=None,
        help="base URL of a mock that is already running; none is started",
    )
    parser.addini("qubictron_mock_seed", "seed of the mock's generated data")
    parser.addini(
        "qubictron_mock_scenarios",
        "folder of user scenario files, relative to the ini file",
        type="paths",
    )
    parser.addini("qubictron_mock_url", "base URL of a running mock to use")
    parser.addini(
        "qubictron_mock_args", "more command-line flags for the mock", type="args"
    )
    parser.addini(
        "qubictron_mock_startup_timeout",
        "seconds to wait for the mock to respond to /health",
        default=str(DEFAULT_STARTUP_TIMEOUT_SECONDS),
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{CLOCK_MARKER}(at): freeze the Qubictron mock's clock at `at` "
        "(RFC 3339 with a time zone, or an aware datetime) before the test",
    )


def server_arguments(config: pytest.Config) -> list[str]:
    """Return the `qubictron-mock serve` flags that the options ask for."""
    arguments: list[str] = []
    seed = config.getoption("qubictron_mock_seed")
    if seed is None and config.getini("qubictron_mock_seed"):
        seed = int(config.getini("qubictron_mock_seed"))
    if seed is not None:
        arguments += ["--seed", str(seed)]
    scenarios = _scenarios_folder(config)
    if scenarios is not None:
        arguments += ["--scenarios", str(scenarios)]
    arguments += list(config.getini("qubictron_mock_args"))
    return arguments


def _scenarios_folder(config: pytest.Config) -> Path | None:
    from_command_line = config.getoption("qubictron_mock_scenarios")
    if from_command_line:
        return Path(from_command_line).resolve()
    from_ini: list[Path] = config.getini("qubictron_mock_scenarios")
    return from_ini[0] if from_ini else None


@pytest.fixture(scope="session")
def qubictron_mock_server(pytestconfig: pytest.Config) -> Iterator[QubictronMock]:
    """Start the mock for the session on first use, and stop it at the end.

    Tests share its state, so most tests use `qubictron_mock`, which resets it.
    """
    url = pytestconfig.getoption("qubictron_mock_url") or pytestconfig.getini(
        "qubictron_mock_url"
    )
    if url:
        yield QubictronMock(url)
        return
    timeout = float(pytestconfig.getini("qubictron_mock_startup_timeout"))
    server = start_server(server_arguments(pytestconfig), startup_timeout=timeout)
    try:
        yield QubictronMock(server.base_url)
    finally:
        server.stop()


@pytest.fixture
def qubictron_mock(
    qubictron_mock_server: QubictronMock, request: pytest.FixtureRequest
) -> QubictronMock:
    """Reset the mock to its start state and return it.

    With the `qubictron_mock_clock(at)` marker, the clock is frozen at `at`.
    """
    qubictron_mock_server.reset()
    marker = request.node.get_closest_marker(CLOCK_MARKER)
    if marker is not None:
        qubictron_mock_server.freeze(*marker.args, **marker.kwargs)
    request.node.stash[_USED_MOCK] = qubictron_mock_server
    return qubictron_mock_server


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    mock = item.stash.get(_USED_MOCK, None)
    if mock is not None and report.failed and call.when == "call":
        report.sections.append(("qubictron-mock journal", _journal_text(mock)))
    return report


def _journal_text(mock: QubictronMock) -> str:
    try:
        entries = mock.journal(limit=JOURNAL_LINES_ON_FAILURE)
    except ControlRequestError as error:
        return f"journal not available: {error}"
    if not entries:
        return "the mock received no tracking requests during this test"
    lines = [f"last {len(entries)} tracking requests, oldest first:"]
    lines += [_journal_line(entry) for entry in reversed(entries)]
    return "\n".join(lines)


def _journal_line(entry: dict[str, Any]) -> str:
    query = f"?{entry['query']}" if entry["query"] else ""
    return (
        f"{entry['time']} {entry['method']} {entry['path']}{query} -> "
        f"{entry['http_status']} {entry['status_code']} ({entry['reason']})"
    )
