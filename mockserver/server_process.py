"""Run the mock server as a child process on a free local port.

Used by the pytest plugin, and usable from any test runner. Only the
standard library is needed, so the helper works wherever the package is
installed.
"""

import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

logger = logging.getLogger(__name__)

LOCAL_HOST = "127.0.0.1"
DEFAULT_STARTUP_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0
_PORT_ATTEMPTS = 3
_POLL_INTERVAL_SECONDS = 0.05
# Local requests must never go through a proxy named in the environment.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class ServerStartError(RuntimeError):
    """The server exited or never became healthy; the message contains its output."""


class ServerProcess:
    """A running mock server: its base URL, its PID, and a way to stop it."""

    def __init__(self, process: subprocess.Popen[str], port: int, log: IO[str]):
        self.process = process
        self.port = port
        self.base_url = f"http://{LOCAL_HOST}:{port}"
        self._log = log

    @property
    def pid(self) -> int:
        """The process id of the server."""
        return self.process.pid

    def output(self) -> str:
        """Return everything the server has written to stdout and stderr."""
        self._log.flush()
        self._log.seek(0)
        return self._log.read()

    def stop(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        """Stop the server by its PID: SIGTERM, then SIGKILL after `timeout`."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                logger.warning(
                    "mock server %d ignored SIGTERM for %g s; killing it",
                    self.pid,
                    timeout,
                )
                self.process.kill()
                self.process.wait()
        self._log.close()


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind((LOCAL_HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(
    args: Sequence[str] = (),
    *,
    env: Mapping[str, str] | None = None,
    startup_timeout: float = DEFAULT_STARTUP_TIMEOUT_SECONDS,
    python: str = sys.executable,
) -> ServerProcess:
    """Start `python -m mockserver serve ARGS` on 127.0.0.1 and wait for /health.

    A free port is chosen; when another process takes it first, the start is
    retried on a new port. Raises ServerStartError with the server's output
    when it exits or does not become healthy within `startup_timeout` seconds.
    """
    process_env = {**os.environ, **(env or {})}
    # The child must import the same package as this process, even when it
    # was found through sys.path rather than installed.
    package_root = str(Path(__file__).resolve().parent.parent)
    inherited = process_env.get("PYTHONPATH")
    process_env["PYTHONPATH"] = (
        os.pathsep.join([package_root, inherited]) if inherited else package_root
    )
    for attempt in range(1, _PORT_ATTEMPTS + 1):
        port = free_port()
        command = [python, "-m", "mockserver", "serve", *args]
        command += ["--host", LOCAL_HOST, "--port", str(port)]
        # A file, not a pipe: an unread pipe fills up and blocks a chatty server.
        # ServerProcess.stop() closes it, so no context manager here.
        log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115
        process = subprocess.Popen(
            command, env=process_env, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        server = ServerProcess(process, port, log)
        try:
            _wait_until_healthy(server, startup_timeout)
        except ServerStartError:
            output = server.output()
            server.stop()
            if "address already in use" in output.lower() and attempt < _PORT_ATTEMPTS:
                logger.info("port %d was taken; starting again on another", port)
                continue
            raise
        logger.info("mock server %d listening on %s", server.pid, server.base_url)
        return server
    raise AssertionError("unreachable: the last attempt returns or raises")


def _wait_until_healthy(server: ServerProcess, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerStartError(
                f"mock server exited with status {server.process.returncode}:\n"
                f"{server.output()}"
            )
        if is_healthy(server.base_url):
            return
        time.sleep(_POLL_INTERVAL_SECONDS)
    raise ServerStartError(
        f"mock server at {server.base_url} was not healthy after {timeout:g} s:\n"
        f"{server.output()}"
    )


def is_healthy(base_url: str) -> bool:
    """Return whether GET /health on `base_url` returns 200 within a second."""
    try:
        with _DIRECT.open(f"{base_url}/health", timeout=1) as response:
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False
