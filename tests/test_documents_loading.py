"""Swagger 2.0 conversion and multi-file bundling (issue 21), each rule on a small document.

- tests/fixtures/documents/swagger2-rules.yaml: one use of each Swagger 2.0 conversion rule,
  and a fault (`required: true` on a property) whose repair is reported in the 2.0 file;
- tests/fixtures/documents/bundle/: a description split over nested folders, with a cycle
  through two files (an agent lists its child agents and its workspace, which lists agents), a
  parameter and a response reached from two paths, `..`, a folder name with a space written
  `work%20spaces`, and a `description` text kept in another YAML file;
- a generated description of 3,000 files with 1,000 cycles: bundled with each file read once.
Each small document generates a package whose modules import, and one `mypy --strict` run
checks those packages together with the OpenAPI 3.2 one (tests/test_documents_oas32.py).
"""

from __future__ import annotations

import contextlib
import importlib
import io
import pkgutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from generator.errors import SpecError
from generator.loader import load_document
from generator.loader import refs as refs_module
from generator.loader.source import parse_file
from generator.plans import build_document
from tests.reference_support.generate import generate_package

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "documents"
SWAGGER = FIXTURES / "swagger2-rules.yaml"
BUNDLE = FIXTURES / "bundle" / "specification" / "main.yaml"
PACKAGES = {
    "swagger2_rules_api": SWAGGER,
    "bundled_agents_api": BUNDLE,
    "oas32_features_api": FIXTURES / "oas32-features.yaml",
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("documents")
    for package, spec in PACKAGES.items():
        generate_package(spec, out / package, package)
        sys.path.insert(0, str(out / package))
    try:
        yield out
    finally:
        for package in PACKAGES:
            sys.path.remove(str(out / package))


# -- Swagger 2.0 -------------------------------------------------------------------------------


def test_each_swagger2_rule_gives_the_openapi_3_0_construct() -> None:
    doc = load_document(SWAGGER).data
    assert doc["openapi"] == "3.0.3" and "swagger" not in doc
    assert doc["servers"] == [
        {"url": "https://api.example.com/v1"},
        {"url": "http://api.example.com/v1"},
    ]
    components = doc["components"]
    assert set(components["schemas"]) == {"Pet", "Dog", "Error", "Code"}
    pet = components["schemas"]["Pet"]
    assert pet["discriminator"] == {"propertyName": "kind"}
    assert pet["properties"]["owner"] == {"type": "string", "nullable": True}
    assert components["schemas"]["Dog"]["allOf"][0] == {"$ref": "#/components/schemas/Pet"}
    # A shared body parameter is a request body; a plain one stays a parameter.
    assert components["parameters"]["limit"] == {
        "name": "limit",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "default": 20},
    }
    assert components["requestBodies"]["petBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Pet"
    }
    assert components["responses"]["NotFound"]["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
    }
    schemes = components["securitySchemes"]
    assert schemes["basic"] == {"type": "http", "scheme": "basic"}
    assert schemes["oauth"]["flows"] == {
        "authorizationCode": {
            "scopes": {"read": "Read pets"},
            "authorizationUrl": "https://auth.example.com/authorize",
            "tokenUrl": "https://auth.example.com/token",
        }
    }
    assert schemes["key"] == {"type": "apiKey", "in": "header", "name": "X-Key"}
    pets = doc["paths"]["/pets"]
    listed = pets["get"]["parameters"]
    assert listed[0] == {"$ref": "#/components/parameters/limit"}
    assert (listed[1]["style"], listed[1]["explode"]) == ("form", True)  # multi
    assert (listed[2]["style"], listed[2]["explode"]) == ("pipeDelimited", False)
    assert listed[1]["schema"] == {"type": "array", "items": {"type": "string"}}
    assert "style" not in listed[3]  # a csv header: `simple`, 3.0's default there
    ok = pets["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["example"] == [{"name": "Rex", "kind": "dog"}]
    assert ok["headers"]["X-Rate-Limit"] == {
        "schema": {"type": "integer"},
        "description": "Calls left",
    }
    assert pets["post"]["requestBody"] == {"$ref": "#/components/requestBodies/petBody"}
    item = doc["paths"]["/pets/{petId}"]
    assert item["put"]["requestBody"]["required"] is True
    assert item["put"]["responses"]["404"] == {"$ref": "#/components/responses/NotFound"}
    form = item["patch"]["requestBody"]["content"]["application/x-www-form-urlencoded"]
    assert form["schema"]["required"] == ["name"]
    photo = doc["paths"]["/pets/{petId}/photo"]["post"]
    multipart = photo["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert multipart["properties"]["file"] == {"type": "string", "format": "binary"}
    assert photo["responses"]["200"]["content"] == {
        "image/png": {"schema": {"type": "string", "format": "binary"}}
    }


def test_conversion_decisions_and_repairs_are_located_in_the_2_0_file(tmp_path: Path) -> None:
    loaded = load_document(SWAGGER)
    rules = Counter(n.rule for n in loaded.conversions)
    assert set(rules) == {
        "swagger2-servers", "swagger2-components", "swagger2-body", "swagger2-form-data",
        "swagger2-produces", "swagger2-collection-format", "swagger2-x-nullable",
        "swagger2-security", "swagger2-file", "swagger2-discriminator",
    }  # fmt: skip
    for note in loaded.conversions:
        assert note.location.file.endswith("swagger2-rules.yaml") and note.location.line
    body = [n.location for n in loaded.conversions if n.rule == "swagger2-body"]
    assert [(at.pointer, at.line) for at in body] == [
        ("/paths/~1pets/post/parameters/0", 49),
        ("/paths/~1pets~1{petId}/put/parameters/0", 59),
    ]
    # The fault: Swagger's meta-schema refuses it, the repair reads it, both at line 91 of
    # the 2.0 file, at the 2.0 pointer (not the converted document's components/schemas).
    found = {(w.rule, w.location.pointer, w.location.line) for w in loaded.warnings}
    assert found == {
        ("swagger2-meta-schema", "/definitions/Pet/properties/age/required", 91),
        ("required-boolean", "/definitions/Pet/properties/age/required", 91),
    }
    assert loaded.data["components"]["schemas"]["Pet"]["required"] == ["name", "kind", "age"]
    with pytest.raises(SpecError) as refused:
        load_document(SWAGGER, strict=True)
    assert {p.rule for p in refused.value.problems} == {"swagger2-meta-schema", "required-boolean"}
    # An error in a converted document is located in the 2.0 file too.
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        SWAGGER.read_text(encoding="utf-8").replace(
            "'#/definitions/Error'", "'#/definitions/Eror'"
        ),
        encoding="utf-8",
    )
    with pytest.raises(SpecError) as dangling:
        load_document(broken)
    [problem] = dangling.value.problems
    assert "broken.yaml:26:" in str(problem) and "Eror" in problem.message


def _cli(*args: str) -> tuple[int, str, str]:
    """The CLI in this process (no interpreter start-up): status, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


def test_the_summary_and_validate_say_what_was_read_and_converted(tmp_path: Path) -> None:
    status, out, _ = _cli("validate", str(SWAGGER.relative_to(ROOT)))
    assert status == 0
    assert "converted: tests/fixtures/documents/swagger2-rules.yaml:59:11: " in out
    assert "Swagger 2.0, read as OpenAPI 3.0.3 (19 conversion decision(s))" in out
    status, out, err = _cli(
        "generate", "--spec", str(SWAGGER), "--out", str(tmp_path / "sw"), "--package",
        "summary_sw_api", "--verbose",
    )  # fmt: skip
    assert status == 0
    assert out.startswith("summary_sw_api: 5 operations,")
    assert out.rstrip().endswith(" (Swagger 2.0 converted to OpenAPI 3.0.3)")
    # A model warning about a converted schema points at the 2.0 file's own pointer.
    assert "  warning: /definitions/Code/pattern: pattern '^\\\\p{L}+$' is not" in err
    assert "  note: /paths/~1pets/post/parameters/0: `in: body` parameter read as" in err
    status, out, err = _cli(
        "generate", "--spec", str(BUNDLE), "--out", str(tmp_path / "out"), "--package",
        "summary_api", "--verbose",
    )  # fmt: skip
    assert status == 0
    assert out.startswith("summary_api: 2 operations,")
    assert out.rstrip().endswith(" (OpenAPI 3.0.3, 6 files bundled, 5 external components hoisted)")
    assert "#/components/schemas/agent (it refers to itself through other files)" in err


# -- bundling ----------------------------------------------------------------------------------


def test_a_cycle_through_two_files_is_hoisted_and_referenced_locally() -> None:
    loaded = load_document(BUNDLE, strict=True)
    doc = loaded.data
    schemas = doc["components"]["schemas"]
    # agents/agent.yaml <-> work spaces/workspace.yaml: each hoisted once under its file's name.
    assert schemas["agent"]["properties"]["children"]["items"] == {
        "$ref": "#/components/schemas/agent"
    }
    assert schemas["agent"]["properties"]["workspace"] == {"$ref": "#/components/schemas/workspace"}
    assert schemas["workspace"]["properties"]["agents"]["items"] == {
        "$ref": "#/components/schemas/agent"
    }
    ops = doc["paths"]
    assert ops["/workspaces/{id}"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ] == {"$ref": "#/components/schemas/workspace"}  # reached through `work%20spaces/`
    # Reached from two paths: one component each, the response's own schema too.
    for path in ("/agents/{id}", "/workspaces/{id}"):
        assert ops[path]["get"]["parameters"] == [{"$ref": "#/components/parameters/AgentId"}]
        assert ops[path]["get"]["responses"]["404"] == {"$ref": "#/components/responses/NotFound"}
    assert doc["components"]["responses"]["NotFound"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    # `../docs/texts.yaml#/getAgent`: a description kept in another file, through `..`.
    assert ops["/agents/{id}"]["get"]["description"].startswith("An agent, with its child")
    assert sorted(loaded.bundle.hoisted_names) == [
        "#/components/parameters/AgentId",
        "#/components/responses/NotFound",
        "#/components/schemas/Error",
        "#/components/schemas/agent",
        "#/components/schemas/workspace",
    ]
    # A hoisted name never takes one the main document already uses.
    names = build_document(loaded).schemas
    assert sorted(s.python_name for s in names) == ["Agent", "Error", "Workspace"]


def test_a_hoisted_name_is_collision_free_and_errors_point_into_the_file(tmp_path: Path) -> None:
    (tmp_path / "defs").mkdir()
    (tmp_path / "defs" / "node.yaml").write_text(
        "type: object\nproperties:\n  next: {$ref: 'node.yaml'}\n  bad: {$ref: 'missing.yaml'}\n",
        encoding="utf-8",
    )
    main = tmp_path / "main.yaml"
    main.write_text(
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /n:\n    get:\n"
        "      responses:\n        '200':\n          description: ok\n          content:\n"
        "            application/json:\n              schema: {$ref: 'defs/node.yaml'}\n"
        "components:\n  schemas:\n    node: {type: string}\n",
        encoding="utf-8",
    )
    with pytest.raises(SpecError) as missing:
        load_document(main)
    assert any(
        "node.yaml:4:" in str(p) and "cannot be loaded: missing.yaml" in p.message
        for p in missing.value.problems
    )
    (tmp_path / "defs" / "node.yaml").write_text(
        "type: object\nproperties:\n  next: {$ref: 'node.yaml'}\n", encoding="utf-8"
    )
    doc = load_document(main).data
    assert doc["components"]["schemas"]["node"] == {"type": "string"}  # the main file's own
    assert doc["components"]["schemas"]["node_2"]["properties"]["next"] == {
        "$ref": "#/components/schemas/node_2"
    }


def test_three_thousand_files_bundle_with_each_file_read_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """1,000 paths, each in its own file, each with a schema file and a properties file that
    refer to each other (1,000 cycles), all sharing one common file: 3,002 files with the
    main one. Timed in docs/documents.md (`python -m benchmarks.bundle`), not here."""
    for folder in ("paths", "schemas", "props"):
        (tmp_path / folder).mkdir()
    (tmp_path / "common.yaml").write_text(
        "Id: {type: string, pattern: '^[a-z0-9]+$'}\n", encoding="utf-8"
    )
    lines = ["openapi: 3.0.3", "info: {title: Many, version: '1'}", "paths:"]
    for n in range(1000):
        lines.append(f"  /things{n}: {{$ref: 'paths/p{n}.yaml'}}")
        (tmp_path / "paths" / f"p{n}.yaml").write_text(
            f"get:\n  operationId: getThing{n}\n  responses:\n    '200':\n      description: ok\n"
            f"      content:\n        application/json:\n"
            f"          schema: {{$ref: '../schemas/s{n}.yaml'}}\n",
            encoding="utf-8",
        )
        (tmp_path / "schemas" / f"s{n}.yaml").write_text(
            f"type: object\nproperties:\n  id: {{$ref: '../common.yaml#/Id'}}\n"
            f"  detail: {{$ref: '../props/d{n}.yaml'}}\n",
            encoding="utf-8",
        )
        (tmp_path / "props" / f"d{n}.yaml").write_text(
            f"type: object\nproperties:\n  owner: {{$ref: '../schemas/s{n}.yaml'}}\n",
            encoding="utf-8",
        )
    main = tmp_path / "main.yaml"
    main.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reads: Counter[Path] = Counter()
    real = refs_module.parse_file

    def counting(path: Path) -> Any:
        reads[path.resolve()] += 1
        return real(path)

    monkeypatch.setattr(refs_module, "parse_file", counting)
    # Bundling alone: repairing and validating 1,000 operations is not what is measured here.
    bundled = refs_module.bundle(parse_file(main))
    assert len(bundled.files_read) == 3002
    assert len(reads) == 3001 and set(reads.values()) == {1}  # main.yaml is read above
    schemas = bundled.data["components"]["schemas"]
    # s0..s999 (each reached again through its d file: hoisted) and the shared Id (reached
    # from 1,000 places); each d file, reached once, stays inline in its s.
    assert len(schemas) == 1001
    assert schemas["s7"]["properties"]["detail"]["properties"]["owner"] == {
        "$ref": "#/components/schemas/s7"
    }
    assert schemas["s7"]["properties"]["id"] == {"$ref": "#/components/schemas/Id"}


# -- generated packages ------------------------------------------------------------------------


def test_each_document_generates_a_package_whose_modules_import(generated: Path) -> None:
    for package in PACKAGES:
        root = importlib.import_module(package)
        for module in pkgutil.walk_packages(root.__path__, package + "."):
            importlib.import_module(module.name)
    client = importlib.import_module("swagger2_rules_api.client")
    assert {"pets", "default"} >= set(dir(client.Client(base_url="http://x"))) & {"pets", "default"}
    models = importlib.import_module("swagger2_rules_api.models")
    pet = models.Pet.model_validate({"name": "Rex", "kind": "dog", "age": 3, "owner": None})
    assert pet.owner is None  # x-nullable
    with pytest.raises(ValueError):
        models.Pet.model_validate({"name": "Rex", "kind": "dog"})  # age: required (repaired)
    agents = importlib.import_module("bundled_agents_api.models")
    nested = agents.Agent.model_validate(
        {"name": "a", "children": [{"name": "b"}], "workspace": {"agents": [{"name": "c"}]}}
    )
    assert nested.workspace.agents[0].name == "c"


def test_the_generated_packages_pass_mypy_strict(generated: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict",
         *(str(generated / p / p) for p in PACKAGES)],
        cwd=generated, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:]
