"""The generated SDK's behaviour beyond one documented response: fallbacks, pass-through errors,
bodies that do not match, undocumented statuses, retries, timeouts, raw responses, requests.

Every test talks to a real HTTP server on 127.0.0.1, in sync and async mode where the path
differs. Retries are counted (requests received, delays asked of an injected sleep), never timed.
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import openai_realtime_api
import openai_realtime_api.client
import pytest
import serviceai_api
from client_support.calls import MODES, invoke
from client_support.server import Reply, ScriptedServer, free_port_url
from serviceai_api import models
from serviceai_api.client import (
    AsyncClient,
    Client,
    RealtimeTokenBranch,
    RetryConfig,
    errors,
    realtime_token_branch,
    to_realtime_tool,
)


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    s = ScriptedServer()
    yield s
    s.close()


class Sleeps:
    """An injected sleep: records the delays the client asks for and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.delays.append(seconds)

    def config(self, **kwargs: Any) -> RetryConfig:
        return RetryConfig(sleep=self, async_sleep=self.asleep, jitter=0.0, **kwargs)


def sdp(mode: str, url: str, **client: Any) -> Any:
    return invoke(
        serviceai_api,
        mode,
        url,
        "chatty",
        "exchange_realtime_sdp",
        x_csrf_token="c",
        sdp="v=0",
        client_kwargs={"token": "t", **client},
    )


# -- /api/realtime-token: one envelope for the 200 and the documented 500 ----------------------


@pytest.mark.parametrize("mode", MODES)
def test_realtime_token_500_fallback_carries_the_envelope(
    server: ScriptedServer, mode: str
) -> None:
    server.script(Reply(500, json={"fallback": True, "message": "mint failed"}))
    with pytest.raises(errors.CreateRealtimeTokenInternalServerError) as caught:
        invoke(serviceai_api, mode, server.url, "chatty", "create_realtime_token", body={})
    error = caught.value
    assert isinstance(error, errors.InternalServerError) and isinstance(error, errors.ServerError)
    assert isinstance(error.body, models.RealtimeTokenResponse)
    assert error.body.message == "mint failed"
    assert realtime_token_branch(error.body) is RealtimeTokenBranch.FALLBACK


@pytest.mark.parametrize(
    ("body", "branch"),
    [
        ({"fallback": False, "directWebRTC": True, "clientSecret": "ek_1"}, "direct_webrtc"),
        ({"fallback": False, "directWebRTC": False, "useWebRTC": True}, "server_proxied"),
        ({"fallback": False}, "server_proxied"),
        ({"fallback": True, "message": "use HTTP"}, "fallback"),
        ({"fallback": False, "directWebRTC": True}, "unknown"),  # direct, but no secret
    ],
)
def test_realtime_token_branch_helper(server: ScriptedServer, body: Any, branch: str) -> None:
    server.script(Reply(200, json=body))
    with Client(server.url, token="t") as client:
        token = client.chatty.create_realtime_token(
            body=models.RealtimeTokenRequest(directWebRTC=True)
        )
    assert realtime_token_branch(token) == branch
    assert realtime_token_branch(body) == branch  # a plain dict works too
    assert server.requests[0].json() == {"directWebRTC": True}


# -- /api/realtime/webrtc: the 502 envelope and the pass-through default ------------------------


@pytest.mark.parametrize("mode", MODES)
def test_webrtc_502_envelope_is_a_mint_failure(server: ScriptedServer, mode: str) -> None:
    server.script(Reply(502, json={"error": "Failed to mint OpenAI client secret", "status": 401}))
    with pytest.raises(errors.ExchangeRealtimeSdpBadGatewayError) as caught:
        sdp(mode, server.url)
    assert isinstance(caught.value, errors.BadGatewayError)
    assert caught.value.body is not None and caught.value.body.status == 401


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("status", "content_type", "text", "body"),
    [
        (
            502,
            "application/json",
            '{"message": "not the envelope"}',
            {"message": "not the envelope"},
        ),
        (502, "text/html", "<html>bad gateway</html>", None),
        (502, "text/plain", "upstream timeout", "upstream timeout"),
        (
            400,
            "application/json",
            '{"error": {"message": "bad sdp"}}',
            {"error": {"message": "bad sdp"}},
        ),
        (401, "text/plain", "invalid api key", "invalid api key"),
        (404, "application/json", '{"error": {"code": "gone"}}', {"error": {"code": "gone"}}),
        (503, "text/plain", "OpenAI is overloaded", "OpenAI is overloaded"),
        (500, "text/html; charset=utf-8", "<h1>oops</h1>", None),
    ],
)
def test_webrtc_other_responses_pass_through(
    server: ScriptedServer, mode: str, status: int, content_type: str, text: str, body: Any
) -> None:
    server.script(Reply(status, text, content_type))
    with pytest.raises(errors.ExchangeRealtimeSdpDefaultError) as caught:
        sdp(mode, server.url)
    error = caught.value
    assert isinstance(error, errors.PassThroughError)
    assert (error.status_code, error.content_type, error.text) == (status, content_type, text)
    assert error.body == body


@pytest.mark.parametrize("mode", MODES)
def test_webrtc_200_with_a_json_content_type_is_an_invalid_response(
    server: ScriptedServer, mode: str
) -> None:
    """A documented 200 whose body is not its `application/sdp` is never the `default`."""
    server.script(Reply(200, '{"sdp": "not sdp text"}', "application/json"))
    with pytest.raises(errors.InvalidResponseError) as caught:
        sdp(mode, server.url)
    assert not isinstance(caught.value, errors.PassThroughError)
    assert caught.value.status_code == 200 and caught.value.body == '{"sdp": "not sdp text"}'
    assert "application/sdp" in str(caught.value) and "exchange_realtime_sdp" in str(caught.value)


def test_webrtc_200_returns_the_sdp_text(server: ScriptedServer) -> None:
    answer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"
    server.script(Reply(200, answer, "application/sdp"))
    assert sdp("sync", server.url) == answer
    assert server.requests[0].headers["accept"] == "application/sdp, application/json, text/plain"


# -- bodies that do not match their documented status --------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("content_type", "text"),
    [
        ("text/html", "<html><body>401 Login required</body></html>"),
        ("application/json", "<html>not json</html>"),
        ("application/json", '{"unexpected": "shape"}'),
        (None, "no content type"),
    ],
)
def test_mismatching_error_body_raises_the_typed_error_with_no_body(
    server: ScriptedServer, mode: str, content_type: str | None, text: str
) -> None:
    server.script(Reply(401, text, content_type))
    with pytest.raises(errors.ListChattyToolsUnauthorizedError) as caught:
        invoke(serviceai_api, mode, server.url, "chatty", "list_tools")
    error = caught.value
    assert error.body is None
    assert error.text == text and error.status_code == 401
    assert error.reason and error.response.content == text.encode()


@pytest.mark.parametrize("mode", MODES)
def test_mismatching_success_body_raises_invalid_response(
    server: ScriptedServer, mode: str
) -> None:
    server.script(Reply(200, "<html>maintenance</html>", "text/html"))
    with pytest.raises(errors.InvalidResponseError) as caught:
        invoke(serviceai_api, mode, server.url, "meta", "get_api_version")
    assert caught.value.body == "<html>maintenance</html>"
    assert "text/html" in (caught.value.reason or "")


@pytest.mark.parametrize("mode", MODES)
def test_undocumented_status_is_unexpected_with_the_raw_body(
    server: ScriptedServer, mode: str
) -> None:
    server.script(Reply(404, "{not json", "application/json"))
    with pytest.raises(errors.UnexpectedStatus) as caught:
        invoke(serviceai_api, mode, server.url, "chatty", "get_csrf_token")
    assert caught.value.status_code == 404 and caught.value.body == "{not json"


# -- retries -------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_retry_honours_retry_after(server: ScriptedServer, mode: str, status: int) -> None:
    sleeps = Sleeps()
    server.script(
        Reply(status, "busy", "text/plain", {"Retry-After": "7"}),
        Reply(status, "busy", "text/plain", {"retry-after-ms": "250"}),
        Reply(200, json={"token": "abc"}),
    )
    result = invoke(
        serviceai_api,
        mode,
        server.url,
        "chatty",
        "get_csrf_token",
        client_kwargs={"retry": sleeps.config()},
    )
    assert result == models.CsrfTokenResponse(token="abc")
    assert len(server.requests) == 3
    assert sleeps.delays == [7.0, 0.25]


@pytest.mark.parametrize("mode", MODES)
def test_retry_backoff_without_retry_after_then_gives_up(server: ScriptedServer, mode: str) -> None:
    sleeps = Sleeps()
    server.script(*[Reply(503, "down", "text/plain")] * 4)
    with pytest.raises(errors.UnexpectedStatus) as caught:
        invoke(
            serviceai_api,
            mode,
            server.url,
            "meta",
            "get_api_version",
            client_kwargs={"retry": sleeps.config(initial_delay=0.5), "max_retries": 3},
        )
    assert caught.value.status_code == 503
    assert len(server.requests) == 4
    assert sleeps.delays == [0.5, 1.0, 2.0]


def test_retry_after_too_long_or_a_date_and_jitter() -> None:
    config = RetryConfig(max_retry_after=10.0, initial_delay=1.0, jitter=0.5, rand=lambda: 1.0)
    request = httpx.Request("GET", "http://x")
    late = httpx.Response(429, headers={"Retry-After": "3600"}, request=request)
    assert config.delay(0, late) is None  # above the cap: no retry, the error carries the wait
    assert config.delay(0, None) == 0.5  # no word from the server: backoff, minus full jitter
    dated = httpx.Response(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    assert config.delay(2, dated) == 0.0  # a date in the past: retry now
    assert RetryConfig(max_delay=3.0, jitter=0.0).backoff(10) == 3.0


@pytest.mark.parametrize("mode", MODES)
def test_unsafe_operation_is_not_retried(server: ScriptedServer, mode: str) -> None:
    """POST is not retried on a 503 (it may have been processed); only a 429 is."""
    sleeps = Sleeps()
    server.script(Reply(503, json={"error": "overloaded"}, headers={"Retry-After": "1"}))
    with pytest.raises(errors.UnexpectedStatus) as caught:
        invoke(
            serviceai_api,
            mode,
            server.url,
            "chatty",
            "create_realtime_token",
            client_kwargs={"retry": sleeps.config()},
        )
    assert isinstance(caught.value, errors.ServiceUnavailableError)
    assert isinstance(caught.value, errors.ServerError)
    assert "overloaded" in str(caught.value)
    assert len(server.requests) == 1 and sleeps.delays == []


@pytest.mark.parametrize("mode", MODES)
def test_post_429_is_retried_after_retry_after(server: ScriptedServer, mode: str) -> None:
    """A 429 was not processed: POST is retried, waiting what Retry-After asks."""
    sleeps = Sleeps()
    server.script(
        Reply(429, json={"error": "slow down"}, headers={"Retry-After": "1"}),
        Reply(json={"fallback": True}),
    )
    token = invoke(
        serviceai_api,
        mode,
        server.url,
        "chatty",
        "create_realtime_token",
        client_kwargs={"retry": sleeps.config()},
    )
    assert token.fallback is True
    assert len(server.requests) == 2 and sleeps.delays == [1.0]


@pytest.mark.parametrize("mode", MODES)
def test_retries_can_be_switched_off(server: ScriptedServer, mode: str) -> None:
    server.script(Reply(503, "down", "text/plain"), Reply(200, json={"token": "x"}))
    with pytest.raises(errors.UnexpectedStatus):
        invoke(
            serviceai_api,
            mode,
            server.url,
            "chatty",
            "get_csrf_token",
            client_kwargs={"max_retries": 0, "retry": Sleeps().config()},
        )
    assert len(server.requests) == 1


@pytest.mark.parametrize("mode", MODES)
def test_connection_errors_are_retried_then_raised(mode: str) -> None:
    sleeps = Sleeps()
    with pytest.raises(errors.APIConnectionError) as caught:
        invoke(
            serviceai_api,
            mode,
            free_port_url(),
            "meta",
            "get_api_version",
            client_kwargs={"retry": sleeps.config(initial_delay=0.25)},
        )
    assert not isinstance(caught.value, errors.APITimeoutError)
    assert sleeps.delays == [0.25, 0.5]


# -- timeouts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_client_timeout_raises_api_timeout_error(server: ScriptedServer, mode: str) -> None:
    server.script(Reply(200, json={"token": "late"}, delay=1.0))
    with pytest.raises(errors.APITimeoutError):
        invoke(
            serviceai_api,
            mode,
            server.url,
            "chatty",
            "get_csrf_token",
            client_kwargs={"timeout": 0.1, "max_retries": 0},
        )


@pytest.mark.parametrize("mode", MODES)
def test_per_call_timeout_wins_and_timeouts_are_retried(server: ScriptedServer, mode: str) -> None:
    sleeps = Sleeps()
    server.script(Reply(200, json={"token": "late"}, delay=1.0), Reply(200, json={"token": "ok"}))
    result = invoke(
        serviceai_api,
        mode,
        server.url,
        "chatty",
        "get_csrf_token",
        client_kwargs={"timeout": 30.0, "retry": sleeps.config(initial_delay=0.0)},
        timeout=0.1,
    )
    assert result == models.CsrfTokenResponse(token="ok")
    assert len(server.requests) == 2 and sleeps.delays == [0.0]


# -- raw responses -------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_with_raw_response(server: ScriptedServer, mode: str) -> None:
    server.script(Reply(200, "v=0\r\n", "application/sdp", {"X-Request-Id": "r-1"}))
    raw = invoke(
        serviceai_api,
        mode,
        server.url,
        "chatty",
        "exchange_realtime_sdp_from_body",
        raw=True,
        x_csrf_token="c",
        body=models.RealtimeWebrtcRequest(sdp="v=0"),
    )
    assert raw.status_code == 200 and raw.headers["x-request-id"] == "r-1"
    assert isinstance(raw.http_response, httpx.Response)
    assert raw.parse() == "v=0\r\n"
    server.script(Reply(403, json={"error": "csrf"}))
    raw = invoke(
        serviceai_api,
        mode,
        server.url,
        "chatty",
        "exchange_realtime_sdp",
        raw=True,
        x_csrf_token="c",
        sdp="v=0",
    )
    assert raw.status_code == 403  # no exception until parse()
    with pytest.raises(errors.ExchangeRealtimeSdpForbiddenError):
        raw.parse()


# -- the client itself ---------------------------------------------------------------------------


def test_headers_credentials_and_injected_http_client(server: ScriptedServer) -> None:
    server.script(Reply(json=[]), Reply(json={"apiVersion": "1", "minClientVersion": "1"}))
    http = httpx.Client()
    with Client(
        server.url + "/",
        token="secret",
        headers={"X-Team": "voice", "X-Override": "client"},
        http_client=http,
    ) as client:
        assert client.chatty.list_tools(extra_headers={"X-Override": "call"}) == []
        client.meta.get_api_version()
    assert not http.is_closed  # an injected client is the caller's to close
    http.close()
    tools, version = server.requests
    assert tools.path == "/api/chatty-voice/tools"
    assert tools.headers["authorization"] == "Bearer secret"
    assert tools.headers["x-team"] == "voice" and tools.headers["x-override"] == "call"
    assert "x-client-version" not in tools.headers  # not set on the client
    assert "authorization" not in version.headers  # /api/version has `security: []`


def test_context_managers_close_their_own_http_client(server: ScriptedServer) -> None:
    server.script(Reply(json=[]), Reply(json=[]), Reply(json=[]))
    with Client(server.url) as client:
        client.chatty.list_tools()
    assert client._pool.http.is_closed

    async def run() -> AsyncClient:
        async with AsyncClient(server.url) as aclient:
            await aclient.chatty.list_tools()
        return aclient

    assert asyncio.run(run())._pool.http.is_closed
    client = Client(server.url)
    client.chatty.list_tools()
    client.close()
    assert client._pool.http.is_closed
    # Without a request there is no HTTP client to close (tests/test_client_lazy.py).


def test_tool_definition_flattens_to_the_realtime_shape(server: ScriptedServer) -> None:
    tool = {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Weather for a city.",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
    server.script(Reply(json=[tool]))
    with Client(server.url, token="t") as client:
        (parsed,) = client.chatty.list_tools()
    flat = {
        "type": "function",
        "name": "get_weather",
        "description": "Weather for a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    }
    assert to_realtime_tool(parsed) == flat
    assert list(to_realtime_tool(parsed)) == ["type", "name", "description", "parameters"]
    assert to_realtime_tool(tool) == flat


def test_importing_the_package_does_not_import_httpx() -> None:
    code = (
        "import sys, serviceai_api, serviceai_api.models; "
        "assert 'httpx' not in sys.modules, 'eager'; "
        "from serviceai_api import Client; assert 'httpx' not in sys.modules, 'client'; "
        "Client('http://127.0.0.1:1').meta; assert 'httpx' not in sys.modules, 'resource'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- the upstream OpenAI Realtime client: multipart parts, raw headers, path parameters ----------


def _parts(body: bytes, content_type: str) -> dict[str, tuple[str | None, str]]:
    message = email.parser.BytesParser(policy=email.policy.default).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    return {
        str(part.get_param("name", header="content-disposition")): (
            part["content-type"],
            bytes(part.get_payload(decode=True)).decode(),
        )
        for part in message.iter_parts()
    }


@pytest.mark.parametrize("mode", MODES)
def test_upstream_multipart_call_and_location_header(server: ScriptedServer, mode: str) -> None:
    server.script(
        Reply(201, "v=0 answer", "application/sdp", {"Location": "/v1/realtime/calls/rtc_1"})
    )
    session = {"type": "realtime", "model": "gpt-realtime"}
    raw = invoke(
        openai_realtime_api,
        mode,
        server.url,
        "realtime",
        "create_call",
        raw=True,
        client_kwargs={"token": "sk-1"},
        body={"sdp": "v=0 offer", "session": session},
    )
    assert raw.status_code == 201 and raw.headers["location"] == "/v1/realtime/calls/rtc_1"
    assert raw.parse() == "v=0 answer"
    (request,) = server.requests
    assert request.headers["authorization"] == "Bearer sk-1"
    parts = _parts(request.body, request.headers["content-type"])
    assert parts["sdp"] == ("application/sdp", "v=0 offer")
    assert parts["session"][0] == "application/json"
    assert json.loads(parts["session"][1]) == session


@pytest.mark.parametrize("mode", MODES)
def test_upstream_sdp_body_and_path_parameter(server: ScriptedServer, mode: str) -> None:
    server.script(
        Reply(201, "answer", "application/sdp"),
        Reply(200),
        Reply(
            404,
            json={
                "error": {
                    "message": "no call",
                    "type": "invalid_request_error",
                    "param": None,
                    "code": None,
                }
            },
        ),
    )
    assert (
        invoke(
            openai_realtime_api,
            mode,
            server.url,
            "realtime",
            "create_call",
            body="v=0 offer",
            content_type="application/sdp",
        )
        == "answer"
    )
    assert (
        invoke(
            openai_realtime_api,
            mode,
            server.url,
            "realtime",
            "hangup_call",
            call_id="rtc/1 x",
        )
        is None
    )
    with pytest.raises(openai_realtime_api.client.errors.HangupRealtimeCallNotFoundError) as caught:
        invoke(
            openai_realtime_api,
            mode,
            server.url,
            "realtime",
            "hangup_call",
            call_id="rtc_2",
        )
    assert caught.value.body is not None and caught.value.body.error.message == "no call"
    offer, hangup, missing = server.requests
    assert offer.headers["content-type"] == "application/sdp" and offer.body == b"v=0 offer"
    assert hangup.path == "/realtime/calls/rtc%2F1%20x/hangup" and hangup.method == "POST"
    assert missing.path == "/realtime/calls/rtc_2/hangup"
