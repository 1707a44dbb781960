"""The integration seed's operational promises, over real HTTP: API-key resolution, the daily
per-organisation session quota and its operator endpoint, maxSessionDurationSeconds (the call
is hung up upstream), push_to_talk, store failures answered as documented, a bounded memory
store."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reference.store import MemoryStore, RedisStore
from tests.reference_support.fixtures import API_KEY, CAPTURE, CHECKED, Stack, start_stack
from tests.reference_support.servers import free_port

OFFER = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
MISSING = "Missing API key. Configure openaiApiKey or send apiKey in request."
DISABLED = "Passing apiKey from request is disabled. Set allowApiKeyFromRequest=true to enable it."


def auth(token: str = "tok-alice", **headers: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}", **headers}


def mint(url: str, body: object, token: str = "tok-alice") -> httpx.Response:
    response = httpx.post(url + "/api/realtime-token", json=body, headers=auth(token), timeout=10)
    return CHECKED.check("createRealtimeToken", response)


@pytest.fixture
def stack(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Stack]:
    extra = getattr(request, "param", {})
    yield from start_stack(tmp_path, **extra)


def test_api_key_resolution_paths(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    key_file = stack.settings.openai_api_key_file
    assert key_file is not None
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    # The backend key wins over a request key, even a bogus one.
    assert mint(stack.url, {"apiKey": "sk-bogus"}).status_code == 200
    key_file.write_text("")
    time.sleep(0.01)  # a new mtime: the provider re-reads the file
    missing = mint(stack.url, {})
    assert missing.status_code == 401 and missing.json()["error"] == MISSING
    disabled = mint(stack.url, {"apiKey": API_KEY})
    assert disabled.status_code == 403 and disabled.json()["error"] == DISABLED
    stack.settings.allow_api_key_from_request = True
    try:
        allowed = mint(stack.url, {"apiKey": API_KEY, "directWebRTC": True})
        assert allowed.status_code == 200 and allowed.json()["clientSecret"].startswith("ek_")
        assert mint(stack.url, {}).json()["error"] == MISSING  # allowed, but none was sent
        # a request key OpenAI refuses: the documented fallback, never the key in the answer
        refused = mint(stack.url, {"apiKey": "sk-not-a-real-key"})
        assert refused.status_code == 500 and refused.json()["fallback"] is True
        assert b"sk-not-a-real-key" not in refused.content
    finally:
        stack.settings.allow_api_key_from_request = False
        key_file.write_text(API_KEY)
    assert not any("sk-not-a-real-key" in line for line in CAPTURE.lines)


@pytest.mark.parametrize(
    "stack", [{"org_daily_session_quota": 2, "operator_token": "op-secret"}], indirect=True
)
def test_daily_organisation_quota(stack: Stack) -> None:
    assert [mint(stack.url, {}).status_code for _ in range(2)] == [200, 200]
    over = mint(stack.url, {})
    assert over.status_code == 429 and over.json()["code"] == "QUOTA_EXCEEDED", over.text
    assert 1 <= int(over.headers["retry-after"]) <= 86401
    assert mint(stack.url, {}, token="tok-carol").status_code == 200  # another organisation
    ops = httpx.get(
        stack.url + "/ops/quota/org_42", headers={"authorization": "Bearer op-secret"}
    ).json()
    assert (ops["used"], ops["refused"], ops["limit"], ops["remaining"]) == (2, 1, 2, 0), ops
    assert httpx.get(stack.url + "/ops/quota/org_42").status_code == 401
    wrong = httpx.get(stack.url + "/ops/quota/org_42", headers={"authorization": "Bearer x"})
    assert wrong.status_code == 401


@pytest.mark.parametrize(
    "stack", [{"max_session_duration_seconds": 1, "turn_detection": "push_to_talk"}], indirect=True
)
def test_sessions_are_hung_up_at_their_maximum_duration(stack: Stack) -> None:
    minted = mint(stack.url, {})
    assert minted.status_code == 200
    # push_to_talk: OpenAI's manual turns
    sent = stack.fake_state.requests[-1]["body"]
    assert sent["session"]["audio"]["input"]["turn_detection"] is None, sent
    csrf = httpx.get(stack.url + "/api/csrf-token", headers=auth()).json()["token"]
    answer = httpx.post(
        stack.url + "/api/realtime/webrtc",
        json={"sdp": OFFER},
        headers=auth(**{"x-csrf-token": csrf, "x-forwarded-for": "10.9.9.9"}),
    )
    assert CHECKED.check("exchangeRealtimeSdp", answer).status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    assert len(stack.fake_state.calls) == 1
    deadline = time.monotonic() + 15
    while stack.fake_state.calls and time.monotonic() < deadline:
        time.sleep(0.05)
    assert stack.fake_state.calls == set(), "the call was not hung up"
    # The backend logs the hang-up once the upstream's answer is back, a moment after the fake
    # upstream forgot the call: wait for that line too.
    while not any(" hung up after 1s" in line for line in CAPTURE.lines):
        assert time.monotonic() < deadline, "the hang-up was not logged"
        time.sleep(0.05)


def _dead_redis() -> RedisStore:
    return RedisStore(f"redis://127.0.0.1:{free_port()}/0", timeout=0.2)


@pytest.mark.parametrize("stack", [{"store_factory": _dead_redis}], indirect=True)
def test_a_store_outage_answers_documented_responses(stack: Stack) -> None:
    before = len(CAPTURE.lines)
    fallback = mint(stack.url, {"directWebRTC": True})
    assert fallback.status_code == 500 and fallback.json()["fallback"] is True
    assert fallback.headers["cache-control"] == "no-store"
    csrf = httpx.get(stack.url + "/api/csrf-token", headers=auth(**{"x-request-id": "req-42"}))
    # csrf-token documents no 5xx: the stubs' 503 JSON (warned at generation)
    assert csrf.status_code == 503 and csrf.headers["content-type"] == "application/json"
    assert csrf.json() == {"error": "internal error (request id req-42)"}
    assert csrf.headers["x-request-id"] == "req-42"
    exchange = httpx.post(
        stack.url + "/api/realtime/webrtc",
        json={"sdp": OFFER},
        headers=auth(**{"x-csrf-token": "abc"}),
    )
    assert CHECKED.check("exchangeRealtimeSdp", exchange).status_code == 500
    assert exchange.json()["code"] == "STORE_UNAVAILABLE"
    ready = httpx.get(stack.url + "/readyz", timeout=10)
    assert ready.status_code == 503
    checks = {c["check"]: c["ok"] for c in ready.json()["checks"]}
    assert checks == {"store": False, "upstream": True, "api_key": True}
    logged = CAPTURE.lines[before:]
    failures = [line for line in logged if "unhandled StoreUnavailable" in line]
    assert len(failures) == 3 and any("request id req-42" in line for line in failures), logged
    assert not any("Traceback" in line for line in logged)


def test_the_memory_store_expires_and_bounds_its_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr("reference.store.time.monotonic", lambda: clock[0])
    store = MemoryStore(max_entries=500, sweep_every=64)

    async def run() -> None:
        for n in range(20_000):
            await store.hit(f"webrtc:10.0.{n}", 3, 1)
            await store.put(f"csrf:{n}", "alice", 1)
            assert len(store) <= 500
            clock[0] += 0.001
        # every entry has expired two seconds later; the next writes sweep them out
        clock[0] += 2
        for n in range(64):
            await store.put(f"csrf:new{n}", "bob", 300)
        assert len(store) == 64
        assert await store.get("csrf:new1") == "bob"
        assert await store.get("csrf:19999") is None
        # a limit is still exact within its window
        assert [await store.hit("mint:x", 2, 60) for _ in range(3)] == [True, True, False]
        # a sliding window too; a refusal says when the oldest admission leaves it
        decisions = [await store.admit("webrtc:y", 2, 60) for _ in range(3)]
        assert [d.allowed for d in decisions] == [True, True, False]
        assert decisions[2].retry_after == 60

    asyncio.run(run())
