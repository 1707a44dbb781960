"""Issue 13 against the live reference: the SDK as a downstream team uses it.

Keyword bodies, messages with operation and error text, the status hierarchy (documented and
not), 429 on POST retried honouring the server's `Retry-After`, narrowing branch views, the
SDP content-type check, a closed client, environment defaults, `with_options`, per-call
options and the debug log with `Authorization` redacted. The reference and the fake upstream
run on loopback (contract_tests.scenarios.live_target).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from serviceai_api.client import (
    AsyncClient,
    Client,
    RetryConfig,
    is_direct_webrtc,
    is_fallback,
    is_server_proxied,
)
from serviceai_api.client import errors as e

from contract_tests.scenarios import OPENAI_AUTH_ERROR, Target, fresh_ip, live_target
from contract_tests.support import FUZZ_TOKEN, OFFER
from contract_tests.test_mutations import rewrite_response


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    with live_target(tmp_path_factory.mktemp("sdk13"), coverage=None, source="sdk") as t:
        yield t


class Sent:
    """An injected httpx client that counts what it sends (the SDK's own retries included) and
    keeps the responses it got, in order."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.responses: list[httpx.Response] = []
        self.http = httpx.Client(
            event_hooks={"request": [self.requests.append], "response": [self.responses.append]},
            timeout=10,
        )


def test_keyword_bodies_and_narrowed_token_branches(target: Target) -> None:
    with Client(target.stack.url, token=FUZZ_TOKEN, max_retries=0) as api:
        ran = api.chatty.execute_tool(function="get_weather", arguments={"location": "Oslo"})
        assert ran.success is True and ran.data["temperatureC"] == 12
        legacy = api.chatty.execute_tool(name="get_time", arguments={"timezone": "UTC"})
        assert legacy.success is True
        # Keyword fields are laid over `body=`.
        over = api.chatty.execute_tool(
            body={"function": "nope", "arguments": {"location": "Oslo"}}, function="get_weather"
        )
        assert over.success is True
        direct = api.chatty.create_realtime_token(directWebRTC=True)
        assert is_direct_webrtc(direct) and not is_server_proxied(direct)
        secret: str = direct.clientSecret  # narrowed: str, not str | None
        assert secret.startswith("ek_")
        proxied = api.chatty.create_realtime_token(directWebRTC=False)
        assert is_server_proxied(proxied) and not is_direct_webrtc(proxied)
        csrf = api.chatty.get_csrf_token().token
        answer = api.chatty.exchange_realtime_sdp(
            x_csrf_token=csrf, sdp=OFFER, extra_headers=fresh_ip()
        )
        assert answer.startswith("v=0")
        try:
            target.stack.faults(
                status=500, body=OPENAI_AUTH_ERROR, paths=["/realtime/client_secrets"]
            )
            with pytest.raises(e.CreateRealtimeTokenInternalServerError) as failed:
                api.chatty.create_realtime_token(directWebRTC=True)
        finally:
            target.stack.clear_faults()
        body = failed.value.body
        assert body is not None and is_fallback(body) and body.fallback is True
        assert isinstance(failed.value, e.InternalServerError | e.ServerError)


def test_messages_name_operation_status_and_error_text(target: Target) -> None:
    with (
        Client(target.stack.url, token=None, max_retries=0) as anonymous,
        pytest.raises(e.ListChattyToolsUnauthorizedError) as caught,
    ):
        anonymous.chatty.list_tools()
    error = caught.value
    assert isinstance(error, e.UnauthorizedError) and isinstance(error, e.SdkError)
    assert error.body is not None and error.body.error
    message = str(error)
    assert message.startswith("chatty.list_tools: GET ")
    assert "/api/chatty-voice/tools -> 401" in message
    assert error.body.error in message  # the body's own error text
    assert error.operation == "chatty.list_tools"


def test_undocumented_status_is_in_the_hierarchy(target: Target) -> None:
    with (
        Client(target.stack.url + "/not-here", max_retries=0) as lost,
        pytest.raises(e.UnexpectedStatus) as caught,
    ):
        lost.meta.get_api_version()
    assert caught.value.status_code == 404
    assert isinstance(caught.value, e.NotFoundError) and isinstance(caught.value, e.ClientError)
    assert "meta.get_api_version" in str(caught.value) and "404" in str(caught.value)


def test_post_429_is_retried_honouring_retry_after(target: Target) -> None:
    sleeps: list[float] = []
    sent = Sent()
    retry = RetryConfig(sleep=sleeps.append, jitter=0.0, initial_delay=0.01)
    limit = target.stack.settings.mint_rate_limit
    with Client(
        target.stack.url, token="tok-carol", http_client=sent.http, max_retries=1, retry=retry
    ) as carol:
        for _ in range(limit):
            carol.chatty.create_realtime_token()
        assert len(sent.requests) == limit and sleeps == []
        with pytest.raises(e.CreateRealtimeTokenTooManyRequestsError) as caught:
            carol.chatty.create_realtime_token()
    # The 429 on POST was retried once, then raised.
    assert len(sent.requests) == limit + 2 and len(sleeps) == 1
    error = caught.value
    assert isinstance(error, e.TooManyRequestsError)
    assert "Too many token requests" in str(error)
    # The wait follows the first 429's Retry-After (the raised error carries the retry's, which
    # a second later in the rate window may say one second less).
    first_429 = sent.responses[limit]
    assert first_429.status_code == 429
    after = first_429.headers.get("retry-after")
    if after is not None:  # the reference's Retry-After is waited for exactly
        assert sleeps == [float(after)]
    else:
        assert sleeps == [retry.backoff(0)]
    # max_retries=0 per call turns it off.
    sent.requests.clear()
    sleeps.clear()
    with (
        Client(
            target.stack.url, token="tok-carol", http_client=sent.http, max_retries=3, retry=retry
        ) as carol,
        pytest.raises(e.TooManyRequestsError),
    ):
        carol.chatty.create_realtime_token(max_retries=0)
    assert len(sent.requests) == 1 and sleeps == []


def test_sdp_answer_with_a_json_content_type_is_an_invalid_response(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    def as_json(status: int, headers: dict[str, str], body: bytes) -> Any:
        if status == 200:
            return (
                status,
                {**headers, "content-type": "application/json"},
                json.dumps({"sdp": body.decode()}).encode(),
            )
        return status, headers, body

    wrap = rewrite_response("POST", "/api/realtime/webrtc", as_json)
    with (
        live_target(tmp_path_factory.mktemp("sdp"), wrap, coverage=None, source="sdk") as t,
        Client(t.stack.url, token=FUZZ_TOKEN, max_retries=0) as api,
    ):
        csrf = api.chatty.get_csrf_token().token
        with pytest.raises(e.InvalidResponseError) as caught:
            api.chatty.exchange_realtime_sdp(x_csrf_token=csrf, sdp=OFFER, extra_headers=fresh_ip())
    error = caught.value
    assert error.status_code == 200 and not isinstance(error, e.PassThroughError)
    assert "application/json is not application/sdp" in str(error)


def test_validation_failures_name_the_fields(tmp_path_factory: pytest.TempPathFactory) -> None:
    def wrong_type(status: int, headers: dict[str, str], body: bytes) -> Any:
        if status == 200:
            data = json.loads(body)
            data["knowledgeBaseLoaded"] = "maybe"  # not a boolean, even in lax mode
            body = json.dumps(data).encode()
        return status, headers, body

    wrap = rewrite_response("GET", "/api/chatty-voice/ai-context", wrong_type)
    with (
        live_target(tmp_path_factory.mktemp("fields"), wrap, coverage=None, source="sdk") as t,
        Client(t.stack.url, token=FUZZ_TOKEN, max_retries=0) as api,
        pytest.raises(e.InvalidResponseError) as caught,
    ):
        api.chatty.get_ai_context()
    assert caught.value.reason is not None
    assert "knowledgeBaseLoaded" in caught.value.reason
    assert "knowledgeBaseLoaded" in str(caught.value)


def test_closed_client_raises_a_typed_sdk_error(target: Target) -> None:
    client = Client(target.stack.url, token=FUZZ_TOKEN)
    assert client.meta.get_api_version().apiVersion == "1.1.24"
    client.close()
    with pytest.raises(e.ClientClosedError) as caught:
        client.meta.get_api_version()
    assert isinstance(caught.value, e.SdkError)

    async def run() -> None:
        aclient = AsyncClient(target.stack.url)
        await aclient.aclose()
        with pytest.raises(e.ClientClosedError):
            await aclient.meta.get_api_version()

    asyncio.run(run())


def test_environment_defaults_and_with_options(
    target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SERVICEAI_API_BASE_URL", target.stack.url)
    monkeypatch.setenv("SERVICEAI_API_TOKEN", FUZZ_TOKEN)
    with Client(max_retries=0) as api:
        assert api.base_url == target.stack.url
        assert next(t.function.name for t in api.chatty.list_tools()) == "get_weather"
        nobody = api.with_options(token="tok-nobody", timeout=5)
        with pytest.raises(e.ForbiddenError):
            nobody.chatty.list_tools()
        assert api.chatty.get_ai_context().instructions  # the original keeps its token
        # Per-call extras: a body field and a query parameter the signature does not name.
        ran = api.chatty.execute_tool(
            function="get_weather",
            extra_body={"arguments": {"location": "Oslo"}},
            extra_query={"trace": "1"},
        )
        assert ran.success is True
    monkeypatch.delenv("SERVICEAI_API_BASE_URL")
    with pytest.raises(e.ConfigurationError, match="SERVICEAI_API_BASE_URL"):
        Client()


def test_debug_log_redacts_authorization(
    target: Target, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SERVICEAI_API_LOG", "debug")
    with (
        caplog.at_level(logging.DEBUG, logger="serviceai_api"),
        Client(target.stack.url, token=FUZZ_TOKEN, max_retries=0) as api,
    ):
        api.chatty.list_tools()
    lines = [r.getMessage() for r in caplog.records if r.name == "serviceai_api"]
    assert any("chatty.list_tools: GET" in line for line in lines), lines
    assert any("-> 200" in line for line in lines), lines
    text = "\n".join(lines)
    assert "<redacted>" in text and FUZZ_TOKEN not in text
    monkeypatch.delenv("SERVICEAI_API_LOG")
    caplog.clear()
    with Client(target.stack.url, token=FUZZ_TOKEN, max_retries=0) as quiet:
        quiet.meta.get_api_version()
    assert not [r for r in caplog.records if r.name == "serviceai_api"]
