"""Streamed responses (part of the SDK runtime): typed event streams and raw byte streaming.

- `Stream[T]` / `AsyncStream[T]`: what an operation answering `text/event-stream`,
  JSON Lines (`application/jsonl`, `application/x-ndjson`) or JSON text sequences
  (`application/json-seq`) returns. Iterate it (`for event in stream`, `async for`), each item
  parsed into its documented type as it arrives; `close()` (or leaving a `with` block) closes
  the connection early. An SSE `data: [DONE]` ends the stream. The reconnection fields are kept:
  `last_event_id` and `retry` (milliseconds), and `event` is the last `ServerSentEvent` read.
  A malformed event raises `StreamParseError` naming its line, never skipped. With a lenient
  client (`response_validation="lenient"`) an event that is valid JSON but does not match its
  schema is built without validation instead, its errors on it (`validation_errors(event)`)
  and, with their lines, in `stream.validation_errors`; one that is not JSON still raises.
  `request_id` is the server's id of the request (`x-request-id` or a vendor's header).
  Retries happen only before a stream is handed out: a connection that breaks after that
  raises `APIConnectionError` (`APITimeoutError`) from the iteration, naming the last line read.
- `StreamedResponse` / `AsyncStreamedResponse`: what `with_streaming_response` gives inside its
  `with` block: the status and headers at once, the body read only as asked (`iter_bytes()`,
  `iter_lines()`, ...), so a large download never sits in memory; `.parse()` reads it and gives
  what the normal call gives.

Lines are split on CR, LF and CRLF only (as the SSE standard says), so a U+2028 inside a JSON
string never splits an event.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Generator, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from . import _errors, _lenient

if TYPE_CHECKING:
    import httpx
    from pydantic import TypeAdapter

    from ._transport import MediaSpec, OperationSpec

T = TypeVar("T")
_EOL = re.compile(rb"\r\n|\r|\n")
DONE = "[DONE]"  # the sentinel that ends an SSE stream (OpenAI's convention)


class StreamParseError(_errors.SdkError):
    """An event of a stream that does not parse: `line` is its 1-based line in the stream."""

    def __init__(self, operation: str, line: int, text: str, reason: str) -> None:
        self.operation = operation
        self.line = line
        self.text = text
        self.reason = reason
        shown = text if len(text) <= 200 else text[:200] + "..."
        super().__init__(f"{operation}: stream line {line}: {reason}: {shown!r}")


@dataclass(frozen=True)
class ServerSentEvent:
    """One Server-Sent Event as received: `line` is where its first field stands."""

    data: str
    event: str | None = None
    id: str | None = None
    retry: int | None = None
    line: int = 0


class StreamSpec:
    """How a stream media type's events are read and what each parses into."""

    def __init__(self, format: str, decode: str, envelope: bool, type_: Any) -> None:
        self.format = format  # "sse", "jsonl" or "json-seq"
        self.decode = decode  # "json" or "text": an SSE event's data
        self.envelope = envelope  # the type describes the whole SSE event
        self.type = type_
        self._adapter: TypeAdapter[Any] | None = None

    def validate(self, value: Any) -> Any:
        if self.type is Any:
            return value
        if self._adapter is None:
            from pydantic import TypeAdapter

            self._adapter = TypeAdapter(self.type)
        return self._adapter.validate_python(value)


class _Lines:
    """Bytes in, lines out (CR, LF or CRLF), each with its 1-based number; a CR at the end of a
    chunk waits for the next chunk in case an LF follows."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._skip_lf = False
        self.number = 0

    def feed(self, chunk: bytes) -> list[tuple[int, bytes]]:
        if self._skip_lf and chunk[:1] == b"\n":
            chunk = chunk[1:]
        self._skip_lf = False
        buffer = self._buffer
        buffer += chunk
        lines: list[tuple[int, bytes]] = []
        start = 0
        while True:
            found = _EOL.search(buffer, start)
            if found is None:
                break
            self.number += 1
            lines.append((self.number, bytes(buffer[start : found.start()])))
            start = found.end()
            if found.group() == b"\r" and start == len(buffer):
                self._skip_lf = True
        del buffer[:start]
        return lines

    def flush(self) -> list[tuple[int, bytes]]:
        if not self._buffer:
            return []
        self.number += 1
        rest = bytes(self._buffer)
        self._buffer.clear()
        return [(self.number, rest)]


class _Decoder:
    """Lines in, items out, for one stream format; state shared by the sync and async streams."""

    def __init__(self, spec: StreamSpec, operation: str, lenient: bool = False) -> None:
        self.spec = spec
        self.operation = operation
        self.lenient = lenient
        self.validation_errors: list[dict[str, Any]] = []  # lenient: each with its "line"
        self.done = False
        self.last_event_id: str | None = None
        self.retry: int | None = None
        self.event: ServerSentEvent | None = None
        # SSE: the event being read
        self._data: list[str] = []
        self._type: str | None = None
        self._id: str | None = None
        self._retry: int | None = None
        self._first = 0
        # JSON text sequences: the record being read
        self._record: list[str] = []
        self._record_line = 0

    def _text(self, number: int, raw: bytes) -> str:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise StreamParseError(
                self.operation, number, raw.decode("utf-8", "replace"), f"not UTF-8 ({exc.reason})"
            ) from None
        if number == 1 and text.startswith("\ufeff"):
            text = text[1:]
        return text

    def line(self, number: int, raw: bytes) -> list[Any]:
        text = self._text(number, raw)
        if self.spec.format == "sse":
            return self._sse(number, text)
        if self.spec.format == "json-seq":
            if text.startswith("\x1e"):
                items = self._end_record()
                self._record, self._record_line = [text.lstrip("\x1e")], number
                return items
            if self._record:
                self._record.append(text)
            elif text.strip():
                raise StreamParseError(
                    self.operation, number, text, "a JSON text sequence record must start with RS"
                )
            return []
        if not text.strip():
            return []
        return [self._parse(number, text, text)]

    def end(self) -> list[Any]:
        if self.spec.format == "sse":
            return self._dispatch() if self._data and not self.done else []
        if self.spec.format == "json-seq":
            return self._end_record()
        return []

    def _end_record(self) -> list[Any]:
        if not self._record:
            return []
        text = "\n".join(self._record)
        self._record = []
        if not text.strip():
            return []
        return [self._parse(self._record_line, text, text)]

    def _parse(
        self, number: int, text: str, source: str, envelope: dict[str, Any] | None = None
    ) -> Any:
        from pydantic import ValidationError

        if self.spec.decode == "json" or self.spec.format != "sse":
            try:
                value: Any = json.loads(text)
            except ValueError as exc:
                raise StreamParseError(
                    self.operation, number, source, f"not valid JSON ({exc})"
                ) from None
        else:
            value = text
        if envelope is not None:
            value = {**envelope, "data": value}
        try:
            return self.spec.validate(value)
        except ValidationError as exc:
            from ._transport import _field_errors

            if self.lenient:  # built as documented without validation, the errors kept
                errors: list[dict[str, Any]] = [dict(e) for e in exc.errors(include_url=False)]
                built = _lenient.build(self.spec.type, value)
                _lenient.attach(built, errors)
                self.validation_errors.extend({**e, "line": number} for e in errors)
                return built
            raise StreamParseError(
                self.operation,
                number,
                source,
                f"does not match the event's schema: {_field_errors(exc)}",
            ) from None

    def _sse(self, number: int, text: str) -> list[Any]:
        if not text:
            return self._dispatch()
        if text.startswith(":"):
            return []  # a comment (keep-alive)
        name, _, value = text.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if not self._first:
            self._first = number
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._type = value
        elif name == "id" and "\0" not in value:
            self._id = value
        elif name == "retry" and value.isdigit():
            self._retry = int(value)
        return []

    def _dispatch(self) -> list[Any]:
        first, data = self._first, self._data
        event = ServerSentEvent("\n".join(data), self._type, self._id, self._retry, first)
        if self._id is not None:
            self.last_event_id = self._id
        if self._retry is not None:
            self.retry = self._retry
        self._data, self._type, self._retry, self._first = [], None, None, 0
        self._id = None
        if not data:
            return []  # an event without data is not dispatched (only its id and retry count)
        self.event = event
        if event.data.strip() == DONE:
            self.done = True
            return []
        source = f"data: {event.data}" if "\n" not in event.data else event.data
        envelope = None
        if self.spec.envelope:
            envelope = {
                k: v
                for k, v in (("event", event.event), ("id", event.id), ("retry", event.retry))
                if v is not None
            }
        return [self._parse(first, event.data, source, envelope)]


class Stream(Generic[T]):
    """The events of a streamed response, each parsed into `T` as it arrives (a context manager).

    `for item in stream` reads until the stream ends (or `data: [DONE]`); `close()` stops early
    and closes the connection. `last_event_id` and `retry` keep the SSE reconnection fields;
    `event` is the last `ServerSentEvent` read (SSE only); `response` is the `httpx.Response`.
    """

    def __init__(
        self, response: httpx.Response, spec: StreamSpec, operation: str, lenient: bool = False
    ) -> None:
        self.response = response
        self._decoder = _Decoder(spec, operation, lenient)
        self._iterator = self._items()

    @property
    def request_id(self) -> str | None:
        """The server's id of the request (`x-request-id` or a vendor's header), if sent."""
        return _errors.request_id(self.response.headers)

    @property
    def validation_errors(self) -> list[dict[str, Any]]:
        """A lenient client's: what did not validate in the events read so far (with "line")."""
        return self._decoder.validation_errors

    @property
    def last_event_id(self) -> str | None:
        return self._decoder.last_event_id

    @property
    def retry(self) -> int | None:
        return self._decoder.retry

    @property
    def event(self) -> ServerSentEvent | None:
        return self._decoder.event

    def _items(self) -> Generator[T, None, None]:
        import httpx

        decoder = self._decoder
        lines = _Lines()
        try:
            for chunk in self.response.iter_bytes():
                for number, raw in lines.feed(chunk):
                    yield from decoder.line(number, raw)
                    if decoder.done:
                        return
            for number, raw in lines.flush():
                yield from decoder.line(number, raw)
            yield from decoder.end()
        except httpx.TransportError as exc:
            raise _broken(self.response, lines.number, exc) from exc
        finally:
            self.response.close()

    def __iter__(self) -> Iterator[T]:
        return self

    def __next__(self) -> T:
        return next(self._iterator)

    def close(self) -> None:
        """Stop reading and close the connection (the server sees the client leave)."""
        self._iterator.close()
        self.response.close()

    def __enter__(self) -> Stream[T]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncStream(Generic[T]):
    """`Stream` for the async client: `async for item in stream`, `await stream.close()`."""

    def __init__(
        self, response: httpx.Response, spec: StreamSpec, operation: str, lenient: bool = False
    ) -> None:
        self.response = response
        self._decoder = _Decoder(spec, operation, lenient)
        self._iterator = self._items()

    @property
    def request_id(self) -> str | None:
        """The server's id of the request (`x-request-id` or a vendor's header), if sent."""
        return _errors.request_id(self.response.headers)

    @property
    def validation_errors(self) -> list[dict[str, Any]]:
        """A lenient client's: what did not validate in the events read so far (with "line")."""
        return self._decoder.validation_errors

    @property
    def last_event_id(self) -> str | None:
        return self._decoder.last_event_id

    @property
    def retry(self) -> int | None:
        return self._decoder.retry

    @property
    def event(self) -> ServerSentEvent | None:
        return self._decoder.event

    async def _items(self) -> AsyncGenerator[T, None]:
        import httpx

        decoder = self._decoder
        lines = _Lines()
        try:
            async for chunk in self.response.aiter_bytes():
                for number, raw in lines.feed(chunk):
                    for item in decoder.line(number, raw):
                        yield item
                    if decoder.done:
                        return
            for number, raw in lines.flush():
                for item in decoder.line(number, raw):
                    yield item
            for item in decoder.end():
                yield item
        except httpx.TransportError as exc:
            raise _broken(self.response, lines.number, exc) from exc
        finally:
            await self.response.aclose()

    def __aiter__(self) -> AsyncIterator[T]:
        return self

    async def __anext__(self) -> T:
        return await self._iterator.__anext__()

    async def close(self) -> None:
        await self._iterator.aclose()
        await self.response.aclose()

    async def __aenter__(self) -> AsyncStream[T]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


def _broken(response: httpx.Response, line: int, exc: Exception) -> _errors.APIConnectionError:
    """The error of a stream whose connection broke after it was handed out (never retried:
    its events may have been acted on)."""
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return _errors.APITimeoutError(response.request)
    return _errors.APIConnectionError(
        response.request, f"the stream broke after line {line}: {type(exc).__name__}: {exc}"
    )


# -- from the transport -----------------------------------------------------------------------------


def stream_media(op: OperationSpec, response: httpx.Response) -> MediaSpec | None:
    """The documented stream media type a success `response` is, or None (read it whole)."""
    from ._transport import _match

    if not 200 <= response.status_code < 300:
        return None
    spec = op.find(response.status_code)
    if spec is None or not spec.returns:
        return None
    media = _match(spec.media, response.headers.get("content-type"))
    return media if media is not None and media.stream is not None else None


def parse_stream(op: OperationSpec, response: httpx.Response, lenient: bool = False) -> Any:
    """A `Stream` for a streamed success response; anything else read whole and parsed."""
    from ._transport import parse_response, with_request_id

    media = stream_media(op, response)
    if media is None or media.stream is None:
        try:
            response.read()
        finally:
            response.close()
        return with_request_id(parse_response(op, response, lenient), response)
    return Stream(response, media.stream, op.name, lenient)


async def aparse_stream(op: OperationSpec, response: httpx.Response, lenient: bool = False) -> Any:
    from ._transport import parse_response, with_request_id

    media = stream_media(op, response)
    if media is None or media.stream is None:
        try:
            await response.aread()
        finally:
            await response.aclose()
        return with_request_id(parse_response(op, response, lenient), response)
    return AsyncStream(response, media.stream, op.name, lenient)


# -- with_streaming_response ------------------------------------------------------------------------


class StreamedResponse(Generic[T]):
    """A response whose body has not been read: status and headers now, the body as asked."""

    def __init__(
        self, http_response: httpx.Response, parser: Callable[[httpx.Response], Any]
    ) -> None:
        self.http_response = http_response
        self._parser = parser

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def content_type(self) -> str | None:
        value = self.http_response.headers.get("content-type")
        return None if value is None else str(value)

    @property
    def request_id(self) -> str | None:
        """The server's id of the request (`x-request-id` or a vendor's header), if sent."""
        return _errors.request_id(self.http_response.headers)

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        return self.http_response.iter_bytes(chunk_size)

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        return self.http_response.iter_text(chunk_size)

    def iter_lines(self) -> Iterator[str]:
        return self.http_response.iter_lines()

    def read(self) -> bytes:
        return self.http_response.read()

    def parse(self) -> T:
        """The body read whole and parsed as the normal call does (it raises what that raises)."""
        self.http_response.read()
        parsed: T = self._parser(self.http_response)
        return parsed

    def close(self) -> None:
        self.http_response.close()

    def __repr__(self) -> str:
        return f"<StreamedResponse [{self.status_code}] {self.content_type or ''}>"


class AsyncStreamedResponse(Generic[T]):
    """`StreamedResponse` for the async client (`aiter_bytes()`, `await read()`, ...)."""

    def __init__(
        self, http_response: httpx.Response, parser: Callable[[httpx.Response], Any]
    ) -> None:
        self.http_response = http_response
        self._parser = parser

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def content_type(self) -> str | None:
        value = self.http_response.headers.get("content-type")
        return None if value is None else str(value)

    @property
    def request_id(self) -> str | None:
        """The server's id of the request (`x-request-id` or a vendor's header), if sent."""
        return _errors.request_id(self.http_response.headers)

    def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        return self.http_response.aiter_bytes(chunk_size)

    def aiter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        return self.http_response.aiter_text(chunk_size)

    def aiter_lines(self) -> AsyncIterator[str]:
        return self.http_response.aiter_lines()

    async def read(self) -> bytes:
        return await self.http_response.aread()

    async def parse(self) -> T:
        await self.http_response.aread()
        parsed: T = self._parser(self.http_response)
        return parsed

    async def close(self) -> None:
        await self.http_response.aclose()

    def __repr__(self) -> str:
        return f"<AsyncStreamedResponse [{self.status_code}] {self.content_type or ''}>"


class StreamedResponseManager(Generic[T]):
    """`with client.<resource>.with_streaming_response.<operation>(...) as response:` sends the
    request on entering (nothing is sent before) and closes the connection on leaving."""

    def __init__(
        self, send: Callable[[], httpx.Response], parser: Callable[[httpx.Response], Any]
    ) -> None:
        self._send = send
        self._parser = parser
        self._response: StreamedResponse[T] | None = None

    def __enter__(self) -> StreamedResponse[T]:
        self._response = StreamedResponse(self._send(), self._parser)
        return self._response

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._response is not None:
            self._response.close()


class AsyncStreamedResponseManager(Generic[T]):
    """`async with client.<resource>.with_streaming_response.<operation>(...) as response:`."""

    def __init__(self, send: Callable[[], Any], parser: Callable[[httpx.Response], Any]) -> None:
        self._send = send
        self._parser = parser
        self._response: AsyncStreamedResponse[T] | None = None

    async def __aenter__(self) -> AsyncStreamedResponse[T]:
        self._response = AsyncStreamedResponse(await self._send(), self._parser)
        return self._response

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._response is not None:
            await self._response.close()


def streamed(
    client: Any, op: OperationSpec, params: Any, **options: Any
) -> StreamedResponseManager[Any]:
    """The manager of one `with_streaming_response` call of the sync client."""

    def send() -> httpx.Response:
        response: httpx.Response = client._send(op, params, stream=True, **_send_options(options))
        return response

    return StreamedResponseManager(send, _parser(client, op))


def astreamed(
    client: Any, op: OperationSpec, params: Any, **options: Any
) -> AsyncStreamedResponseManager[Any]:
    """The manager of one `with_streaming_response` call of the async client."""

    async def send() -> httpx.Response:
        response: httpx.Response = await client._send(
            op, params, stream=True, **_send_options(options)
        )
        return response

    return AsyncStreamedResponseManager(send, _parser(client, op))


def _parser(client: Any, op: OperationSpec) -> Callable[[httpx.Response], Any]:
    """`.parse()` of a streamed response: the body as the client's normal call reads it."""
    from ._transport import parse_response, with_request_id

    lenient = client.response_validation == "lenient"
    return lambda r: with_request_id(parse_response(op, r, lenient), r)


def _send_options(options: dict[str, Any]) -> dict[str, Any]:
    return {
        "body": options.get("body"),
        "content_type": options.get("content_type"),
        "extra_headers": options.get("extra_headers"),
        "timeout": options.get("timeout"),
        "max_retries": options.get("max_retries"),
        "extra_query": options.get("extra_query"),
        "extra_body": options.get("extra_body"),
    }
