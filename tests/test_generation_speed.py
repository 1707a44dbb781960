"""What keeps a small document's generation fast, checked by what it does, never by a clock.

- a run imports only what it uses: no datamodel-code-generator, pydantic, validator stack or
  JSONPath engine for a valid document with the native models and no overlays;
- templates are compiled once: a second environment loads every one from the bytecode cache,
  an edited template is compiled again, a broken or unwritable cache costs only time, and the
  output is the same byte for byte with the cache on or off;
- datamodel-code-generator's output is reused for the same input only, and a damaged entry is
  written again;
- the shortcuts taken instead of a validator agree with it (`plainly_valid` against
  openapi-schema-validator, on generated schemas and values; the meta-schemas read from the
  packages' files are the packages' own);
- `generate --profile` prints its stages, steps and imports.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import timing
from generator.cache_dir import CACHE_ENV
from generator.emit import render
from generator.emit.models_cache import cached_models
from generator.emit.template_cache import bytecode_cache
from generator.loader.default_check import plainly_valid
from generator.loader.meta_schema import dialect_check, openapi_check, openapi_meta_schema
from generator.stamp import tool_version
from tests.conftest import ROOT, run_generator
from tests.generate_imports import loaded_of, modules_after_generate

SMALL = """\
openapi: 3.1.0
info: {title: Small, version: 1.0.0}
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: limit, in: query, schema: {type: integer, default: 20, minimum: 1}}
        - {name: sort, in: query, schema: {type: string, enum: [name, age], default: name}}
      responses:
        "200":
          description: the pets
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string, maxLength: 50}
        legs: {type: integer, default: 4}
"""

# Imported by a run that needs them, never by one that does not.
HEAVY = (
    "datamodel_code_generator",
    "pydantic",
    "openapi_spec_validator",
    "openapi_schema_validator",
    "jsonschema",
    "referencing",
    "jsonpath",
    "requests",
    "importlib.metadata",
    # `init`'s workflow and hook texts: the CLI reads only its arguments on other commands.
    "generator.adopt.workflow",
    "generator.adopt.hooks",
)


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private cache for this test, and a fresh template environment before and after."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    render.environment.cache_clear()
    timing.reset()
    yield folder
    render.environment.cache_clear()


def _generated(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_a_small_document_imports_only_what_it_uses(tmp_path: Path) -> None:
    spec = tmp_path / "small.yaml"
    spec.write_text(SMALL, encoding="utf-8")
    loaded = modules_after_generate(
        "-q", "--spec", str(spec), "--out", str(tmp_path / "out"), "--package", "small_api"
    )
    assert loaded_of(HEAVY, loaded) == []
    # It did generate the whole package: models, client, server.
    package = tmp_path / "out" / "small_api"
    assert (package / "models" / "__init__.py").is_file()
    assert (package / "server" / "app.py").is_file()


class _Doc:
    version = "1.0"


def test_templates_are_compiled_once_then_loaded_from_the_cache(cache_dir: Path) -> None:
    first = render.render("package/_version.py.jinja", dist_version="1.0", doc=_Doc())
    assert timing.totals()["templates: compiled"][1] == 1
    assert "templates: from the bytecode cache" not in timing.totals()
    cached = list(cache_dir.glob("templates-*/*.jinjac"))
    assert len(cached) == 1

    render.environment.cache_clear()  # as a new run would start
    timing.reset()
    second = render.render("package/_version.py.jinja", dist_version="1.0", doc=_Doc())
    assert second == first
    assert timing.totals()["templates: from the bytecode cache"][1] == 1
    assert "templates: compiled" not in timing.totals()


def test_the_cache_folder_changes_with_what_the_compiled_code_depends_on() -> None:
    a = bytecode_cache(render.OPTIONS, sorted(render.FILTERS))
    b = bytecode_cache({**render.OPTIONS, "trim_blocks": False}, sorted(render.FILTERS))
    c = bytecode_cache(render.OPTIONS, [*sorted(render.FILTERS), "another"])
    assert a is not None and b is not None and c is not None
    assert len({a.directory, b.directory, c.directory}) == 3
    # The same settings give the same folder in every process (no memory addresses in the key).
    again = bytecode_cache(dict(render.OPTIONS), sorted(render.FILTERS))
    assert again is not None and again.directory == a.directory


def _environment(templates: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        bytecode_cache=bytecode_cache(render.OPTIONS, []),
        **render.OPTIONS,
    )


def test_an_edited_template_is_compiled_again(cache_dir: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    page = templates / "page.jinja"
    page.write_text("one {{ x }}", encoding="utf-8")
    assert _environment(templates).get_template("page.jinja").render(x=1) == "one 1"
    assert _environment(templates).get_template("page.jinja").render(x=1) == "one 1"
    assert timing.totals()["templates: from the bytecode cache"][1] == 1
    page.write_text("two {{ x }}", encoding="utf-8")
    assert _environment(templates).get_template("page.jinja").render(x=1) == "two 1"
    assert timing.totals()["templates: compiled"][1] == 2


def test_a_damaged_cache_entry_is_compiled_again(cache_dir: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.jinja").write_text("{{ x }}!", encoding="utf-8")
    _environment(templates).get_template("page.jinja")
    for entry in cache_dir.glob("templates-*/*.jinjac"):
        entry.write_bytes(entry.read_bytes()[:20])  # truncated, as a crash might leave it
    assert _environment(templates).get_template("page.jinja").render(x=3) == "3!"
    assert timing.totals()["templates: compiled"][1] == 2


def test_an_unusable_cache_folder_never_fails_a_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.jinja").write_text("{{ x }}?", encoding="utf-8")
    assert _environment(templates).get_template("page.jinja").render(x=2) == "2?"


def test_the_output_is_the_same_with_the_caches_on_or_off(tmp_path: Path) -> None:
    spec = tmp_path / "small.yaml"
    spec.write_text(SMALL, encoding="utf-8")
    outputs = []
    for cache in ("off", str(tmp_path / "cache"), str(tmp_path / "cache")):
        out = tmp_path / f"out-{len(outputs)}"
        done = subprocess.run(
            [
                *(sys.executable, "-m", "generator", "generate", "-q", "--spec", str(spec)),
                *("--out", str(out), "--package", "small_api"),
                *("--models-engine", "datamodel-code-generator"),
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), CACHE_ENV: cache},
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        outputs.append(_generated(out))
    assert outputs[0] == outputs[1] == outputs[2]
    assert list((tmp_path / "cache").glob("models/*.models.py"))  # the third run reused it


def test_datamodel_code_generator_output_is_reused_for_the_same_input_only(
    cache_dir: Path,
) -> None:
    calls: list[str] = []

    def compute(source: dict[str, Any], package: str, strict_nullable: bool) -> str:
        calls.append(package)
        return f"# models of {package} {json.dumps(source)}\n"

    source = {"components": {"schemas": {"A": {"type": "string"}}}}
    caller = ROOT / "generator" / "emit" / "models.py"
    first = cached_models(source, "a_api", False, caller, compute)
    assert cached_models(source, "a_api", False, caller, compute) == first
    assert calls == ["a_api"]
    cached_models(source, "b_api", False, caller, compute)  # another package
    cached_models(source, "a_api", True, caller, compute)  # another setting
    changed = {"components": {"schemas": {"A": {"type": "integer"}}}}
    cached_models(changed, "a_api", False, caller, compute)  # another document
    assert calls == ["a_api", "b_api", "a_api", "a_api"]
    # A damaged entry is written again, never returned.
    for entry in (cache_dir / "models").glob("*.models.py"):
        entry.write_text(entry.read_text(encoding="utf-8").replace("models of", "tampered"))
    assert cached_models(source, "a_api", False, caller, compute) == first
    assert len(calls) == 5


# -- shortcuts that stand in for a validator must agree with it --------------------------------

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(-5, 5, allow_nan=False),
    st.sampled_from(["", "a", "ab", "abc", "abcdef", "é", "1"]),
)
_PLAIN_KEYWORDS = {
    "type": st.sampled_from(["string", "integer", "number", "boolean", "null", "array"]),
    "enum": st.lists(_SCALARS, max_size=4),
    "format": st.sampled_from(["date", "email", "int32", "uuid"]),
    "minimum": st.one_of(st.integers(-3, 3), st.floats(-3, 3), st.booleans()),
    "maximum": st.one_of(st.integers(-3, 3), st.floats(-3, 3)),
    "minLength": st.one_of(st.integers(0, 4), st.floats(0, 4)),
    "maxLength": st.integers(0, 4),
    "nullable": st.booleans(),
    "readOnly": st.booleans(),
    "description": st.just("text"),
    "x-extension": st.just(1),
}
# Mostly schemas of the keywords judged here (so that many values are plainly valid and the
# agreement is tested), some with keywords that must send the schema to the validator.
_SCHEMAS = st.one_of(
    st.fixed_dictionaries({}, optional=_PLAIN_KEYWORDS),
    st.fixed_dictionaries(
        {},
        optional={
            **_PLAIN_KEYWORDS,
            "pattern": st.just("^a"),
            "exclusiveMinimum": st.one_of(st.booleans(), st.integers(-3, 3)),
        },
    ),
)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=_SCHEMAS, value=_SCALARS, minor=st.sampled_from(["3.0", "3.1"]))
def test_a_plainly_valid_default_is_valid_for_the_openapi_validators(
    schema: dict[str, Any], value: Any, minor: str
) -> None:
    from jsonschema.exceptions import best_match
    from openapi_schema_validator import OAS30Validator, OAS31Validator

    if not plainly_valid(schema, value):
        return  # the validators decide those, as before
    validator = OAS31Validator if minor == "3.1" else OAS30Validator
    assert best_match(validator(schema).iter_errors(value)) is None, (schema, value)


_ARRAY_SCHEMAS = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["array", "string"]),
        "items": _SCHEMAS,
        "minItems": st.one_of(st.integers(0, 3), st.floats(0, 3)),
        "maxItems": st.integers(0, 3),
        "uniqueItems": st.booleans(),
        "description": st.just("text"),
    },
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    schema=_ARRAY_SCHEMAS,
    value=st.lists(st.one_of(_SCALARS, st.lists(_SCALARS, max_size=2)), max_size=4),
    minor=st.sampled_from(["3.0", "3.1"]),
)
def test_a_plainly_valid_array_default_is_valid_for_the_openapi_validators(
    schema: dict[str, Any], value: list[Any], minor: str
) -> None:
    from jsonschema.exceptions import best_match
    from openapi_schema_validator import OAS30Validator, OAS31Validator

    if not plainly_valid(schema, value):
        return
    validator = OAS31Validator if minor == "3.1" else OAS30Validator
    assert best_match(validator(schema).iter_errors(value)) is None, (schema, value)


@pytest.mark.parametrize(
    ("schema", "value", "plain"),
    [
        ({"type": "string", "enum": ["a", "b"]}, "a", True),
        ({"type": "integer", "minimum": 1, "maximum": 9}, 4, True),
        ({"type": "integer"}, True, False),  # a bool is no integer here
        ({"type": "number"}, 1.5, True),
        ({"type": "string", "maxLength": 2}, "abc", False),
        ({"type": "string", "pattern": "^a"}, "a", False),  # not judged here: the validator
        ({"type": "string", "nullable": True}, None, False),  # null: the validator
        ({"type": ["string", "null"]}, "a", False),
        ({"type": "object"}, "a", False),
        ({"type": "array", "items": {"type": "string"}}, ["push"], True),  # GitHub's four
        ({"type": "array", "items": {"type": "string"}}, ["push", 1], False),
        ({"items": {"type": "integer"}, "maxItems": 1}, [1, 2], False),
        ({"type": "array", "items": {"$ref": "#/components/schemas/A"}}, ["a"], False),
        ({"type": "array", "enum": [["a"]]}, ["a"], False),  # not judged here: the validator
        ({"type": "string", "items": {"type": "string"}}, "a", False),
    ],
)
def test_plainly_valid_examples(schema: dict[str, Any], value: Any, plain: bool) -> None:
    assert plainly_valid(schema, value) is plain


def test_the_meta_schemas_are_the_packages_own() -> None:
    from jsonschema import Draft202012Validator
    from openapi_spec_validator.schemas import schema_v30, schema_v31

    assert openapi_meta_schema("3.0") == dict(schema_v30)
    assert openapi_meta_schema("3.1") == dict(schema_v31)
    check = dialect_check("https://json-schema.org/draft/2020-12/schema#")
    assert check is not None and check.schema == Draft202012Validator.META_SCHEMA
    assert dialect_check("https://example.com/unknown-dialect") is None
    valid = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    invalid = {"openapi": "3.1.0", "info": {"title": "t"}, "paths": {}}
    assert openapi_check("3.1").is_valid(valid)
    assert not openapi_check("3.1").is_valid(invalid)
    assert [e.message for e in openapi_check("3.1").iter_errors(invalid)]


def test_stamps_read_the_versions_importlib_metadata_reports() -> None:
    from importlib import metadata

    for tool in ("datamodel-code-generator", "ruff", "jinja2", "pydantic"):
        assert tool_version(tool) == metadata.version(tool)


def test_generate_profile_prints_stages_steps_and_imports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No cache: the profiled run (a second run of the same input) would take ruff's result
    # from the cache the first run filled (generator/format_cache.py), and start no ruff.
    monkeypatch.setenv(CACHE_ENV, "off")
    spec = tmp_path / "small.yaml"
    spec.write_text(SMALL, encoding="utf-8")
    done = run_generator(
        "generate", "--spec", str(spec), "--out", str(tmp_path / "out"), "--package", "p_api",
        "--profile",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "p_api: 1 operations" in text  # the run itself, as without --profile
    for line in (
        "profile: ",
        "stages of p_api:",
        "load and validate",
        "format (",
        "templates: render",
        "ruff format (one process per batch)",
        "imports: ",
        "generator ",
        "outside the stages",
    ):
        assert line in text, line
    assert (tmp_path / "out" / "p_api" / "client" / "__init__.py").is_file()


def _many_models(count: int) -> dict[str, Any]:
    """A document with `count` models that import pydantic, datetime and each other."""
    schemas: dict[str, Any] = {
        f"Thing{i}": {
            "type": "object",
            "description": f"Thing number {i}, with a description long enough to be wrapped "
            "over more than one line of the generated docstring, as real ones are.",
            "required": ["id"],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "at": {"type": "string", "format": "date-time"},
                "next": {"$ref": f"#/components/schemas/Thing{min(i + 1, count - 1)}"},
                "kind": {"type": "string", "enum": ["a", "b"]},
                "count": {"type": "integer", "minimum": 0, "maximum": 10},
                "when": {"$ref": f"#/components/schemas/When{i}"},
            },
        }
        for i in range(count)
    }
    for i in range(count):  # root models: `pydantic.RootModel`, a third-party import
        schemas[f"When{i}"] = {"type": "string", "format": "date-time", "description": "when"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Many", "version": "1.0.0"},
        "paths": {
            "/things/{id}": {
                "get": {
                    "operationId": "getThing",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": {
                            "description": "the thing",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Thing0"}
                                }
                            },
                        }
                    },
                }
            }
        },
        "components": {"schemas": schemas},
    }


def test_output_is_the_same_bytes_however_the_files_are_cut_into_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One batch formatted at the end, against many small batches formatted in the background
    while the rest renders (as a large document's are): the same files, in the same order."""
    from generator import formatting, pipeline
    from generator.config import Target

    spec = tmp_path / "many.json"
    spec.write_text(json.dumps(_many_models(40)), encoding="utf-8")
    target = Target("many", spec, tmp_path / "out", "many_api", "many-api", None)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))  # ruff's result not yet kept
    timing.reset()
    together = pipeline.generate_target(target).files
    # Our emitters' output is settled (ruff's check pass has nothing to fix): only `format` runs.
    assert "ruff check (one process per batch)" not in timing.totals()
    assert timing.totals()["ruff format (one process per batch)"][1] == 1
    monkeypatch.setattr(formatting, "EARLY_BYTES", 1)
    monkeypatch.setattr(formatting, "CHUNK_BYTES", 3_000)
    monkeypatch.setattr(formatting, "CHUNK_FILES", 7)
    timing.reset()
    batched = pipeline.generate_target(target).files
    assert timing.totals()["ruff format (one process per batch)"][1] > 10
    assert len([k for k in together if "/models/" in k]) > 40
    assert list(batched) == list(together)  # the same files, in the same order
    assert batched == together
