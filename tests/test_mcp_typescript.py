"""The generated MCP servers under the TypeScript MCP SDK's client (what most agent hosts embed).

The official `@modelcontextprotocol/sdk` (pinned, installed with npm into `.cache/mcp-ts/`)
drives both targets' servers as real subprocesses, over stdio and over streamable HTTP, against
the reference ServiceAi backend and the fake OpenAI upstream on loopback. Unlike the Python SDK,
this client checks every structured result against the tool's output schema, and compiles every
output schema with ajv when it lists the tools. For every tool of both servers:

- it is listed, its name within 64 of `[A-Za-z0-9_-]`, and its input and output schemas pass the
  JSON Schema 2020-12 meta-schema (ajv's, with formats) and compile;
- a call that succeeds returns the answer (structured, accepted by the SDK, when the tool has an
  output schema);
- a call answered by one of the tool's documented errors is a tool error whose text says the
  status and body (with credentials the upstream refuses), never an SDK exception;
- a call with an argument the tool does not declare is a tool error naming the problem.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from tests.conftest import ROOT
from tests.mcp_ts.node_sdk import run_sessions, sdk
from tests.reference_support.fixtures import API_KEY, Stack, start_stack
from tests.reference_support.servers import free_port, wait_serving

SDP_OFFER = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
SESSION = {"type": "realtime", "model": "gpt-realtime"}
TOOL_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
PACKAGES = {
    "serviceai_api": ROOT / "generated" / "serviceai" / "serviceai_api" / "mcp" / "tools.json",
    "openai_realtime_api": ROOT
    / "generated"
    / "openai_realtime"
    / "openai_realtime_api"
    / "mcp"
    / "tools.json",
}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    yield from start_stack(tmp_path_factory.mktemp("mcp-ts"))


def documented_errors(package: str) -> dict[str, set[int]]:
    """Each tool's documented error statuses (`default` and ranges: any error status)."""
    tools = json.loads(PACKAGES[package].read_text("utf-8"))["tools"]
    found: dict[str, set[int]] = {}
    for tool in tools:
        statuses = re.search(r"status and body\): (.*)\.$", tool["description"])
        found[tool["name"]] = set()
        for status in statuses.group(1).split(", ") if statuses else []:
            found[tool["name"]] |= set(range(400, 600)) if not status.isdigit() else {int(status)}
    return found


def serviceai_env(stack: Stack, token: str) -> dict[str, str]:
    return {**os.environ, "SERVICEAI_API_BASE_URL": stack.url, "SERVICEAI_API_TOKEN": token}


def realtime_env(stack: Stack, key: str) -> dict[str, str]:
    return {
        **os.environ,
        "OPENAI_REALTIME_API_BASE_URL": stack.fake.url + "/v1",
        "OPENAI_REALTIME_API_TOKEN": key,
    }


def serviceai_successes(stack: Stack) -> dict[str, dict[str, Any]]:
    auth = {"Authorization": "Bearer tok-alice"}
    catalogue = httpx.get(stack.url + "/api/chatty-voice/tools", headers=auth).json()
    csrf = httpx.get(stack.url + "/api/csrf-token", headers=auth).json()
    return {
        "get_api_version": {},
        "list_chatty_tools": {},
        "execute_chatty_tool": {
            "body": {"name": catalogue[0]["function"]["name"], "arguments": {"location": "Quito"}}
        },
        "get_chatty_ai_context": {},
        "create_realtime_token": {"body": {}},
        "get_csrf_token": {},
        "exchange_realtime_sdp": {"body": {"sdp": SDP_OFFER}, "x_csrf_token": csrf["token"]},
    }


def realtime_successes(stack: Stack, run: str) -> dict[str, dict[str, Any]]:
    # Incoming SIP calls the fake upstream knows (the webhook would have announced them).
    calls = {verb: f"rtc_{run}_{verb}" for verb in ("accept", "refer", "reject", "hangup")}
    stack.fake_state.calls.update(calls.values())
    return {
        "openai-create-realtime-client-secret": {"body": {"session": SESSION}},
        "openai-create-realtime-call": {"body": {"sdp": SDP_OFFER}},
        "openai-accept-realtime-call": {"call_id": calls["accept"], "body": SESSION},
        "openai-refer-realtime-call": {
            "call_id": calls["refer"],
            "body": {"target_uri": "tel:+14155550123"},
        },
        "openai-reject-realtime-call": {"call_id": calls["reject"], "body": {"status_code": 486}},
        "openai-hangup-realtime-call": {"call_id": calls["hangup"]},
    }


@contextmanager
def http_servers(wanted: list[tuple[str, dict[str, str]]]) -> Iterator[list[str]]:
    """`python -m <package>.mcp --transport http` per (package, env), each on a free loopback
    port, started together (each spends its start importing the SDK); their endpoints."""
    ports = [free_port() for _ in wanted]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", f"{package}.mcp", "--transport", "http", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for (package, env), port in zip(wanted, ports, strict=True)
    ]
    try:
        deadline = time.monotonic() + 90  # one for them all
        for process, port in zip(processes, ports, strict=True):
            url = f"http://127.0.0.1:{port}/"
            wait_serving(url, process, "MCP HTTP server did not start", deadline)
        yield [f"http://127.0.0.1:{port}/mcp" for port in ports]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


def session(
    label: str, package: str, env: dict[str, str], url: str | None, every: dict[str, Any]
) -> dict[str, Any]:
    steps: list[dict[str, Any]] = [{"every": every}, {"every": "invalid"}]
    if url is not None:
        return {"label": label, "transport": "http", "url": url, "steps": steps}
    return {
        "label": label,
        "transport": "stdio",
        "command": sys.executable,
        "args": ["-m", f"{package}.mcp"],
        "env": env,
        "cwd": str(ROOT),
        "steps": steps,
    }


@pytest.fixture(scope="module")
def results(stack: Stack) -> dict[str, dict[str, Any]]:
    cache = sdk()
    good = {
        "serviceai_api": serviceai_env(stack, "tok-alice"),
        "openai_realtime_api": realtime_env(stack, API_KEY),
    }
    # Credentials the upstream refuses: every tool that documents an error answers one.
    bad = {
        "serviceai_api": serviceai_env(stack, "tok-unknown"),
        "openai_realtime_api": realtime_env(stack, "sk-refused"),
    }
    runs = [
        (package, kind, transport)
        for package in PACKAGES
        for kind in ("ok", "refused")
        for transport in ("stdio", "http")
    ]
    envs = {(p, k): (good if k == "ok" else bad)[p] for p, k, _ in runs}
    over_http = [(p, k) for p, k, t in runs if t == "http"]
    with http_servers([(p, envs[p, k]) for p, k in over_http]) as endpoints:
        urls = dict(zip(over_http, endpoints, strict=True))
        sessions = []
        for package, kind, transport in runs:
            if package == "serviceai_api":
                every = serviceai_successes(stack)
            else:
                every = realtime_successes(stack, f"{kind}_{transport}")
            url = urls[package, kind] if transport == "http" else None
            sessions.append(
                session(f"{package} {kind} {transport}", package, envs[package, kind], url, every)
            )
        found = run_sessions(cache, sessions)
    return {r["label"]: r for r in found}


def test_every_session_connects_and_lists_every_tool(results: dict[str, dict[str, Any]]) -> None:
    assert len(results) == 8
    for label, found in results.items():
        assert found["error"] is None, (label, found.get("stderr"))
        package = label.split()[0]
        planned = [t["name"] for t in json.loads(PACKAGES[package].read_text("utf-8"))["tools"]]
        assert [t["name"] for t in found["tools"]] == planned, label
        assert all(TOOL_NAME.fullmatch(name) for name in planned)


def test_every_schema_passes_the_meta_schema_and_compiles_in_ajv(
    results: dict[str, dict[str, Any]],
) -> None:
    for label, found in results.items():
        assert found["schemaProblems"] == [], label
        assert any(t["outputSchema"] is not None for t in found["tools"]), label


def calls(found: dict[str, Any], invalid: bool) -> list[dict[str, Any]]:
    marker = "not_an_argument_of_any_tool"
    return [c for c in found["calls"] if (marker in c["arguments"]) == invalid]


def text_of(call: dict[str, Any]) -> str:
    return "\n".join(c["text"] for c in call["content"] if c["type"] == "text")


def test_every_tool_succeeds_with_structured_content_the_sdk_accepts(
    results: dict[str, dict[str, Any]],
) -> None:
    for label, found in results.items():
        if " ok " not in label:
            continue
        made = calls(found, invalid=False)
        assert [c["tool"] for c in made] == [t["name"] for t in found["tools"]], label
        outputs = {t["name"]: t["outputSchema"] for t in found["tools"]}
        for call in made:
            assert "thrown" not in call, (label, call)
            assert not call["isError"], (label, call)
            if outputs[call["tool"]] is not None:
                assert isinstance(call["structuredContent"], dict), (label, call)


def test_every_documented_error_reaches_the_agent_as_a_tool_error(
    results: dict[str, dict[str, Any]],
) -> None:
    seen: set[str] = set()
    for label, found in results.items():
        if " refused " not in label:
            continue
        statuses = documented_errors(label.split()[0])
        for call in calls(found, invalid=False):
            # Before the fix, the TypeScript SDK threw McpError -32602 here for 6 of 7 tools.
            assert "thrown" not in call, (label, call)
            if not statuses[call["tool"]]:
                assert not call["isError"], (label, call)  # documents no error (the version)
                continue
            assert call["isError"] and call["structuredContent"] is None, (label, call)
            payload = json.loads(text_of(call))
            assert payload["status"] in statuses[call["tool"]], (label, payload)
            assert payload["body"], (label, payload)
            seen.add(call["tool"])
    assert len(seen) == 12  # every tool but `get_api_version`, which documents no error


def test_an_undeclared_argument_is_a_tool_error_naming_it(
    results: dict[str, dict[str, Any]],
) -> None:
    for label, found in results.items():
        made = calls(found, invalid=True)
        assert len(made) == len(found["tools"]), label
        for call in made:
            assert "thrown" not in call, (label, call)
            assert call["isError"] and call["structuredContent"] is None, (label, call)
            assert text_of(call).startswith("invalid arguments"), (label, call)
            assert "not_an_argument_of_any_tool" in text_of(call), (label, call)
