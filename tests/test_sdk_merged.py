"""Where issue 20's two halves meet: streams, pages and uploads with required keywords, auth,
retries, idempotency keys, lenient validation and request ids (docs/sdk.md, "Streams and pages
with the rest").

The SDK is generated from tests/fixtures/sdk-merged.yaml; the server is a Starlette app on a free
loopback port (tests/merged_support) that checks each operation's credential and records every
request. Counts and recorded headers are asserted, never times (the client's sleep is replaced).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from merged_support import API_KEY, BEARER, CLIENT, MergedServer, merged_sdk


@pytest.fixture(scope="module")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return merged_sdk(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="module")
def server() -> Iterator[MergedServer]:
    s = MergedServer()
    yield s
    s.close()


@pytest.fixture
def state(server: MergedServer) -> Any:
    server.state.reset()
    return server.state


def _retry(sdk: ModuleType, waits: list[float]) -> Any:
    async def asleep(seconds: float) -> None:
        waits.append(seconds)

    return sdk.client.RetryConfig(sleep=waits.append, async_sleep=asleep)


def make_client(
    sdk: ModuleType, server: MergedServer, waits: list[float] | None = None, **kw: Any
) -> Any:
    return sdk.client.Client(
        server.url,
        token=BEARER,
        api_key=API_KEY,
        credentials={"oauth": CLIENT},  # client credentials for it, the bearer for the rest
        retry=_retry(sdk, waits if waits is not None else []),
        **kw,
    )


def make_async_client(sdk: ModuleType, server: MergedServer, **kw: Any) -> Any:
    return sdk.client.AsyncClient(
        server.url,
        token=BEARER,
        api_key=API_KEY,
        credentials={"oauth": CLIENT},  # client credentials for it, the bearer for the rest
        retry=_retry(sdk, []),
        **kw,
    )


# -- the stream flag with required keywords ---------------------------------------------------------


def test_the_stream_flag_works_on_the_keyword_and_the_whole_body_forms(
    sdk: ModuleType, server: MergedServer, state: Any
) -> None:
    Stream, models = sdk.client.Stream, sdk.models
    with make_client(sdk, server) as c:
        streamed = c.chat.create_completion(model="m", messages=["hi"], stream=True)
        assert isinstance(streamed, Stream)
        assert [e.delta for e in streamed] == ["Hel", "lo"]
        whole = c.chat.create_completion(model="m", messages=["hi"])
        assert isinstance(whole, models.Completion) and whole.content == "Hello"
        body = models.CreateChatCompletionRequest(model="m", messages=["hi"])
        from_body = c.chat.create_completion_from_body(body=body, stream=True)
        assert [e.delta for e in from_body] == ["Hel", "lo"]
        # A flag inside the whole body: the response's Content-Type decides (typed as either).
        inside = c.chat.create_completion_from_body(
            body={"model": "m", "messages": [], "stream": True}
        )
        assert isinstance(inside, Stream)
        inside.close()
        plain = c.chat.create_completion_from_body(body=body, stream=False)
        assert isinstance(plain, models.Completion)
        with pytest.raises(sdk.client.errors.RequestBuildError, match="model"):
            c.chat.create_completion(
                model=sdk.client._transport.NOT_GIVEN, messages=[], stream=True
            )
    bodies = [r.body for r in state.seen("/chat/completions")]
    # Both forms sent the same body; the missing field raised before anything was sent.
    assert bodies[0] == bodies[2] == {"model": "m", "messages": ["hi"], "stream": True}
    assert bodies[1] == {"model": "m", "messages": ["hi"]}
    assert len(bodies) == 5


def test_async_stream_flag_on_both_forms(sdk: ModuleType, server: MergedServer, state: Any) -> None:
    async def run() -> list[str]:
        async with make_async_client(sdk, server) as c:
            stream = await c.chat.create_completion(model="m", messages=[], stream=True)
            got = [e.delta async for e in stream]
            again = await c.chat.create_completion_from_body(
                body={"model": "m", "messages": []}, stream=True
            )
            got += [e.delta async for e in again]
            return got

    assert asyncio.run(run()) == ["Hel", "lo", "Hel", "lo"]


# -- retries of streamed calls, idempotency keys, request ids -----------------------------------


def test_a_streamed_post_is_retried_before_its_first_byte_with_one_idempotency_key(
    sdk: ModuleType, server: MergedServer, state: Any
) -> None:
    state.fail_first["/chat/completions"] = 1
    waits: list[float] = []
    with make_client(sdk, server, waits) as c:
        stream = c.chat.create_completion(model="m", messages=[], stream=True)
        assert [e.delta for e in stream] == ["Hel", "lo"]
    first, second = state.seen("/chat/completions")
    key = first.headers["idempotency-key"]
    assert len(key) == 36 and second.headers["idempotency-key"] == key
    assert "x-retry-count" not in first.headers and second.headers["x-retry-count"] == "1"
    assert first.headers["authorization"] == second.headers["authorization"] == f"Bearer {BEARER}"
    assert waits == [0.0]  # the 503's Retry-After: 0
    assert stream.request_id == "r-2"


def test_a_stream_that_breaks_after_its_first_event_is_not_retried(
    sdk: ModuleType, server: MergedServer, state: Any
) -> None:
    state.break_stream = True
    errors = sdk.client.errors
    with make_client(sdk, server) as c:
        stream = c.chat.create_completion(model="m", messages=[], stream=True)
        assert next(stream).delta == "Hel"
        with pytest.raises(errors.APIConnectionError, match="the stream broke after line 2"):
            next(stream)
    assert len(state.seen("/chat/completions")) == 1  # handed out: never sent again


def test_request_ids_on_streams_pagers_pages_and_streamed_responses(
    sdk: ModuleType, server: MergedServer, state: Any
) -> None:
    with make_client(sdk, server) as c:
        stream = c.chat.create_completion(model="m", messages=[], stream=True)
        stream.close()
        assert stream.request_id == "r-1"
        pager = c.items.list("p1", status="open")
        assert pager.request_id == "r-2" and pager.first_page._request_id == "r-2"
        pages = list(pager.pages())
        assert [p._request_id for p in pages] == ["r-2", "r-3", "r-4"]
        with c.chat.with_streaming_response.create_completion(model="m", messages=[]) as response:
            assert response.request_id == "r-5"
            assert response.parse()._request_id == "r-5"


# -- auth on streamed and paged calls -----------------------------------------------------------


def test_oauth_on_a_streamed_call_renews_its_token_once_after_a_401(
    sdk: ModuleType, server: MergedServer, state: Any
) -> None:
    with make_client(sdk, server) as c:
        assert [t.n for t in c.events.stream(topic="a")] == [1, 2]
        assert state.tokens == 1
        state.revoked.add("tok-1")
        assert [t.n for t in c.events.stream(topic="b")] == [1, 2]
    assert state.tokens == 2
    sent = [r.headers["authorization"] for r in state.seen("/events")]
    assert sent == ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]


def test_a_paged_walk_sends_its_credential_on_every_page_and_only_to_its_host(
    sdk: ModuleType, server: MergedServer, state: Any
) -> None:
    with make_client(sdk, server) as c:
        assert [i.id for i in c.items.list("p1", status="open", limit=2)] == [1, 2, 3, 4, 5]
    walked = state.seen("/projects/p1/items")
    assert len(walked) == 3
    for r in walked:  # the key once per page, though the server's next URL repeats it
        assert [v for k, v in r.query if k == "api_key"] == [API_KEY]
        assert dict(r.query)["status"] == "open"
    # A next URL on another host: refused before anything is sent there.
    other = MergedServer()
    try:
        state.reset()
        state.next_host = other.origin
        with make_client(sdk, server) as c:
            pager = c.items.list("p1", status="open")
            with pytest.raises(sdk.client._pagination.PaginationError, match="another host"):
                list(pager)
        assert len(state.seen("/projects/p1/items")) == 1
        assert other.state.requests == []
    finally:
        other.close()


def test_a_paged_post_with_a_required_body_field_walks_on_both_forms(
    sdk: ModuleType, server: MergedServer, state: Any
) -> None:
    with make_client(sdk, server) as c:
        assert [i.name for i in c.search.items(query="x")] == ["a", "b", "c"]
        assert [i.name for i in c.search.items_from_body(body={"query": "x"})] == ["a", "b", "c"]
        with pytest.raises(sdk.client.errors.RequestBuildError, match="query"):
            c.search.items(query=sdk.client._transport.NOT_GIVEN)
    seen = state.seen("/search")
    assert [r.body for r in seen] == [{"query": "x"}] * 4
    assert [dict(r.query).get("token") for r in seen] == [None, "t2", None, "t2"]
    assert all(r.headers["authorization"] == f"Bearer {BEARER}" for r in seen)


def test_a_paged_walk_is_retried_page_by_page(
    sdk: ModuleType, server: MergedServer, state: Any
) -> None:
    waits: list[float] = []
    with make_client(sdk, server, waits) as c:
        pager = c.items.list("p1", status="open")
        state.fail_first["/items"] = 1  # the second page's first attempt
        assert len(list(pager)) == 5
    counts = [r.headers.get("x-retry-count") for r in state.seen("/projects/p1/items")]
    assert counts == [None, None, "1", None]
    assert waits == [0.0]


def test_async_paged_walk_with_required_keywords(
    sdk: ModuleType, server: MergedServer, state: Any
) -> None:
    async def run() -> list[int]:
        async with make_async_client(sdk, server) as c:
            pager = await c.items.list("p2", status="closed")
            return [i.id async for i in pager]

    assert asyncio.run(run()) == [1, 2, 3, 4, 5]
    assert all(dict(r.query)["api_key"] == API_KEY for r in state.seen("/projects/p2/items"))


# -- lenient mode for pages and streamed events ----------------------------------------------------


def test_lenient_pages_build_items_without_validation_and_keep_their_errors(
    sdk: ModuleType, server: MergedServer, state: Any
) -> None:
    state.invalid = True
    client_module = sdk.client
    with make_client(sdk, server) as c:
        with pytest.raises(client_module.errors.InvalidResponseError):
            list(c.items.list("p1", status="open"))
        pager = c.with_options(response_validation="lenient").items.list("p1", status="open")
        items = list(pager)
    assert [i.id for i in items] == [1, 2, 3, "four", 5]
    assert all(isinstance(i, sdk.models.Item) for i in items)
    assert client_module.validation_errors(items[3]) != []
    assert client_module.validation_errors(items[0]) == []
    fields = {e["loc"][-1] for e in pager.validation_errors}
    assert {"id", "name"} <= fields


def test_lenient_streams_build_events_without_validation_and_keep_their_lines(
    sdk: ModuleType, server: MergedServer, state: Any
) -> None:
    state.invalid = True
    errors = sdk.client.errors
    with make_client(sdk, server) as c:
        with pytest.raises(errors.StreamParseError) as strict:
            list(c.events.stream(topic="x"))
        assert strict.value.line == 3
        stream = c.with_options(response_validation="lenient").events.stream(topic="x")
        ticks = list(stream)
    assert [t.n for t in ticks] == [1, "many"]
    assert sdk.client.validation_errors(ticks[1])[0]["loc"] == ("n",)
    assert [e["line"] for e in stream.validation_errors] == [3]


# -- uploads with required file parts ---------------------------------------------------------


def test_a_required_file_part_is_uploaded_with_its_credential(
    sdk: ModuleType, server: MergedServer, state: Any, tmp_path: Path
) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.7 " * 1000)
    with make_client(sdk, server) as c:
        stored = c.documents.upload(file=path, title="Q3")
        assert (stored.bytes, stored.filename) == (9000, "report.pdf")
        with pytest.raises(TypeError, match="'file' part"):
            c.documents.upload(file=str(path), title="Q3")
        with pytest.raises(sdk.client.errors.RequestBuildError, match="file"):
            c.documents.upload(file=sdk.client._transport.NOT_GIVEN, title="Q3")
    (sent,) = state.seen("/documents")  # the refused calls sent nothing
    assert sent.headers["x-api-key"] == API_KEY
    assert sent.body["title"]["data"] == b"Q3"
