"""The servers of the runtime benchmarks: `python -m benchmarks.servers {raw,stubs,fastapi} PORT`.

* raw: a bare ASGI app answering every request with the fixed body (the client benchmark's
  server, as cheap as possible so the client's own cost shows).
* stubs: the generated ServiceAi stubs (`serviceai_api.server.create_app`) with a handler
  implementation that returns the body.
* fastapi: a hand-written FastAPI route returning the same body through a Pydantic model.
"""

from __future__ import annotations

import json
import sys
from typing import Any

BODY: dict[str, str] = {"apiVersion": "1.1.24", "minClientVersion": "1.0.0"}
PATH = "/api/version"


def raw_app() -> Any:
    payload = json.dumps(BODY).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
    ]

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    return app


def stubs_app() -> Any:
    from serviceai_api.models import ApiVersionResponse
    from serviceai_api.server import create_app
    from serviceai_api.server.handlers import Handlers
    from serviceai_api.server.responses import GetApiVersionOK

    async def get_api_version(self: Any, ctx: Any, **_: Any) -> GetApiVersionOK:
        return GetApiVersionOK(body=ApiVersionResponse(**BODY))

    async def not_benchmarked(self: Any, ctx: Any, **_: Any) -> Any:
        raise NotImplementedError

    methods: dict[str, Any] = dict.fromkeys(Handlers.__abstractmethods__, not_benchmarked)
    methods["get_api_version"] = get_api_version
    implementation = type("BenchHandlers", (Handlers,), methods)
    return create_app(implementation())


def fastapi_app() -> Any:
    from fastapi import FastAPI
    from pydantic import BaseModel

    class ApiVersion(BaseModel):
        apiVersion: str
        minClientVersion: str

    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.get(PATH, response_model=ApiVersion)
    async def get_api_version() -> ApiVersion:
        return ApiVersion(**BODY)

    return app


APPS = {"raw": raw_app, "stubs": stubs_app, "fastapi": fastapi_app}


def main() -> None:
    import uvicorn

    kind, port = sys.argv[1], int(sys.argv[2])
    uvicorn.run(APPS[kind](), host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
