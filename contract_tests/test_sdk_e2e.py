"""The generated SDK (serviceai_api.client) drives every operation of the live reference, as a
downstream team would: sync `Client` and `AsyncClient`, typed results and typed errors (401, 403,
426, 429, the fallback 500, the 502 mint failure, the pass-through `default`)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from serviceai_api.client import AsyncClient, Client, RealtimeTokenBranch, realtime_token_branch
from serviceai_api.client import errors as e

from contract_tests.scenarios import (
    OPENAI_AUTH_ERROR,
    OPENAI_JSON_ERROR,
    Target,
    fresh_ip,
    live_target,
)
from contract_tests.support import FUZZ_TOKEN, OFFER


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    with live_target(tmp_path_factory.mktemp("sdk"), coverage=None, source="sdk") as t:
        yield t


def _client(t: Target, token: str | None = FUZZ_TOKEN, **kw: object) -> Client:
    return Client(t.stack.url, token=token, max_retries=0, timeout=10, **kw)  # type: ignore[arg-type]


def test_sync_client_every_operation(target: Target) -> None:
    with _client(target, x_client_version="1.0.0") as api:
        version = api.meta.get_api_version()
        assert version.apiVersion == "1.1.24" and version.minClientVersion == "1.0.0"
        tools = api.chatty.list_tools()
        names = [tool.function.name for tool in tools]
        assert names == ["get_weather", "get_time", "create_service_ticket"]
        ran = api.chatty.execute_tool(
            body={"function": names[0], "arguments": {"location": "Oslo"}}
        )
        assert ran.success is True and ran.data["temperatureC"] == 12
        legacy = api.chatty.execute_tool(
            body={"name": "get_time", "arguments": {"timezone": "UTC"}}
        )
        assert legacy.success is True
        context = api.chatty.get_ai_context()
        assert context.instructions and context.timestamp.endswith("Z")
        direct = api.chatty.create_realtime_token(body={"directWebRTC": True})
        assert realtime_token_branch(direct) is RealtimeTokenBranch.DIRECT_WEBRTC
        assert direct.clientSecret and direct.clientSecret.startswith("ek_")
        proxied = api.chatty.create_realtime_token(body={})
        assert realtime_token_branch(proxied) is RealtimeTokenBranch.SERVER_PROXIED
        csrf = api.chatty.get_csrf_token().token
        answer = api.chatty.exchange_realtime_sdp(
            x_csrf_token=csrf, sdp=OFFER, extra_headers=fresh_ip()
        )
        assert isinstance(answer, str) and answer.startswith("v=0")


def test_sync_client_typed_errors(target: Target) -> None:
    t = target
    with _client(t, token=None) as anonymous:
        with pytest.raises(e.ListChattyToolsUnauthorizedError) as unauth:
            anonymous.chatty.list_tools()
        assert unauth.value.status_code == 401 and unauth.value.body.error
    with _client(t, token="tok-nobody") as nobody, pytest.raises(e.GetCsrfTokenForbiddenError):
        nobody.chatty.get_csrf_token()
    with _client(t, x_client_version="0.9.3") as old:
        with pytest.raises(e.ListChattyToolsUpgradeRequiredError) as upgrade:
            old.chatty.list_tools()
        assert upgrade.value.body.minClientVersion == "1.0.0"
    with _client(t, token="tok-bob") as bob:
        with pytest.raises(e.ExecuteChattyToolForbiddenError) as denied:
            bob.chatty.execute_tool(body={"function": "get_weather"})
        assert denied.value.body.code == "PERMISSION_DENIED"
    with _client(t) as api:
        with pytest.raises(e.ExecuteChattyToolInternalServerError) as crashed:
            api.chatty.execute_tool(
                body={"function": "create_service_ticket", "arguments": {"summary": "crash"}}
            )
        assert crashed.value.body.success is False
        csrf = api.chatty.get_csrf_token().token
        with pytest.raises(e.ExchangeRealtimeSdpForbiddenError):
            api.chatty.exchange_realtime_sdp(
                x_csrf_token="forged", sdp=OFFER, extra_headers=fresh_ip()
            )
        with pytest.raises(e.ExchangeRealtimeSdpBadRequestError):
            api.chatty.exchange_realtime_sdp(
                x_csrf_token=csrf, sdp="hello", extra_headers=fresh_ip()
            )
        ip = fresh_ip()
        for _ in range(t.stack.settings.webrtc_rate_limit):
            api.chatty.exchange_realtime_sdp(x_csrf_token=csrf, sdp=OFFER, extra_headers=ip)
        with pytest.raises(e.ExchangeRealtimeSdpTooManyRequestsError):
            api.chatty.exchange_realtime_sdp(x_csrf_token=csrf, sdp=OFFER, extra_headers=ip)
        try:
            t.stack.faults(status=500, body=OPENAI_AUTH_ERROR, paths=["/realtime/client_secrets"])
            with pytest.raises(e.CreateRealtimeTokenInternalServerError) as fallback:
                api.chatty.create_realtime_token(body={"directWebRTC": True})
            assert realtime_token_branch(fallback.value.body) is RealtimeTokenBranch.FALLBACK
            t.stack.faults(status=401, body=OPENAI_AUTH_ERROR, paths=["/realtime/client_secrets"])
            with pytest.raises(e.ExchangeRealtimeSdpBadGatewayError) as bad_gateway:
                api.chatty.exchange_realtime_sdp(
                    x_csrf_token=csrf, sdp=OFFER, extra_headers=fresh_ip()
                )
            assert bad_gateway.value.body.status == 401
            t.stack.faults(status=422, body=OPENAI_JSON_ERROR, paths=["/realtime/calls"])
            with pytest.raises(e.PassThroughError) as passed_json:
                api.chatty.exchange_realtime_sdp(
                    x_csrf_token=csrf, sdp=OFFER, extra_headers=fresh_ip()
                )
            assert passed_json.value.status_code == 422
            assert passed_json.value.text == OPENAI_JSON_ERROR
            t.stack.faults(
                status=503, body="overloaded", content_type="text/plain", paths=["/realtime/calls"]
            )
            with pytest.raises(e.PassThroughError) as passed_text:
                api.chatty.exchange_realtime_sdp(
                    x_csrf_token=csrf, sdp=OFFER, extra_headers=fresh_ip()
                )
            assert (passed_text.value.status_code, passed_text.value.text) == (503, "overloaded")
        finally:
            t.stack.clear_faults()
    with _client(t, token="tok-carol") as carol:
        for _ in range(t.stack.settings.mint_rate_limit):
            carol.chatty.create_realtime_token(body={})
        with pytest.raises(e.CreateRealtimeTokenTooManyRequestsError):
            carol.chatty.create_realtime_token(body={})


def test_async_client_every_operation_and_errors(target: Target) -> None:
    t = target

    async def flow() -> None:
        async with AsyncClient(t.stack.url, token=FUZZ_TOKEN, max_retries=0, timeout=10) as api:
            assert (await api.meta.get_api_version()).apiVersion == "1.1.24"
            tools = await api.chatty.list_tools()
            ran = await api.chatty.execute_tool(
                body={"function": tools[0].function.name, "arguments": {"location": "Madrid"}}
            )
            assert ran.success is True
            assert (await api.chatty.get_ai_context()).knowledgeBaseLoaded is False
            token = await api.chatty.create_realtime_token(body={"directWebRTC": False})
            assert realtime_token_branch(token) is RealtimeTokenBranch.SERVER_PROXIED
            csrf = (await api.chatty.get_csrf_token()).token
            answer = await api.chatty.exchange_realtime_sdp(
                x_csrf_token=csrf, sdp=OFFER, extra_headers=fresh_ip()
            )
            assert answer.startswith("v=0")
            with pytest.raises(e.ExchangeRealtimeSdpForbiddenError):
                await api.chatty.exchange_realtime_sdp(
                    x_csrf_token="forged", sdp=OFFER, extra_headers=fresh_ip()
                )
        async with AsyncClient(t.stack.url, max_retries=0, timeout=10) as anonymous:
            with pytest.raises(e.CreateRealtimeTokenUnauthorizedError):
                await anonymous.chatty.create_realtime_token(body={})
        async with AsyncClient(t.stack.url, token="tok-nobody", max_retries=0) as nobody:
            with pytest.raises(e.GetChattyAiContextForbiddenError):
                await nobody.chatty.get_ai_context()

    asyncio.run(flow())
