"""Attacks on the reference backend (issue 23: items 1, 5, 6, 7, 8, 13), against `python -m
reference.serve` behind a trusted proxy (127.0.0.1), with the fake OpenAI upstream in this test
process so that it can dribble, flood and hang on demand and count what it was asked: forwarded
addresses split over lines or spelled many ways, an upstream answering a byte at a time or 50 MB,
SDP answers that are HTML or hold NUL/ESC, memory per authenticated user, one user's flood
against another's state, the operator endpoint, readiness probes with a hung upstream."""

from __future__ import annotations

import asyncio
import http.client
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from serviceai_api.server import validation

from reference.fake_upstream import FakeState, create_fake_app
from reference.fake_upstream.app import Faults
from tests.reference_support.fixtures import CHECKED
from tests.reference_support.process import Served, served
from tests.reference_support.raw import address
from tests.reference_support.servers import LiveServer

NAMES = ("xff", "trickle", "huge", "sdp", "mem", "bob", "alice", "ready")
USERS = {
    f"tok-{n}": {"id": n, "organization_id": f"org_{n}", "entitlements": ["chatty-voice", "tool:*"]}
    for n in NAMES
}
BYOK = {"apiKey": "sk-byok-test-0123456789abcdef"}
BAD_SDP = {"sdp": "not sdp"}  # admitted by the limiter, then 400 INVALID_SDP (no upstream call)
OFFER = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"


@dataclass
class Backend:
    served: Served
    fake: FakeState
    key_file: Path

    @property
    def url(self) -> str:
        return self.served.url


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    tmp = tmp_path_factory.mktemp("hardening-reference")
    key_file = tmp / "openai-key"
    key_file.write_text("")  # no backend key: requests bring their own (BYOK)
    state = FakeState()
    fake = LiveServer(create_fake_app(state)).start()
    config = {
        "users": USERS,
        "upstream_timeout_seconds": 1.5,
        "openai_api_key_file": str(key_file),
        "allow_api_key_from_request": True,
        "trusted_proxies": ["127.0.0.1"],
        "mint_rate_limit": 1000,
        "memory_store_max_entries": 64,
        "memory_store_max_entries_per_owner": 16,
        "operator_token": "op-secret",
        "ops_rate_limit": 5,
        "readiness_budget_ms": 1000,
        "readiness_interval_seconds": 0.5,
    }
    env = {"SERVICEAI_UPSTREAM_BASE_URL": fake.url + "/v1"}
    try:
        with served(tmp, config, env) as s:
            yield Backend(s, state, key_file)
        log = s.log_text()
        assert "Traceback" not in log, log[-4000:]
    finally:
        fake.stop()


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


class Client:
    """One keep-alive connection that can send a header on several lines (http.client)."""

    def __init__(self, url: str, token: str) -> None:
        self.conn = http.client.HTTPConnection(*address(url), timeout=30)
        self.token = token

    def send(
        self, method: str, path: str, body: Any = None, lines: tuple[tuple[str, str], ...] = ()
    ) -> tuple[int, dict[str, str], bytes]:
        self.conn.putrequest(method, path)
        self.conn.putheader("Authorization", f"Bearer {self.token}")
        for name, value in lines:
            self.conn.putheader(name, value)
        data = b"" if body is None else json.dumps(body).encode()
        if body is not None:
            self.conn.putheader("Content-Type", "application/json")
        self.conn.putheader("Content-Length", str(len(data)))
        self.conn.endheaders(data)
        response = self.conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()

    def csrf(self) -> str:
        status, _, body = self.send("GET", "/api/csrf-token")
        assert status == 200, body
        token: str = json.loads(body)["token"]
        return token

    def exchange(self, csrf: str, *forwarded: str, body: Any = BAD_SDP) -> tuple[int, bytes]:
        lines = (("X-CSRF-Token", csrf), *(("X-Forwarded-For", f) for f in forwarded))
        status, headers, data = self.send("POST", "/api/realtime/webrtc", body, lines)
        if status == 429:
            assert 1 <= int(headers["retry-after"]) <= 60, headers
        return status, data

    def close(self) -> None:
        self.conn.close()


def _admitted(statuses: list[int]) -> int:
    assert set(statuses) <= {400, 429}, statuses  # 400: admitted, then the bad SDP refused
    return sum(s != 429 for s in statuses)


def test_forwarded_for_lines_and_spellings_cannot_choose_the_counted_address(
    backend: Backend,
) -> None:
    client = Client(backend.url, "tok-xff")
    csrf = client.csrf()
    # The client writes its own X-Forwarded-For line; the trusted proxy appends a line with the
    # real address. Every line is read: the real address is counted.
    split = [client.exchange(csrf, f"198.51.100.{n}", "203.0.113.7")[0] for n in range(30)]
    assert _admitted(split) == 3, split
    # twelve spellings of one IPv6 address are one address
    spellings = [
        "2001:db8::7",
        "2001:DB8::7",
        "2001:db8:0::7",
        "2001:0db8:0000:0000:0000:0000:0000:0007",
        "2001:db8:0:0:0:0:0:7",
        "[2001:db8::7]",
        "[2001:db8::7]:443",
        " 2001:db8::7 ",
        "2001:db8::0:7",
        "2001:0DB8::0007",
        "2001:db8:0:0::7",
        "2001:db8::7%eth0",
    ]
    six = [client.exchange(csrf, f"192.0.2.1, {s}")[0] for s in spellings]
    assert _admitted(six) == 3, six
    # a zone is not part of an address; the addresses of one /64 are one client
    zoned = [client.exchange(csrf, f"fe80::1%eth{n}")[0] for n in range(30)]
    assert _admitted(zoned) == 3, zoned
    prefix = [client.exchange(csrf, f"2001:db8:0:5::{n:x}")[0] for n in range(30)]
    assert _admitted(prefix) == 3, prefix
    # IPv4 and its IPv4-mapped IPv6 form are one address
    mapped = [client.exchange(csrf, a)[0] for a in ("192.0.2.77", "::ffff:192.0.2.77") * 3]
    assert _admitted(mapped) == 3, mapped
    client.close()


def _mint(url: str, token: str) -> httpx.Response:
    response = httpx.post(
        url + "/api/realtime-token",
        json=BYOK,
        headers={"authorization": f"Bearer {token}"},
        timeout=30,
    )
    return CHECKED.check("createRealtimeToken", response)


def test_the_upstream_deadline_is_total(backend: Backend) -> None:
    """An upstream sending its answer a byte every 0.3 s (each read well within any per-read
    timeout) is cut at the 1.5 s deadline: the fallback, not a mint held for minutes."""
    backend.fake.sent_bytes = 0
    backend.fake.faults = Faults(trickle_seconds=0.3, paths=["/realtime/client_secrets"])
    before = len(backend.served.log_text())
    try:
        minted = _mint(backend.url, "tok-trickle")
    finally:
        backend.fake.faults = Faults()
    assert minted.status_code == 500 and minted.json()["fallback"] is True, minted.text
    assert 0 < backend.fake.sent_bytes < 30, backend.fake.sent_bytes  # the answer is ~1.5 KB
    log = backend.served.log_text()[before:]
    assert "no complete answer within 1.5 s" in log, log
    assert _mint(backend.url, "tok-trickle").status_code == 200


def test_upstream_bodies_are_capped(backend: Backend) -> None:
    pid = backend.served.process.pid
    assert _mint(backend.url, "tok-huge").status_code == 200  # warm
    before = _rss_mb(pid)
    backend.fake.faults = Faults(
        status=200, body_bytes=50 * 1024 * 1024, paths=["/realtime/client_secrets"]
    )
    try:
        answers = [_mint(backend.url, "tok-huge") for _ in range(7)]
        # a declared Content-Length over the cap is refused before the body is read
        backend.fake.faults = Faults(
            status=200, body="x" * 300_000, paths=["/realtime/client_secrets"]
        )
        answers.append(_mint(backend.url, "tok-huge"))
    finally:
        backend.fake.faults = Faults()
    assert all(a.status_code == 500 and a.json()["fallback"] for a in answers), answers
    growth = _rss_mb(pid) - before
    assert growth < 40, f"RSS grew {growth:.0f} MB over 7 answers of 50 MB"  # was +635 MB


def test_sdp_answers_are_checked_before_the_browser_sees_them(backend: Backend) -> None:
    backend.key_file.write_text("sk-backend-0123456789abcdef\n")  # the exchange needs a key
    client = Client(backend.url, "tok-sdp")
    csrf = client.csrf()
    valid = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
    bad_answers = [
        ("application/sdp", "<!doctype html><html><body>Bad gateway</body></html>"),
        ("application/sdp", valid.replace("s=-", "s=\x00")),
        ("application/sdp", valid.replace("s=-", "s=\x1b[2J\x1b[H")),
        ("application/sdp", valid + "a=x<script>alert(1)</script>\r\n"),
        ("application/sdp", "o=- 1 1 IN IP4 0.0.0.0\r\nv=0\r\ns=-\r\n"),
        ("text/html", valid),
    ]
    try:
        for n, (media, answer) in enumerate(bad_answers):
            backend.fake.faults = Faults(
                status=201, content_type=media, body=answer, paths=["/realtime/calls"]
            )
            status, body = client.exchange(csrf, f"192.0.2.{100 + n}", body={"sdp": OFFER})
            problems = validation.response_errors(
                "exchangeRealtimeSdp", status, "application/json", body
            )
            assert status == 502 and problems == [], (answer, status, body, problems)
            assert json.loads(body)["error"] == "OpenAI returned an invalid SDP answer"
            assert b"<" not in body and b"\x1b" not in body
        backend.fake.faults = Faults()
        status, body = client.exchange(csrf, "192.0.2.99", body={"sdp": OFFER})
        assert status == 200 and body.startswith(b"v=0\r\n"), body
    finally:
        backend.fake.faults = Faults()
        backend.key_file.write_text("")
        client.close()


def test_memory_per_user_is_bounded(backend: Backend) -> None:
    pid = backend.served.process.pid
    headers = {"authorization": "Bearer tok-mem"}
    with httpx.Client(base_url=backend.url, headers=headers, timeout=30) as client:
        summary = "t" * (900 * 1024)
        ticket = {"function": "create_service_ticket", "arguments": {"summary": summary}}
        client.post("/api/chatty-voice/tools/execute", json=ticket)  # warm
        before = _rss_mb(pid)
        for _ in range(50):
            answer = client.post("/api/chatty-voice/tools/execute", json=ticket)
            assert answer.status_code == 200 and answer.json()["success"] is False, answer.text
        for n in range(100):
            key = f"sk-{n}-" + "k" * (512 * 1024)
            answer = client.post("/api/realtime-token", json={"apiKey": key})
            assert answer.status_code == 401 and answer.json()["code"] == "INVALID_API_KEY"
        growth = _rss_mb(pid) - before
    # before: every ticket and every key was kept (100 x 1 MB tickets: +96 MB; 200 x 512 KB
    # keys: +110 MB); here 45 MB of tickets and 50 MB of keys were sent
    assert growth < 25, f"RSS grew {growth:.0f} MB"


def test_one_user_cannot_evict_another_users_state(backend: Backend) -> None:
    """The memory store holds 64 entries, 16 per user. Alice floods it from 200 addresses and
    with 100 CSRF tokens; Bob's CSRF token, his per-address window and his organisation's quota
    count all survive."""
    bob = Client(backend.url, "tok-bob")
    bob_csrf = bob.csrf()
    home = "192.0.2.250"
    assert _admitted([bob.exchange(bob_csrf, home)[0] for _ in range(4)]) == 3
    assert _mint(backend.url, "tok-bob").status_code == 200
    alice = Client(backend.url, "tok-alice")
    alice_csrf = alice.csrf()
    flood = []
    for n in range(200):
        status = alice.exchange(alice_csrf, f"10.7.{n // 250}.{n % 250}")[0]
        if status == 403:  # her own flood evicted her own token (16 entries per user)
            alice_csrf = alice.csrf()
            status = alice.exchange(alice_csrf, f"10.7.{n // 250}.{n % 250}")[0]
        flood.append(status)
    assert _admitted(flood) == 200
    for _ in range(100):
        alice.csrf()
    alice.close()
    # Bob's token is still valid (400: past the CSRF check), his home window still closed
    assert bob.exchange(bob_csrf, "192.0.2.251")[0] == 400
    assert bob.exchange(bob_csrf, home)[0] == 429
    bob.close()
    quota = httpx.get(
        backend.url + "/ops/quota/org_bob",
        headers={"authorization": "Bearer op-secret", "x-forwarded-for": "10.8.0.1"},
        timeout=10,
    )
    assert quota.status_code == 200 and quota.json()["used"] == 1, quota.text


def _ops(
    url: str,
    method: str = "GET",
    authorization: str | None = None,
    *,
    source: str,
    body: bytes | None = None,
) -> httpx.Response:
    headers = {"x-forwarded-for": source}
    if authorization is not None:
        headers["authorization"] = authorization
    return httpx.request(
        method, url + "/ops/quota/org_1", headers=headers, content=body, timeout=10
    )


def test_the_operator_endpoint(backend: Backend) -> None:
    url = backend.url
    # authentication before anything else: a wrong method with an invalid body is a 401
    refused = _ops(url, "POST", source="10.9.0.1", body=b"{not json")
    assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
    assert refused.json() == {"error": "operator token required"}
    # only the Bearer scheme carries the operator token
    for n, header in enumerate(
        ("Basic op-secret", "Token op-secret", "op-secret", "Bearer op-secretx", "Bearerop-secret")
    ):
        assert _ops(url, authorization=header, source=f"10.9.1.{n}").status_code == 401, header
    assert _ops(url, authorization="bearer op-secret", source="10.9.2.1").status_code == 200
    assert _ops(url, "POST", "Bearer op-secret", source="10.9.2.2").status_code == 405
    # its own rate limit, counted before the token is looked at
    guesses = [_ops(url, authorization=f"Bearer guess{n}", source="10.9.3.1") for n in range(7)]
    assert [g.status_code for g in guesses] == [401] * 5 + [429] * 2
    assert 1 <= int(guesses[-1].headers["retry-after"]) <= 60
    assert _ops(url, authorization="Bearer op-secret", source="10.9.3.1").status_code == 429


def test_readiness_probes_never_hold_the_upstream_pool(backend: Backend) -> None:
    """The upstream hangs on every readiness check; 50 unauthenticated /readyz probes at once
    are answered from the cache, never reach the upstream, and mints go through meanwhile."""
    fake = backend.fake
    fake.faults = Faults(latency_seconds=4.0, paths=["/models"])
    try:

        async def flood() -> tuple[list[httpx.Response], list[httpx.Response]]:
            async with httpx.AsyncClient(base_url=backend.url, timeout=30) as client:
                probes = [client.get("/readyz") for _ in range(50)]
                mints = [
                    client.post(
                        "/api/realtime-token",
                        json=BYOK,
                        headers={"authorization": "Bearer tok-ready"},
                    )
                    for _ in range(3)
                ]
                answers = await asyncio.gather(*probes, *mints)
                return answers[:50], answers[50:]

        hits_before = fake.hits.get("/v1/models", 0)
        probes, mints = asyncio.run(flood())
        hits = fake.hits.get("/v1/models", 0) - hits_before
    finally:
        fake.faults = Faults()
    assert all(p.status_code in (200, 503) and "checks" in p.json() for p in probes)
    assert [m.status_code for m in mints] == [200, 200, 200], [m.text for m in mints]
    assert hits <= 4, f"{hits} readiness requests reached the upstream for 50 probes"
    # once the upstream answers again, readiness says so (the next background run)
    for _ in range(100):
        ready = httpx.get(backend.url + "/readyz", timeout=10).json()
        upstream = next(c for c in ready["checks"] if c["check"] == "upstream")
        if upstream["ok"]:
            break
        asyncio.run(asyncio.sleep(0.1))
    else:
        raise AssertionError(ready)
