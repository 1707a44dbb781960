"""Typed usage of the ServiceAi SDK: checked by `mypy --strict` (tests/test_client_typing.py).

Every operation's return type and every documented error's `.body` type is asserted with
`assert_type`, sync, async and raw; a wrong type in the generated SDK fails the type check.
The functions are not run.
"""

from __future__ import annotations

from typing import Any, assert_type

import httpx
from serviceai_api import models as m
from serviceai_api.client import (
    AsyncClient,
    Client,
    RawResponse,
    RealtimeTokenBranch,
    RetryConfig,
    errors,
    realtime_token_branch,
    to_realtime_tool,
)


def sync_usage() -> None:
    with Client(
        "http://127.0.0.1:8000",
        token="t",
        timeout=httpx.Timeout(5.0),
        headers={"X-Team": "voice"},
        http_client=httpx.Client(),
        max_retries=0,
        retry=RetryConfig(initial_delay=0.1),
        x_client_version="1.0.0",
    ) as client:
        assert_type(client.meta.get_api_version(), m.ApiVersionResponse)
        tools = client.chatty.list_tools()
        assert_type(tools, list[m.ChattyToolDefinition])
        assert_type(to_realtime_tool(tools[0]), dict[str, Any])
        assert_type(
            client.chatty.execute_tool(body=m.ChattyExecuteRequest(function="f")),
            m.ChattyExecuteResponse,
        )
        assert_type(client.chatty.execute_tool(body={"name": "f"}), m.ChattyExecuteResponse)
        assert_type(client.chatty.get_ai_context(), m.ChattyAiContextResponse)
        token = client.chatty.create_realtime_token(body={"directWebRTC": True}, timeout=2.0)
        assert_type(token, m.RealtimeTokenResponse)
        assert_type(realtime_token_branch(token), RealtimeTokenBranch)
        assert_type(client.chatty.get_csrf_token(), m.CsrfTokenResponse)
        answer = client.chatty.exchange_realtime_sdp_from_body(
            x_csrf_token="csrf", body=m.RealtimeWebrtcRequest(sdp="v=0"), extra_headers={"A": "b"}
        )
        assert_type(answer, str)
        answer = client.chatty.exchange_realtime_sdp(x_csrf_token="csrf", sdp="v=0")
        assert_type(answer, str)
        raw = client.chatty.with_raw_response.exchange_realtime_sdp_from_body(
            x_csrf_token="csrf", body={"sdp": "v=0"}
        )
        assert_type(raw, RawResponse[str])
        assert_type(raw.parse(), str)
        assert_type(raw.status_code, int)
        assert_type(raw.headers, httpx.Headers)
        assert_type(raw.http_response, httpx.Response)
        assert_type(client.meta.with_raw_response.get_api_version().parse(), m.ApiVersionResponse)


def error_bodies(error: Exception) -> None:
    """Each documented error carries its own parsed body type (None: the body did not match)."""
    if isinstance(error, errors.ListChattyToolsUnauthorizedError):
        assert_type(error.body, m.ErrorEnvelope | None)
    if isinstance(error, errors.ListChattyToolsForbiddenError):
        assert_type(error.body, m.ErrorEnvelope | None)
    if isinstance(error, errors.ListChattyToolsUpgradeRequiredError):
        assert_type(error.body, m.UpgradeRequiredEnvelope | None)
    if isinstance(error, errors.ExecuteChattyToolUnauthorizedError):
        assert_type(error.body, m.ErrorEnvelope | None)
    if isinstance(error, errors.ExecuteChattyToolForbiddenError):
        assert_type(error.body, m.ErrorEnvelope | None)
    if isinstance(error, errors.ExecuteChattyToolInternalServerError):
        assert_type(error.body, m.ChattyExecuteResponse | None)
    if isinstance(error, errors.GetChattyAiContextUnauthorizedError):
        assert_type(error.body, m.ErrorEnvelope | None)
    if isinstance(error, errors.GetChattyAiContextForbiddenError):
        assert_type(error.body, m.ErrorEnvelope | None)
    if isinstance(error, errors.CreateRealtimeTokenUnauthorizedError):
        assert_type(error.body, m.ErrorEnvelope | None)
    if isinstance(error, errors.CreateRealtimeTokenForbiddenError):
        assert_type(error.body, m.ErrorEnvelope | None)
    if isinstance(error, errors.CreateRealtimeTokenMethodNotAllowedError):
        assert_type(error.body, m.ErrorEnvelope | None)
    if isinstance(error, errors.CreateRealtimeTokenTooManyRequestsError):
        assert_type(error.body, m.ErrorEnvelope | None)
    if isinstance(error, errors.CreateRealtimeTokenInternalServerError):
        assert_type(error.body, m.RealtimeTokenResponse | None)
        if error.body is not None:
            assert_type(realtime_token_branch(error.body), RealtimeTokenBranch)
    if isinstance(error, errors.GetCsrfTokenUnauthorizedError):
        assert_type(error.body, m.ErrorEnvelope | None)
    if isinstance(error, errors.GetCsrfTokenForbiddenError):
        assert_type(error.body, m.ErrorEnvelope | None)
    if isinstance(error, errors.ExchangeRealtimeSdpBadRequestError):
        assert_type(error.body, m.ErrorEnvelope | None)
    if isinstance(error, errors.ExchangeRealtimeSdpUnauthorizedError):
        assert_type(error.body, m.ErrorEnvelope | None)
    if isinstance(error, errors.ExchangeRealtimeSdpForbiddenError):
        assert_type(error.body, m.ErrorEnvelope | None)
    if isinstance(error, errors.ExchangeRealtimeSdpTooManyRequestsError):
        assert_type(error.body, m.ErrorEnvelope | None)
    if isinstance(error, errors.ExchangeRealtimeSdpInternalServerError):
        assert_type(error.body, m.ErrorEnvelope | None)
    if isinstance(error, errors.ExchangeRealtimeSdpBadGatewayError):
        assert_type(error.body, m.ExchangeRealtimeSdpBadGatewayBody | None)
    if isinstance(error, errors.ExchangeRealtimeSdpDefaultError):
        assert_type(error.body, Any)
        assert_type(error.status_code, int)
        assert_type(error.content_type, str | None)
        assert_type(error.text, str)
    if isinstance(error, errors.UnexpectedStatus):
        assert_type(error.body, str)
    if isinstance(error, errors.ApiError):
        assert_type(error.response, httpx.Response)
        assert_type(error.headers, httpx.Headers)
    if isinstance(error, errors.APITimeoutError):
        assert_type(error.request, httpx.Request)


def status_bases() -> None:
    """Per-operation errors subclass the generic status bases."""
    unauthorized: type[errors.UnauthorizedError[m.ErrorEnvelope | None]] = (
        errors.ListChattyToolsUnauthorizedError
    )
    gateway: type[errors.BadGatewayError[m.ExchangeRealtimeSdpBadGatewayBody | None]] = (
        errors.ExchangeRealtimeSdpBadGatewayError
    )
    server: type[errors.ServerError[m.RealtimeTokenResponse | None]] = (
        errors.CreateRealtimeTokenInternalServerError
    )
    limited: type[errors.TooManyRequestsError[m.ErrorEnvelope | None]] = (
        errors.CreateRealtimeTokenTooManyRequestsError
    )
    passthrough: type[errors.PassThroughError[Any]] = errors.ExchangeRealtimeSdpDefaultError
    upgrade: type[errors.ClientError[m.UpgradeRequiredEnvelope | None]] = (
        errors.ListChattyToolsUpgradeRequiredError
    )
    print(unauthorized, gateway, server, limited, passthrough, upgrade)


async def async_usage() -> None:
    async with AsyncClient(
        "http://127.0.0.1:8000", token="t", http_client=httpx.AsyncClient()
    ) as client:
        assert_type(await client.meta.get_api_version(), m.ApiVersionResponse)
        assert_type(await client.chatty.list_tools(), list[m.ChattyToolDefinition])
        assert_type(await client.chatty.execute_tool(), m.ChattyExecuteResponse)
        assert_type(await client.chatty.get_ai_context(), m.ChattyAiContextResponse)
        assert_type(await client.chatty.create_realtime_token(), m.RealtimeTokenResponse)
        assert_type(await client.chatty.get_csrf_token(), m.CsrfTokenResponse)
        assert_type(await client.chatty.exchange_realtime_sdp(x_csrf_token="c", sdp="v=0"), str)
        raw = await client.chatty.with_raw_response.create_realtime_token()
        assert_type(raw, RawResponse[m.RealtimeTokenResponse])
        assert_type(raw.parse(), m.RealtimeTokenResponse)
    await client.aclose()
