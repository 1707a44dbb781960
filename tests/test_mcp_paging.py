"""`tools/list` in pages: every page together is the unpaged tool list, exactly.

A document with more tools than fit one page is generated into a temporary package; its server
is driven in process by the MCP SDK's own `Client`, cursor by cursor. The pages must hold every
tool exactly once, in order, each equal to the SDK's own model of the tool (`tool_definitions()`)
and to what the intermediate model planned (input and output schemas, `$defs` included), so the
cached wire form of the pages can never drift from what the SDK would have sent.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import anyio
import pytest
import yaml
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp.types import Tool

from generator.loader import load_document
from generator.plans import build_document
from generator.plans.mcp import McpPlan, ToolPlan
from tests.conftest import run_generator

PACKAGE = "paging_api"
OPERATIONS = 230
# Every PUT documents itself at length, so pages close on their byte budget, not only on their
# tool count: the first pages (small GETs and big PUTs) close on bytes, the last one on count.
LONG = "Replaces the pet. " * 300


def document() -> dict[str, Any]:
    """Pets under many paths: bodies, results and a recursive schema, so tools carry `$defs`."""
    paths: dict[str, Any] = {}
    for i in range(OPERATIONS // 2):
        paths[f"/pets{i}/{{petId}}"] = {
            "parameters": [
                {"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            "get": {
                "operationId": f"getPet{i}",
                "summary": f"Read pet {i}",
                "parameters": [{"name": "fields", "in": "query", "schema": {"type": "string"}}],
                "responses": {
                    "200": {
                        "description": "the pet",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                        },
                    }
                },
            },
            "put": {
                "operationId": f"putPet{i}",
                "description": LONG if i < 60 else "Replaces the pet.",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                    },
                },
                "responses": {
                    "200": {
                        "description": "the pets",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Pet"},
                                }
                            }
                        },
                    },
                    "404": {"description": "no such pet"},
                },
            },
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Paging", "version": "1.0.0"},
        "servers": [{"url": "http://127.0.0.1:9/api"}],
        "paths": paths,
        "components": {
            "schemas": {
                "Pet": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string", "description": "what it answers to"},
                        "owner": {"$ref": "#/components/schemas/Owner"},
                    },
                },
                "Owner": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "pets": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
                    },
                },
            }
        },
    }


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ModuleType, McpPlan]]:
    root = tmp_path_factory.mktemp("paging")
    spec = root / "paging.yaml"
    spec.write_text(yaml.safe_dump(document(), sort_keys=False), encoding="utf-8")
    out = root / PACKAGE
    done = run_generator("generate", "--spec", str(spec), "--out", str(out), "--package", PACKAGE)
    assert done.returncode == 0, done.stdout + done.stderr
    plan = build_document(load_document(spec), PACKAGE).mcp
    assert plan is not None
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(f"{PACKAGE}.mcp.server"), plan
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def with_defs(plan: McpPlan, schema: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {**schema, "$defs": {k: plan.defs[k] for k in keys}} if keys else schema


def planned_wire(plan: McpPlan, tool: ToolPlan) -> dict[str, Any]:
    """What the plan says an agent sees of `tool`, in the protocol's JSON form."""
    wire: dict[str, Any] = {
        "name": tool.name,
        "title": tool.title,
        "description": tool.description,
        "inputSchema": with_defs(plan, tool.input_schema, tool.input_defs),
        "annotations": {"title": tool.title, **tool.hints},
    }
    if tool.output_schema is not None:
        wire["outputSchema"] = with_defs(plan, tool.output_schema, tool.output_defs)
    return wire


def dump(tool: Tool) -> dict[str, Any]:
    return tool.model_dump(by_alias=True, mode="json", exclude_none=True)


def list_every_page(server: ModuleType) -> tuple[list[list[Tool]], list[str | None]]:
    pages: list[list[Tool]] = []
    cursors: list[str | None] = []

    async def main() -> None:
        client = importlib.import_module(f"{PACKAGE}.client").AsyncClient("http://127.0.0.1:9")
        async with Client(server.build_server(client)) as mcp_client:
            cursor: str | None = None
            while True:
                listed = await mcp_client.list_tools(cursor=cursor)
                pages.append(listed.tools)
                cursor = listed.next_cursor
                cursors.append(cursor)
                if cursor is None:
                    break
                assert len(pages) <= OPERATIONS, "the cursor never ends"

    anyio.run(main)
    return pages, cursors


def test_the_pages_hold_every_tool_once_as_planned(
    generated: tuple[ModuleType, McpPlan],
) -> None:
    server, plan = generated
    starts = plan.page_starts
    pages, cursors = list_every_page(server)
    assert [len(p) for p in pages] == [
        end - start for start, end in zip(starts, [*starts[1:], OPERATIONS], strict=True)
    ]
    assert cursors == [*(str(s) for s in starts[1:]), None]
    # Both limits were met: pages closed on bytes (fewer tools than allowed) and on the count.
    assert any(len(p) < plan.page_size for p in pages[:-1])
    assert any(len(p) == plan.page_size for p in pages)
    for page in pages:
        size = sum(len(json.dumps(dump(t), separators=(",", ":"))) for t in page)
        assert len(page) == 1 or size <= plan.page_bytes * 1.1, (len(page), size)
    listed = [tool for page in pages for tool in page]
    names = [t.name for t in listed]
    assert len(set(names)) == len(names) == OPERATIONS == len(plan.tools)
    # In the plan's order, each tool as the SDK's client received it == as the SDK models it ==
    # as the plan decided it (full input and output schemas with their `$defs`, hints, texts).
    unpaged = server.tool_definitions()
    assert [dump(t) for t in listed] == [dump(t) for t in unpaged]
    assert [dump(t) for t in unpaged] == [planned_wire(plan, t) for t in plan.tools]
    # The cached wire form the server sends is exactly the SDK's own dump of its models.
    assert list(server.wire_tools()) == [dump(t) for t in unpaged]
    some = next(t for t in listed if t.name == "put_pet_7")
    assert some.input_schema["required"] == ["pet_id", "body"]
    assert set(some.input_schema["$defs"]) == {"Pet", "Owner"}
    assert some.output_schema is not None and set(some.output_schema["$defs"]) == {"Pet", "Owner"}
    # Reading the pages changed nothing: a second listing is byte-identical.
    again, _ = list_every_page(server)
    assert json.dumps([dump(t) for p in again for t in p]) == json.dumps([dump(t) for t in listed])


def test_a_cursor_the_server_never_gave_is_invalid_params(
    generated: tuple[ModuleType, McpPlan],
) -> None:
    server, plan = generated
    second = plan.page_starts[1]
    for cursor in ("0", str(second - 1), str(second + 1), "230", "-100", "abc"):
        with pytest.raises(MCPError) as caught:
            server.list_tools_page(cursor)
        assert caught.value.error.code == -32602, cursor
    assert server.list_tools_page(str(second))["tools"][0] is server.wire_tools()[second]


def test_every_cached_page_is_a_valid_result_in_every_protocol_version(
    generated: tuple[ModuleType, McpPlan],
) -> None:
    """The pages are built once, whatever the client negotiates: the SDK's per-version check
    (the one it runs before sending) accepts each of them in every version it knows."""
    from mcp_types import methods
    from mcp_types.version import KNOWN_PROTOCOL_VERSIONS

    server, plan = generated
    for start in plan.page_starts:
        page = server.list_tools_page(str(start) if start else None)
        for version in KNOWN_PROTOCOL_VERSIONS:
            sent = methods.serialize_server_result("tools/list", version, page)
            assert [t["name"] for t in sent["tools"]] == [t["name"] for t in page["tools"]]
            assert all(
                t["inputSchema"] == w["inputSchema"]
                for t, w in zip(sent["tools"], page["tools"], strict=True)
            )
