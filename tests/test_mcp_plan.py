"""The MCP tool plan (generator/plans/mcp.py): names, hints, schemas and `x-mcp`, decided once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from generator.errors import SpecError
from generator.loader import load_document
from generator.plans import build_document
from generator.plans.mcp import McpPlan, ToolPlan, page_starts

PET = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string"}, "owner": {"$ref": "#/components/schemas/Owner"}},
}
OWNER = {"type": "object", "properties": {"name": {"type": "string"}}}


def document(**operations: Any) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Pets", "version": "1"},
        "servers": [{"url": "https://pets.example/api/v2"}],
        "paths": {f"/{name}": {method: op} for name, (method, op) in operations.items()},
        "components": {"schemas": {"Pet": PET, "Owner": OWNER}},
    }


def operation(op_id: str, **extra: Any) -> dict[str, Any]:
    return {"operationId": op_id, "responses": {"204": {"description": "done"}}, **extra}


def plan(tmp_path: Path, doc: dict[str, Any]) -> McpPlan:
    path = tmp_path / "api.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    built = build_document(load_document(path)).mcp
    assert built is not None
    return built


def tools(tmp_path: Path, doc: dict[str, Any]) -> dict[str, ToolPlan]:
    return {t.name: t for t in plan(tmp_path, doc).tools}


def test_hints_follow_http_semantics(tmp_path: Path) -> None:
    found = tools(
        tmp_path,
        document(
            a=("get", operation("getPet")),
            b=("put", operation("putPet")),
            c=("delete", operation("deletePet")),
            d=("post", operation("createPet")),
        ),
    )
    hints = {
        name: (t.hints["readOnlyHint"], t.hints["destructiveHint"], t.hints["idempotentHint"])
        for name, t in found.items()
    }
    assert hints == {
        "get_pet": (True, False, True),
        "put_pet": (False, False, True),
        "delete_pet": (False, True, True),
        "create_pet": (False, False, False),
    }
    assert all(t.hints["openWorldHint"] for t in found.values())


def test_x_mcp_renames_hides_and_overrides_hints(tmp_path: Path) -> None:
    found = plan(
        tmp_path,
        document(
            a=(
                "post",
                operation(
                    "hangUp",
                    **{
                        "x-mcp": {
                            "name": "pets-hang-up",
                            "idempotentHint": True,
                            "description": "Ends it.",
                        }
                    },
                ),
            ),
            b=("get", operation("secret", **{"x-mcp": {"excluded": True}})),
        ),
    )
    assert [t.name for t in found.tools] == ["pets-hang-up"]
    assert found.tools[0].hints["idempotentHint"] is True
    assert found.tools[0].description == "Ends it."
    assert found.excluded == ("secret",)


@pytest.mark.parametrize(
    ("x_mcp", "message", "pointer"),
    [
        ({"readOnlyHint": "yes"}, "must be true or false", "/x-mcp/readOnlyHint"),
        ({"name": "has space"}, "1 to 64 letters", "/x-mcp/name"),
        ({"name": "dotted.name"}, "1 to 64 letters", "/x-mcp/name"),
        ({"name": "x" * 65}, "1 to 64 letters", "/x-mcp/name"),
        ({"nmae": "typo"}, "unknown keys nmae", "/x-mcp"),
        ("hidden", "must be an object", "/x-mcp"),
    ],
)
def test_a_wrong_x_mcp_is_a_located_error(
    tmp_path: Path, x_mcp: Any, message: str, pointer: str
) -> None:
    with pytest.raises(SpecError) as raised:
        plan(tmp_path, document(a=("post", operation("hangUp", **{"x-mcp": x_mcp}))))
    problem = raised.value.problems[0]
    assert message in problem.message
    assert problem.location.pointer == "/paths/~1a/post" + pointer


def test_two_tools_cannot_take_the_same_name(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="already a tool name"):
        plan(
            tmp_path,
            document(
                a=("post", operation("one", **{"x-mcp": {"name": "same"}})),
                b=("post", operation("two", **{"x-mcp": {"name": "same"}})),
            ),
        )


def test_input_schema_holds_parameters_and_body_with_refs_in_defs(tmp_path: Path) -> None:
    op = operation(
        "updatePet",
        parameters=[
            {"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}},
            {"name": "body", "in": "query", "schema": {"type": "string"}},
            {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
        ],
        requestBody={
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}},
        },
    )
    doc = document(a=("put", op))
    doc["paths"] = {"/pets/{petId}": doc["paths"].pop("/a")}
    tool = tools(tmp_path, doc)["update_pet"]
    schema = {
        **tool.input_schema,
        "$defs": {k: plan(tmp_path, doc).defs[k] for k in tool.input_defs},
    }
    Draft202012Validator.check_schema(schema)
    # The query parameter named `body` keeps the client's name for it; the body is `body`.
    arguments = {a.name: (a.python_name, a.location) for a in tool.arguments}
    query = next(n for n, (_, where) in arguments.items() if where == "query")
    assert query != "body" and arguments[query][0] == query
    assert arguments["body"] == ("body", "body")
    assert list(schema["properties"]) == ["pet_id", query, "x_trace", "body"]
    assert schema["required"] == ["pet_id", "body"]
    assert schema["properties"]["body"] == {"$ref": "#/$defs/Pet"}
    assert set(schema["$defs"]) == {"Pet", "Owner"}
    assert schema["$defs"]["Pet"]["properties"]["owner"] == {"$ref": "#/$defs/Owner"}
    validator = Draft202012Validator(schema)
    assert validator.is_valid({"pet_id": 1, "body": {"name": "Rex", "owner": {"name": "Ann"}}})
    assert not validator.is_valid({"pet_id": 1, "body": {"owner": {}}})  # name is required
    assert not validator.is_valid({"pet_id": 1, "body": {"name": "Rex"}, "extra": 1})


def test_output_schema_is_an_object_or_wraps_the_body(tmp_path: Path) -> None:
    listing = {
        "operationId": "listPets",
        "responses": {
            "200": {
                "description": "pets",
                "content": {
                    "application/json": {
                        "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}
                    }
                },
            }
        },
    }
    one = {
        "operationId": "getPet",
        "responses": {
            "200": {
                "description": "a pet",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}},
            },
            "404": {"description": "none"},
        },
    }
    text = {
        "operationId": "getSdp",
        "responses": {
            "200": {
                "description": "sdp",
                "content": {"application/sdp": {"schema": {"type": "string"}}},
            }
        },
    }
    found = tools(tmp_path, document(a=("get", listing), b=("get", one), c=("get", text)))
    assert found["list_pets"].output_wrapped
    assert found["list_pets"].output_schema == {
        "type": "object",
        "properties": {"result": {"type": "array", "items": {"$ref": "#/$defs/Pet"}}},
        "required": ["result"],
    }
    assert found["get_pet"].output_schema == {"$ref": "#/$defs/Pet", "type": "object"}
    assert not found["get_pet"].output_wrapped
    assert found["get_pet"].error_statuses == ("404",)
    assert found["get_sdp"].output_schema is None


def test_environment_names_and_default_base_url(tmp_path: Path) -> None:
    built = plan(tmp_path, document(a=("get", operation("getPet"))))
    env = built.environment("pets_api")
    assert (env.base_url, env.token, env.api_key) == ("PETS_API_BASE_URL", "PETS_API_TOKEN", None)
    assert built.default_base_url == "https://pets.example/api/v2"


def test_pages_close_on_the_tool_count_or_before_the_byte_budget() -> None:
    assert page_starts([], 3, 100) == (0,)  # an empty list is one empty page
    assert page_starts([10] * 7, 3, 100) == (0, 3, 6)  # by count
    assert page_starts([40, 40, 40, 10, 10, 10], 3, 100) == (0, 2, 5)  # 120 > 100: the third waits
    assert page_starts([250, 10, 300, 10], 3, 100) == (0, 1, 2, 3)  # a big tool alone
    assert page_starts([50, 50, 1], 3, 100) == (0, 2)  # exactly the budget still fits


def test_each_tool_knows_its_size_on_the_wire(tmp_path: Path) -> None:
    body = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}
    found = tools(
        tmp_path,
        document(
            a=("get", operation("getPet")),
            b=("post", operation("createPet", requestBody=body, description="x" * 5000)),
        ),
    )
    small, big = found["get_pet"].wire_size, found["create_pet"].wire_size
    assert 100 < small < 1000
    assert big > small + 5000  # the description, the body schema and the $defs it reaches
