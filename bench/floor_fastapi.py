"""The bare FastAPI floor: one FastAPI route that returns fixed bytes.

It runs on the mock's uvicorn settings (uvloop, httptools, one worker, no
access log) and shows what FastAPI's routing and middleware stack cost on
their own. Usage: python bench/floor_fastapi.py --port 9002 --body FILE
"""

from fastapi import FastAPI, Response
from floor_server import serve


def make_app(body: bytes) -> FastAPI:
    """Return a FastAPI app whose GET /tracking/v1/ocean returns `body`."""
    app = FastAPI()

    @app.get("/tracking/v1/ocean")
    async def track() -> Response:
        return Response(body, media_type="application/json")

    return app


def main() -> None:
    serve(__doc__.splitlines()[0], make_app)


if __name__ == "__main__":
    main()
