"""Where the loader's findings are, now that a walk keeps places and builds a pointer only for a
finding (generator/errors.py `pointer_of`), and that a JSON document's references are noted
while parsing (its walk to find them is skipped when all are local and resolve).

Each finding sits deep in a document, under names that need escaping (`/` and `~`), so a
pointer built from the wrong place, or a line found for the wrong pointer, fails here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.errors import SpecError, join_pointer, pointer_of
from generator.loader import load_document
from generator.loader.source import json_locate, parse_file
from generator.schema_walk import (
    iter_document_schema_paths,
    iter_document_schemas,
    iter_subschema_paths,
    iter_subschemas,
)

# A property whose name needs both escapes, inside a response of a templated path.
DEEP = (
    "/paths/~1rooms~1{room_id}/get/responses/200/content/application~1json/schema"
    "/properties/size~1m~02/items/allOf/1/properties/width"
)


def _document(width: dict[str, Any], minor: str = "3.0.3") -> dict[str, Any]:
    item = {"allOf": [{"type": "object"}, {"type": "object", "properties": {"width": width}}]}
    schema = {"type": "object", "properties": {"size/m~2": {"type": "array", "items": item}}}
    return {
        "openapi": minor,
        "info": {"title": "Rooms", "version": "1"},
        "paths": {
            "/rooms/{room_id}": {
                "get": {
                    "parameters": [
                        {"name": "room_id", "in": "path", "required": True, "schema": {}}
                    ],
                    "responses": {
                        "200": {
                            "description": "A room.",
                            "content": {"application/json": {"schema": schema}},
                        }
                    },
                }
            }
        },
        "components": {"schemas": {"Room": {"$ref": "#" + DEEP.rsplit("/properties/", 1)[0]}}},
    }


def _write(tmp_path: Path, doc: dict[str, Any]) -> tuple[Path, list[str]]:
    path = tmp_path / "api.json"
    text = json.dumps(doc, indent=2)
    path.write_text(text, encoding="utf-8")
    return path, text.splitlines()


def _line_of(lines: list[str], needle: str) -> int:
    (found,) = [n for n, line in enumerate(lines, 1) if needle in line]
    return found


def test_repairs_deep_in_a_schema_name_their_place_and_line(tmp_path: Path) -> None:
    width = {
        "type": "number",
        "exclusiveMaximum": 5,
        "required": ["a", "a"],
        "default": "wide",
    }
    path, lines = _write(tmp_path, _document(width))
    loaded = load_document(path)
    found = [(w.rule, w.location.pointer, w.location.line) for w in loaded.warnings]
    assert found == [
        (
            "exclusive-bound-number",
            DEEP + "/exclusiveMaximum",
            _line_of(lines, '"exclusiveMaximum"'),
        ),
        ("required-duplicates", DEEP + "/required", _line_of(lines, '"required": [')),
        ("default-mismatch", DEEP + "/default", _line_of(lines, '"default"')),
    ]
    assert {Path(w.location.file).name for w in loaded.warnings} == {"api.json"}


def test_openapi_31_repairs_deep_in_a_schema_name_their_place(tmp_path: Path) -> None:
    width = {"type": "integer", "nullable": True, "exclusiveMinimum": True, "minimum": 1}
    path, lines = _write(tmp_path, _document(width, "3.1.0"))
    found = [(w.rule, w.location.pointer, w.location.line) for w in load_document(path).warnings]
    assert found == [
        (
            "exclusive-bound-boolean",
            DEEP + "/exclusiveMinimum",
            _line_of(lines, '"exclusiveMinimum"'),
        ),
        ("nullable-in-3.1", DEEP + "/nullable", _line_of(lines, '"nullable"')),
    ]


def test_an_invalid_type_deep_in_a_schema_is_an_error_there_when_strict(tmp_path: Path) -> None:
    path, lines = _write(tmp_path, _document({"type": "file"}))
    with pytest.raises(SpecError) as caught:
        load_document(path, strict=True)
    (problem,) = caught.value.problems
    assert problem.rule == "invalid-schema-type"
    assert problem.location.pointer == DEEP + "/type"
    assert problem.location.line == _line_of(lines, '"type": "file"')


def test_a_dangling_reference_in_json_is_located_at_the_reference(tmp_path: Path) -> None:
    doc = _document({"type": "number"})
    doc["components"]["schemas"]["Room"]["$ref"] += "/gone"
    path, lines = _write(tmp_path, doc)
    with pytest.raises(SpecError) as caught:
        load_document(path)
    (problem,) = caught.value.problems
    assert "points to nothing" in problem.message
    assert problem.location.pointer == "/components/schemas/Room/$ref"
    assert problem.location.line == _line_of(lines, "/gone")


def test_a_percent_encoded_reference_in_json_is_decoded(tmp_path: Path) -> None:
    doc = _document({"type": "number"})
    doc["components"]["schemas"]["Room"]["$ref"] = (
        "#/paths/~1rooms~1%7Broom_id%7D/get/responses/200/content/application~1json/schema"
    )
    path, _ = _write(tmp_path, doc)
    loaded = load_document(path)
    assert loaded.data["components"]["schemas"]["Room"]["$ref"] == (
        "#/paths/~1rooms~1{room_id}/get/responses/200/content/application~1json/schema"
    )


def test_a_reference_to_another_json_file_is_bundled(tmp_path: Path) -> None:
    (tmp_path / "width.json").write_text(json.dumps({"type": "number", "minimum": 0}))
    path, _ = _write(tmp_path, _document({"$ref": "width.json"}))
    loaded = load_document(path)
    width = loaded.data["paths"]["/rooms/{room_id}"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]["properties"]["size/m~2"]["items"]["allOf"][1]["properties"]["width"]
    assert width == {"type": "number", "minimum": 0}


# Every keyword that nests a schema, with `items` in its list form beside one-schema keywords.
NESTED: dict[str, Any] = {
    "not": {"type": "string"},
    "items": [{"type": "integer"}, {"properties": {"a/b": {"type": "string"}}}],
    "additionalProperties": {"type": "boolean"},
    "anyOf": [{"type": "null"}, {"$defs": {"x~y": {"type": "number"}}}],
    "properties": {"p": {"contains": {"type": "string"}}, "q": 5},
    "prefixItems": [{"if": {"type": "string"}, "then": {}, "else": {}}],
    "dependentSchemas": {"d": {"propertyNames": {"pattern": "^a"}}},
    "patternProperties": {"^x-": {"unevaluatedItems": {"type": "string"}}},
    "contentSchema": {"type": "object"},
    "definitions": {"old": {"additionalItems": {"type": "string"}}},
    "oneOf": "not a list",
}


def test_the_lazy_walk_visits_what_the_pointer_walk_does_in_the_same_order() -> None:
    by_pointer = [(at, id(node)) for at, node in iter_subschemas(NESTED, "/components/schemas/N")]
    by_place = [
        (pointer_of(at), id(node))
        for at, node in iter_subschema_paths(NESTED, "/components/schemas/N")
    ]
    assert by_place == by_pointer
    assert [at for at, _ in by_pointer] == [
        "/components/schemas/N",
        "/components/schemas/N/additionalProperties",
        "/components/schemas/N/not",
        "/components/schemas/N/contentSchema",
        "/components/schemas/N/items/0",
        "/components/schemas/N/items/1",
        "/components/schemas/N/items/1/properties/a~1b",
        "/components/schemas/N/anyOf/0",
        "/components/schemas/N/anyOf/1",
        "/components/schemas/N/anyOf/1/$defs/x~0y",
        "/components/schemas/N/prefixItems/0",
        "/components/schemas/N/prefixItems/0/if",
        "/components/schemas/N/prefixItems/0/then",
        "/components/schemas/N/prefixItems/0/else",
        "/components/schemas/N/properties/p",
        "/components/schemas/N/properties/p/contains",
        "/components/schemas/N/patternProperties/^x-",
        "/components/schemas/N/patternProperties/^x-/unevaluatedItems",
        "/components/schemas/N/definitions/old",
        "/components/schemas/N/definitions/old/additionalItems",
        "/components/schemas/N/dependentSchemas/d",
        "/components/schemas/N/dependentSchemas/d/propertyNames",
    ]


def test_document_schema_places_are_the_document_schema_pointers() -> None:
    doc = _document({"type": "number"})
    doc["webhooks"] = {"a/b": {"post": {"requestBody": {"content": {"x/y": {"schema": {}}}}}}}
    by_pointer = list(iter_document_schemas(doc))
    assert [(pointer_of(at), s) for at, s in iter_document_schema_paths(doc)] == by_pointer
    assert [at for at, _ in by_pointer] == [
        "/components/schemas/Room",
        "/paths/~1rooms~1{room_id}/get/parameters/0/schema",
        "/paths/~1rooms~1{room_id}/get/responses/200/content/application~1json/schema",
        "/webhooks/a~1b/post/requestBody/content/x~1y/schema",
    ]


def test_pointer_of_escapes_each_token_once() -> None:
    assert pointer_of((((("", "paths"), "/a~b"), "get"), 0)) == "/paths/~1a~0b/get/0"
    assert pointer_of("/already/~1built") == "/already/~1built"
    assert pointer_of(("/x", "a/b")) == join_pointer("/x", "a/b")


def _all_pointers(node: Any, at: str, out: list[str]) -> list[str]:
    out += [at, join_pointer(at, "missing")]
    if isinstance(node, dict):
        for key, value in node.items():
            _all_pointers(value, join_pointer(at, key), out)
    elif isinstance(node, list):
        out.append(join_pointer(at, len(node)))
        for i, value in enumerate(node):
            _all_pointers(value, join_pointer(at, i), out)
    return out


def test_json_places_located_in_any_order_agree_with_a_fresh_reading(tmp_path: Path) -> None:
    # One file's locating keeps what it read of each object (a hundred findings: one reading);
    # each answer must be what a reading from scratch gives, whatever was asked before.
    path, _ = _write(tmp_path, _document({"type": "number", "default": 1}))
    pointers = _all_pointers(json.loads(path.read_text()), "", [])
    source = parse_file(path)
    fresh = {p: json_locate(source.text, p) for p in pointers}
    for order in (pointers, pointers[::-1], pointers[1::2] + pointers[::2]):
        source = parse_file(path)
        assert {p: (lambda at: (at.line, at.column))(source.locate(p)) for p in order} == fresh
    assert len(set(fresh.values())) > len(pointers) // 3  # the places differ: not one answer
