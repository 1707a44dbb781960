"""The SDK generated from tests/fixtures/sdk-merged.yaml, and a real server answering it.

`merged_sdk()` generates the package once per test session (`generate --spec`, as a user would)
and imports it. `MergedServer` is a Starlette app on a free loopback port (uvicorn in a thread)
that answers the fixture's operations under `/v1`, checks each one's credential the way its
`security` says, records every request (headers, query, body) and answers with an
`x-request-id`. `State` lets a test script failures: the first N calls of a path answered 503,
a stream that breaks after its first event, a revoked OAuth2 token, an invalid item or event.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from conftest import ROOT, run_generator

FIXTURE = ROOT / "tests" / "fixtures" / "sdk-merged.yaml"
PACKAGE = "merged_api"
_generated: dict[str, Path] = {}


def merged_sdk(base: Path) -> ModuleType:
    """The generated `merged_api` package (generated on first use into `base`)."""
    if PACKAGE not in _generated:
        out = base / "merged-sdk"
        done = run_generator(
            "generate", "--spec", str(FIXTURE), "--out", str(out), "--package", PACKAGE
        )
        assert done.returncode == 0, done.stderr
        _generated[PACKAGE] = out
        sys.path.insert(0, str(out))
    package = importlib.import_module(PACKAGE)
    importlib.import_module(PACKAGE + ".client")
    importlib.import_module(PACKAGE + ".models")
    return package


def generated_folder() -> Path:
    return _generated[PACKAGE]


@dataclass
class Seen:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]  # lower-case names
    body: Any


@dataclass
class State:
    requests: list[Seen] = field(default_factory=list)
    fail_first: dict[str, int] = field(default_factory=dict)  # path -> 503s before answering
    break_stream: bool = False  # the chat stream's connection breaks after its first event
    revoked: set[str] = field(default_factory=set)  # OAuth2 tokens answered 401
    tokens: int = 0  # tokens issued
    invalid: bool = False  # an item / an event that does not match its schema
    next_host: str | None = None  # the items' next-page URLs name this origin instead

    def reset(self) -> None:
        self.__init__()  # type: ignore[misc]

    def seen(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path == path]


API_KEY = "k-123"
BEARER = "b-456"
CLIENT = ("client-1", "secret-1")


def build_app(state: State) -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response, StreamingResponse
    from starlette.routing import Mount, Route

    def record(request: Request, body: Any) -> tuple[int, Response | None]:
        path = request.url.path.removeprefix("/v1")
        state.requests.append(
            Seen(
                request.method,
                path,
                list(request.query_params.multi_items()),
                {k.lower(): v for k, v in request.headers.items()},
                body,
            )
        )
        number = len(state.requests)
        key = path if not path.startswith("/projects/") else "/items"
        if state.fail_first.get(key, 0) > 0:
            state.fail_first[key] -= 1
            return number, JSONResponse(
                {"message": "busy"},
                status_code=503,
                headers={"retry-after": "0", "x-request-id": f"r-{number}"},
            )
        return number, None

    def rid(number: int) -> dict[str, str]:
        return {"x-request-id": f"r-{number}"}

    def unauthorized(number: int) -> Response:
        return JSONResponse({"message": "no credential"}, status_code=401, headers=rid(number))

    async def token(request: Request) -> Response:
        form = await request.form()
        state.tokens += 1
        if form.get("grant_type") != "client_credentials":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        return JSONResponse({"access_token": f"tok-{state.tokens}", "expires_in": 3600})

    async def chat(request: Request) -> Response:
        body = await request.json()
        number, failed = record(request, body)
        if failed:
            return failed
        if request.headers.get("authorization") != f"Bearer {BEARER}":
            return unauthorized(number)
        if not body.get("stream"):
            return JSONResponse({"id": "c1", "content": "Hello"}, headers=rid(number))

        async def chunks() -> Any:
            yield b'data: {"id": "c1", "delta": "Hel"}\n\n'
            if state.break_stream:
                raise RuntimeError("the connection breaks after the first event")
            yield b'data: {"id": "c1", "delta": "lo"}\n\n'
            yield b"data: [DONE]\n\n"

        return StreamingResponse(chunks(), media_type="text/event-stream", headers=rid(number))

    async def events(request: Request) -> Response:
        number, failed = record(request, None)
        if failed:
            return failed
        bearer = request.headers.get("authorization", "")
        if not bearer.startswith("Bearer tok-") or bearer[7:] in state.revoked:
            return unauthorized(number)
        second = '{"n": "many"}' if state.invalid else '{"n": 2}'
        body = f'data: {{"n": 1}}\n\ndata: {second}\n\n'
        return Response(body.encode(), media_type="text/event-stream", headers=rid(number))

    async def items(request: Request) -> Response:
        number, failed = record(request, None)
        if failed:
            return failed
        if request.query_params.getlist("api_key") != [API_KEY]:
            return unauthorized(number)
        start = int(request.query_params.get("from") or 0)
        rows: list[dict[str, Any]] = [{"id": i, "name": f"item {i}"} for i in range(1, 6)]
        if state.invalid:
            rows[3] = {"id": "four", "name": None}
        page = rows[start : start + 2]
        following = None
        if start + 2 < len(rows):
            origin = state.next_host or str(request.base_url).rstrip("/")
            project = request.path_params["project"]
            status = request.query_params.get("status")
            # The server repeats the API key in its next URL, as some do.
            following = (
                f"{origin}/v1/projects/{project}/items?status={status}&from={start + 2}"
                f"&api_key={API_KEY}"
            )
        return JSONResponse({"data": page, "next_url": following}, headers=rid(number))

    async def search(request: Request) -> Response:
        body = await request.json()
        number, failed = record(request, body)
        if failed:
            return failed
        if request.headers.get("authorization") != f"Bearer {BEARER}":
            return unauthorized(number)
        if request.query_params.get("token") is None:
            page = {"hits": [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}], "continuation": "t2"}
        else:
            page = {"hits": [{"id": 3, "name": "c"}], "continuation": ""}
        return JSONResponse(page, headers=rid(number))

    async def documents(request: Request) -> Response:
        form = await request.form()
        parts = {}
        for name, value in form.multi_items():
            if hasattr(value, "read"):
                parts[name] = {"filename": value.filename, "data": await value.read()}
            else:
                parts[name] = {"filename": None, "data": str(value).encode()}
        number, failed = record(request, parts)
        if failed:
            return failed
        if request.headers.get("x-api-key") != API_KEY:
            return unauthorized(number)
        file = parts.get("file") or {"filename": None, "data": b""}
        return JSONResponse(
            {"id": "d1", "bytes": len(file["data"]), "filename": file["filename"]},
            headers=rid(number),
        )

    routes = [
        Route("/oauth/token", token, methods=["POST"]),
        Route("/chat/completions", chat, methods=["POST"]),
        Route("/events", events),
        Route("/projects/{project}/items", items),
        Route("/search", search, methods=["POST"]),
        Route("/documents", documents, methods=["POST"]),
    ]
    return Starlette(routes=[Mount("/v1", routes=routes)])


class MergedServer:
    def __init__(self) -> None:
        from reference_support.servers import LiveServer

        self.state = State()
        self.live = LiveServer(build_app(self.state)).start()

    @property
    def url(self) -> str:
        """The API's base URL (with its `/v1` prefix)."""
        return self.live.url + "/v1"

    @property
    def origin(self) -> str:
        return self.live.url

    def close(self) -> None:
        self.live.stop()
