"""The diff engine beyond single rules: references, cycles, guards, the published history."""

from __future__ import annotations

import json
from pathlib import Path

from diff_helpers import OP, REQ, RES, diff, get, only, pair, put

from generator.diff import diff_files
from generator.diff.report import to_json, to_markdown

ROOT = Path(__file__).resolve().parent.parent
HISTORY = ROOT / "spec" / "history"

PET = "/components/schemas/Pet"


def _with_shared_pet() -> tuple[dict, dict]:  # type: ignore[type-arg]
    old, new = pair()
    for doc in (old, new):
        doc["components"]["schemas"]["Pet"] = {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "owner": {"$ref": "#/components/schemas/Pet"},
            },
        }
        put(doc, RES, {"$ref": "#/components/schemas/Pet"})
        doc["paths"]["/pets"]["get"] = {
            "responses": {
                "200": {
                    "description": "ok",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/Pet"},
                            }
                        }
                    },
                }
            }
        }
    return old, new


def test_a_referenced_schema_is_reported_where_it_is_written_for_every_operation() -> None:
    old, new = _with_shared_pet()
    del new["components"]["schemas"]["Pet"]["properties"]["name"]
    change = only(diff(old, new))
    assert change.id == "response-optional-property-removed"
    assert (change.pointer, change.side) == (PET + "/properties/name", "old")
    assert change.operations == ("GET /pets", "POST /pets")
    assert change.level == "breaking"


def test_recursive_schemas_terminate() -> None:
    old, new = _with_shared_pet()
    new["components"]["schemas"]["Pet"]["properties"]["name"]["maxLength"] = 3
    change = only(diff(old, new))
    assert (change.id, change.pointer) == (
        "response-property-max-length-set",
        PET + "/properties/name/maxLength",
    )


def test_the_same_component_in_a_request_is_judged_as_a_request() -> None:
    old, new = _with_shared_pet()
    for doc in (old, new):
        put(doc, REQ, {"$ref": "#/components/schemas/Pet"})
    new["components"]["schemas"]["Pet"]["properties"]["name"]["enum"] = ["rex"]
    found = {(c.id, c.level) for c in diff(old, new)}
    assert found == {
        ("request-property-became-enum", "breaking"),
        ("response-property-became-enum", "info"),
    }


def test_read_only_properties_do_not_travel_in_requests() -> None:
    old, new = pair()
    get(new, REQ)["properties"]["id"] = {"type": "integer", "readOnly": True}
    get(new, REQ)["required"].append("id")
    assert diff(old, new) == []


def test_renaming_a_path_parameter_is_not_a_change_of_path() -> None:
    old, new = pair()
    item = {"get": {"responses": {"200": {"description": "ok"}}}}
    old["paths"]["/pets/{id}"] = item
    new["paths"]["/pets/{petId}"] = item
    assert diff(old, new) == []


def test_an_unused_component_is_compared_in_both_directions() -> None:
    old, new = pair()
    old["components"]["schemas"]["Pet"] = {
        "type": "object",
        "properties": {"a": {"type": "string"}},
    }
    new["components"]["schemas"]["Pet"] = {"type": "object", "properties": {}}
    found = {(c.id, c.pointer, c.operations) for c in diff(old, new)}
    assert found == {
        ("request-property-removed", PET + "/properties/a", ()),
        ("response-optional-property-removed", PET + "/properties/a", ()),
    }


def test_union_members_are_matched_by_reference() -> None:
    old, new = pair()
    a, b = {"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}
    for doc in (old, new):
        doc["components"]["schemas"].update(A={"type": "string"}, B={"type": "integer"})
    put(old, RES, {"oneOf": [a]})
    put(new, RES, {"oneOf": [b, a]})
    change = only(diff(old, new))
    assert (change.id, change.pointer) == ("response-body-one-of-added", RES + "/oneOf/0")


def test_description_and_example_changes_are_not_reported() -> None:
    old, new = pair()
    get(new, RES)["description"] = "now documented"
    get(new, RES)["properties"]["id"]["example"] = 3
    get(new, OP)["summary"] = "Create"
    assert diff(old, new) == []


def test_published_1_1_22_to_1_1_24_is_additive_only() -> None:
    result = diff_files(HISTORY / "1.1.22.yaml", HISTORY / "1.1.24.yaml")
    assert result.breaking == [] and result.warnings == []
    assert {c.id for c in result.changes} == {"endpoint-added", "api-schema-added"}
    endpoints = sorted(c.operations[0] for c in result.changes if c.id == "endpoint-added")
    assert endpoints == [
        "GET /api/chatty-voice/ai-context",
        "GET /api/chatty-voice/tools",
        "GET /api/csrf-token",
        "POST /api/chatty-voice/tools/execute",
        "POST /api/realtime-token",
        "POST /api/realtime/webrtc",
    ]
    schemas = {c.pointer for c in result.changes if c.id == "api-schema-added"}
    assert "/components/schemas/ChattyToolDefinition" in schemas and len(schemas) == 8
    webrtc = next(c for c in result.changes if "webrtc" in c.pointer)
    file, _, line = webrtc.location.rpartition(":")
    assert file.endswith("1.1.24.yaml") and int(line) > 0


def test_the_reverse_of_the_published_bump_is_breaking() -> None:
    result = diff_files(HISTORY / "1.1.24.yaml", HISTORY / "1.1.22.yaml")
    ids = {c.id for c in result.breaking}
    assert ids == {"api-path-removed-without-deprecation", "api-schema-removed"}


def test_reports_are_deterministic() -> None:
    first = diff_files(HISTORY / "1.1.22.yaml", HISTORY / "1.1.24.yaml")
    second = diff_files(HISTORY / "1.1.22.yaml", HISTORY / "1.1.24.yaml")
    assert to_json(first) == to_json(second)
    assert to_markdown(first) == to_markdown(second)
    data = json.loads(to_json(first))
    assert data["summary"] == {"changes": 14, "breaking": 0, "warning": 0, "info": 14}
    assert data["changes"][0]["pointer"].startswith("/")
