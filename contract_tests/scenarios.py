"""Documented responses that depend on the upstream or on state, each built deterministically
and validated by schemathesis. Shared by test_documented_faults.py (against the reference) and
test_mutations.py (against deliberately broken variants, where they must fail).

Each scenario takes a `Target` (a schema whose base URL is a live reference, plus control of
its fake upstream) and raises AssertionError or schemathesis' FailureGroup when the reference
does not do what the contract documents.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import hypothesis
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core import NOT_SET

from contract_tests.support import (
    CONTRACT,
    COVERAGE,
    FUZZ_TOKEN,
    OFFER,
    SEED,
    Coverage,
    Identity,
    can_be_invalid,
    make_schema,
    reference_server,
    validate,
)
from reference.fake_upstream import FakeState, create_fake_app
from reference.settings import Settings
from tests.reference_support.fixtures import API_KEY, Stack, make_settings
from tests.reference_support.servers import LiveServer

WEBRTC = "POST /api/realtime/webrtc"
MINT = "POST /api/realtime-token"
_ips = itertools.count(1)

OPENAI_JSON_ERROR = (
    '{"error":{"message":"Invalid SDP offer.","type":"invalid_request_error",'
    '"param":"sdp","code":"invalid_offer"}}'
)
OPENAI_AUTH_ERROR = (
    '{"error":{"message":"bad key","type":"invalid_request_error","param":null,'
    '"code":"invalid_api_key"}}'
)


def fresh_ip() -> dict[str, str]:
    """A client IP of its own (the reference trusts X-Forwarded-For from loopback)."""
    n = next(_ips)
    return {"X-Forwarded-For": f"10.{n // 250}.{n % 250}.1"}


@dataclass
class Target:
    schema: Any
    stack: Stack
    coverage: Coverage | None = COVERAGE
    source: str = "documented faults"

    def call(
        self,
        label: str,
        *,
        token: str | None = FUZZ_TOKEN,
        headers: dict[str, str] | None = None,
        body: Any = NOT_SET,
        method: str | None = None,
        relax: tuple[Any, ...] = (),
    ) -> Any:
        """Send one request with schemathesis and validate the response with every check."""
        verb, path = label.split(" ", 1)
        operation = self.schema[path][verb]
        extra: dict[str, Any] = {}
        if body is not NOT_SET:
            extra = {"body": body, "media_type": "application/json"}
        case = operation.Case(headers=dict(headers or {}), **extra)
        if method is not None:
            case.method = method
        auth = {"Authorization": f"Bearer {token}"} if token else {}
        response = case.call(headers=auth, timeout=10)
        validate(
            case, response, source=self.source, relax=relax, coverage=self.coverage, headers=auth
        )
        return response

    def csrf(self, token: str = FUZZ_TOKEN) -> str:
        response = self.call("GET /api/csrf-token", token=token)
        assert response.status_code == 200, response.text
        value = response.json()["token"]
        assert isinstance(value, str)
        return value

    def webrtc(
        self, csrf: str | None, *, sdp: str = OFFER, token: str = FUZZ_TOKEN, **kw: Any
    ) -> Any:
        headers = fresh_ip()
        if csrf is not None:
            headers["X-CSRF-Token"] = csrf
        return self.call(WEBRTC, token=token, headers=headers, body={"sdp": sdp}, **kw)


def real_limit_settings(tmp: Path, upstream_url: str) -> Settings:
    """The reference's own default limits (webrtc 3/min/IP, token mint per user)."""
    defaults = Settings.model_fields
    return make_settings(
        tmp,
        upstream_url,
        webrtc_rate_limit=defaults["webrtc_rate_limit"].default,
        mint_rate_limit=defaults["mint_rate_limit"].default,
    )


@contextmanager
def live_target(
    tmp: Path,
    wrap: Callable[[Any], Any] | None = None,
    *,
    coverage: Coverage | None = COVERAGE,
    source: str = "documented faults",
) -> Iterator[Target]:
    """A fake upstream with fault switches and the reference (optionally wrapped) on loopback."""
    from reference.app import build_app

    state = FakeState(api_keys={API_KEY})
    fake = LiveServer(create_fake_app(state)).start()
    try:
        settings = real_limit_settings(tmp, fake.url + "/v1")
        app = build_app(settings, validate_responses=False)
        with reference_server(settings, wrap(app) if wrap else app) as server:
            # The auth provider only signs generated cases (fuzz); explicit calls name a token.
            schema = make_schema(Identity(FUZZ_TOKEN))
            schema.config.update(base_url=server.url)
            yield Target(schema, Stack(fake, state, [server], settings), coverage, source)
    finally:
        fake.stop()


# -- the scenarios -----------------------------------------------------------------------------


def unauthenticated_and_unentitled(t: Target) -> None:
    """401 without or with an unknown token, 403 without the chatty-voice entitlement."""
    for label in (
        "GET /api/chatty-voice/tools",
        "POST /api/chatty-voice/tools/execute",
        "GET /api/chatty-voice/ai-context",
        MINT,
        "GET /api/csrf-token",
    ):
        body = {} if label.startswith("POST") else NOT_SET
        assert t.call(label, token=None, body=body).status_code == 401, label
        assert t.call(label, token="not-a-session", body=body).status_code == 401, label
        assert t.call(label, token="tok-nobody", body=body).status_code == 403, label
    for token, status in ((None, 401), ("not-a-session", 401), ("tok-nobody", 403)):
        headers = {"X-CSRF-Token": "x", **fresh_ip()}
        response = t.call(WEBRTC, token=token, headers=headers, body={"sdp": OFFER})
        assert response.status_code == status, (token, response.text)


def realtime_token_fallback_500(t: Target) -> None:
    """Mint failure (OpenAI error, malformed JSON, dropped connection): 500 with fallback."""
    try:
        for fault in (
            {"status": 500, "body": OPENAI_AUTH_ERROR, "paths": ["/realtime/client_secrets"]},
            {"malformed_json": True, "paths": ["/realtime/client_secrets"]},
            {"drop_connection": True, "paths": ["/realtime/client_secrets"]},
        ):
            t.stack.faults(**fault)
            response = t.call(MINT, body={"directWebRTC": True})
            assert response.status_code == 500, (fault, response.text)
            assert response.json()["fallback"] is True, response.text
    finally:
        t.stack.clear_faults()


def realtime_token_rate_limit_429(t: Target) -> None:
    """The per-user mint limit, exhausted by one user; others are unaffected."""
    limit = t.stack.settings.mint_rate_limit
    statuses = [t.call(MINT, token="tok-carol", body={}).status_code for _ in range(limit + 1)]
    assert statuses == [200] * limit + [429], statuses
    assert t.call(MINT, token="tok-bob", body={}).status_code == 200


def realtime_token_method_not_allowed_405(t: Target) -> None:
    """Every other method on /api/realtime-token: 405, `Allow: POST`, the ErrorEnvelope."""
    for method in ("GET", "PUT", "DELETE", "PATCH"):
        response = t.call(MINT, method=method)
        assert response.status_code == 405, (method, response.text)
        assert response.headers["allow"] == ["POST"], response.headers


def webrtc_exchange_200(t: Target) -> None:
    response = t.webrtc(t.csrf())
    assert response.status_code == 200, response.text
    assert response.text.startswith("v=0")


def webrtc_invalid_sdp_400(t: Target) -> None:
    csrf = t.csrf()
    for sdp in ("hello", "v=0\r\nnot sdp\r\n", "v=0\r\no=- 0 0 IN IP4 1.2.3.4\r\n"):
        response = t.webrtc(csrf, sdp=sdp)
        assert response.status_code == 400, (sdp, response.text)


def webrtc_csrf_403(t: Target) -> None:
    """A missing, forged or foreign (another user's) CSRF token is refused with 403."""
    alice = t.csrf()
    bob = t.csrf("tok-bob")
    assert t.webrtc(None).status_code == 403
    assert t.webrtc("forged-token").status_code == 403
    assert t.webrtc(bob).status_code == 403  # bob's token, alice's session
    assert t.webrtc(alice, token="tok-bob").status_code == 403  # and the other way round
    assert t.webrtc(alice).status_code == 200  # the token itself was good


def webrtc_rate_limit_429(t: Target) -> None:
    """3 requests per minute per client IP; the 4th from the same IP is refused."""
    csrf = t.csrf()
    ip = fresh_ip()
    limit = t.stack.settings.webrtc_rate_limit
    statuses = [
        t.call(WEBRTC, headers={"X-CSRF-Token": csrf, **ip}, body={"sdp": OFFER}).status_code
        for _ in range(limit + 1)
    ]
    assert statuses == [200] * limit + [429], statuses


def webrtc_local_failure_500(t: Target) -> None:
    """The SDP exchange itself fails without an answer from OpenAI: 500 ErrorEnvelope."""
    csrf = t.csrf()
    try:
        t.stack.faults(drop_connection=True, paths=["/realtime/calls"])
        response = t.webrtc(csrf)
        assert response.status_code == 500, response.text
    finally:
        t.stack.clear_faults()


def webrtc_mint_failure_502(t: Target) -> None:
    """Minting the ephemeral secret fails: the 502 `{error, status?}` envelope."""
    csrf = t.csrf()
    try:
        t.stack.faults(status=401, body=OPENAI_AUTH_ERROR, paths=["/realtime/client_secrets"])
        refused = t.webrtc(csrf)
        assert refused.status_code == 502, refused.text
        assert refused.json()["status"] == 401
        t.stack.faults(drop_connection=True, paths=["/realtime/client_secrets"])
        dropped = t.webrtc(csrf)
        assert dropped.status_code == 502 and "status" not in dropped.json(), dropped.text
    finally:
        t.stack.clear_faults()


def webrtc_passthrough_default_json(t: Target) -> None:
    """OpenAI's own 422 JSON error is forwarded verbatim (the `default` response)."""
    csrf = t.csrf()
    try:
        t.stack.faults(status=422, body=OPENAI_JSON_ERROR, paths=["/realtime/calls"])
        response = t.webrtc(csrf)
        assert response.status_code == 422, response.text
        assert response.content == OPENAI_JSON_ERROR.encode()
    finally:
        t.stack.clear_faults()


def webrtc_passthrough_default_text(t: Target) -> None:
    """OpenAI's 503 text/plain error is forwarded verbatim. A 5xx is the deliberate fault here,
    so not_a_server_error is relaxed for this request only."""
    csrf = t.csrf()
    try:
        t.stack.faults(
            status=503,
            body="upstream overloaded",
            content_type="text/plain",
            paths=["/realtime/calls"],
        )
        response = t.webrtc(csrf, relax=(not_a_server_error,))
        assert response.status_code == 503, response.text
        assert response.text == "upstream overloaded"
    finally:
        t.stack.clear_faults()


def upgrade_required_426(t: Target) -> None:
    """A client whose major version is below minClientVersion is told to upgrade."""
    old = t.call("GET /api/chatty-voice/tools", headers={"X-Client-Version": "0.9.3"})
    assert old.status_code == 426, old.text
    assert old.json()["clientVersion"] == "0.9.3"
    current = t.call("GET /api/chatty-voice/tools", headers={"X-Client-Version": "1.0.0"})
    assert current.status_code == 200, current.text


def executor_403_and_500(t: Target) -> None:
    """A tool the caller may not run: 403; a tool that crashes: 500 `{success: false}`."""
    execute = "POST /api/chatty-voice/tools/execute"
    denied = t.call(
        execute,
        token="tok-bob",
        body={"function": "get_weather", "arguments": {"location": "Oslo"}},
    )
    assert denied.status_code == 403 and denied.json()["code"] == "PERMISSION_DENIED"
    crashed = t.call(
        execute, body={"function": "create_service_ticket", "arguments": {"summary": "crash"}}
    )
    assert crashed.status_code == 500 and crashed.json()["success"] is False, crashed.text


SCENARIOS: dict[str, Callable[[Target], None]] = {
    f.__name__: f
    for f in (
        unauthenticated_and_unentitled,
        realtime_token_fallback_500,
        realtime_token_rate_limit_429,
        realtime_token_method_not_allowed_405,
        webrtc_exchange_200,
        webrtc_invalid_sdp_400,
        webrtc_csrf_403,
        webrtc_rate_limit_429,
        webrtc_local_failure_500,
        webrtc_mint_failure_502,
        webrtc_passthrough_default_json,
        webrtc_passthrough_default_text,
        upgrade_required_426,
        executor_403_and_500,
    )
}


# -- a compact stateless fuzz run, for the mutation test ---------------------------------------


def fuzz(t: Target, label: str, *, max_examples: int = 15) -> None:
    """Positive then negative fuzzing of one operation, every check, no shrinking. (An operation
    that no request can violate has no negative data.)"""
    verb, path = label.split(" ", 1)
    operation = t.schema[path][verb]
    modes = [GenerationMode.POSITIVE]
    if can_be_invalid(CONTRACT["paths"][path][verb.lower()]):
        modes.append(GenerationMode.NEGATIVE)
    for mode in modes:

        @hypothesis.settings(
            max_examples=max_examples,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
            suppress_health_check=list(hypothesis.HealthCheck),
        )
        @hypothesis.given(case=operation.as_strategy(mode))
        @hypothesis.seed(SEED)
        def run(case: Any) -> None:
            response = case.call(timeout=10)
            validate(case, response, source=t.source, coverage=t.coverage)

        run()


def reachable(url: str) -> bool:
    return httpx.get(url + "/api/version", timeout=5).status_code == 200
