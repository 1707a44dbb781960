"""A broken document gives exit status 2 and one located line per problem, never a traceback."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.loader import load_document
from tests.conftest import run_generator

VALID = """\
openapi: 3.1.0
info: {title: Pets, version: 1.0.0}
paths:
  /pets/{petId}:
    get:
      parameters:
        - name: petId
          in: path
          required: true
          schema: {type: string}
      responses:
        '200':
          description: A pet.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
components:
  schemas:
    Pet:
      type: object
      properties:
        name: {type: string}
"""


def write(tmp_path: Path, text: str, name: str = "api.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(path: Path, *, strict: bool = False) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load_document(path, strict=strict)
    return [str(p) for p in caught.value.problems]


def test_valid_document_loads(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path, VALID))
    assert doc.data["components"]["schemas"]["Pet"]["type"] == "object"


def test_invalid_yaml_names_file_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path, VALID.replace("      responses:\n", "      responses:\n     bad: [\n", 1)
    )
    (line,) = problems_of(path)
    assert "api.yaml:" in line and "invalid YAML" in line
    assert line.split("api.yaml:")[1].split(":")[0].isdigit()


def test_dangling_ref_is_located_at_the_ref(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("#/components/schemas/Pet'", "#/components/schemas/Pett'"))
    (line,) = problems_of(path)
    assert "api.yaml:16:" in line
    assert "/paths/~1pets~1{petId}/get/responses/200/content/application~1json/schema/$ref" in line
    assert "'#/components/schemas/Pett' points to nothing" in line


def test_wrong_type_is_located(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("name: {type: string}", "name: {type: strng}"))
    lines = problems_of(path, strict=True)
    assert any(
        "api.yaml:22:" in line
        and "/components/schemas/Pet/properties/name/type" in line
        and "'strng'" in line
        for line in lines
    ), lines


def test_wrong_value_type_in_openapi_structure_is_located(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("description: A pet.", "description: [not, text]"))
    lines = problems_of(path, strict=True)
    assert any("/paths/~1pets~1{petId}/get/responses/200/description" in line for line in lines), (
        lines
    )
    assert all("api.yaml:" in line for line in lines)


def test_duplicate_path_key_is_an_error_not_an_overwrite(tmp_path: Path) -> None:
    text = VALID.replace(
        "components:",
        "  /pets/{petId}:\n    delete:\n      responses:\n        '204': {description: Gone.}\ncomponents:",
    )
    (line,) = problems_of(write(tmp_path, text))
    assert "duplicate key '/pets/{petId}'" in line and "api.yaml:17:" in line


def test_equivalent_path_templates_with_the_same_method_are_an_error_when_strict(
    tmp_path: Path,
) -> None:
    text = VALID.replace(
        "components:",
        "  /pets/{id}:\n    get:\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n      responses:\n        '204': {description: Gone.}\ncomponents:",
    )
    lines = problems_of(write(tmp_path, text), strict=True)
    assert any(
        "duplicate path: '/pets/{id}' matches the same requests as '/pets/{petId}' (GET on both)"
        in ln
        and ln.endswith("[equivalent-path-templates]")
        for ln in lines
    ), lines


def test_duplicate_json_key_is_located(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '{\n  "openapi": "3.1.0",\n  "info": {"title": "x", "version": "1"},\n  "paths": {},\n  "paths": {}\n}\n',
        "api.json",
    )
    (line,) = problems_of(path)
    assert "api.json:5:" in line and "duplicate key 'paths'" in line


def test_unsupported_version(tmp_path: Path) -> None:
    # Swagger 2.0 is converted (tests/test_documents_loading.py); 1.2 and OpenAPI 4 are not.
    (line,) = problems_of(
        write(tmp_path, "swagger: '1.2'\ninfo: {title: x, version: '1'}\npaths: {}\n")
    )
    assert "api.yaml:1:1: /swagger: Swagger 1.2 is not supported" in line
    (line,) = problems_of(
        write(tmp_path, "openapi: 4.0.0\ninfo: {title: x, version: '1'}\npaths: {}\n")
    )
    assert "expected 3.0.x, 3.1.x or 3.2.x (or Swagger 2.0)" in line


def test_missing_referenced_file(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("'#/components/schemas/Pet'", "'./schemas.yaml#/Pet'"))
    lines = problems_of(path)
    assert any(
        "api.yaml:16:" in ln and "referenced file cannot be loaded: schemas.yaml" in ln
        for ln in lines
    )


def test_relative_file_refs_are_bundled(tmp_path: Path) -> None:
    (tmp_path / "common.yaml").write_text(
        "components:\n  schemas:\n    Pet:\n      type: object\n      properties:\n        owner: {$ref: '#/components/schemas/Owner'}\n"
        "    Owner:\n      type: object\n      properties:\n        name: {type: string}\n",
        encoding="utf-8",
    )
    text = VALID.replace("'#/components/schemas/Pet'", "'./common.yaml#/components/schemas/Pet'")
    text = text.split("components:")[0]
    doc = load_document(write(tmp_path, text))
    schemas = doc.data["components"]["schemas"]
    assert schemas["Pet"]["properties"]["owner"] == {"$ref": "#/components/schemas/Owner"}
    assert schemas["Owner"]["properties"]["name"] == {"type": "string"}


def test_broken_ref_in_other_file_is_located_in_that_file(tmp_path: Path) -> None:
    (tmp_path / "common.yaml").write_text(
        "components:\n  schemas:\n    Pet:\n      type: object\n      properties:\n        owner: {$ref: '#/components/schemas/Nobody'}\n",
        encoding="utf-8",
    )
    text = VALID.replace(
        "'#/components/schemas/Pet'", "'./common.yaml#/components/schemas/Pet'"
    ).split("components:")[0]
    lines = problems_of(write(tmp_path, text))
    assert any("common.yaml:6:" in ln and "points to nothing" in ln for ln in lines), lines


def test_yaml_anchors_and_aliases_are_expanded(tmp_path: Path) -> None:
    text = VALID.replace(
        "        - name: petId\n",
        "        - &shared\n          name: X-Trace\n          in: header\n          schema: {type: string}\n        - name: petId\n",
    ).replace(
        "components:",
        "  /owners:\n    get:\n      parameters:\n        - *shared\n      responses:\n        '200': {description: ok}\ncomponents:",
    )
    doc = load_document(write(tmp_path, text))
    assert doc.data["paths"]["/owners"]["get"]["parameters"][0]["name"] == "X-Trace"


@pytest.mark.parametrize(
    ("case", "mutate", "flags"),
    [
        ("bad-ref", lambda t: t.replace("schemas/Pet'", "schemas/Nope'"), ()),
        (
            "wrong-type",  # lenient loading drops it; strict refuses it
            lambda t: t.replace("{type: string}\n      responses", "{type: 12}\n      responses"),
            ("--strict",),
        ),
        ("invalid-yaml", lambda t: t + "  : : :\n\t-\n", ()),
        (
            "duplicate-path",
            lambda t: t.replace(
                "components:",
                "  /pets/{petId}:\n    put:\n      responses: {'200': {description: x}}\ncomponents:",
            ),
            (),
        ),
    ],
)
def test_cli_exits_2_with_located_message_and_no_traceback(
    tmp_path: Path, case: str, mutate: object, flags: tuple[str, ...]
) -> None:
    assert callable(mutate)
    spec = write(tmp_path, mutate(VALID))
    out = tmp_path / "out"
    done = run_generator(
        "generate", "--spec", str(spec), "--out", str(out), "--package", "pets_api", *flags
    )
    assert done.returncode == 2, (case, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("error: ")
    assert "api.yaml:" in done.stderr
    assert not out.exists(), "nothing is written for an invalid document"


def test_equivalent_path_templates_with_other_methods_are_a_warning(tmp_path: Path) -> None:
    text = VALID.replace(
        "components:",
        "  /pets/{id}:\n    delete:\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n      responses:\n        '204': {description: Gone.}\ncomponents:",
    )
    doc = load_document(write(tmp_path, text))
    assert [(w.message, w.rule) for w in doc.warnings] == [
        (
            "duplicate path: '/pets/{id}' matches the same requests as '/pets/{petId}': both kept",
            "equivalent-path-templates",
        )
    ]


def test_undeclared_path_parameter_is_located(tmp_path: Path) -> None:
    text = VALID.replace("  /pets/{petId}:", "  /pets/{petId}/{size}:")
    lines = problems_of(write(tmp_path, text), strict=True)
    assert any(
        "path parameter 'size' of '/pets/{petId}/{size}' is not declared for GET" in ln
        and "api.yaml:5:" in ln
        for ln in lines
    ), lines


def test_invalid_schema_keyword_in_31_is_located(tmp_path: Path) -> None:
    text = VALID.replace(
        "        name: {type: string}", "        name: {type: string, minLength: -1}"
    )
    lines = problems_of(write(tmp_path, text), strict=True)
    assert any(
        "/components/schemas/Pet/properties/name/minLength" in ln and "api.yaml:22:" in ln
        for ln in lines
    ), lines
