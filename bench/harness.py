"""Start servers, measure their cold start and memory, and drive them with wrk.

Every server runs on 127.0.0.1 and is stopped by its PID. Every wrk run is
bounded in seconds (`-d`) and in requests (workload.lua stops each thread
at its request cap).
"""

import http.client
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
WORKLOAD_SCRIPT = BENCH_DIR / "workload.lua"
HOST = "127.0.0.1"
START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 10.0
POLL_INTERVAL_SECONDS = 0.002
# No server here comes near this rate, so the request cap never ends a run
# early. It only bounds the number of requests a run can send.
MAX_RATE_PER_SECOND = 100_000
STOP_POLL_SECONDS = 0.1
WRK_GRACE_SECONDS = 60
_RESULT_LINE = re.compile(r"^BENCH-RESULT (.*)$", re.MULTILINE)


class BenchError(RuntimeError):
    """A benchmark step failed; the message names the step and the cause."""


def require_wrk() -> str:
    """Return the path of wrk, or raise BenchError saying how to install it."""
    path = shutil.which("wrk")
    if path is None:
        raise BenchError(
            "wrk is not installed; install it with `apt-get install wrk` "
            "(Debian and Ubuntu) and run the benchmark again"
        )
    return path


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def load_average() -> float:
    """Return the 1-minute load average of this machine."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def get(
    port: int, target: str, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    """Send one GET to 127.0.0.1:`port` and return the status and body."""
    return request(port, "GET", target, headers)


def request(
    port: int, method: str, target: str, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    """Send one request to 127.0.0.1:`port` and return the status and body."""
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request(method, target, headers=headers or {})
        reply = connection.getresponse()
        return reply.status, reply.read()
    finally:
        connection.close()


@dataclass
class Server:
    """A server process started by the benchmark, and what it took to start."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    cold_start_seconds: float
    # Responses that wrk counted from this server, warm-up runs included.
    responses: int = 0

    def rss_megabytes(self) -> float:
        """Return the resident memory of the process and its children, in MB."""
        return tree_rss_kilobytes(self.process.pid) / 1024

    def stop(self) -> None:
        """Stop the process (and its process group) by its PID."""
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def start_server(
    name: str,
    command: Sequence[str],
    port: int,
    ready_target: str,
    log_path: Path,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = START_TIMEOUT_SECONDS,
) -> Server:
    """Start `command` and wait until GET `ready_target` responds with 2xx.

    The cold start is the time from just before the process starts to the
    end of the first successful response. The process gets its own process
    group, so that stopping it also stops the children a wrapper starts
    (the npm packages of the peers run Java or Node as children).
    """
    log = log_path.open("wb")
    started = time.perf_counter()
    process = subprocess.Popen(
        list(command),
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=cwd,
        start_new_session=True,
    )
    log.close()
    server = Server(name, process, port, log_path, math.nan)
    deadline = started + timeout
    try:
        while time.perf_counter() < deadline:
            if process.poll() is not None:
                raise BenchError(
                    f"{name} exited with status {process.returncode} before "
                    f"responding; its output is in {log_path}"
                )
            try:
                status, _ = get(port, ready_target)
            except OSError:
                time.sleep(POLL_INTERVAL_SECONDS)
                continue
            if 200 <= status < 300:
                server.cold_start_seconds = time.perf_counter() - started
                return server
            time.sleep(POLL_INTERVAL_SECONDS)
        raise BenchError(
            f"{name} did not respond to {ready_target} with 2xx within {timeout:g} s; "
            f"its output is in {log_path}"
        )
    except BaseException:
        server.stop()
        raise


def tree_rss_kilobytes(pid: int) -> int:
    """Return VmRSS of `pid` and all its descendants, in kB (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name in field 2 may contain spaces; fields after it don't.
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        total += _rss_kilobytes(current)
        pending.extend(children.get(current, []))
    return total


def _rss_kilobytes(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) if match else 0


@dataclass(frozen=True)
class WrkResult:
    """The figures of one wrk run, latencies in milliseconds."""

    requests: int
    seconds: float
    bytes_read: int
    non_2xx: int
    socket_errors: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    cap_reached: bool

    @property
    def requests_per_second(self) -> float:
        """Completed requests divided by the run's duration."""
        return self.requests / self.seconds if self.seconds else 0.0


def run_wrk(
    port: int,
    target: str,
    *,
    connections: int,
    threads: int,
    seconds: float,
    mode_args: Sequence[str] = ("fixed", ""),
    headers: dict[str, str] | None = None,
    max_requests: int | None = None,
    stop_when: Callable[[], bool] | None = None,
) -> WrkResult:
    """Run wrk against 127.0.0.1:`port` and return its figures.

    `mode_args` are workload.lua's mode and its arguments. The run stops
    after `seconds`, or once `max_requests` were sent (by default the most
    that MAX_RATE_PER_SECOND allows in that time), or when `stop_when`,
    polled every STOP_POLL_SECONDS, returns true. wrk waits out its whole
    duration even when every thread reached its cap, so `stop_when` is how
    a run of a fixed number of requests ends early.
    """
    threads = min(threads, connections)
    duration = max(1, math.ceil(seconds))
    if max_requests is None:
        max_requests = MAX_RATE_PER_SECOND * duration
    cap_per_thread = math.ceil(max_requests / threads)
    command = [
        require_wrk(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(WORKLOAD_SCRIPT),
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command += [
        f"http://{HOST}:{port}{target}",
        "--",
        str(cap_per_thread),
        str(threads),
        *mode_args,
    ]
    stdout, stderr, returncode = _wait_for_wrk(command, duration, stop_when)
    match = _RESULT_LINE.search(stdout)
    if returncode != 0 or match is None:
        raise BenchError(
            f"wrk failed (exit status {returncode}): {stderr.strip() or stdout.strip()}"
        )
    fields = dict(pair.split("=", 1) for pair in match.group(1).split())
    values = {name: int(value) for name, value in fields.items()}
    return WrkResult(
        requests=values["requests"],
        seconds=values["duration_us"] / 1e6,
        bytes_read=values["bytes"],
        non_2xx=values["status"],
        socket_errors=values["connect"]
        + values["read"]
        + values["write"]
        + values["timeout"],
        p50_ms=values["p50_us"] / 1000,
        p90_ms=values["p90_us"] / 1000,
        p99_ms=values["p99_us"] / 1000,
        max_ms=values["max_us"] / 1000,
        cap_reached=values["requests"] >= max_requests,
    )


def _wait_for_wrk(
    command: list[str], duration: int, stop_when: Callable[[], bool] | None
) -> tuple[str, str, int]:
    """Run wrk; interrupt it (SIGINT, which makes it report) once `stop_when`."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, text=True)
        deadline = time.monotonic() + duration + WRK_GRACE_SECONDS
        try:
            while process.poll() is None:
                if time.monotonic() > deadline:
                    raise BenchError(f"wrk did not finish within {duration} s")
                if stop_when is not None and stop_when():
                    process.send_signal(signal.SIGINT)
                    stop_when = None
                time.sleep(STOP_POLL_SECONDS)
        finally:
            if process.poll() is None:
                process.kill()
            process.wait()
        out.seek(0)
        err.seek(0)
        return out.read(), err.read(), process.returncode


def python_command(*args: str) -> list[str]:
    """Return a command that runs this interpreter with `args`."""
    return [sys.executable, *args]
