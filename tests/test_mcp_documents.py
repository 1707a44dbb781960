"""MCP servers on documents no one here wrote: the smallest reproduction of each fault.

One 3.1 document holds every construct that broke the generated MCP server (issue 24): a `$ref`
into an array element (`#/components/schemas/Tag/allOf/0`), `$ref`s under properties named
`default`, `enum`, `const`, `example` and `examples`, keywords that fail the JSON Schema 2020-12
meta-schema, an operation id FastAPI wrote (over 64 characters), and an upstream whose success
body does not match its schema. It is generated into a temporary package whose server is driven
in process by the MCP SDK's `Client`, against an `httpx.MockTransport` upstream.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import anyio
import httpx
import pytest
import yaml
from jsonschema import Draft202012Validator
from mcp import Client
from mcp.types import CallToolResult, TextContent

from generator.loader import load_document
from generator.plans import build_document
from generator.plans.mcp import McpPlan
from generator.plans.mcp_names import MAX_TOOL_NAME, shortened
from generator.plans.mcp_schema import meta_repaired, meta_valid
from tests.conftest import run_generator

PACKAGE = "faulty_api"
FASTAPI_ID = "create_fine_tuning_checkpoint_permission_api_v1_fine_tuning_checkpoints__checkpoint_id__permissions_post"
JSON = "application/json"


def body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {JSON: {"schema": schema}}}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def document() -> dict[str, Any]:
    ok = {"description": "ok"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Faulty", "version": "1.0.0"},
        "servers": [{"url": "https://faulty.example/v1"}],
        "paths": {
            "/tags": {
                "post": {
                    "operationId": "createTag",
                    "requestBody": {
                        "required": True,
                        **body({"$ref": "#/components/schemas/Tag/allOf/0"}),
                    },
                    "responses": {"201": {**ok, **body(ref("Tag"))}},
                }
            },
            "/settings": {
                "put": {
                    "operationId": "putSettings",
                    "requestBody": {"required": True, **body(ref("Settings"))},
                    "responses": {"200": {**ok, **body(ref("Settings"))}},
                }
            },
            "/odd": {
                "get": {
                    "operationId": "getOdd",
                    "parameters": [
                        {"name": "q", "in": "query", "schema": {"type": "string", "minLength": "2"}}
                    ],
                    "responses": {
                        "200": {**ok, **body({"allOf": [ref("Odd"), ref("Legacy")]})},
                        "404": {**ok, **body(ref("Problem"))},
                    },
                }
            },
            "/api/v1/fine_tuning/checkpoints/{checkpoint_id}/permissions": {
                "post": {
                    "operationId": FASTAPI_ID,
                    "parameters": [
                        {
                            "name": "checkpoint_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {"200": {**ok, **body(ref("Tag"))}},
                }
            },
        },
        "components": {
            "schemas": {
                "Tag": {
                    "allOf": [
                        {
                            "type": "object",
                            "required": ["name"],
                            "properties": {"name": {"type": "string"}},
                        },
                        {
                            "type": "object",
                            "required": ["id"],
                            "properties": {"id": {"type": "integer"}},
                        },
                    ]
                },
                "Ref": {
                    "type": "object",
                    "properties": {"v": {"type": "integer"}},
                    "required": ["v"],
                },
                "Settings": {
                    "type": "object",
                    "properties": {
                        word: ref("Ref")
                        for word in ("default", "enum", "const", "example", "examples")
                    },
                },
                "Odd": {
                    "type": "object",
                    "properties": {
                        "a": {"type": "string", "required": True},  # a 3.0/Swagger habit
                        "b": {"type": "file"},
                        "c": {"type": "string", "examples": {"one": "x"}},
                        "d": {"type": "integer", "minimum": "1"},
                        "e": {"type": "array", "items": [{"type": "string"}]},
                    },
                },
                "Problem": {"type": "object", "properties": {"detail": {"type": "string"}}},
                # Valid in its own dialect, draft 4; the tool schema is one 2020-12 document.
                "Legacy": {
                    "$schema": "http://json-schema.org/draft-04/schema#",
                    "id": "legacy",
                    "type": "object",
                    "properties": {
                        "pair": {
                            "type": "array",
                            "items": [{"type": "string"}, {"type": "integer"}],
                        },
                        "code": {"type": "string", "format": 5},
                    },
                },
            }
        },
    }


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("faulty") / "faulty.yaml"
    path.write_text(yaml.safe_dump(document(), sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def plan(spec: Path) -> McpPlan:
    built = build_document(load_document(spec), PACKAGE).mcp
    assert built is not None
    return built


@pytest.fixture(scope="module")
def package(spec: Path) -> Iterator[Path]:
    out = spec.parent / PACKAGE
    done = run_generator("generate", "--spec", str(spec), "--out", str(out), "--package", PACKAGE)
    assert done.returncode == 0, done.stdout + done.stderr
    sys.path.insert(0, str(out))
    try:
        yield out
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def server(package: Path) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.mcp.server")


def upstream(request: httpx.Request) -> httpx.Response:
    path, payload = request.url.path, json.loads(request.content or b"null")
    if path == "/v1/tags":
        return httpx.Response(201, json={**payload, "id": 7})
    if path == "/v1/settings":
        return httpx.Response(200, json=payload)
    if path == "/v1/odd":
        if request.url.params.get("q") == "missing":
            return httpx.Response(404, json={"detail": "no such odd"})
        return httpx.Response(200, json={"d": "not a number"})  # fails the documented schema
    return httpx.Response(200, json={"name": "perm", "id": 1})


def call(package: Path, name: str, arguments: dict[str, Any]) -> CallToolResult:
    found: list[CallToolResult] = []

    async def main() -> None:
        client_module = importlib.import_module(f"{PACKAGE}.client")
        http = httpx.AsyncClient(transport=httpx.MockTransport(upstream))
        api = client_module.AsyncClient("https://faulty.example/v1", http_client=http)
        async with Client(server(package).build_server(api)) as mcp_client:
            await mcp_client.list_tools()  # the SDK client checks structured results against these
            found.append(await mcp_client.call_tool(name, arguments))
        await http.aclose()

    anyio.run(main)
    return found[0]


def text(result: CallToolResult) -> str:
    first = result.content[0]
    assert isinstance(first, TextContent)
    return first.text


# -- item 2: a $ref into an array element --------------------------------------------------------


def test_a_ref_into_an_array_element_keeps_the_component_whole(plan: McpPlan, spec: Path) -> None:
    doc = build_document(load_document(spec), PACKAGE)
    assert doc.server is not None
    tag = doc.server.spec["components"]["schemas"]["Tag"]
    assert isinstance(tag["allOf"], list) and len(tag["allOf"]) == 2  # not {"0": ...}
    assert isinstance(plan.defs["Tag"]["allOf"], list) and len(plan.defs["Tag"]["allOf"]) == 2
    create = next(t for t in plan.tools if t.name == "create_tag")
    element = create.input_schema["properties"]["body"]["$ref"].removeprefix("#/$defs/")
    assert plan.defs[element]["required"] == ["name"]


def test_the_stub_validates_a_body_given_by_a_ref_into_an_array_element(package: Path) -> None:
    validation = importlib.import_module(f"{PACKAGE}.server.validation")
    pointer = "/paths/~1tags/post/requestBody/content/application~1json/schema"
    assert validation.errors(pointer, {"name": "blue"}) == []
    assert validation.errors(pointer, {}) == ["(root): 'name' is a required property"]


def test_a_tool_whose_body_is_an_array_element_is_called(package: Path) -> None:
    result = call(package, "create_tag", {"body": {"name": "blue"}})
    assert not result.is_error, result
    assert result.structured_content == {"name": "blue", "id": 7}


# -- item 3: $refs under properties named like data keywords -------------------------------------


def test_refs_under_properties_named_default_enum_const_example_reach_the_defs(
    plan: McpPlan,
) -> None:
    tool = next(t for t in plan.tools if t.name == "put_settings")
    assert "Ref" in tool.input_defs and "Ref" in tool.output_defs


def test_a_tool_with_refs_under_properties_named_default_is_called(package: Path) -> None:
    settings = {w: {"v": 1} for w in ("default", "enum", "const", "example", "examples")}
    result = call(package, "put_settings", {"body": settings})
    assert not result.is_error, result
    assert result.structured_content == settings
    invalid = call(package, "put_settings", {"body": {"default": {"v": "one"}}})
    assert invalid.is_error and "default/v" in text(invalid)


# -- item 4: schemas valid against the 2020-12 meta-schema, every $ref resolving ------------------


def every_schema(plan: McpPlan) -> Iterator[tuple[str, dict[str, Any]]]:
    for tool in plan.tools:
        yield (
            tool.name + " input",
            {**tool.input_schema, "$defs": {k: plan.defs[k] for k in tool.input_defs}},
        )
        if tool.output_schema is not None:
            yield (
                tool.name + " output",
                {**tool.output_schema, "$defs": {k: plan.defs[k] for k in tool.output_defs}},
            )


def test_every_tool_schema_passes_the_meta_schema_and_every_ref_resolves(plan: McpPlan) -> None:
    for where, schema in every_schema(plan):
        Draft202012Validator.check_schema(
            schema, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        for text_ref in _refs(schema):
            key = text_ref.removeprefix("#/$defs/")
            assert key in schema["$defs"], (where, text_ref)


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                yield v
            elif k not in ("enum", "const", "default", "examples", "example"):
                yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)


def test_meta_schema_repairs_keep_what_is_meant_and_drop_the_rest() -> None:
    schema = {
        "type": "object",
        "required": ["a", "a"],
        "properties": {
            "a": {"type": "string", "required": True},
            "b": {"type": "file"},
            "c": {"examples": {"one": "x"}},
            "d": {"minimum": "1"},
            "e": "string",
        },
        "allOf": [3],
    }
    fixed, changed = meta_repaired(schema)
    assert meta_valid(fixed)
    assert fixed["required"] == ["a"]
    assert fixed["properties"]["a"] == {"type": "string"}
    assert fixed["properties"]["b"] == {}
    assert fixed["properties"]["c"] == {"examples": ["x"]}
    assert fixed["properties"]["d"] == {}
    assert fixed["properties"]["e"] == {} and fixed["allOf"] == [{}]
    assert set(changed) == {
        "/required",
        "/properties/a/required",
        "/properties/b/type",
        "/properties/c/examples",
        "/properties/d/minimum",
        "/properties/e",
        "/allOf/0",
    }
    assert schema["properties"]["a"]["required"] is True  # the input is never modified


def test_a_draft_4_schema_is_translated_into_the_tools_dialect(spec: Path) -> None:
    # The loader already repaired (and warned about) what fails the schema's own dialect, so
    # nothing is left for the tool schemas' repair to drop here.
    doc = build_document(load_document(spec), PACKAGE)
    assert [w.pointer for w in doc.warnings if "meta-schema" in w.message] == []
    assert doc.mcp is not None
    assert "$schema" not in doc.mcp.defs["Legacy"]
    assert "id" not in doc.mcp.defs["Legacy"]  # ajv refuses draft 4's `id` keyword
    assert doc.mcp.defs["Legacy"]["properties"]["pair"] == {
        "type": "array",
        "prefixItems": [{"type": "string"}, {"type": "integer"}],
    }


# -- item 5: tool names ----------------------------------------------------------------------------


def test_long_names_are_shortened_with_the_operations_own_words(plan: McpPlan, spec: Path) -> None:
    names = [t.name for t in plan.tools]
    assert all(len(n) <= MAX_TOOL_NAME for n in names)
    assert "create_fine_tuning_checkpoint_permission" in names  # FastAPI's suffix dropped
    doc = build_document(load_document(spec), PACKAGE)
    assert any(
        "shortened to 'create_fine_tuning_checkpoint_permission'" in w.message for w in doc.warnings
    )


def test_shortening_is_deterministic_and_unique() -> None:
    long = "_".join(
        ["word"] * 10 + ["again", "list", "runs", "threads", "thread", "id", "runs"] * 2
    )
    once = shortened(long, "get", "/x")
    assert once == shortened(long, "get", "/x") and len(once) <= MAX_TOOL_NAME
    assert once.startswith("word_again_list_runs_threads_thread_id")
    cut = shortened("a" * 70 + "_b", "get", "/x")
    assert cut == "a" * 64


# -- items 1 and 10: errors an agent can read, under the TypeScript SDK's check too ---------------


def test_a_documented_error_is_a_tool_error_without_structured_content(package: Path) -> None:
    result = call(package, "get_odd", {"q": "missing"})
    assert result.is_error and result.structured_content is None
    assert json.loads(text(result)) == {"status": 404, "body": {"detail": "no such odd"}}


def test_a_success_body_that_fails_its_schema_says_why(package: Path) -> None:
    result = call(package, "get_odd", {"q": "any"})
    assert result.is_error and result.structured_content is None
    payload = json.loads(text(result))
    assert payload["status"] == 200
    assert payload["body"] == {"d": "not a number"}  # parsed, not the raw text
    assert payload.get("error")
