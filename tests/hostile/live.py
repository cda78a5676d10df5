"""A real server process for hostile-input tests, with its PID and output."""

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from tests.servers import free_port, stop_process, wait_until_healthy


@dataclass
class LiveServer:
    """A running `python -m mockserver` process."""

    port: int
    process: subprocess.Popen[bytes]
    output: IO[str]

    @property
    def address(self) -> tuple[str, int]:
        return ("127.0.0.1", self.port)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def rss_kib(self) -> int:
        """Return the resident memory of the server process, from /proc."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        line = next(line for line in status.splitlines() if line.startswith("VmRSS"))
        return int(line.split()[1])

    def log(self) -> str:
        """Return everything the server has written to stdout and stderr."""
        self.output.flush()
        self.output.seek(0)
        return self.output.read()


@contextmanager
def live_server(
    args: Sequence[str] = (),
    *,
    host: str | None = "127.0.0.1",
    env: dict[str, str] | None = None,
) -> Iterator[LiveServer]:
    """Run the mock on a free port; stop it, by its PID, when the block ends.

    With `host` None the server is started without `--host`, on its default.
    """
    port = free_port()
    command = [sys.executable, "-m", "mockserver", "--port", str(port), *args]
    if host is not None:
        command += ["--host", host]
    with tempfile.TemporaryFile(mode="w+") as output:
        process = subprocess.Popen(
            command,
            env={**os.environ, **(env or {})},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        server = LiveServer(port, process, output)
        try:
            wait_until_healthy(server.base_url, process, output)
            yield server
        finally:
            stop_process(process)
