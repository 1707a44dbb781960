"""The contract package for web clients, without Node: what the generator writes and decides.

tests/test_web_contract_typescript.py compiles the same output with the real TypeScript tools.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from diff_helpers import RES, base, get

from generator.config import load_targets
from generator.emit.typescript import render_types
from generator.errors import SpecError
from generator.loader.source import parse_file
from generator.plans.typescript import (
    DISCRIMINATOR_TARGET,
    FREE_FORM,
    build_typescript_plan,
    npm_version,
)
from tests.conftest import ROOT, SPEC, run_generator

PACKAGE = ROOT / "generated" / "serviceai-api-spec"


def test_the_package_holds_the_published_document_as_yaml_and_json() -> None:
    assert sorted(p.name for p in PACKAGE.iterdir()) == [
        "CHANGELOG.md",
        "index.d.ts",
        "index.js",
        "openapi.d.ts",
        "openapi.js",
        "openapi.json",
        "openapi.yaml",
        "package.json",
        "types.d.ts",
        "validators.d.ts",
        "validators.js",
    ]
    assert (PACKAGE / "openapi.yaml").read_bytes() == SPEC.read_bytes()
    published = parse_file(SPEC).data
    as_json = json.loads((PACKAGE / "openapi.json").read_text(encoding="utf-8"))
    assert as_json == published
    # Key order kept, anchors expanded (the X-Client-Version alias is a full parameter object).
    assert list(as_json) == list(published)
    assert list(as_json["paths"]) == list(published["paths"])
    header = as_json["paths"]["/api/chatty-voice/tools"]["get"]["parameters"][0]
    assert header["name"] == "X-Client-Version" and header["schema"] == {"type": "string"}
    # No overlay: the SDK's operationIds and examples are not part of the published contract.
    assert "operationId" not in (PACKAGE / "openapi.json").read_text(encoding="utf-8")
    assert (PACKAGE / "CHANGELOG.md").read_bytes() == (ROOT / "spec" / "CHANGELOG.md").read_bytes()


def test_package_json_names_the_contract_version_and_every_entry_point() -> None:
    manifest = json.loads((PACKAGE / "package.json").read_text(encoding="utf-8"))
    assert manifest["name"] == "@serviceai/api-spec"
    assert manifest["version"] == parse_file(SPEC).data["info"]["version"] == "1.1.24"
    assert manifest["types"] == "./index.d.ts" and manifest["type"] == "module"
    assert manifest["exports"]["."] == {"types": "./index.d.ts", "default": "./index.js"}
    assert manifest["exports"]["./types"] == {"types": "./types.d.ts"}
    assert manifest["exports"]["./validators"] == {
        "types": "./validators.d.ts",
        "default": "./validators.js",
    }
    assert manifest["exports"]["./openapi.json"] == "./openapi.json"
    assert manifest["exports"]["./openapi.yaml"] == "./openapi.yaml"
    assert manifest["files"] == [
        "openapi.yaml",
        "openapi.json",
        "openapi.js",
        "openapi.d.ts",
        "types.d.ts",
        "index.js",
        "index.d.ts",
        "validators.js",
        "validators.d.ts",
        "CHANGELOG.md",
    ]
    # The client factory's library is a peer (one version range); ajv only for the validators.
    assert manifest["peerDependencies"] == {"openapi-fetch": "^0.17.0", "ajv": "^8.17.1"}
    assert manifest["peerDependenciesMeta"] == {"ajv": {"optional": True}}


def test_types_declare_what_openapi_fetch_needs_for_every_serviceai_call() -> None:
    types = (PACKAGE / "types.d.ts").read_text(encoding="utf-8")
    for declaration in (
        "export interface paths {",
        "export type webhooks = Record<string, never>;",
        "export interface components {",
        "export type operations = Record<string, never>;",  # no operationId in the contract
    ):
        assert declaration in types
    for kind in ("schemas", "responses", "parameters", "requestBodies", "headers"):
        assert f"\n    {kind}: " in types
    # The SDP answer is text; the tools list a bare array of the component; the realtime-token
    # 200 and 500 bodies are the one union envelope; `default` passes OpenAI's error through.
    assert '"application/sdp": string;' in types
    assert '"application/json": components["schemas"]["ChattyToolDefinition"][];' in types
    assert types.count('"application/json": components["schemas"]["RealtimeTokenResponse"];') == 2
    assert '"application/json": unknown;\n                        "text/plain": string;' in types
    assert "/** @description CSRF token previously minted by GET /api/csrf-token. */" in types
    assert '"X-CSRF-Token": string;' in types and '"X-Client-Version"?: string;' in types


def _types(doc: dict[str, Any]) -> tuple[str, list[str]]:
    plan = build_typescript_plan(doc)
    return render_types(plan), [d.reason for d in plan.divergences]


def _doc(schemas: dict[str, Any], openapi: str = "3.1.0") -> dict[str, Any]:
    return {
        "openapi": openapi,
        "info": {"title": "T", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }


def _schema_type(text: str, name: str) -> str:
    """The rendered type of component schema `name` (up to the next component at its depth)."""
    start = text.index(f"\n        {name}: ") + len(f"\n        {name}: ")
    end = text.index(";\n        ", start) if ";\n        " in text[start:] else len(text)
    nxt = text.find(";\n    };", start)
    return text[start : min(end, nxt) if nxt != -1 else end]


def test_schema_constructs() -> None:
    text, reasons = _types(
        _doc(
            {
                "Node": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {
                        "id": {"type": "string", "readOnly": True, "description": "Set by us."},
                        "secret": {"type": "string", "writeOnly": True},
                        "children": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Node"},
                        },
                        "parent": {
                            "type": ["object", "null"],
                            "properties": {"id": {"type": "string"}},
                        },
                        "tags": {"type": "object", "additionalProperties": {"type": "integer"}},
                        "kind": {"type": "string", "enum": ["a", "b"]},
                        "version": {"const": 2},
                        "mode": {"type": "string", "default": "fast"},
                        "free": {"type": "object"},
                        "pair": {
                            "type": "array",
                            "prefixItems": [{"type": "string"}, {"type": "number"}],
                        },
                    },
                },
                "Legacy": {"type": "string", "nullable": True},
                "Either": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                "Any": {"anyOf": [{"$ref": "#/components/schemas/Node"}, {"type": "boolean"}]},
                "Both": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Node"},
                        {"properties": {"x": {"type": "number"}}},
                    ],
                    "required": ["x", "secret"],
                },
                "Closed": {"type": "object", "additionalProperties": False},
                "Several": {"type": ["string", "integer", "null"]},
                "MaybeNode": {
                    "type": ["object", "null"],
                    "allOf": [{"$ref": "#/components/schemas/Node"}],
                },
            },
            openapi="3.0.3",
        )
    )
    assert "@readOnly sent by the server only\n             * @description Set by us.\n" in text
    assert "readonly id: string;" in text
    assert "@writeOnly sent by the client only" in text and "secret?: string;" in text
    assert 'children?: components["schemas"]["Node"][];' in text  # recursion is a reference
    assert "parent?: {\n                id?: string;\n            } | null;" in text
    assert "tags?: {\n                [key: string]: number;\n            };" in text
    assert 'kind?: "a" | "b";' in text and "version?: 2;" in text
    assert "mode: string;" in text  # a default is always in what the server sends
    assert "free?: {\n                [key: string]: unknown;\n            };" in text
    assert FREE_FORM in reasons
    assert "pair?: [string, number];" in text
    assert "Legacy: string | null;" in text
    assert "Either: string | number;" in text
    assert 'Any: components["schemas"]["Node"] | boolean;' in text
    assert 'Both: WithRequired<components["schemas"]["Node"], "secret"> & {' in text
    assert "export type WithRequired<T, K extends keyof T>" in text
    assert "Closed: Record<string, never>;" in text
    assert "Several: string | number | null;" in text  # 3.1 type lists
    assert 'MaybeNode: components["schemas"]["Node"] | null;' in text


def test_discriminators_narrow_their_property_at_the_union() -> None:
    pet = {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}}}
    text, reasons = _types(
        _doc(
            {
                "Cat": pet,
                "Dog": pet,
                "Pet": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/Cat"},
                        {"$ref": "#/components/schemas/Dog"},
                    ],
                    "discriminator": {
                        "propertyName": "kind",
                        "mapping": {"cat": "#/components/schemas/Cat"},
                    },
                },
            }
        )
    )
    assert 'Pet: components["schemas"]["Cat"] & {\n            kind: "cat";\n        }' in text
    assert ' | components["schemas"]["Dog"] & {\n            kind: "Dog";\n        };' in text
    assert DISCRIMINATOR_TARGET in reasons


def test_request_bodies_and_operations() -> None:
    doc = _doc({"Pet": {"type": "object", "properties": {"name": {"type": "string"}}}})
    doc["paths"] = {
        "/pets/{id}": {
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            "put": {
                "operationId": "putPet",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"type": "object", "properties": {"name": {"type": "string"}}}
                        }
                    },
                },
                "responses": {"204": {"description": "Done."}},
            },
        }
    }
    doc["components"]["pathItems"] = {
        "Ping": {"get": {"operationId": "ping", "responses": {"200": {"description": "Up."}}}}
    }
    doc["webhooks"] = {"petAdded": {"$ref": "#/components/pathItems/Ping"}}
    text, _ = _types(doc)
    assert 'put: operations["putPet"];' in text
    # An operation of a path item component is declared too, and webhooks refer to it.
    assert 'get: operations["ping"];' in text and "\n    ping: {" in text
    assert 'export interface webhooks {\n    petAdded: components["pathItems"]["Ping"];' in text
    assert "export interface operations {\n    putPet: {" in text
    assert "path: {\n                id: number;\n            };" in text
    assert (
        'requestBody: {\n            content: {\n                "application/json": components["schemas"]["Pet"];'
        in text
    )
    assert (
        "204: {\n                headers: {\n                    [name: string]: unknown;\n                };\n                content?: never;"
        in text
    )


@pytest.mark.parametrize(
    ("version", "npm"),
    [
        ("1.1.24", "1.1.24"),
        ("2.0.0-rc.1", "2.0.0-rc.1"),
        ("2026-08-21", "2026.8.21"),
        ("beta 2", "0.0.0-beta.2"),
    ],
)
def test_npm_version(version: str, npm: str) -> None:
    assert npm_version(version) == npm


def test_the_target_option_and_its_folder(tmp_path: Path) -> None:
    targets = load_targets(ROOT / "pyproject.toml")
    serviceai = next(t for t in targets if t.name == "serviceai")
    assert serviceai.npm_package == "@serviceai/api-spec"
    assert serviceai.npm_out == ROOT / "generated" / "serviceai-api-spec"
    assert all(t.npm_package is None for t in targets if t.name != "serviceai")
    bad = tmp_path / "pyproject.toml"
    bad.write_text(
        '[[tool.openapi-contract.targets]]\nname = "x"\nspec = "a.yaml"\nout = "o"\n'
        'package = "p"\nnpm-package = "Not Valid"\n',
        encoding="utf-8",
    )
    with pytest.raises(SpecError, match="npm-package 'Not Valid' is not a valid npm package name"):
        load_targets(bad)


def test_make_diff_lists_the_package_files_that_change() -> None:
    done = run_generator("diff", "spec/history/1.1.22.yaml", "spec/openapi.yaml")
    assert done.returncode == 0, done.stderr
    section = done.stdout.split("## Package files: @serviceai/api-spec", 1)[1]
    assert "6 of 11 files change" in section
    for name in ("openapi.yaml", "openapi.json", "openapi.js", "types.d.ts", "package.json"):
        assert f"| `{name}` | changed |" in section
    assert "| `validators.js` | changed |" in section  # the component schemas changed
    for name in ("CHANGELOG.md", "index.js", "index.d.ts", "validators.d.ts"):
        assert f"| `{name}` | unchanged |" in section


def test_make_bump_regenerates_the_package(tmp_path: Path) -> None:
    (tmp_path / "spec" / "history").mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text(
        '[[tool.openapi-contract.targets]]\nname = "pets"\nspec = "spec/openapi.yaml"\n'
        'changelog = "spec/CHANGELOG.md"\nout = "generated/pets"\npackage = "pets_api"\n'
        'npm-package = "@pets/api-spec"\n',
        encoding="utf-8",
    )
    (tmp_path / "spec" / "history" / "1.0.0.yaml").write_text(
        yaml.safe_dump(base("1.0.0")), "utf-8"
    )
    new = base("1.1.0")
    get(new, RES)["properties"]["age"] = {"type": "integer"}
    (tmp_path / "spec" / "openapi.yaml").write_text(yaml.safe_dump(new), "utf-8")
    done = run_generator("release", "--config", "pyproject.toml", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "regenerated generated/pets-api-spec (11 changed)" in done.stdout
    package = tmp_path / "generated" / "pets-api-spec"
    assert json.loads((package / "package.json").read_text())["version"] == "1.1.0"
    assert "## 1.1.0" in (package / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "age?: number;" in (package / "types.d.ts").read_text(encoding="utf-8")
    # The drift check covers the package folder too.
    (package / "types.d.ts").write_text("// edited by hand\n", encoding="utf-8")
    check = run_generator("check", "--config", "pyproject.toml", cwd=tmp_path)
    assert check.returncode == 1 and "differs   types.d.ts" in check.stderr


_TRANSLATION_CASES: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {},
    "x-shared": {"limit": {"type": "integer", "nullable": True, "example": 3}},
    "components": {
        "schemas": {
            "Nullable": {"nullable": True, "properties": {"a": {"type": "string"}}},
            "NullableEnum": {"type": "string", "enum": ["a", "b"], "nullable": True},
            "Bounds": {
                "type": "number",
                "minimum": 1,
                "exclusiveMinimum": True,
                "maximum": 9,
                "exclusiveMaximum": False,
                "example": 2,
            },
            "Refs": {
                "type": "object",
                "properties": {
                    "own": {"$ref": "#/components/schemas/Nullable", "description": "ignored"},
                    "shared": {"$ref": "#/x-shared/limit"},
                    "away": {"$ref": "other.yaml#/Thing"},
                    "list": {"type": "array", "items": {"$ref": "#/components/schemas/Bounds"}},
                },
                "additionalProperties": {"anyOf": [{"type": "string", "nullable": True}]},
                "dependentSchemas": {"own": {"required": ["list"], "xml": {"name": "kept"}}},
                "definitions": {"$ref": {"type": "string"}, "items": {"nullable": True}},
                "default": {"own": {"$ref": "#/components/schemas/Refs"}},
            },
            "Odd": {"properties": ["not", "a", "map"], "allOf": [True, {"nullable": True}]},
            "Cycle": {"$ref": "#/components/schemas/Cycle/properties/next"},
        }
    },
}


@pytest.mark.parametrize("document", ["translation cases", "spec/openapi.yaml", "corpus"])
def test_component_schemas_in_one_walk_are_those_of_the_two_walks(
    document: str, corpus_documents: list[Path]
) -> None:
    """The web package's JSON Schemas of an OpenAPI 3.0 document are translated and their
    references rewritten in one walk: the same schemas, key for key and in the same order, as
    the translation (generator.plans.server._from_openapi_30) followed by the rewriting."""
    from generator.loader import load_document
    from generator.plans.typescript import component_json_schemas

    if document == "translation cases":
        docs = [_TRANSLATION_CASES]
    elif document == "corpus":
        docs = []
        for path in corpus_documents:
            with contextlib.suppress(SpecError):  # a document with nothing to generate
                docs.append(load_document(path).data)
        assert len(docs) > 40
    else:
        docs = [load_document(ROOT / document).data]
    for data in docs:
        one = json.dumps(component_json_schemas(data))
        two = json.dumps(component_json_schemas(data, one_walk=False))
        assert one == two
