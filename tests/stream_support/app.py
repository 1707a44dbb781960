"""A Starlette app answering tests/fixtures/sdk-stream.yaml under `/v1`, on a real socket.

Slow streams are driven by the test through `State`: the server sends the first event, then
waits until the test sets `release` (after it has received that event), or until the client
leaves (`disconnected` is then set). Everything the server received is recorded.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from reference_support.servers import LiveServer
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route

CHUNK = 64 * 1024
DOWNLOAD_CHUNKS = 64  # 4 MiB in all


@dataclass
class State:
    release: threading.Event = field(default_factory=threading.Event)
    first_sent: threading.Event = field(default_factory=threading.Event)
    disconnected: threading.Event = field(default_factory=threading.Event)
    completed: threading.Event = field(default_factory=threading.Event)
    sent: list[str] = field(default_factory=list)  # what the slow stream sent, in order
    chunks_sent: int = 0
    # The download stops after its first chunk until the client leaves (or `release`): a test of
    # the client closing early then never races the server writing 4 MiB into socket buffers.
    hold_download: bool = False
    requests: list[dict[str, Any]] = field(default_factory=list)
    uploads: list[dict[str, Any]] = field(default_factory=list)

    def reset(self) -> None:
        self.__init__()  # type: ignore[misc]


def _sse(*events: str) -> bytes:
    return "".join(events).encode()


def build_app(state: State) -> Starlette:
    async def chat(request: Request) -> Response:
        body = await request.json()
        state.requests.append(
            {"path": "chat", "body": body, "accept": request.headers.get("accept")}
        )
        if body.get("stream"):
            events = [
                'data: {"id": "c1", "delta": "Hel"}\n\n',
                'data: {"id": "c1", "delta": "lo"}\n\n',
                "data: [DONE]\n\n",
                "data: not JSON, never read: [DONE] ends the stream\n\n",
            ]
            return Response(_sse(*events), media_type="text/event-stream")
        return JSONResponse({"id": "c1", "content": "Hello"})

    async def events(request: Request) -> Response:
        topic = request.query_params.get("topic", "")
        if topic == "slow":
            return StreamingResponse(_slow(request), media_type="text/event-stream")
        if topic == "malformed":
            body = _sse('data: {"n": 1}\n\n', ": keep-alive\n", 'data: {"n": oops}\n\n')
        elif topic == "invalid":
            body = _sse('data: {"n": 1}\n\n', 'event: tick\ndata: {"n": "many"}\n\n')
        elif topic == "fields":
            # CRLF line ends, a comment, an id and retry, data over two lines, a U+2028 inside a
            # JSON string (a line break to str.splitlines, not to SSE), an event without data.
            body = (
                ': hello\r\nretry: 2500\r\nid: e-1\r\nevent: tick\r\ndata: {"n":\r\ndata: 1}\r\n\r\n'
                'id: e-2\r\ndata: {"n": 2, "note": "a\u2028b"}\r\n\r\n'
                "id: e-3\r\n\r\n"
            ).encode()
        else:
            body = _sse('data: {"n": 1}\n\n', 'data: {"n": 2}\n\n')
        return Response(body, media_type="text/event-stream")

    async def _slow(request: Request) -> AsyncIterator[bytes]:
        try:
            state.sent.append("1")
            yield b'id: 1\nretry: 1500\ndata: {"n": 1}\n\n'
            state.first_sent.set()
            while not state.release.is_set():
                await asyncio.sleep(0.01)
            for n in (2, 3):
                state.sent.append(str(n))
                yield f'id: {n}\ndata: {{"n": {n}}}\n\n'.encode()
            state.completed.set()
        except (asyncio.CancelledError, GeneratorExit, OSError):
            state.disconnected.set()
            raise
        finally:
            if not state.completed.is_set():
                state.disconnected.set()

    async def text_events(request: Request) -> Response:
        return Response(
            _sse("data: one\n\n", "data: two\ndata: lines\n\n"), media_type="text/event-stream"
        )

    async def logs(request: Request) -> Response:
        if request.query_params.get("bad"):
            body = '{"level": "info", "message": "a"}\n{"level": "info"\n'
        else:
            body = '{"level": "info", "message": "a"}\n\n{"level": "warn", "message": "b"}'
        return Response(body.encode(), media_type="application/x-ndjson")

    async def records(request: Request) -> Response:
        body = '{"level": "info", "message": "r1"}\r\n{"level": "info", "message": "r2"}\r\n'
        return Response(body.encode(), media_type="application/jsonl")

    async def sequence(request: Request) -> Response:
        body = '\x1e{"n": 1}\n\x1e{\n  "n": 2\n}\n\x1e{"n": 3}\n'
        return Response(body.encode(), media_type="application/json-seq")

    async def download(request: Request) -> Response:
        async def chunks() -> AsyncIterator[bytes]:
            try:
                for i in range(DOWNLOAD_CHUNKS):
                    state.chunks_sent = i + 1
                    yield bytes([i % 256]) * CHUNK
                    await asyncio.sleep(0)
                    while state.hold_download and not state.release.is_set():
                        await asyncio.sleep(0.01)
                state.completed.set()
            finally:
                if not state.completed.is_set():
                    state.disconnected.set()

        return StreamingResponse(chunks(), media_type="application/octet-stream")

    async def upload(request: Request) -> Response:
        form = await request.form()
        parts = []
        for name, value in form.multi_items():
            if hasattr(value, "read"):
                data = await value.read()
                parts.append(
                    {
                        "name": name,
                        "filename": value.filename,
                        "type": value.content_type,
                        "data": data,
                    }
                )
            else:
                parts.append(
                    {"name": name, "filename": None, "type": None, "data": str(value).encode()}
                )
        state.uploads.append(
            {"parts": parts, "content_length": request.headers.get("content-length"),
             "transfer_encoding": request.headers.get("transfer-encoding")}
        )  # fmt: skip
        first = next((p for p in parts if p["filename"]), parts[0] if parts else None)
        return JSONResponse(
            {"id": "f1", "bytes": len(first["data"]) if first else 0,
             "filename": first["filename"] if first else None}
        )  # fmt: skip

    async def blob(request: Request) -> Response:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
        state.uploads.append(
            {"bytes": size, "content_length": request.headers.get("content-length"),
             "transfer_encoding": request.headers.get("transfer-encoding"),
             "content_type": request.headers.get("content-type")}
        )  # fmt: skip
        return JSONResponse({"id": "b1", "bytes": size})

    # -- pagination: every style over the same 5 rows ---------------------------------------------
    rows = [{"id": i, "name": f"row {i}"} for i in range(1, 6)]

    async def incidents(request: Request) -> Response:
        state.requests.append({"path": "incidents", "query": dict(request.query_params)})
        if request.query_params.get("cursor") == "stuck" or request.headers.get("x-stuck"):
            return JSONResponse({"data": [{"id": "s"}], "meta": {"next_cursor": "stuck"}})
        start = int(request.query_params.get("cursor") or 0)
        size = int(request.query_params.get("limit") or 2)
        page = [{"id": str(r["id"]), "title": r["name"]} for r in rows[start : start + size]]
        following = start + size if start + size < len(rows) else None
        return JSONResponse(
            {"data": page, "meta": {"next_cursor": None if following is None else str(following)}}
        )

    async def models(request: Request) -> Response:
        state.requests.append({"path": "models", "query": dict(request.query_params)})
        after = request.query_params.get("after")
        ids = [f"m{r['id']}" for r in rows]
        start = ids.index(after) + 1 if after else 0
        page = ids[start : start + 2]
        return JSONResponse(
            {"object": "list", "data": [{"id": i} for i in page], "has_more": start + 2 < len(ids)}
        )

    async def users(request: Request) -> Response:
        state.requests.append({"path": "users", "query": dict(request.query_params)})
        offset = int(request.query_params.get("offset") or 0)
        limit = min(int(request.query_params.get("limit") or 2), 3)  # the server caps its pages
        page = [{"name": r["name"]} for r in rows[offset : offset + limit]]
        return JSONResponse({"results": page, "total": len(rows)})

    async def projects(request: Request) -> Response:
        state.requests.append({"path": "projects", "query": dict(request.query_params)})
        number = int(request.query_params.get("page") or 1)
        size = int(request.query_params.get("per_page") or 2)
        page = rows[(number - 1) * size : number * size]
        return JSONResponse({"items": page, "total_pages": -(-len(rows) // size)})

    async def tickets(request: Request) -> Response:
        state.requests.append({"path": "tickets", "query": dict(request.query_params)})
        start = int(request.query_params.get("from") or 0)
        page = rows[start : start + 2]
        base = str(request.base_url).rstrip("/")
        host = request.query_params.get("host")
        following = None
        if start + 2 < len(rows):
            following = f"{host or base}/v1/tickets?from={start + 2}" + (
                f"&host={host}" if host else ""
            )
        return JSONResponse({"tickets": page, "next_page_url": following})

    async def repos(request: Request) -> Response:
        state.requests.append({"path": "repos", "query": dict(request.query_params)})
        number = int(request.query_params.get("page") or 1)
        size = int(request.query_params.get("per_page") or 2)
        page = rows[(number - 1) * size : number * size]
        headers = {}
        if number * size < len(rows):
            # Relative, with another rel first: both must be understood.
            headers["Link"] = (
                f'</v1/repos?page={number + 1}&per_page={size}>; rel="next", </v1/repos?page=3>; rel="last"'
            )
        return JSONResponse(page, headers=headers)

    async def search(request: Request) -> Response:
        state.requests.append(
            {"path": "search", "query": dict(request.query_params), "body": await request.json()}
        )
        token = request.query_params.get("token")
        if token is None:
            return JSONResponse({"hits": {"list": ["a", "b"], "continuation": "t2"}})
        return JSONResponse({"hits": {"list": ["c"], "continuation": ""}})

    async def audit(request: Request) -> Response:
        return JSONResponse({"entries": ["x"]})

    routes = [
        Route("/chat/completions", chat, methods=["POST"]),
        Route("/events", events),
        Route("/events/text", text_events),
        Route("/logs", logs),
        Route("/records", records),
        Route("/sequence", sequence),
        Route("/files/{file_id}/content", download),
        Route("/files", upload, methods=["POST"]),
        Route("/blobs", blob, methods=["PUT"]),
        Route("/incidents", incidents),
        Route("/models", models),
        Route("/users", users),
        Route("/projects", projects),
        Route("/tickets", tickets),
        Route("/repos", repos),
        Route("/search", search, methods=["POST"]),
        Route("/audit", audit),
    ]
    return Starlette(routes=[Mount("/v1", routes=routes)])


class StreamServer:
    def __init__(self) -> None:
        self.state = State()
        self.live = LiveServer(build_app(self.state)).start()

    @property
    def url(self) -> str:
        """The API's base URL (with its `/v1` prefix)."""
        return self.live.url + "/v1"

    def close(self) -> None:
        self.live.stop()


@contextmanager
def stream_server() -> Iterator[StreamServer]:
    server = StreamServer()
    try:
        yield server
    finally:
        server.close()


def dumps(value: Any) -> str:
    return json.dumps(value)
