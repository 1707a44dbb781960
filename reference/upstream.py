"""The reference server's only door to OpenAI: the generated Realtime client, behind a Protocol.

`mint_client_secret` uses a standard API key; `create_call` posts the raw SDP offer with the
ephemeral `ek_` secret just minted (raw SDP is reserved for ephemeral keys). Failures become
`UpstreamError` (OpenAI answered with an error: status, content type and body verbatim),
`UpstreamInvalid` (OpenAI answered, but not with something usable: over the body cap, a success
body that is not what the contract says, an SDP answer that is not SDP) or `UpstreamUnavailable`
(no answer: connection, the deadline).

Every call has one total deadline (`timeout`: connecting, waiting in the pool, sending and every
read together; httpx's own timeouts are per read, so an upstream dribbling a byte at a time
would hold a call forever) and every answer a body cap (`reference.net.CappedTransport`). The
readiness check has a pool of its own (one connection), so a hung upstream can never make
readiness probes hold the connections mints need.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import httpx
from openai_realtime_api.client import AsyncClient
from openai_realtime_api.client.errors import ApiError, SdkError

from reference.net import UpstreamBodyTooLarge, capped_client
from reference.sdp import answer_problem

T = TypeVar("T")


@dataclass(frozen=True)
class MintedSecret:
    value: str
    expires_at: int
    session_id: str


@dataclass(frozen=True)
class CallAnswer:
    sdp: str
    location: str | None


class UpstreamError(Exception):
    def __init__(self, status: int, content_type: str, body: bytes) -> None:
        super().__init__(f"upstream answered {status}")
        self.status = status
        self.content_type = content_type
        self.body = body


class UpstreamUnavailable(Exception):
    pass


class UpstreamInvalid(UpstreamUnavailable):
    """OpenAI answered with something that cannot be used or passed on."""


class Upstream(Protocol):
    async def mint_client_secret(self, api_key: str, request: dict[str, Any]) -> MintedSecret: ...

    async def create_call(self, ephemeral_key: str, sdp: str) -> CallAnswer: ...

    async def hangup(self, api_key: str, call_id: str) -> None: ...

    async def reachable(self) -> bool: ...

    async def aclose(self) -> None: ...


class OpenAIUpstream:
    def __init__(
        self,
        base_url: str,
        timeout: float,
        *,
        max_body_bytes: int = 256 * 1024,
        max_connections: int = 32,
        sdp_max_bytes: int = 64 * 1024,
    ) -> None:
        self.base_url = base_url
        self.timeout = timeout
        self.sdp_max_bytes = sdp_max_bytes
        self.http = capped_client(timeout, max_body_bytes, max_connections)
        self.probe = capped_client(timeout, max_body_bytes, 1)  # readiness only

    def _client(self, key: str) -> AsyncClient:
        return AsyncClient(
            self.base_url, token=key, timeout=self.timeout, http_client=self.http, max_retries=0
        )

    async def _within_deadline(self, call: Awaitable[T]) -> T:
        try:
            async with asyncio.timeout(self.timeout):
                return await call
        except TimeoutError:
            raise UpstreamUnavailable(f"no complete answer within {self.timeout:g} s") from None

    @staticmethod
    def _failure(exc: SdkError) -> UpstreamUnavailable:
        if isinstance(exc.__cause__, UpstreamBodyTooLarge):
            return UpstreamInvalid(str(exc.__cause__))
        return UpstreamUnavailable(type(exc).__name__)

    async def mint_client_secret(self, api_key: str, request: dict[str, Any]) -> MintedSecret:
        try:
            reply = await self._within_deadline(
                self._client(api_key).realtime.create_client_secret(body=request)
            )
        except ApiError as exc:
            if 200 <= exc.status_code < 300:
                raise UpstreamInvalid("malformed client secret response") from None
            raise _passed_through(exc) from None
        except SdkError as exc:
            raise self._failure(exc) from None
        session_id = str(getattr(reply.session, "id", ""))
        return MintedSecret(reply.value, reply.expires_at, session_id)

    async def create_call(self, ephemeral_key: str, sdp: str) -> CallAnswer:
        try:
            raw = await self._within_deadline(
                self._client(ephemeral_key).realtime.with_raw_response.create_call(
                    body=sdp, content_type="application/sdp"
                )
            )
        except ApiError as exc:
            raise _passed_through(exc) from None
        except SdkError as exc:
            raise self._failure(exc) from None
        if not 200 <= raw.status_code < 300:
            response = raw.http_response
            raise UpstreamError(
                response.status_code,
                response.headers.get("content-type", "application/octet-stream"),
                response.content,
            )
        media = raw.headers.get("content-type", "").split(";")[0].strip().lower()
        if media != "application/sdp":
            raise UpstreamInvalid(f"the SDP answer came as {media or 'no media type'}")
        try:
            answer = raw.parse()
        except SdkError as exc:
            raise self._failure(exc) from None
        problem = answer_problem(answer, self.sdp_max_bytes) if isinstance(answer, str) else None
        if problem is not None or not isinstance(answer, str):
            raise UpstreamInvalid(problem or "the SDP answer is not text")
        return CallAnswer(answer, raw.headers.get("location"))

    async def hangup(self, api_key: str, call_id: str) -> None:
        """End a call (its session reached maxSessionDurationSeconds) with the standard key."""
        try:
            await self._within_deadline(self._client(api_key).realtime.hangup_call(call_id))
        except ApiError as exc:
            raise _passed_through(exc) from None
        except SdkError as exc:
            raise self._failure(exc) from None

    async def reachable(self) -> bool:
        """Whether the upstream answers HTTP at all (any status: it is there), on the
        readiness pool, within the deadline."""
        try:
            async with asyncio.timeout(self.timeout):
                await self.probe.get(self.base_url.rstrip("/") + "/models")
        except (httpx.HTTPError, TimeoutError):
            return False
        return True

    async def aclose(self) -> None:
        await self.http.aclose()
        await self.probe.aclose()


def _passed_through(exc: ApiError[Any]) -> UpstreamError:
    """OpenAI's error as it came: status, content type and raw body, for verbatim pass-through."""
    return UpstreamError(
        exc.status_code, exc.content_type or "application/octet-stream", exc.response.content
    )
