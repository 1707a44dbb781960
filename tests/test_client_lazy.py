"""The generated client is cheap to import and to construct: httpx is imported, and the SDK's own
`httpx.Client`/`httpx.AsyncClient` created, on the first request only.

Requests are answered by an httpx mock transport: `httpx.Client`/`httpx.AsyncClient` are replaced
by subclasses that record every instance the SDK creates and send through the mock.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import serviceai_api
from serviceai_api.client import AsyncClient, Client

_HttpClient = httpx.Client  # the real classes, before the fixture replaces them
_AsyncHttpClient = httpx.AsyncClient
_BODIES = {
    "/api/chatty-voice/tools": b"[]",
    "/api/version": b'{"apiVersion": "1", "minClientVersion": "1"}',
}


def _answer(request: httpx.Request) -> httpx.Response:
    body = _BODIES.get(request.url.path, b"{}")
    return httpx.Response(200, content=body, headers={"content-type": "application/json"})


class Created:
    """Every `httpx.Client` and `httpx.AsyncClient` built while the fixture is active."""

    def __init__(self) -> None:
        self.clients: list[httpx.Client | httpx.AsyncClient] = []
        self.requests: list[httpx.Request] = []
        self.delay = 0.0  # seconds a construction takes (widens a race between threads)

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return _answer(request)


@pytest.fixture
def created(monkeypatch: pytest.MonkeyPatch) -> Iterator[Created]:
    record = Created()

    class RecordingClient(httpx.Client):
        def __init__(self, **kwargs: Any) -> None:
            time.sleep(record.delay)
            super().__init__(transport=httpx.MockTransport(record.handler), **kwargs)
            record.clients.append(self)

    class RecordingAsyncClient(httpx.AsyncClient):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(transport=httpx.MockTransport(record.handler), **kwargs)
            record.clients.append(self)

    monkeypatch.setattr(httpx, "Client", RecordingClient)
    monkeypatch.setattr(httpx, "AsyncClient", RecordingAsyncClient)
    yield record


def test_importing_and_constructing_the_client_does_not_import_httpx() -> None:
    code = (
        "import sys\n"
        "from serviceai_api.client import AsyncClient, Client, errors\n"
        "import openai_realtime_api.client\n"
        "Client('http://127.0.0.1:1', token='t', timeout=5.0).close()\n"
        "with Client('http://127.0.0.1:1'):\n"
        "    pass\n"
        "AsyncClient('http://127.0.0.1:1')\n"
        "openai_realtime_api.client.Client('http://127.0.0.1:1')\n"
        "errors.ApiError, errors.APIConnectionError\n"
        "loaded = [m for m in ('httpx', 'httpcore', 'anyio', 'ssl', 'pydantic') if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_first_request_creates_the_http_client(created: Created) -> None:
    client = Client("http://api.test/", timeout=5.0, headers={"X-Team": "voice"})
    assert created.clients == []
    assert client.timeout == httpx.Timeout(5.0)  # configuration reads need no HTTP client
    assert created.clients == []
    assert client.chatty.list_tools() == []
    client.meta.get_api_version()
    assert len(created.clients) == 1  # one, reused by later calls
    (own,) = created.clients
    assert isinstance(own, httpx.Client)
    assert own.timeout == httpx.Timeout(5.0)
    first = created.requests[0]
    assert str(first.url) == "http://api.test/api/chatty-voice/tools"
    assert first.headers["x-team"] == "voice"
    user_agent = f"serviceai-api/{serviceai_api.__version__} python-httpx/{httpx.__version__}"
    assert first.headers["user-agent"] == user_agent
    assert first.extensions["timeout"] == httpx.Timeout(5.0).as_dict()
    client.close()
    assert own.is_closed


def test_async_first_request_creates_the_http_client(created: Created) -> None:
    async def run() -> None:
        async with AsyncClient("http://api.test", timeout=httpx.Timeout(2.0, connect=1.0)) as c:
            assert created.clients == []
            assert await c.chatty.list_tools() == []
            await c.meta.get_api_version()
            assert len(created.clients) == 1
        (own,) = created.clients
        assert isinstance(own, httpx.AsyncClient) and own.is_closed
        assert own.timeout == httpx.Timeout(2.0, connect=1.0)

    asyncio.run(run())


def test_close_without_a_request_creates_nothing(created: Created) -> None:
    client = Client("http://api.test")
    client.close()
    client.close()  # twice is fine, as it was
    with Client("http://api.test"):
        pass

    async def run() -> None:
        aclient = AsyncClient("http://api.test")
        await aclient.aclose()
        async with AsyncClient("http://api.test"):
            pass
        with pytest.raises(RuntimeError, match="client has been closed"):
            await aclient.chatty.list_tools()

    asyncio.run(run())
    assert created.clients == []
    # A closed client refuses to send, as httpx's closed client did.
    with pytest.raises(RuntimeError, match="client has been closed"):
        client.chatty.list_tools()
    assert created.clients == []


def test_a_request_after_close_is_refused(created: Created) -> None:
    client = Client("http://api.test")
    client.chatty.list_tools()
    client.close()
    with pytest.raises(RuntimeError, match="client has been closed"):
        client.chatty.list_tools()
    assert len(created.clients) == 1


def test_an_injected_http_client_is_used_and_not_closed(created: Created) -> None:
    record = Created()
    http = _HttpClient(transport=httpx.MockTransport(record.handler))
    with Client("http://api.test", http_client=http) as client:
        assert client.chatty.list_tools() == []
    assert len(record.requests) == 1
    assert created.clients == []  # the SDK created none of its own
    assert not http.is_closed
    http.close()

    async def run() -> None:
        ahttp = _AsyncHttpClient(transport=httpx.MockTransport(record.handler))
        async with AsyncClient("http://api.test", http_client=ahttp) as aclient:
            assert await aclient.chatty.list_tools() == []
        assert created.clients == []
        assert not ahttp.is_closed
        await ahttp.aclose()

    asyncio.run(run())
    assert len(record.requests) == 2


def test_threads_sharing_a_client_create_one_http_client(created: Created) -> None:
    created.delay = 0.05  # every thread reaches the creation while the first is still in it
    client = Client("http://api.test")
    start = threading.Barrier(8)
    results: list[object] = []

    def call() -> None:
        start.wait()
        results.append(client.chatty.list_tools())

    threads = [threading.Thread(target=call) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [[]] * 8
    assert len(created.clients) == 1
    client.close()
    assert created.clients[0].is_closed
