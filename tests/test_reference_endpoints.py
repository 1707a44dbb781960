"""The reference server over real HTTP: every documented response, each validated against the spec."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from serviceai_api.server import validation

from reference.settings import SettingsError, load_settings
from tests.reference_support.fixtures import API_KEY, CAPTURE, CHECKED, Stack, start_stack

OFFER = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
_ips = itertools.count(1)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    yield from start_stack(tmp_path_factory.mktemp("ref"))


@pytest.fixture
def http(stack: Stack) -> Iterator[httpx.Client]:
    stack.clear_faults()
    with httpx.Client(base_url=stack.url, timeout=10) as client:
        yield client
    stack.clear_faults()


def auth(token: str = "tok-alice", **headers: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}", **headers}


def fresh_ip() -> dict[str, str]:
    return {"x-forwarded-for": f"10.0.{next(_ips)}.1"}


def test_version(http: httpx.Client) -> None:
    body = CHECKED.check("getApiVersion", http.get("/api/version")).json()
    assert body == {"apiVersion": "1.1.24", "minClientVersion": "1.0.0"}


def test_tools_catalogue_and_gates(http: httpx.Client) -> None:
    ok = CHECKED.check("listChattyTools", http.get("/api/chatty-voice/tools", headers=auth()))
    names = [t["function"]["name"] for t in ok.json()]
    assert names == ["get_weather", "get_time", "create_service_ticket"]
    assert CHECKED.check("listChattyTools", http.get("/api/chatty-voice/tools")).status_code == 401
    forbidden = http.get("/api/chatty-voice/tools", headers=auth("tok-nobody"))
    assert CHECKED.check("listChattyTools", forbidden).status_code == 403
    old = http.get("/api/chatty-voice/tools", headers=auth(**{"x-client-version": "0.9.3"}))
    assert CHECKED.check("listChattyTools", old).status_code == 426
    assert old.json()["minClientVersion"] == "1.0.0" and old.json()["clientVersion"] == "0.9.3"
    current = http.get("/api/chatty-voice/tools", headers=auth(**{"x-client-version": "1.2.0"}))
    assert current.status_code == 200


def test_execute(http: httpx.Client) -> None:
    def run(body: object, token: str = "tok-alice") -> httpx.Response:
        return CHECKED.check(
            "executeChattyTool",
            http.post("/api/chatty-voice/tools/execute", json=body, headers=auth(token)),
        )

    ok = run({"function": "get_weather", "arguments": {"location": "Oslo"}}).json()
    assert ok["success"] is True and ok["data"]["temperatureC"] == 12
    legacy = run({"name": "get_time", "arguments": {"timezone": "Europe/Oslo"}}).json()
    assert legacy["success"] is True and legacy["data"]["timezone"] == "Europe/Oslo"
    assert run({"arguments": {}}).json() == {
        "success": False,
        "error": "`function` (or `name`) is required.",
        "code": "MISSING_FUNCTION",
    }
    assert run({"function": "nope"}).json()["code"] == "UNKNOWN_FUNCTION"
    denied = run({"function": "get_weather", "arguments": {"location": "Oslo"}}, "tok-bob")
    assert denied.status_code == 403 and denied.json()["code"] == "PERMISSION_DENIED"
    assert run({"function": "get_weather"}, "tok-nobody").status_code == 403
    assert run({"function": "get_weather"}, "bad").status_code == 401
    crash = run({"function": "create_service_ticket", "arguments": {"summary": "crash"}})
    assert crash.status_code == 500 and crash.json()["success"] is False


def test_ai_context(http: httpx.Client) -> None:
    body = CHECKED.check(
        "getChattyAiContext", http.get("/api/chatty-voice/ai-context", headers=auth())
    ).json()
    assert body["instructions"].splitlines() == [
        "You are Chatty, the ServiceAi voice assistant.",
        "Always reply in Spanish.",
        "Use a neutral Latin American Spanish accent while speaking.",
        "Use a friendly and professional tone while speaking.",
    ]
    assert body["knowledgeBaseLoaded"] is False and body["timestamp"].endswith("Z")
    for token, status in (("bad", 401), ("tok-nobody", 403)):
        response = http.get("/api/chatty-voice/ai-context", headers=auth(token))
        assert CHECKED.check("getChattyAiContext", response).status_code == status


def test_realtime_token_branches(http: httpx.Client, stack: Stack) -> None:
    def mint(body: object, token: str = "tok-alice") -> httpx.Response:
        return CHECKED.check(
            "createRealtimeToken", http.post("/api/realtime-token", json=body, headers=auth(token))
        )

    direct = mint({"directWebRTC": True}).json()
    assert direct["clientSecret"].startswith("ek_") and direct["expiresInSeconds"] == 600
    assert direct["useWebRTC"] is True and direct["metadata"] == {"organizationId": "org_42"}
    assert direct["sessionId"].startswith("sess_") and direct["voice"] == "marin"
    sent = stack.fake_state.requests[-1]["body"]
    assert sent["expires_after"] == {"anchor": "created_at", "seconds": 600}
    assert sent["session"]["audio"]["output"]["voice"] == "marin"
    assert "Always reply in Spanish." in sent["session"]["instructions"]
    proxied = mint({}).json()
    assert "clientSecret" not in proxied and proxied["fallback"] is False
    assert proxied["directWebRTC"] is False
    assert mint({}, "bad").status_code == 401
    assert mint({}, "tok-nobody").status_code == 403
    # The backend key wins; a request key is refused only when no backend key exists.
    assert mint({"apiKey": "sk-from-request"}).status_code == 200


def test_realtime_token_method_not_allowed(http: httpx.Client) -> None:
    for method in ("GET", "PUT", "DELETE", "PATCH"):
        response = http.request(method, "/api/realtime-token", headers=auth())
        CHECKED.check("createRealtimeToken", response)
        assert response.status_code == 405 and response.headers["allow"] == "POST"
        assert "error" in response.json()


def test_realtime_token_rate_limit(http: httpx.Client) -> None:
    statuses = [
        http.post("/api/realtime-token", json={}, headers=auth("tok-carol")).status_code
        for _ in range(13)
    ]
    assert statuses == [200] * 12 + [429]
    last = http.post("/api/realtime-token", json={}, headers=auth("tok-carol"))
    assert CHECKED.check("createRealtimeToken", last).status_code == 429


def test_realtime_token_upstream_failure_is_the_fallback_500(
    http: httpx.Client, stack: Stack
) -> None:
    for faults in (
        {
            "status": 500,
            "body": '{"error": {"message": "boom", "type": "server_error", "param": null, "code": null}}',
        },
        {"malformed_json": True},
        {"drop_connection": True},
        {"latency_seconds": 3.0},  # beyond the 2 s upstream timeout
    ):
        stack.faults(**faults)
        response = http.post("/api/realtime-token", json={"directWebRTC": True}, headers=auth())
        CHECKED.check("createRealtimeToken", response)
        assert response.status_code == 500, faults
        assert response.json()["fallback"] is True and response.json()["message"]


def _csrf(http: httpx.Client, token: str = "tok-alice") -> str:
    response = CHECKED.check("getCsrfToken", http.get("/api/csrf-token", headers=auth(token)))
    assert response.status_code == 200
    value = response.json()["token"]
    assert isinstance(value, str)
    return value


def test_csrf_token(http: httpx.Client) -> None:
    assert len(_csrf(http)) == 32 and _csrf(http) != _csrf(http)
    for token, status in (("bad", 401), ("tok-nobody", 403)):
        response = http.get("/api/csrf-token", headers=auth(token))
        assert CHECKED.check("getCsrfToken", response).status_code == status


def _webrtc(http: httpx.Client, body: object, headers: dict[str, str]) -> httpx.Response:
    return CHECKED.check(
        "exchangeRealtimeSdp", http.post("/api/realtime/webrtc", json=body, headers=headers)
    )


def test_webrtc_exchange(http: httpx.Client, stack: Stack) -> None:
    ok = _webrtc(http, {"sdp": OFFER}, auth(**{"x-csrf-token": _csrf(http)}, **fresh_ip()))
    assert ok.status_code == 200 and ok.headers["content-type"] == "application/sdp"
    assert ok.text.startswith("v=0")
    call = stack.fake_state.requests[-1]
    assert call == {"operation": "calls", "raw_sdp": True, "sdp": OFFER}


def test_webrtc_refusals(http: httpx.Client) -> None:
    csrf = _csrf(http)
    bob_csrf = _csrf(http, "tok-bob")
    assert _webrtc(http, {"sdp": OFFER}, {"x-csrf-token": csrf, **fresh_ip()}).status_code == 401
    assert (
        _webrtc(http, {"sdp": OFFER}, auth("tok-nobody", **{"x-csrf-token": csrf})).status_code
        == 403
    )
    assert (
        _webrtc(http, {"sdp": OFFER}, auth(**{"x-csrf-token": bob_csrf}, **fresh_ip())).status_code
        == 403
    )
    assert (
        _webrtc(http, {"sdp": OFFER}, auth(**{"x-csrf-token": "forged"}, **fresh_ip())).status_code
        == 403
    )
    assert _webrtc(http, {"sdp": OFFER}, auth(**fresh_ip())).status_code == 403  # no CSRF header
    for bad in (
        "hello",
        "v=0\r\nnot sdp\r\n",
        "v=0\r\no=- 0 0 IN IP4 1.2.3.4\r\ns=-\r\n" + "a=x\r\n" * 20000,
    ):
        response = _webrtc(http, {"sdp": bad}, auth(**{"x-csrf-token": csrf}, **fresh_ip()))
        assert response.status_code == 400, bad[:20]
    assert (
        _webrtc(http, {"sdp": ""}, auth(**{"x-csrf-token": csrf}, **fresh_ip())).status_code == 400
    )


def test_webrtc_rate_limit_per_ip(http: httpx.Client) -> None:
    csrf = _csrf(http)
    ip = fresh_ip()
    statuses = [
        _webrtc(http, {"sdp": OFFER}, auth(**{"x-csrf-token": csrf}, **ip)).status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    assert (
        _webrtc(http, {"sdp": OFFER}, auth(**{"x-csrf-token": csrf}, **fresh_ip())).status_code
        == 200
    )


def test_webrtc_upstream_faults(http: httpx.Client, stack: Stack) -> None:
    csrf = _csrf(http)
    stack.faults(
        status=401,
        body='{"error": {"message": "bad key", "type": "invalid_request_error", "param": null, "code": "invalid_api_key"}}',
        paths=["/realtime/client_secrets"],
    )
    mint_failed = _webrtc(http, {"sdp": OFFER}, auth(**{"x-csrf-token": csrf}, **fresh_ip()))
    assert mint_failed.status_code == 502
    assert mint_failed.json() == {"error": "Failed to mint OpenAI client secret", "status": 401}
    stack.faults(drop_connection=True, paths=["/realtime/client_secrets"])
    dropped = _webrtc(http, {"sdp": OFFER}, auth(**{"x-csrf-token": csrf}, **fresh_ip()))
    assert dropped.status_code == 502 and "status" not in dropped.json()

    json_error = '{"error":{"message":"Invalid SDP offer.","type":"invalid_request_error","param":"sdp","code":"invalid_offer"}}'
    # A status the operation documents itself (400, 401, ...) would have to match that
    # response's own schema; OpenAI's 422 is covered only by `default`, so it passes verbatim.
    stack.faults(status=422, body=json_error, paths=["/realtime/calls"])
    passed = _webrtc(http, {"sdp": OFFER}, auth(**{"x-csrf-token": csrf}, **fresh_ip()))
    assert passed.status_code == 422 and passed.content == json_error.encode()
    assert passed.headers["content-type"] == "application/json"
    stack.faults(
        status=503, body="upstream overloaded", content_type="text/plain", paths=["/realtime/calls"]
    )
    text = _webrtc(http, {"sdp": OFFER}, auth(**{"x-csrf-token": csrf}, **fresh_ip()))
    assert (text.status_code, text.text) == (503, "upstream overloaded")
    assert text.headers["content-type"].startswith("text/plain")
    stack.faults(drop_connection=True, paths=["/realtime/calls"])
    local = _webrtc(http, {"sdp": OFFER}, auth(**{"x-csrf-token": csrf}, **fresh_ip()))
    assert local.status_code == 500 and local.json()["code"] == "SDP_EXCHANGE_FAILED"


def test_key_rotation_without_restart(http: httpx.Client, stack: Stack) -> None:
    key_file = stack.settings.openai_api_key_file
    assert key_file is not None
    rotated = API_KEY + "-rotated"
    stack.fake_state.api_keys = {rotated}
    try:
        assert http.post("/api/realtime-token", json={}, headers=auth()).status_code == 500
        key_file.write_text(rotated)
        assert http.post("/api/realtime-token", json={}, headers=auth()).status_code == 200
    finally:
        key_file.write_text(API_KEY)
        stack.fake_state.api_keys = {API_KEY}


def test_settings_refuse_a_bad_ttl(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SERVICEAI_CLIENT_SECRET_TTL_SECONDS", "5")
    with pytest.raises(SettingsError, match=r"between 10 and 7200\. Received: 5"):
        load_settings()
    monkeypatch.setenv("SERVICEAI_CLIENT_SECRET_TTL_SECONDS", "7200")
    config = tmp_path / "serviceai.json"
    config.write_text('{"turn_detection": "sometimes"}')
    monkeypatch.setenv("SERVICEAI_CONFIG_FILE", str(config))
    with pytest.raises(SettingsError, match="turn_detection"):
        load_settings()
    config.write_text('{"turn_detection": "semantic_vad", "default_voice": "cedar"}')
    loaded = load_settings()
    assert (loaded.turn_detection, loaded.default_voice, loaded.client_secret_ttl_seconds) == (
        "semantic_vad",
        "cedar",
        7200,
    )


def test_every_documented_response_was_driven() -> None:
    documented = {
        (op, status, media)
        for op, statuses in validation.RESPONSES.items()
        for status, medias in statuses.items()
        for media in (medias or {"": None})
    }
    # `default` is a pass-through: driven as JSON and as text above.
    missing = documented - CHECKED.covered
    assert missing == set()


def test_no_response_or_log_line_contains_the_api_key() -> None:
    assert CHECKED.bodies and CAPTURE.lines
    rotated = (API_KEY + "-rotated").encode()
    for body in CHECKED.bodies:
        assert API_KEY.encode() not in body and rotated not in body
    for line in CAPTURE.lines:
        assert API_KEY not in line
    import logging

    logging.getLogger("reference").warning("the key is %s", API_KEY)
    assert API_KEY not in CAPTURE.lines[-1] and "[REDACTED]" in CAPTURE.lines[-1]
