"""Serving to untrusted clients: uvicorn with the settings such a server needs.

The server stubs (`server.serve` re-exports this module) and the MCP server's streamable HTTP
transport are served with it; it needs only uvicorn and httptools, not the stubs' FastAPI.

`serve(app, ServerSettings(...))` (or `server(app, settings)` for an event loop of your own)
runs uvicorn (the `server` extra installs it) with:

- **the httptools (llhttp) parser.** It rejects ambiguous framing as RFC 9112 requires: a request
  with both `Content-Length` and `Transfer-Encoding` is answered 400 and the connection closed
  (section 6.1), and so are obsolete line folding (5.2), bare LF line ends (2.2) and any transfer
  coding but `chunked`. uvicorn's h11 parser accepts all of them and, given both framing headers,
  keeps the connection open, so a request smuggled after the last chunk is executed (measured
  with uvicorn 0.54.0, h11 0.16.0 and httptools 0.9.0 on a raw socket). httptools lets an
  HTTP/1.1 request without `Host` through; it gets 400 here (RFC 9112 3.2).
- **a request head deadline** (`header_timeout`): from the moment a connection waits for a
  request until its head is complete, however slowly bytes trickle in (slowloris). A head that
  started gets 408, an idle connection is closed. A head over `max_head_bytes` gets 431
  (httptools itself accepts heads of any size).
- **a request body deadline** (`body_timeout`): from the end of the head to the end of the body,
  408 and the connection closed. At shutdown a request still sending its body gets 503 at once,
  so a stalled upload cannot keep a stopping process alive; handlers already running are drained
  for up to `graceful_shutdown_timeout`.
- **a connection cap under the descriptor limit** (`max_connections`; by default the process's
  `RLIMIT_NOFILE` less the accept backlog and `reserve_descriptors`, the application's own
  sockets and files). When it is reached, the connection that has waited longest for a request
  head is closed to make room; when every connection is busy with a request, the new one is
  answered 503 and closed. The accept loop's "out of descriptors" errors, should they happen, are
  logged in one line per 10 s instead of a traceback each.
- every answer these guards give is JSON `{"error": "..."}` with `Connection: close` (the
  parser's own 400 included); repeated guard events are summarised in one WARNING line per 10 s.

`proxy_headers` is off: whether `X-Forwarded-For` is believed is the application's decision.
"""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, ClassVar

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

log = logging.getLogger(__name__.rpartition(".")[0] + ".server")  # <package>.server

_OUT_OF_DESCRIPTORS = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)
_REPORT_EVERY = 10.0  # seconds between two summary lines of the guards' events
_LINGER = 1.0  # seconds a refused connection may wait for its client's request before closing


@dataclass(frozen=True)
class ServerSettings:
    """What a server exposed to untrusted clients needs besides the application."""

    host: str = "127.0.0.1"
    port: int = 8000
    header_timeout: float = 10.0  # the whole request head, from the start of the wait for it
    body_timeout: float = 30.0  # the whole request body, from the end of its head
    keep_alive_timeout: int = 5  # an idle keep-alive connection, between two requests
    graceful_shutdown_timeout: int = 20  # the drain of running handlers at shutdown
    max_head_bytes: int = 64 * 1024  # request line and header fields together
    max_connections: int | None = None  # None: under the descriptor limit (connection_limit)
    reserve_descriptors: int = 64  # the application's own sockets and files (pools, logs)
    backlog: int | None = None  # None: the descriptor limit / 8, between 16 and 2048
    log_level: str = "info"
    access_log: bool = True

    def accept_backlog(self) -> int:
        if self.backlog is not None:
            return self.backlog
        return max(16, min(2048, descriptor_limit() // 8))

    def connection_limit(self) -> int:
        """The most client connections held at once.

        A burst of up to `accept_backlog()` connections is accepted before any of them is
        counted, so the backlog is kept free as well as the application's reserve.
        """
        if self.max_connections is not None:
            return self.max_connections
        spare = descriptor_limit() - self.accept_backlog() - self.reserve_descriptors - 16
        return max(8, spare)


def descriptor_limit() -> int:
    """The soft RLIMIT_NOFILE of this process (65536 where it is unlimited or unknown)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return 65536
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    return 65536 if soft == resource.RLIM_INFINITY or soft <= 0 else int(soft)


def _raw_response(status: int, reason: str, message: str, extra: str = "") -> bytes:
    body = json.dumps({"error": message}, separators=(",", ":")).encode("utf-8")
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n{extra}\r\n"
    )
    return head.encode("ascii") + body


class _Guard:
    """What every connection of one server shares: the cap, the connections waiting for a
    request head (longest-waiting first) and the counts of what the guards did."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self.limit = settings.connection_limit()
        self.waiting: OrderedDict[GuardedHttpToolsProtocol, None] = OrderedDict()
        self.counts: dict[str, int] = {}
        self.reported = time.monotonic()
        self.lingering = 0  # refused connections still open (see `_refuse`)

    def count(self, event: str) -> None:
        if not self.counts:  # the first event since the last line: its line is due in 10 s
            asyncio.get_running_loop().call_later(_REPORT_EVERY, self.flush)
        self.counts[event] = self.counts.get(event, 0) + 1
        now = time.monotonic()
        if now - self.reported >= _REPORT_EVERY:
            self.report(now)

    def flush(self) -> None:
        self.report(time.monotonic())

    def report(self, now: float) -> None:
        if self.counts:
            summary = ", ".join(f"{n} {event}" for event, n in sorted(self.counts.items()))
            log.warning(
                "connection guard in the last %.0f s (limit %d connections): %s",
                now - self.reported,
                self.limit,
                summary,
            )
        self.counts = {}
        self.reported = now

    def reclaim(self) -> bool:
        """Close the connection that has waited longest for a request head; False if none."""
        while self.waiting:
            oldest, _ = self.waiting.popitem(last=False)
            if oldest.close_while_waiting("reclaimed idle connection"):
                return True
        return False


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the head and body deadlines, the head size limit and
    the connection cap of `ServerSettings` (one subclass per server: `protocol_class`)."""

    guard: ClassVar[_Guard]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._refused = False  # answered 503 in connection_made: uvicorn never saw it
        self._rejected = False  # answered by a guard: the rest of the input is ignored
        self._deadline: asyncio.TimerHandle | None = None
        self._head_started = False
        self._head_bytes = 0

    # -- the connection cap -------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        guard = self.guard
        if len(self.connections) >= guard.limit and not guard.reclaim():
            self._refuse(transport)
            return
        super().connection_made(transport)
        self._wait_for_head()

    def _refuse(self, transport: asyncio.Transport) -> None:
        """503 and close. The close waits (up to `_LINGER` s, for at most `accept_backlog()`
        connections at once) until the client has sent its request: closing a socket with
        unread input sends a reset, and the client would lose the 503."""
        guard = self.guard
        self._refused = True
        guard.count("refused at the connection limit")
        transport.write(
            _raw_response(
                503,
                "Service Unavailable",
                "the server is at its connection limit; retry shortly",
                "retry-after: 1\r\n",
            )
        )
        if guard.lingering >= guard.settings.accept_backlog() or not transport.can_write_eof():
            transport.close()
            return
        transport.write_eof()
        guard.lingering += 1
        self.transport = transport
        self._deadline = self.loop.call_later(_LINGER, transport.close)

    def eof_received(self) -> None:
        if self._refused:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._refused:
            if self._deadline is not None:
                self._cancel_deadline()
                self.guard.lingering -= 1
            return
        self.guard.waiting.pop(self, None)
        self._cancel_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._rejected or self._refused:
            return
        super().data_received(data)

    def send_400_response(self, msg: str) -> None:
        """The parser refused the input (framing, syntax): 400 JSON, and the connection closed."""
        self._rejected = True
        self.guard.waiting.pop(self, None)
        self._cancel_deadline()
        self.guard.count("malformed requests")
        if not self.transport.is_closing():
            self.transport.write(_raw_response(400, "Bad Request", "invalid HTTP request"))
            self.transport.close()

    # -- waiting for a request head -----------------------------------------------------------

    def _wait_for_head(self) -> None:
        self._head_started = False
        self._head_bytes = 0
        self.guard.waiting[self] = None
        self._arm(self.guard.settings.header_timeout, self._head_too_slow)

    def close_while_waiting(self, event: str) -> bool:
        """End a connection waiting for a request head: 408 if a head had started, else close."""
        self.guard.waiting.pop(self, None)
        self._cancel_deadline()
        if self.transport is None or self.transport.is_closing():
            return False
        self.guard.count(event)
        idle = self.cycle is None or self.cycle.response_complete
        if self._head_started and idle:
            self.transport.write(
                _raw_response(408, "Request Timeout", "the request head was not received in time")
            )
        self._rejected = True
        self.transport.close()
        return True

    def _head_too_slow(self) -> None:
        self._deadline = None
        self.close_while_waiting("request heads timed out")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_started = True
        self._head_bytes = 0  # per request head (pipelined ones included)

    def _count_head(self, size: int) -> bool:
        self._head_bytes += size
        if self._head_bytes <= self.guard.settings.max_head_bytes:
            return True
        if not self._rejected:
            self._rejected = True
            self.guard.waiting.pop(self, None)
            self._cancel_deadline()
            self.guard.count("request heads over the size limit")
            if self.cycle is None or self.cycle.response_complete:
                self.transport.write(
                    _raw_response(
                        431,
                        "Request Header Fields Too Large",
                        f"the request head exceeds {self.guard.settings.max_head_bytes} bytes",
                    )
                )
            self.transport.close()
        return False

    def on_url(self, url: bytes) -> None:
        if self._count_head(len(url)):
            super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        if self._count_head(len(name) + len(value) + 4):
            super().on_header(name, value)

    def on_headers_complete(self) -> None:
        if self._rejected:
            return
        self.guard.waiting.pop(self, None)
        self._cancel_deadline()
        if self.parser.get_http_version() == "1.1" and not any(
            name == b"host" for name, _ in self.headers
        ):
            self.send_400_response("no Host")  # RFC 9112 3.2 (httptools lets it through)
            return
        super().on_headers_complete()
        if self._has_body():
            self._arm(self.guard.settings.body_timeout, self._body_too_slow)

    def _has_body(self) -> bool:
        for name, value in self.headers or ():
            if name == b"transfer-encoding":
                return True
            if name == b"content-length" and value.strip() not in (b"", b"0"):
                return True
        return False

    # -- the request body ---------------------------------------------------------------------

    def on_body(self, body: bytes) -> None:
        if not self._rejected:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if self._rejected:
            return
        self._cancel_deadline()
        super().on_message_complete()

    def _body_too_slow(self) -> None:
        self._deadline = None
        cycle = self.cycle
        if cycle is None or cycle.response_complete or not cycle.more_body:
            return
        self.guard.count("request bodies timed out")
        self._end_request(
            408,
            "Request Timeout",
            f"the request body was not received within {self.guard.settings.body_timeout:g} s",
        )

    def _end_request(self, status: int, reason: str, message: str) -> None:
        """Answer a request whose body is still arriving and close; its handler sees the
        client gone (`http.disconnect`) and whatever it sends is dropped."""
        cycle = self.cycle
        self._rejected = True
        if not cycle.response_started and not self.transport.is_closing():
            self.transport.write(_raw_response(status, reason, message))
        cycle.disconnected = True
        cycle.message_event.set()
        self.transport.close()

    def on_response_complete(self) -> None:
        pipelined = bool(self.pipeline)
        super().on_response_complete()
        if not pipelined and not self.transport.is_closing() and not self._rejected:
            self._wait_for_head()

    def shutdown(self) -> None:
        cycle = self.cycle
        receiving = cycle is not None and not cycle.response_complete and cycle.more_body
        if receiving and not cycle.response_started:
            self._cancel_deadline()
            self.guard.count("uploads ended by shutdown")
            self._end_request(503, "Service Unavailable", "the server is shutting down")
            return
        self.guard.waiting.pop(self, None)
        super().shutdown()

    # -- timers -------------------------------------------------------------------------------

    def _arm(self, seconds: float, callback: Any) -> None:
        self._cancel_deadline()
        self._deadline = self.loop.call_later(seconds, callback)

    def _cancel_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None


def protocol_class(settings: ServerSettings) -> type[GuardedHttpToolsProtocol]:
    """A protocol class for one server: its connections share one guard."""

    class Protocol(GuardedHttpToolsProtocol):
        guard = _Guard(settings)

    return Protocol


class _OneLineLogs(logging.Filter):
    """uvicorn's "Invalid HTTP request received." (one per refused request): counted into the
    guard's summary line instead of one WARNING each."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != "Invalid HTTP request received."


_ONE_LINE_LOGS = _OneLineLogs()


def uvicorn_config(app: Any, settings: ServerSettings, **options: Any) -> uvicorn.Config:
    """The uvicorn configuration applying `settings` (`options` are passed on to uvicorn)."""
    options.setdefault("log_level", settings.log_level)
    options.setdefault("access_log", settings.access_log)
    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        http=protocol_class(settings),
        ws="none",
        lifespan="on",
        proxy_headers=False,
        backlog=settings.accept_backlog(),
        timeout_keep_alive=settings.keep_alive_timeout,
        timeout_graceful_shutdown=settings.graceful_shutdown_timeout,
        **options,
    )


def server(app: Any, settings: ServerSettings, **options: Any) -> uvicorn.Server:
    """A uvicorn server applying `settings`; run it with `await serve_async(...)` or its
    `serve()` inside a loop where `install_loop_guard()` was called."""
    logging.getLogger("uvicorn.error").addFilter(_ONE_LINE_LOGS)  # once: filters are a set
    return uvicorn.Server(uvicorn_config(app, settings, **options))


def install_loop_guard(loop: asyncio.AbstractEventLoop | None = None) -> None:
    """Log the accept loop's "out of descriptors" errors in one line per 10 s (asyncio logs a
    traceback for each and retries every second); anything else goes to the usual handler."""
    loop = loop or asyncio.get_running_loop()
    previous = loop.get_exception_handler()
    last = [0.0, 0]

    def handle(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if isinstance(exc, OSError) and exc.errno in _OUT_OF_DESCRIPTORS:
            last[1] += 1
            now = time.monotonic()
            if now - last[0] >= _REPORT_EVERY:
                log.warning(
                    "out of descriptors (%s) %d time(s): new connections wait in the backlog",
                    errno.errorcode.get(exc.errno or 0, exc.errno),
                    last[1],
                )
                last[0], last[1] = now, 0
            return
        if previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    loop.set_exception_handler(handle)


async def serve_async(app: Any, settings: ServerSettings, **options: Any) -> None:
    install_loop_guard()
    await server(app, settings, **options).serve()


def serve(app: Any, settings: ServerSettings | None = None, **options: Any) -> None:
    """Serve `app` until SIGINT or SIGTERM (see the module docstring for what is applied)."""
    asyncio.run(serve_async(app, settings or ServerSettings(), **options))
