"""The bare ASGI floor: a plain ASGI app on uvicorn that returns fixed bytes.

It runs on the mock's uvicorn settings (uvloop, httptools, one worker, no
access log), so the gap between it and the mock is what the mock's own
code costs. Usage: python bench/floor_asgi.py --port 9001 --body FILE
"""

from typing import Any

from floor_server import serve


def make_app(body: bytes) -> Any:
    """Return an ASGI app that responds to every HTTP request with `body`."""
    start = {
        "type": "http.response.start",
        "status": 200,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode("ascii")),
        ],
    }
    finish = {"type": "http.response.body", "body": body}

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await send(start)
        await send(finish)

    return app


def main() -> None:
    serve(__doc__.splitlines()[0], make_app, lifespan="off")


if __name__ == "__main__":
    main()
