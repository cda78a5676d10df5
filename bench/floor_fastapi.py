"""The bare FastAPI floor: one FastAPI route that returns fixed bytes.

It runs on the mock's uvicorn settings (uvloop, httptools, one worker, no
access log) and shows what FastAPI's routing and middleware stack cost on
their own. Usage: python bench/floor_fastapi.py --port 9002 --body FILE
"""

import argparse
from pathlib import Path

import uvicorn
from fastapi import FastAPI, Response


def make_app(body: bytes) -> FastAPI:
    """Return a FastAPI app whose GET /tracking/v1/ocean returns `body`."""
    app = FastAPI()

    @app.get("/tracking/v1/ocean")
    async def track() -> Response:
        return Response(body, media_type="application/json")

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
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
    )


if __name__ == "__main__":
    main()
