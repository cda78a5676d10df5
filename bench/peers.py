"""Serve the mock's OK body from WireMock, Prism and Mockoon, and measure them.

bench/peers.sh installs the three from the npm registry into a folder and
runs bench/run.py with --peers-dir. This module configures and starts each
one on 127.0.0.1, warms it up, and measures it as the floors are measured.
"""

import dataclasses
import json
import subprocess
from pathlib import Path
from typing import Any

import harness
import measure
import workloads
from measure import DistinctIndexes, Options, Row

# The JVM compiles WireMock's hot paths during the first seconds of load.
PEER_WARM_UP_SECONDS = 10.0
PEER_START_TIMEOUT_SECONDS = 120.0

_MOCKOON_ENVIRONMENT = """
const commons = require('@mockoon/commons');
const fs = require('fs');
const [output, bodyPath, port] = process.argv.slice(1);
const environment = commons.BuildEnvironment();
const route = commons.BuildHTTPRoute();
const response = commons.BuildRouteResponse();
response.body = fs.readFileSync(bodyPath, 'utf8');
response.statusCode = 200;
route.method = 'get';
route.endpoint = 'tracking/v1/ocean';
route.responses = [response];
environment.name = 'qubictron-bench';
environment.port = Number(port);
environment.hostname = '127.0.0.1';
environment.routes = [route];
environment.rootChildren = [{ type: 'route', uuid: route.uuid }];
fs.writeFileSync(output, JSON.stringify(environment));
"""


def bench_peers(
    peers_dir: Path, body_path: Path, options: Options, indexes: DistinctIndexes
) -> list[Row]:
    """Measure every peer found in `peers_dir` on the OK body."""
    binaries = peers_dir / "node_modules" / ".bin"
    if not binaries.is_dir():
        raise harness.BenchError(
            f"{peers_dir} has no node_modules/.bin; install the peers with "
            "bench/peers.sh"
        )
    warm = dataclasses.replace(
        options, warm_up_seconds=max(options.warm_up_seconds, PEER_WARM_UP_SECONDS)
    )
    rows = []
    for name, configure in (
        ("WireMock", wiremock_command),
        ("Prism", prism_static_command),
        ("Prism dynamic", prism_dynamic_command),
        ("Mockoon", mockoon_command),
    ):
        rows.append(bench_peer(name, configure, peers_dir, body_path, warm, indexes))
    return rows


def bench_peer(
    name: str,
    configure: Any,
    peers_dir: Path,
    body_path: Path,
    options: Options,
    indexes: DistinctIndexes,
) -> Row:
    """Start one peer `options.cold_starts` times, then warm it and measure it."""
    folder = options.run_dir / name.lower().replace(" ", "-")
    folder.mkdir(parents=True, exist_ok=True)
    cold_starts = []
    server = None
    for attempt in range(options.cold_starts):
        if server is not None:
            server.stop()
        port = harness.free_port()
        command = configure(peers_dir, folder, body_path, port)
        server = harness.start_server(
            name,
            command,
            port,
            workloads.OK.target,
            options.run_dir / f"{folder.name}-{attempt + 1}.log",
            cwd=folder,
            timeout=PEER_START_TIMEOUT_SECONDS,
        )
        cold_starts.append(server.cold_start_seconds)
    assert server is not None
    peer_workload = workloads.Workload(
        "ok", f"the mock's OK body served by {name}", workloads.OK.target, 200, ""
    )
    try:
        measure.progress(f"warming up {name} for {options.warm_up_seconds:g} s")
        measure.warm_up(server, options, indexes)
        row = measure.measure_fixed(server, peer_workload, options, indexes)
    finally:
        server.stop()
    row.cold_start_seconds = sorted(cold_starts)[(len(cold_starts) - 1) // 2]
    return row


def wiremock_command(
    peers_dir: Path, folder: Path, body_path: Path, port: int
) -> list[str]:
    """Write a WireMock stub for the OK body; return WireMock's command line."""
    (folder / "mappings").mkdir(exist_ok=True)
    (folder / "__files").mkdir(exist_ok=True)
    (folder / "__files" / "ok-body.json").write_bytes(body_path.read_bytes())
    stub = {
        "request": {"method": "GET", "urlPath": workloads.OCEAN},
        "response": {
            "status": 200,
            "bodyFileName": "ok-body.json",
            "headers": {"Content-Type": "application/json"},
        },
    }
    (folder / "mappings" / "ocean.json").write_text(json.dumps(stub))
    return [
        str(peers_dir / "node_modules" / ".bin" / "wiremock"),
        "--port",
        str(port),
        "--bind-address",
        harness.HOST,
        "--root-dir",
        str(folder),
        "--disable-banner",
    ]


def prism_static_command(
    peers_dir: Path, folder: Path, body_path: Path, port: int
) -> list[str]:
    """Write an OpenAPI document whose example is the OK body; run Prism on it."""
    return _prism_command(peers_dir, folder, body_path, port, dynamic=False)


def prism_dynamic_command(
    peers_dir: Path, folder: Path, body_path: Path, port: int
) -> list[str]:
    """Run Prism with dynamic data generated from the OK body's schema."""
    return _prism_command(peers_dir, folder, body_path, port, dynamic=True)


def _prism_command(
    peers_dir: Path, folder: Path, body_path: Path, port: int, dynamic: bool
) -> list[str]:
    body = json.loads(body_path.read_bytes())
    parameters = [
        {"name": name, "in": "query", "required": False, "schema": {"type": "string"}}
        for name in ("reference_number", "api_key")
    ]
    document = {
        "openapi": "3.0.3",
        "info": {"title": "qubictron-bench", "version": "1"},
        "paths": {
            workloads.OCEAN: {
                "get": {
                    "parameters": parameters,
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {
                                "application/json": {
                                    "schema": json_schema(body),
                                    "example": body,
                                }
                            },
                        }
                    },
                }
            }
        },
    }
    spec = folder / "openapi.json"
    spec.write_text(json.dumps(document))
    command = [
        str(peers_dir / "node_modules" / ".bin" / "prism"),
        "mock",
        str(spec),
        "--host",
        harness.HOST,
        "--port",
        str(port),
    ]
    if dynamic:
        command.append("--dynamic")
    return command


def json_schema(value: Any) -> dict[str, Any]:
    """Return a JSON schema that `value` satisfies, for Prism's dynamic data.

    Arrays take the schema of their first item; null becomes a nullable string.
    """
    if isinstance(value, dict):
        return {
            "type": "object",
            "required": list(value),
            "properties": {name: json_schema(item) for name, item in value.items()},
        }
    if isinstance(value, list):
        items = json_schema(value[0]) if value else {"type": "string"}
        return {"type": "array", "items": items, "minItems": len(value)}
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if value is None:
        return {"type": "string", "nullable": True}
    return {"type": "string"}


def mockoon_command(
    peers_dir: Path, folder: Path, body_path: Path, port: int
) -> list[str]:
    """Write a Mockoon environment that serves the OK body; return its command."""
    environment = folder / "environment.json"
    subprocess.run(
        [
            "node",
            "-e",
            _MOCKOON_ENVIRONMENT,
            str(environment),
            str(body_path),
            str(port),
        ],
        cwd=peers_dir,
        check=True,
        timeout=60,
    )
    return [
        str(peers_dir / "node_modules" / ".bin" / "mockoon-cli"),
        "start",
        "--data",
        str(environment),
        "--port",
        str(port),
        "--hostname",
        harness.HOST,
        "--disable-log-to-file",
    ]
