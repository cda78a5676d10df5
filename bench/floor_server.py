"""The command line and uvicorn settings that both bench floors share.

Both floors run on the mock's uvicorn settings (uvloop, httptools, one
worker, no access log, no `server` header), so that the gap between a
floor and the mock is what the mock's own code costs.
"""

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import uvicorn


def serve(description: str, make_app: Callable[[bytes], Any], **options: Any) -> None:
    """Parse --port and --body, and serve `make_app(body)` on 127.0.0.1."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--port", type=int, required=True, help="TCP port")
    parser.add_argument("--body", type=Path, required=True, help="file to serve")
    args = parser.parse_args()
    uvicorn.run(
        make_app(args.body.read_bytes()),
        host="127.0.0.1",
        port=args.port,
        loop="uvloop",
        http="httptools",
        workers=1,
        log_level="warning",
        access_log=False,
        server_header=False,
        **options,
    )
