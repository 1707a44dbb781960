"""Streamed responses through the generated SDK, against a real server sending events slowly.

The SDK is generated from tests/fixtures/sdk-stream.yaml; the server is a Starlette app on a free
loopback port (tests/stream_support/app.py). Order is asserted, never time: the server sends
the first event and then waits until the test, having received it, releases the rest.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from stream_support import stream_sdk
from stream_support.app import DOWNLOAD_CHUNKS, StreamServer

WAIT = 30.0  # seconds: a bound for a wait that must end, never a measurement


@pytest.fixture(scope="module")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return stream_sdk(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="module")
def server() -> Iterator[StreamServer]:
    s = StreamServer()
    yield s
    s.close()


@pytest.fixture
def state(server: StreamServer) -> Any:
    server.state.reset()
    return server.state


def client(sdk: ModuleType, server: StreamServer) -> Any:
    return sdk.client.Client(server.url, api_key="k")


def aclient(sdk: ModuleType, server: StreamServer) -> Any:
    return sdk.client.AsyncClient(server.url, api_key="k")


# -- the first event before the stream ends; closing early closes the connection ---------------


def test_first_event_reaches_the_caller_before_the_stream_ends(
    sdk: ModuleType, server: StreamServer, state: Any
) -> None:
    with client(sdk, server) as c:
        stream = c.events.stream(topic="slow")
        assert isinstance(stream, sdk.client.Stream)
        first = next(stream)
        # The server is still holding the rest back: it sends more only once released below.
        assert state.sent == ["1"] and not state.completed.is_set()
        assert isinstance(first, sdk.models.Tick) and first.n == 1
        assert stream.last_event_id == "1" and stream.retry == 1500
        state.release.set()
        rest = [tick.n for tick in stream]
    assert rest == [2, 3]
    assert state.sent == ["1", "2", "3"] and state.completed.wait(WAIT)
    assert stream.last_event_id == "3" and stream.event is not None and stream.event.id == "3"


def test_closing_early_closes_the_connection(
    sdk: ModuleType, server: StreamServer, state: Any
) -> None:
    with client(sdk, server) as c, c.events.stream(topic="slow") as stream:
        assert next(stream).n == 1
    # Leaving the block closed the stream: the server sees the client leave mid-stream.
    assert state.disconnected.wait(WAIT)
    state.release.set()
    assert not state.completed.is_set() and state.sent == ["1"]
    with pytest.raises(StopIteration):
        next(stream)


def test_async_stream_first_event_then_close(
    sdk: ModuleType, server: StreamServer, state: Any
) -> None:
    async def run() -> list[int]:
        async with aclient(sdk, server) as c:
            stream = await c.events.stream(topic="slow")
            assert isinstance(stream, sdk.client.AsyncStream)
            got = []
            async for tick in stream:
                got.append(tick.n)
                assert state.sent == ["1"]
                break
            await stream.close()
            return got

    assert asyncio.run(run()) == [1]
    assert state.disconnected.wait(WAIT)
    assert not state.completed.is_set()


def test_async_stream_reads_every_event(sdk: ModuleType, server: StreamServer, state: Any) -> None:
    async def run() -> list[int]:
        async with aclient(sdk, server) as c:
            stream = await c.events.stream(topic="slow")
            async with stream:
                first = await stream.__anext__()
                assert state.sent == ["1"]
                state.release.set()
                return [first.n] + [t.n async for t in stream]

    assert asyncio.run(run()) == [1, 2, 3]


# -- malformed events raise, naming their line ------------------------------------------------------


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_malformed_event_raises_with_its_line(
    sdk: ModuleType, server: StreamServer, mode: str
) -> None:
    error = sdk.client.errors.StreamParseError

    def sync() -> list[int]:
        got: list[int] = []
        with client(sdk, server) as c, pytest.raises(error) as caught:
            got.extend(t.n for t in c.events.stream(topic="malformed"))
        assert got == [1]  # the good event before it was delivered
        return [caught.value.line]

    async def run() -> list[int]:
        got: list[int] = []
        async with aclient(sdk, server) as c:
            stream = await c.events.stream(topic="malformed")
            with pytest.raises(error) as caught:
                async for t in stream:
                    got.append(t.n)
        assert got == [1]
        return [caught.value.line]

    lines = sync() if mode == "sync" else asyncio.run(run())
    assert lines == [4]  # data: {"n": oops} is the stream's 4th line (after a comment)


def test_event_not_matching_its_schema_raises_with_line_and_field(
    sdk: ModuleType, server: StreamServer
) -> None:
    with client(sdk, server) as c:
        stream = c.events.stream(topic="invalid")
        assert next(stream).n == 1
        with pytest.raises(sdk.client.errors.StreamParseError) as caught:
            next(stream)
    error = caught.value
    assert error.line == 3 and "n:" in error.reason and "events.stream" in str(error)
    assert isinstance(error, sdk.client.errors.SdkError)


# -- the fields an SSE stream carries ---------------------------------------------------------------


def test_sse_fields_crlf_multiline_data_and_unicode_separators(
    sdk: ModuleType, server: StreamServer
) -> None:
    with client(sdk, server) as c:
        stream = c.events.stream(topic="fields")
        ticks = list(stream)
    assert [t.n for t in ticks] == [1, 2]
    assert ticks[1].note == "a\u2028b"  # U+2028 did not split the event
    # An event without data is not delivered, but its id is kept for reconnecting.
    assert stream.last_event_id == "e-3" and stream.retry == 2500
    assert stream.event is not None and stream.event.event is None and stream.event.id == "e-2"


def test_text_events_are_strings(sdk: ModuleType, server: StreamServer) -> None:
    with client(sdk, server) as c:
        assert list(c.events.stream_text()) == ["one", "two\nlines"]


def test_json_lines_ndjson_and_json_seq(sdk: ModuleType, server: StreamServer) -> None:
    with client(sdk, server) as c:
        logs = list(c.events.stream_logs())
        assert [(x.level, x.message) for x in logs] == [("info", "a"), ("warn", "b")]
        assert isinstance(logs[0], sdk.models.LogLine)
        records = list(c.events.stream_records())  # an array schema: each line one item
        assert [x.message for x in records] == ["r1", "r2"]
        assert [t.n for t in c.events.stream_sequence()] == [1, 2, 3]
        with pytest.raises(sdk.client.errors.StreamParseError) as caught:
            list(c.events.stream_logs(extra_query={"bad": "1"}))
        assert caught.value.line == 2 and "not valid JSON" in caught.value.reason


# -- JSON or a stream, by the `stream` flag -------------------------------------------------------


def test_stream_flag_chooses_the_stream_and_done_ends_it(
    sdk: ModuleType, server: StreamServer, state: Any
) -> None:
    messages = [{"role": "user", "content": "hi"}]
    with client(sdk, server) as c:
        completion = c.chat.create_completion(model="m", messages=messages)
        assert isinstance(completion, sdk.models.ChatCompletion) and completion.content == "Hello"
        chunks = c.chat.create_completion(model="m", messages=messages, stream=True)
        assert isinstance(chunks, sdk.client.Stream)
        # [DONE] ended the stream: the line after it (not JSON) was never parsed.
        assert [x.delta for x in chunks] == ["Hel", "lo"]
        assert all(isinstance(x, sdk.models.ChatCompletionChunk) for x in chunks)
    assert state.requests[1]["body"]["stream"] is True
    assert state.requests[1]["accept"] == "application/json, text/event-stream"

    async def run() -> list[str]:
        async with aclient(sdk, server) as ac:
            stream = await ac.chat.create_completion(model="m", messages=messages, stream=True)
            return [x.delta async for x in stream]

    assert asyncio.run(run()) == ["Hel", "lo"]


def test_error_status_of_a_streamed_operation_raises_as_usual(
    sdk: ModuleType, server: StreamServer
) -> None:
    with client(sdk, server) as c, pytest.raises(sdk.client.errors.ApiError) as caught:
        c.with_options(base_url=server.url + "/missing").events.stream()
    assert caught.value.status_code == 404


# -- with_streaming_response: a large download read as it arrives -------------------------------


def test_with_streaming_response_reads_a_download_in_chunks_and_closes(
    sdk: ModuleType, server: StreamServer, state: Any
) -> None:
    state.hold_download = True
    with client(sdk, server) as c:
        with c.files.with_streaming_response.download("f1") as response:
            assert response.status_code == 200
            assert response.headers["content-type"] == "application/octet-stream"
            first = next(response.iter_bytes())
        assert first and set(first) == {0}
        # The block ended after one chunk: the server saw the client leave before the end.
        assert state.disconnected.wait(WAIT)
        assert not state.completed.is_set() and state.chunks_sent < DOWNLOAD_CHUNKS

        state.reset()
        with c.files.with_streaming_response.download("f1") as response:
            total = sum(len(chunk) for chunk in response.iter_bytes())
        assert total == DOWNLOAD_CHUNKS * 64 * 1024 and state.completed.is_set()

        with c.chat.with_streaming_response.create_completion(model="m", messages=[]) as response:
            parsed = response.parse()  # what the call gives, read whole
        assert isinstance(parsed, sdk.models.ChatCompletion)


def test_async_with_streaming_response(sdk: ModuleType, server: StreamServer, state: Any) -> None:
    state.hold_download = True

    async def run() -> int:
        async with (
            aclient(sdk, server) as c,
            c.files.with_streaming_response.download("f1") as response,
        ):
            assert response.status_code == 200
            async for chunk in response.aiter_bytes():
                return len(chunk)
        return 0

    assert asyncio.run(run()) > 0
    assert state.disconnected.wait(WAIT)
    assert not state.completed.is_set()


def test_nothing_is_sent_before_the_streaming_block_is_entered(
    sdk: ModuleType, server: StreamServer, state: Any
) -> None:
    with client(sdk, server) as c:
        manager = c.incidents.with_streaming_response.list()
        assert state.requests == []
        with manager as response:
            assert response.status_code == 200
    assert len(state.requests) == 1


# -- the line splitter on its own: chunk boundaries ------------------------------------------------


def test_lines_split_on_cr_lf_crlf_across_chunks(sdk: ModuleType) -> None:
    from importlib import import_module

    streaming = import_module(sdk.__name__ + ".client._streaming")
    lines = streaming._Lines()
    got = []
    for chunk in (b"a\r", b"\nb\rc", b"\n", b"\xe2\x80", b"\xa8d\r", b"\r\n", b"tail"):
        got += lines.feed(chunk)
    got += lines.flush()
    assert got == [(1, b"a"), (2, b"b"), (3, b"c"), (4, "\u2028d".encode()), (5, b""), (6, b"tail")]


def test_threads_share_nothing_between_streams(sdk: ModuleType, server: StreamServer) -> None:
    results: list[list[int]] = []

    def read() -> None:
        with client(sdk, server) as c:
            results.append([t.n for t in c.events.stream()])

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT)
    assert results == [[1, 2]] * 4
