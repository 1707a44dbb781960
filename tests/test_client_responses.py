"""Every documented response of every ServiceAi operation, through the generated SDK.

Driven by the intermediate model: one case per (operation, documented status, media type), each
in sync and async mode, against a real HTTP server on 127.0.0.1. A 2xx must come back as the
parsed, typed value; every other documented status must raise its own exception whose `.body` is
the parsed model. The request the SDK sent is checked too (method, path, credentials, headers).
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import serviceai_api
import serviceai_api.client
from client_support.calls import MODES, invoke
from client_support.server import Reply, ScriptedServer
from conftest import OVERLAYS, SPEC
from pydantic import TypeAdapter
from serviceai_api.client import errors

from generator.loader import load_document
from generator.plans import build_document
from generator.plans.client import ClientPlan, OperationPlan, ResponsePlan

_PLAN = build_document(load_document(SPEC, overlay_dir=OVERLAYS)).client
assert _PLAN is not None
PLAN: ClientPlan = _PLAN

# What each operation is called with (every operation of the document must be here).
CALLS: dict[str, dict[str, Any]] = {
    "get_api_version": {},
    "list_tools": {},
    "execute_tool": {"body": {"function": "get_weather", "arguments": {"city": "Oslo"}}},
    "get_ai_context": {},
    "create_realtime_token": {"body": {"directWebRTC": True}},
    "get_csrf_token": {},
    "exchange_realtime_sdp": {"x_csrf_token": "csrf-1", "sdp": "v=0\r\n"},
}
# Bodies for responses the document gives no example for, by the parsed type.
SAMPLES: dict[str, Any] = {
    "_m.ErrorEnvelope": {"error": "denied", "code": "E_DENIED"},
    "_m.UpgradeRequiredEnvelope": {"error": "upgrade", "minClientVersion": "2.0.0"},
    "_m.ChattyExecuteResponse": {"success": False, "error": "executor crashed"},
    "_m.RealtimeTokenResponse": {"fallback": True, "message": "use the HTTP fallback"},
}
DEFAULT_BODIES = {  # the pass-through `default`: an upstream status with its own body
    "application/json": (404, {"error": {"message": "upstream says no", "type": "invalid"}}),
    "text/plain": (503, "upstream overloaded"),
}


@dataclass(frozen=True)
class Case:
    op: OperationPlan
    response: ResponsePlan
    media: str
    status: int
    body: Any  # JSON data, or text

    @property
    def id(self) -> str:
        return f"{self.op.name}-{self.response.status}-{self.media}"


def _cases() -> Iterator[Case]:
    examples = {
        (op.op.operation_id, r.status, m.name): m.examples[0].value
        for op in PLAN.operations
        for r in op.op.responses
        for m in r.content
        if m.examples
    }
    for op in PLAN.operations:
        for r in op.responses:
            for m in r.media:
                if r.is_default:
                    status, body = DEFAULT_BODIES[m.name]
                else:
                    assert r.code is not None
                    status = r.code
                    key = (op.op.operation_id, r.status, m.name)
                    body = examples[key] if key in examples else SAMPLES[m.runtime_type]
                yield Case(op, r, m.name, status, body)


CASES = list(_cases())


def test_every_operation_is_called() -> None:
    assert set(CALLS) == {op.name for op in PLAN.operations}
    # 7 operations, 30 documented (status, media type) pairs in ServiceAi 1.1.24
    assert len(CASES) == 30


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    s = ScriptedServer()
    yield s
    s.close()


def _resource(op: OperationPlan) -> str:
    return next(r.attribute for r in PLAN.resources if op in r.operations)


def _expected(case: Case) -> Any:
    module = importlib.import_module(f"serviceai_api.client.resources.{_resource(case.op)}")
    spec = getattr(module, case.op.spec_name).find(case.status)
    media = next(m for m in spec.media if m.name == case.media)
    return case.body if media.type is Any else TypeAdapter(media.type).validate_python(case.body)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_documented_response(server: ScriptedServer, case: Case, mode: str) -> None:
    body = case.body
    payload = json.dumps(body) if case.media == "application/json" else str(body)
    server.script(Reply(case.status, payload, case.media, {"X-Trace": "t-1"}))
    call = {
        "base_url": server.url,
        "resource": _resource(case.op),
        "method": case.op.name,
        "client_kwargs": {"token": "tok", "x_client_version": "1.2.3", "max_retries": 0},
        **CALLS[case.op.name],
    }
    expected = _expected(case)
    if case.response.returns and 200 <= case.status < 300:
        result = invoke(serviceai_api, mode, **call)
        assert result == expected
        assert type(result) is type(expected)
        if isinstance(result, list):
            assert all(type(a) is type(b) for a, b in zip(result, expected, strict=True))
    else:
        assert case.response.exception is not None and case.response.exception_base is not None
        exception = getattr(errors, case.response.exception)
        with pytest.raises(exception) as caught:
            invoke(serviceai_api, mode, **call)
        error = caught.value
        assert isinstance(error, getattr(errors, case.response.exception_base))
        assert isinstance(error, errors.ApiError)
        assert error.body == expected and type(error.body) is type(expected)
        assert error.status_code == case.status == error.response.status_code
        assert error.headers["x-trace"] == "t-1"
        assert error.content_type == case.media
        assert error.text == payload
    (request,) = server.requests
    assert request.method == case.op.op.method.upper()
    assert request.path == case.op.op.path
    assert request.headers["x-client-version"] == "1.2.3"
    assert request.headers["user-agent"].startswith(f"serviceai-api/{serviceai_api.__version__} ")
    secured = bool(case.op.op.security)
    assert request.headers.get("authorization") == ("Bearer tok" if secured else None)
    if "x_csrf_token" in CALLS[case.op.name]:
        assert request.headers["x-csrf-token"] == "csrf-1"
    if "body" in CALLS[case.op.name]:
        assert request.headers["content-type"] == "application/json"
        assert request.json() == CALLS[case.op.name]["body"]
    elif "sdp" in CALLS[case.op.name]:  # a required body field, as a keyword
        assert request.headers["content-type"] == "application/json"
        assert request.json() == {"sdp": CALLS[case.op.name]["sdp"]}
    else:
        assert request.body == b""
