"""The reference's HTTP client side: a body cap on every upstream answer.

`CappedTransport` wraps httpx's transport: an answer whose `Content-Length` is over the cap is
refused before its body is read, and any other stops being read as soon as the cap is passed
(`UpstreamBodyTooLarge`, an `httpx.ReadError`, so the generated client reports it as a failed
connection). An upstream can then never make this process buffer more than the cap per call.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx


class UpstreamBodyTooLarge(httpx.ReadError):
    """The upstream's answer is larger than the cap."""


class _CappedStream(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, limit: int, request: httpx.Request) -> None:
        self.inner = inner
        self.limit = limit
        self.request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        size = 0
        async for chunk in self.inner:
            size += len(chunk)
            if size > self.limit:
                raise UpstreamBodyTooLarge(
                    f"the upstream answer exceeds {self.limit} bytes", request=self.request
                )
            yield chunk

    async def aclose(self) -> None:
        await self.inner.aclose()


class CappedTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, max_body_bytes: int) -> None:
        self.inner = inner
        self.max_body_bytes = max_body_bytes

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        declared = response.headers.get("content-length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > self.max_body_bytes:
            await response.aclose()
            raise UpstreamBodyTooLarge(
                f"the upstream answer declares {declared} bytes (cap {self.max_body_bytes})",
                request=request,
            )
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _CappedStream(response.stream, self.max_body_bytes, request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def capped_client(timeout: float, max_body_bytes: int, max_connections: int) -> httpx.AsyncClient:
    """An httpx client whose answers are capped at `max_body_bytes` and whose pool holds at
    most `max_connections` sockets."""
    # An idle connection is dropped after 2 s: servers close idle keep-alive connections after a
    # few seconds (uvicorn 5 s), and reusing one at the moment the server closes it fails the call.
    limits = httpx.Limits(
        max_connections=max_connections,
        max_keepalive_connections=max_connections,
        keepalive_expiry=2.0,
    )
    return httpx.AsyncClient(
        timeout=timeout,
        transport=CappedTransport(httpx.AsyncHTTPTransport(limits=limits), max_body_bytes),
        limits=limits,
    )
