"""The generated MCP servers, as an agent meets them: subprocesses driven by the MCP SDK's client.

Both targets' servers (`python -m <package>.mcp`) run as real subprocesses, over stdio and over
streamable HTTP, against the fake OpenAI upstream and the reference ServiceAi backend (live on
loopback). The client is the official SDK's `mcp.Client`, which also validates every structured
result against the tool's output schema.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from jsonschema import Draft202012Validator
from mcp import Client, StdioServerParameters
from mcp.types import CallToolResult, TextContent, Tool

from generator.ir.naming import snake
from generator.loader import load_document
from generator.loader.refs import resolve_pointer
from generator.plans.client import IGNORED_HEADERS
from generator.schema_walk import HTTP_METHODS
from tests.conftest import OVERLAYS, ROOT, SPEC
from tests.reference_support.fixtures import API_KEY, Stack, start_stack
from tests.reference_support.servers import free_port, wait_serving

UPSTREAM = ROOT / "spec" / "upstream" / "openai-realtime.yaml"
UPSTREAM_OVERLAYS = ROOT / "spec" / "upstream" / "overlays"
SDP_OFFER = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
# The client-level header of ServiceAi (set once on the client, so no tool argument).
CLIENT_LEVEL = {"x-client-version"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    yield from start_stack(tmp_path_factory.mktemp("mcp"))


def realtime_env(stack: Stack) -> dict[str, str]:
    return {
        **os.environ,
        "OPENAI_REALTIME_API_BASE_URL": stack.fake.url + "/v1",
        "OPENAI_REALTIME_API_TOKEN": API_KEY,
    }


def serviceai_env(stack: Stack) -> dict[str, str]:
    return {**os.environ, "SERVICEAI_API_BASE_URL": stack.url, "SERVICEAI_API_TOKEN": "tok-alice"}


def over_stdio(
    package: str, env: dict[str, str], session: Callable[[Client], Awaitable[None]]
) -> None:
    async def main() -> None:
        params = StdioServerParameters(
            command=sys.executable, args=["-m", f"{package}.mcp"], env=env, cwd=str(ROOT)
        )
        async with Client(params) as client:
            await session(client)

    anyio.run(main)


def over_http(
    package: str, env: dict[str, str], session: Callable[[Client], Awaitable[None]]
) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", f"{package}.mcp", "--transport", "http", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_serving(url, process, f"MCP HTTP server did not start: {process.stderr}")

        async def main() -> None:
            async with Client(f"http://127.0.0.1:{port}/mcp") as client:
                await session(client)

        anyio.run(main)
    finally:
        process.terminate()
        process.wait(timeout=20)


def deref(data: Any, node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = resolve_pointer(data, node["$ref"][1:])
    return node


def documented_arguments(spec: Path, overlays: Path) -> dict[str, tuple[set[str], set[str]]]:
    """operationId -> (every argument, the required ones), read from the document itself."""
    data = load_document(spec, overlay_dir=overlays).data
    found: dict[str, tuple[set[str], set[str]]] = {}
    for item in data["paths"].values():
        for method, op in item.items():
            if method not in HTTP_METHODS:
                continue
            names: set[str] = set()
            required: set[str] = set()
            declared = [
                deref(data, p) for p in [*item.get("parameters", []), *op.get("parameters", [])]
            ]
            params = {(p["name"], p["in"]): p for p in declared}
            for (name, where), p in params.items():
                if where == "header" and name.lower() in IGNORED_HEADERS | CLIENT_LEVEL:
                    continue
                names.add(snake(name))
                if p.get("required"):
                    required.add(snake(name))
            if "requestBody" in op:
                names.add("body")
                if deref(data, op["requestBody"]).get("required"):
                    required.add("body")
            tool = (op.get("x-mcp") or {}).get("name") or snake(op["operationId"])
            found[tool] = (names, required)
    return found


def check_tools(tools: list[Tool], spec: Path, overlays: Path) -> dict[str, Tool]:
    expected = documented_arguments(spec, overlays)
    by_name = {t.name: t for t in tools}
    assert set(by_name) == set(expected), "one tool per operation"
    for name, tool in by_name.items():
        Draft202012Validator.check_schema(tool.input_schema)
        assert tool.input_schema["type"] == "object"
        names, required = expected[name]
        assert set(tool.input_schema["properties"]) == names, name
        assert set(tool.input_schema.get("required", [])) == required, name
        if tool.output_schema is not None:
            Draft202012Validator.check_schema(tool.output_schema)
            assert tool.output_schema["type"] == "object"
    return by_name


def hints(tool: Tool) -> tuple[bool | None, bool | None, bool | None]:
    a = tool.annotations
    assert a is not None
    return a.read_only_hint, a.destructive_hint, a.idempotent_hint


def error_payload(result: CallToolResult) -> dict[str, Any]:
    """A tool error's `{"status", "body"}`: its text. No structured content, which would have
    to match the output schema of the success (the TypeScript SDK checks it)."""
    assert result.is_error, result
    assert result.structured_content is None
    payload = json.loads(texts(result)[0])
    assert isinstance(payload, dict)
    return payload


def texts(result: CallToolResult) -> list[str]:
    return [c.text for c in result.content if isinstance(c, TextContent)]


async def realtime_session(client: Client) -> None:
    tools = check_tools((await client.list_tools()).tools, UPSTREAM, UPSTREAM_OVERLAYS)
    secret = tools["openai-create-realtime-client-secret"]
    assert hints(secret) == (False, False, False)
    assert hints(tools["openai-hangup-realtime-call"]) == (False, True, True)
    assert secret.output_schema is not None
    assert "RealtimeCreateClientSecretRequest" in secret.input_schema["$defs"]

    created = await client.call_tool(
        "openai-create-realtime-client-secret",
        {"body": {"session": {"type": "realtime", "model": "gpt-realtime"}}},
    )
    assert not created.is_error, created
    assert isinstance(created.structured_content, dict)
    assert created.structured_content["value"].startswith("ek_")

    call = await client.call_tool("openai-create-realtime-call", {"body": {"sdp": SDP_OFFER}})
    assert not call.is_error, call
    answer, location = texts(call)
    assert answer.startswith("v=0") and call.structured_content is None
    call_id = location.removeprefix("location: ").rsplit("/", 1)[-1]
    assert call_id.startswith("rtc_")

    hung_up = await client.call_tool("openai-hangup-realtime-call", {"call_id": call_id})
    assert not hung_up.is_error and texts(hung_up) == ["HTTP 200: no content"]

    # The call is gone: the documented 404 comes back as a tool error with status and body.
    again = await client.call_tool("openai-hangup-realtime-call", {"call_id": call_id})
    payload = error_payload(again)
    assert payload["status"] == 404
    assert payload["body"]["error"]["code"] == "call_id_not_found"

    invalid = await client.call_tool("openai-hangup-realtime-call", {})
    assert invalid.is_error and "call_id" in texts(invalid)[0]


async def serviceai_session(client: Client) -> None:
    tools = check_tools((await client.list_tools()).tools, SPEC, OVERLAYS)
    assert hints(tools["list_chatty_tools"]) == (True, False, True)
    assert hints(tools["execute_chatty_tool"]) == (False, False, False)
    listed = await client.call_tool("list_chatty_tools", {})
    assert not listed.is_error, listed
    assert isinstance(listed.structured_content, dict)
    catalogue = listed.structured_content["result"]  # a bare array, wrapped
    name = catalogue[0]["function"]["name"]
    executed = await client.call_tool(
        "execute_chatty_tool", {"body": {"name": name, "arguments": {"location": "Quito"}}}
    )
    assert not executed.is_error, executed
    assert isinstance(executed.structured_content, dict)
    assert executed.structured_content["success"] is True
    # A documented 403 (the CSRF token is not one the server minted) is a tool error.
    payload = error_payload(
        await client.call_tool(
            "exchange_realtime_sdp", {"body": {"sdp": SDP_OFFER}, "x_csrf_token": "forged"}
        )
    )
    assert payload["status"] == 403
    assert isinstance(payload["body"], dict)


def test_realtime_over_stdio(stack: Stack) -> None:
    over_stdio("openai_realtime_api", realtime_env(stack), realtime_session)


def test_realtime_over_streamable_http(stack: Stack) -> None:
    over_http("openai_realtime_api", realtime_env(stack), realtime_session)


def test_serviceai_over_stdio(stack: Stack) -> None:
    over_stdio("serviceai_api", serviceai_env(stack), serviceai_session)


def test_serviceai_over_streamable_http(stack: Stack) -> None:
    over_http("serviceai_api", serviceai_env(stack), serviceai_session)
