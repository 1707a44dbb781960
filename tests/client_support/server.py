"""A real HTTP server on 127.0.0.1 that answers each request with the next scripted reply.

The client tests talk to it over real sockets: no mock of httpx. Each test scripts the replies
it needs (`server.script(Reply(...), ...)`) and reads what the client sent (`server.requests`).
A request with nothing scripted gets a 599, which no operation documents.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

_UNSET: Any = object()


@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (for timeouts)
    json: Any = _UNSET  # a JSON body (sets Content-Type: application/json)

    def payload(self) -> tuple[bytes, str | None]:
        if self.json is not _UNSET:
            return json.dumps(self.json).encode(), self.content_type or "application/json"
        data = self.body.encode() if isinstance(self.body, str) else self.body
        return data, self.content_type


@dataclass
class Recorded:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class ScriptedServer:
    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                url = urlsplit(self.path)
                with server._lock:
                    server.requests.append(
                        Recorded(
                            self.command,
                            url.path,
                            parse_qsl(url.query, keep_blank_values=True),
                            {k.lower(): v for k, v in self.headers.items()},
                            body,
                        )
                    )
                    reply = server.replies.popleft() if server.replies else None
                if reply is None:
                    reply = Reply(599, "nothing scripted", "text/plain")
                if reply.delay:
                    time.sleep(reply.delay)
                data, content_type = reply.payload()
                try:
                    self.send_response(reply.status)
                    if content_type:
                        self.send_header("Content-Type", content_type)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self.replies = deque(replies)
            self.requests = []

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def free_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (a port just released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
