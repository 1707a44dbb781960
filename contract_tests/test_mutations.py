"""The suite must be able to fail: deliberately broken variants of the reference, each caught.

Every variant is the real reference wrapped in a small ASGI middleware that breaks the wire
response (or skips a check), so the generated stubs cannot refuse the breakage themselves and
the suite alone has to notice; response validation in the stubs stays off. Against each variant
the same harness runs: a stateless fuzz of every operation (positive and negative, every check)
and every documented-fault scenario. The unbroken reference passes that harness (the control).

Each variant costs a whole harness run (10-20 s on a busy 2-core machine), so `make test` runs the
control and a fixed slice (IN_SUITE: one caught by the fuzz, one by a scenario that only the SDP
deserialiser can fail); `make contract-full` (CONTRACT_FULL=1) runs every variant.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from schemathesis.errors import FailureGroup

from contract_tests.scenarios import SCENARIOS, Target, fuzz, live_target
from contract_tests.support import COVERAGE, operations

Scope = dict[str, Any]
Message = dict[str, Any]
Rewrite = Callable[[int, dict[str, str], bytes], tuple[int, dict[str, str], bytes]]


async def _run(app: Any, scope: Scope, body: bytes) -> tuple[int, dict[str, str], bytes]:
    """Call `app` with a complete request body; return its complete response."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    start: Message = {}
    chunks: list[bytes] = []

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in start.get("headers", [])}
    return start["status"], headers, b"".join(chunks)


async def _read(receive: Any) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


async def _reply(send: Any, status: int, headers: dict[str, str], body: bytes) -> None:
    headers = {k: v for k, v in headers.items() if k.lower() != "content-length"}
    headers["content-length"] = str(len(body))
    raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def rewrite_response(method: str, path: str, rewrite: Rewrite) -> Callable[[Any], Any]:
    """Wrap an app so the response to `method path` goes through `rewrite`."""

    def wrap(app: Any) -> Any:
        async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
            if scope["type"] != "http" or (scope["method"], scope["path"]) != (method, path):
                await app(scope, receive, send)
                return
            status, headers, body = await _run(app, scope, await _read(receive))
            await _reply(send, *rewrite(status, headers, body))

        return wrapped

    return wrap


def _wrong_field_type(status: int, headers: dict[str, str], body: bytes) -> Any:
    if status == 200:
        data = json.loads(body)
        data["knowledgeBaseLoaded"] = "no"  # a string where the contract says boolean
        body = json.dumps(data).encode()
    return status, headers, body


def _undocumented_status(status: int, headers: dict[str, str], body: bytes) -> Any:
    return (201 if status == 200 else status), headers, body  # 201 is not documented


def _bare_502(status: int, headers: dict[str, str], body: bytes) -> Any:
    if status == 502:
        body = b'{"message":"Bad Gateway"}'  # no `error`: not the documented envelope
    return status, headers, body


def _text_on_json(status: int, headers: dict[str, str], body: bytes) -> Any:
    if status == 200:
        headers = {**headers, "content-type": "text/plain; charset=utf-8"}
        body = b"ok"
    return status, headers, body


def _not_sdp(status: int, headers: dict[str, str], body: bytes) -> Any:
    if status == 200:
        body = b"v=0\r\nthis is not an SDP line\r\n"  # still application/sdp, still a string
    return status, headers, body


def _no_csrf_check(app: Any) -> Any:
    """Every SDP exchange gets a valid CSRF token of its caller's: the check is gone."""

    async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] != "/api/realtime/webrtc":
            await app(scope, receive, send)
            return
        keep = [(k, v) for k, v in scope["headers"] if k not in (b"x-csrf-token",)]
        mint = dict(scope, method="GET", path="/api/csrf-token", raw_path=b"/api/csrf-token")
        mint["headers"] = [(k, v) for k, v in keep if k != b"content-length"]
        status, _, body = await _run(app, mint, b"")
        if status == 200:
            keep.append((b"x-csrf-token", json.loads(body)["token"].encode()))
        await app(dict(scope, headers=keep), receive, send)

    return wrapped


MUTATIONS: dict[str, tuple[Callable[[Any], Any], str]] = {
    # name: (wrapper, the part of the suite expected to catch it)
    "wrong field type in a 200": (
        rewrite_response("GET", "/api/chatty-voice/ai-context", _wrong_field_type),
        "fuzz GET /api/chatty-voice/ai-context",
    ),
    "undocumented status": (
        rewrite_response("GET", "/api/csrf-token", _undocumented_status),
        "fuzz GET /api/csrf-token",
    ),
    "502 without the envelope": (
        rewrite_response("POST", "/api/realtime/webrtc", _bare_502),
        "scenario webrtc_mint_failure_502",
    ),
    "text body on a JSON response": (
        rewrite_response("POST", "/api/chatty-voice/tools/execute", _text_on_json),
        "fuzz POST /api/chatty-voice/tools/execute",
    ),
    "missing CSRF check": (_no_csrf_check, "scenario webrtc_csrf_403"),
    # Without the application/sdp deserialiser this body would pass silently (a string is a
    # string): only deserialising it as SDP notices.
    "an SDP answer that is not SDP": (
        rewrite_response("POST", "/api/realtime/webrtc", _not_sdp),
        "scenario webrtc_exchange_200",
    ),
}


def _describe(exc: BaseException) -> str:
    """What failed: schemathesis check titles, or the assertion. Anything else is a harness bug."""
    if isinstance(exc, FailureGroup):
        return "schemathesis: " + "; ".join(sorted({f.title for f in exc.exceptions}))
    if isinstance(exc, AssertionError):
        return "assertion: " + (str(exc).strip().splitlines() or ["?"])[0]
    if isinstance(exc, ExceptionGroup):
        return " | ".join(_describe(inner) for inner in exc.exceptions)
    raise exc


def harness(t: Target) -> dict[str, str]:
    """Every scenario, then the fuzz (after the scenarios, so its token mints cannot use up a rate
    limit a scenario counts on); {part: first line of its failure} for each part that failed."""
    failures: dict[str, str] = {}
    parts: list[tuple[str, Callable[[], None]]] = [
        (f"scenario {name}", lambda scenario=scenario: scenario(t))
        for name, scenario in SCENARIOS.items()
    ]
    parts += [
        (f"fuzz {label}", lambda label=label: fuzz(t, label, max_examples=8))
        for label, _, _ in operations()
    ]
    for part, run in parts:
        try:
            run()
        except (AssertionError, FailureGroup, ExceptionGroup) as exc:
            failures[part] = _describe(exc)
    return failures


def _target(tmp: Path, wrap: Callable[[Any], Any] | None) -> Any:
    return live_target(tmp, wrap, coverage=None, source="mutation")


def test_the_unbroken_reference_passes_the_harness(tmp_path: Path) -> None:
    with _target(tmp_path, None) as t:
        assert harness(t) == {}


# The variants `make test` runs; every one with `make contract-full` (CONTRACT_FULL=1).
IN_SUITE = ("undocumented status", "an SDP answer that is not SDP")
assert set(IN_SUITE) <= set(MUTATIONS)


def variants() -> list[str]:
    return list(MUTATIONS) if os.environ.get("CONTRACT_FULL") == "1" else list(IN_SUITE)


@pytest.mark.parametrize("name", variants())
def test_broken_variant_is_caught(name: str, tmp_path: Path) -> None:
    wrap, expected = MUTATIONS[name]
    with _target(tmp_path, wrap) as t:
        failures = harness(t)
    COVERAGE.mutations[name] = [f"{part}: {why}" for part, why in sorted(failures.items())]
    assert failures, f"the suite did not notice: {name}"
    assert expected in failures, (expected, failures)
