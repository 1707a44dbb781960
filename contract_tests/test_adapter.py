"""The generated REST adapter of the OpenAI Realtime target, fuzzed against the upstream document.

`openai_realtime_api.adapter` (the stubs forwarding through the client) runs live on loopback in
front of the fake upstream; schemathesis sends `POST /v1/realtime/client_secrets` (examples,
coverage and fuzzing) to the adapter and validates every answer against the upstream's own
document. A forwarded success is also checked to be the upstream's answer to the caller's body.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
import yaml
from openai_realtime_api.adapter import create_adapter_app
from openai_realtime_api.client import AsyncClient

from reference.fake_upstream import FakeState, create_fake_app
from tests.conftest import ROOT
from tests.reference_support.fixtures import API_KEY
from tests.reference_support.servers import LiveServer

UPSTREAM = ROOT / "spec" / "upstream" / "openai-realtime.yaml"
STATE = FakeState(api_keys={API_KEY})


@pytest.fixture(scope="module")
def adapter() -> Iterator[LiveServer]:
    fake = LiveServer(create_fake_app(STATE)).start()
    client = AsyncClient(fake.url + "/v1", token=API_KEY, max_retries=0)
    server = LiveServer(create_adapter_app(client, validate_responses=True)).start()
    try:
        yield server
    finally:
        server.stop()
        fake.stop()


@pytest.fixture(scope="module")
def adapter_schema(adapter: LiveServer) -> Any:
    # The upstream document as it is, less its security requirement: the adapter holds the
    # upstream credential itself (OPENAI_REALTIME_API_TOKEN), so its callers send none, and the
    # authentication checks (missing/ignored Authorization) are about the upstream, not it.
    document = yaml.safe_load(UPSTREAM.read_text(encoding="utf-8"))
    document.pop("security", None)
    document["paths"] = {"/realtime/client_secrets": document["paths"]["/realtime/client_secrets"]}
    config = schemathesis.Config.from_dict(
        {
            "seed": 14,
            "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
            "generation": {
                "mode": "all",
                "max-examples": 15,
                "deterministic": True,
                "database": "none",
            },
            # The documented examples and fuzzing (valid and invalid bodies). The coverage
            # phase's boundary enumeration of the large session schema is the stubs' and the
            # fake upstream's to prove (contract_tests/), not the forwarding's.
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": False},
                "fuzzing": {"enabled": True},
            },
            "checks": {"enabled": True},
        }
    )
    schema = schemathesis.openapi.from_dict(document, config=config)
    schema.config.update(base_url=adapter.url + "/v1")
    return schema


lazy = schemathesis.pytest.from_fixture("adapter_schema")


@lazy.parametrize()
def test_adapter_conforms_to_the_upstream_document(case: Any) -> None:
    response = case.call(timeout=10)
    case.validate_response(response)
    assert response.status_code != 502, response.text  # the upstream always answered


def test_adapter_forwards_the_callers_body(adapter: LiveServer) -> None:
    body = {
        "expires_after": {"anchor": "created_at", "seconds": 600},
        "session": {"type": "realtime", "model": "gpt-realtime", "instructions": "Hola"},
    }
    before = len(STATE.secrets)
    answer = httpx.post(adapter.url + "/v1/realtime/client_secrets", json=body, timeout=10)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["value"] in STATE.secrets and len(STATE.secrets) == before + 1
    assert data["session"]["instructions"] == "Hola"
    assert STATE.sessions[data["value"]]["instructions"] == "Hola"

    # A documented upstream error comes back typed, with its status and body.
    bad = httpx.post(
        adapter.url + "/v1/realtime/client_secrets",
        json={"expires_after": {"anchor": "created_at", "seconds": 1}},
        timeout=10,
    )
    assert bad.status_code == 400, bad.text
    assert bad.json()["error"]["type"] == "invalid_request_error"
