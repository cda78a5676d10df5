"""A real `redis-server` for the test session, on a free port in a temporary dir.

Without `redis-server` installed the tests that need it are skipped, unless
QUBICTRON_MOCK_REQUIRE_REDIS=1 is set (CI sets it): then they fail.
"""

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.servers import free_port

REQUIRE_REDIS_VARIABLE = "QUBICTRON_MOCK_REQUIRE_REDIS"
STARTUP_TIMEOUT_SECONDS = 10.0
START_ATTEMPTS = 3


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start `redis-server` for the session and yield its URL."""
    executable = shutil.which("redis-server")
    if executable is None:
        reason = (
            "redis-server is not installed (apt-get install redis-server); "
            "the Redis tests need a real server"
        )
        if os.environ.get(REQUIRE_REDIS_VARIABLE) == "1":
            pytest.fail(f"{reason}, and {REQUIRE_REDIS_VARIABLE}=1 requires it")
        pytest.skip(reason)

    directory = tmp_path_factory.mktemp("redis")
    # The free port may be taken by another process before Redis binds it.
    for attempt in range(1, START_ATTEMPTS + 1):
        port = free_port()
        process = _start(executable, port, directory)
        try:
            _wait_until_ready(port, process, directory)
        except RuntimeError:
            _stop(process)
            if attempt == START_ATTEMPTS:
                raise
            continue
        try:
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            _stop(process)
        return


def _start(executable: str, port: int, directory: Path) -> subprocess.Popen[bytes]:
    # No snapshots and no append-only file: the data is thrown away anyway.
    args = [
        executable,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(directory),
        "--logfile",
        str(directory / "redis.log"),
        "--daemonize",
        "no",
    ]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def _wait_until_ready(
    port: int, process: subprocess.Popen[bytes], directory: Path
) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    client = redis.Redis(port=port, socket_connect_timeout=1, socket_timeout=1)
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                log = directory / "redis.log"
                text = log.read_text() if log.exists() else ""
                raise RuntimeError(
                    f"redis-server exited with {process.returncode}:\n{text}"
                )
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
    finally:
        client.close()
    raise RuntimeError(f"redis-server on port {port} did not answer in time")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server by its PID, and kill it if it does not stop."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
