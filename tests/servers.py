"""Start real server processes for tests that need a socket, and stop them."""

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx2

STARTUP_TIMEOUT_SECONDS = 30.0


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_server(
    command: Sequence[str] | None = None,
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> Iterator[str]:
    """Run the mock as a subprocess on a free port and yield its base URL.

    `command` defaults to `python -m mockserver`; the port is appended.
    The process is stopped, by its PID, when the block ends.
    """
    port = free_port()
    args = [*(command or [sys.executable, "-m", "mockserver"])]
    args += ["--host", "127.0.0.1", "--port", str(port)]
    process_env = {**os.environ, **(env or {})}
    # A file, not a pipe: an unread pipe fills up and blocks a chatty server.
    with tempfile.TemporaryFile(mode="w+") as output:
        process = subprocess.Popen(
            args, env=process_env, cwd=cwd, stdout=output, stderr=subprocess.STDOUT
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_until_healthy(base_url, process, output)
            yield base_url
        finally:
            stop_process(process)


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Stop a server process started by a test, by its PID, killing it if needed."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until_healthy(
    base_url: str, process: subprocess.Popen[bytes], output: IO[str]
) -> None:
    """Poll GET /health until it returns 200; fail with the server's output."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output.seek(0)
            raise RuntimeError(
                f"server exited with {process.returncode}:\n{output.read()}"
            )
        try:
            if httpx2.get(f"{base_url}/health", timeout=1).status_code == 200:
                return
        except httpx2.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"server at {base_url} did not become healthy in time")
