"""The reference server's only door to OpenAI: the generated Realtime client, behind a Protocol.

`mint_client_secret` uses a standard API key; `create_call` posts the raw SDP offer with the
ephemeral `ek_` secret just minted (raw SDP is reserved for ephemeral keys). Failures become
`UpstreamError` (OpenAI answered with an error: status, content type and body verbatim) or
`UpstreamUnavailable` (no usable answer: connection, timeout, malformed body).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import httpx
from openai_realtime_api.client import AsyncClient
from openai_realtime_api.client.errors import ApiError, SdkError


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


class Upstream(Protocol):
    async def mint_client_secret(self, api_key: str, request: dict[str, Any]) -> MintedSecret: ...

    async def create_call(self, ephemeral_key: str, sdp: str) -> CallAnswer: ...

    async def hangup(self, api_key: str, call_id: str) -> None: ...

    async def reachable(self) -> bool: ...

    async def aclose(self) -> None: ...


class OpenAIUpstream:
    def __init__(self, base_url: str, timeout: float) -> None:
        self.base_url = base_url
        self.http = httpx.AsyncClient(timeout=timeout)
        self.timeout = timeout

    def _client(self, key: str) -> AsyncClient:
        return AsyncClient(
            self.base_url, token=key, timeout=self.timeout, http_client=self.http, max_retries=0
        )

    async def mint_client_secret(self, api_key: str, request: dict[str, Any]) -> MintedSecret:
        try:
            reply = await self._client(api_key).realtime.create_client_secret(body=request)
        except ApiError as exc:
            if 200 <= exc.status_code < 300:
                raise UpstreamUnavailable("malformed client secret response") from None
            raise _passed_through(exc) from None
        except SdkError as exc:
            raise UpstreamUnavailable(type(exc).__name__) from None
        session_id = str(getattr(reply.session, "id", ""))
        return MintedSecret(reply.value, reply.expires_at, session_id)

    async def create_call(self, ephemeral_key: str, sdp: str) -> CallAnswer:
        try:
            raw = await self._client(ephemeral_key).realtime.with_raw_response.create_call(
                body=sdp, content_type="application/sdp"
            )
        except ApiError as exc:
            raise _passed_through(exc) from None
        except SdkError as exc:
            raise UpstreamUnavailable(type(exc).__name__) from None
        if not 200 <= raw.status_code < 300:
            response = raw.http_response
            raise UpstreamError(
                response.status_code,
                response.headers.get("content-type", "application/octet-stream"),
                response.content,
            )
        try:
            return CallAnswer(raw.parse(), raw.headers.get("location"))
        except SdkError as exc:
            raise UpstreamUnavailable(type(exc).__name__) from None

    async def hangup(self, api_key: str, call_id: str) -> None:
        """End a call (its session reached maxSessionDurationSeconds) with the standard key."""
        try:
            await self._client(api_key).realtime.hangup_call(call_id)
        except ApiError as exc:
            raise _passed_through(exc) from None
        except SdkError as exc:
            raise UpstreamUnavailable(type(exc).__name__) from None

    async def reachable(self) -> bool:
        """Whether the upstream answers HTTP at all (any status: it is there)."""
        try:
            await self.http.get(self.base_url.rstrip("/") + "/models", timeout=self.timeout)
        except httpx.HTTPError:
            return False
        return True

    async def aclose(self) -> None:
        await self.http.aclose()


def _passed_through(exc: ApiError[Any]) -> UpstreamError:
    """OpenAI's error as it came: status, content type and raw body, for verbatim pass-through."""
    return UpstreamError(
        exc.status_code, exc.content_type or "application/octet-stream", exc.response.content
    )
