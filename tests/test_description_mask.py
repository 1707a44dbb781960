"""Descriptions out of datamodel-code-generator's input and back into its output
(generator.emit.description_mask): the models it writes are the same bytes as its run on the
real input, and a reworded description is a cache hit that never imports it.

The differential tests run datamodel-code-generator twice per document (on the real schemas and
on the masked ones): every fourth document of the shared corpus in `make test`, all of them with
`make corpus-readme` (CORPUS_FULL=1).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.emit.datamodel_codegen import datamodel_codegen_module
from generator.emit.description_mask import docstring_text, mask_descriptions, unmask
from generator.emit.models import models_source
from generator.errors import SpecError
from generator.ir import build_model
from generator.loader import load_document
from tests.conftest import ROOT
from tests.generate_imports import loaded_of

HOSTILE_TEXTS = [
    "Plain words.",
    'Ends with a quote"',
    'Holds """ a triple quote and """ another',
    'Four quotes """" and five """""',
    "A backslash \\ and \\n written, \\\\ doubled, and one at the end \\",
    "A NUL \0 byte",
    "Tab\tand form feed\f and vertical tab\v",
    "Windows\r\nline\r\nends",
    "  leading and trailing spaces  ",
    "\nstarts with a newline\n\nand has\n\n\nblank lines\n",
    "Markdown: `code`, **bold**, [a link](https://example.com/a_b?c=d#e)\n\n- a\n- b",
    "Unicode: naïve café — ✓ 😀 \u2028 line separator",
    "{{ jinja }} {% raw %} ${shell} %s {0}",
    "Almost a token: OacMaskedDescriptio 000001x",
    "'''single triple quotes'''",
    "# a comment line\n    indented code\n\t\ttabbed",
]


def _run(source: dict[str, Any], strict_nullable: bool = False) -> str:
    return datamodel_codegen_module(source, "pkg", strict_nullable)


def _assert_same_as_real_run(source: dict[str, Any], strict_nullable: bool = False) -> int:
    """unmask(run(mask(source))) is run(source), byte for byte; returns how many texts."""
    masked = mask_descriptions(source)
    assert masked is not None
    back = unmask(_run(masked.source, strict_nullable), masked)
    assert back is not None, "a description was written some other way than as a docstring"
    assert back == _run(source, strict_nullable)
    return len(masked.texts)


def _document(schemas: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "0"},
        "paths": {},
        "components": {"schemas": schemas},
    }


def _hostile_schemas() -> dict[str, Any]:
    """Every place a description can stand, each holding texts that need escaping."""
    schemas: dict[str, Any] = {}
    for n, text in enumerate(HOSTILE_TEXTS):
        schemas[f"Model{n}"] = {
            "type": "object",
            "description": text,
            "properties": {
                "field": {"type": "string", "description": text},
                # A property named `description` is a name, not a keyword.
                "description": {"type": "string"},
                "nested": {
                    "type": "object",
                    "description": f"nested {n}: {text}",
                    "properties": {"deep": {"type": "integer", "description": text}},
                },
                "items": {
                    "type": "array",
                    "items": {"type": "object", "properties": {"x": {"type": "string"}}},
                    "description": text,
                },
                # Data, not schemas: never masked.
                "data": {
                    "type": "object",
                    "default": {"description": text},
                    "examples": [{"description": text}],
                },
            },
        }
    schemas["Colour"] = {"type": "string", "enum": ["red", "green"], "description": "An enum."}
    schemas["Name"] = {"type": "string", "minLength": 1, "description": "A scalar alias."}
    schemas["Names"] = {"type": "array", "items": {"type": "string"}, "description": "A list."}
    schemas["Either"] = {
        "description": "A union of two.",
        "anyOf": [{"$ref": "#/components/schemas/Model0"}, {"$ref": "#/components/schemas/Name"}],
    }
    schemas["Both"] = {
        "description": "All of two.",
        "allOf": [
            {"$ref": "#/components/schemas/Model1"},
            {"type": "object", "description": "the extra part", "properties": {"y": {}}},
        ],
    }
    schemas["Blank"] = {"type": "object", "description": "   ", "properties": {"z": {}}}
    schemas["Same"] = {"type": "object", "description": HOSTILE_TEXTS[0], "properties": {}}
    schemas["Map"] = {
        "type": "object",
        "additionalProperties": {"type": "object", "description": "each value", "properties": {}},
    }
    return schemas


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_docstring_text_escapes_as_datamodel_code_generator_does(text: str) -> None:
    # Its own function (pinned version), imported here only: the generator does not import it.
    from datamodel_code_generator._python_syntax import format_docstring

    for indent in (0, 4, 8):
        pad = " " * indent
        lines = "\n".join(
            f"{pad}{line}" if line else "" for line in docstring_text(text).split("\n")
        )
        assert f'"""\n{lines}\n{pad}"""' == format_docstring(text, indent)


def test_hostile_descriptions_in_every_place_come_back_as_the_real_run_writes_them() -> None:
    source = _document(_hostile_schemas())
    assert _assert_same_as_real_run(source) >= len(HOSTILE_TEXTS)
    masked = mask_descriptions(source)
    assert masked is not None
    # Data and names stay as they were; a blank description is not a docstring, so not masked.
    model = masked.source["components"]["schemas"]["Model3"]
    assert model["properties"]["data"]["default"] == {"description": HOSTILE_TEXTS[3]}
    assert "description" in model["properties"]
    assert masked.source["components"]["schemas"]["Blank"]["description"] == "   "
    # Equal texts share a token, so what was equal in the input stays equal.
    same = masked.source["components"]["schemas"]["Same"]["description"]
    assert same == masked.source["components"]["schemas"]["Model0"]["description"]
    # The input given is not changed.
    assert source["components"]["schemas"]["Model0"]["description"] == HOSTILE_TEXTS[0]


def test_openapi_30_nullable_documents_come_back_the_same() -> None:
    source = _document(_hostile_schemas())
    source["openapi"] = "3.0.3"
    source["components"]["schemas"]["Model0"]["properties"]["field"]["nullable"] = True
    assert _assert_same_as_real_run(source, strict_nullable=True) > 0


@pytest.mark.parametrize(
    "document",
    [
        "spec/openapi.yaml",
        "spec/upstream/openai-realtime.yaml",
        "tests/fixtures/sdk-ergonomics.yaml",  # the fixtures' only described schema
    ],
)
def test_our_documents_models_are_the_same_bytes(document: str) -> None:
    doc = build_model(load_document(ROOT / document))
    source = models_source(doc)
    if mask_descriptions(source) is None:
        pytest.fail(f"{document} has no description to mask: choose one that does")
    _assert_same_as_real_run(source, doc.openapi.startswith("3.0"))


def test_a_document_that_spells_a_token_is_not_masked() -> None:
    schemas = _hostile_schemas()
    schemas["Model0"]["properties"]["field"]["enum"] = ["OacMaskedDescription000000x"]
    assert mask_descriptions(_document(schemas)) is None
    only_data = {"A": {"type": "string", "enum": ["OacMaskedDescription000001x"]}}
    assert mask_descriptions(_document(only_data)) is None


def test_a_token_anywhere_but_a_docstring_line_is_refused() -> None:
    source = _document({"A": {"type": "object", "description": "text", "properties": {}}})
    masked = mask_descriptions(source)
    assert masked is not None
    token = masked.source["components"]["schemas"]["A"]["description"]
    docstring = f'class A:\n    """\n    {token}\n    """\n'
    assert unmask(docstring, masked) == 'class A:\n    """\n    text\n    """\n'
    assert unmask(f'x: str = Field(description="{token}")\n', masked) is None
    assert unmask(docstring + f"# {token}\n", masked) is None
    assert unmask(docstring.replace("000000", "000007"), masked) is None  # never given out


def _project(tmp_path: Path) -> Path:
    """A project whose target writes its models with datamodel-code-generator."""
    project = tmp_path / "project"
    (project / "spec").mkdir(parents=True)
    spec = yaml.safe_load((ROOT / "tests/fixtures/edge-cases.yaml").read_text(encoding="utf-8"))
    (project / "spec/api.yaml").write_text(yaml.safe_dump(spec, sort_keys=False), "utf-8")
    (project / "pyproject.toml").write_text(
        "[[tool.openapi-contract.targets]]\n"
        'name = "edge"\nspec = "spec/api.yaml"\nout = "generated/edge"\npackage = "edge_api"\n'
        'models-engine = "datamodel-code-generator"\n',
        encoding="utf-8",
    )
    return project


def _generate(project: Path, cache: Path) -> set[str]:
    """`openapi-contract generate` in `project`: the modules it loaded."""
    probe = (
        "import json, sys\n"
        "from generator.cli import main\n"
        "status = main(['generate', '-q'])\n"
        "print(json.dumps({'status': status, 'modules': sorted(sys.modules)}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENAPI_CONTRACT_CACHE_DIR": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=project, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["status"] == 0
    return set(found["modules"])


def _edit(project: Path, change: Any) -> None:
    path = project / "spec/api.yaml"
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(spec["components"]["schemas"])
    path.write_text(yaml.safe_dump(spec, sort_keys=False), "utf-8")


def test_a_reworded_description_regenerates_without_datamodel_code_generator(
    tmp_path: Path,
) -> None:
    project, cache = _project(tmp_path), tmp_path / "cache"
    assert loaded_of(["datamodel_code_generator"], _generate(project, cache))  # first run
    name = next(
        n
        for n, s in yaml.safe_load((project / "spec/api.yaml").read_text("utf-8"))["components"][
            "schemas"
        ].items()
        if isinstance(s, dict) and s.get("type") == "object" and s.get("properties")
    )

    def reword(schemas: dict[str, Any]) -> None:
        schemas[name]["description"] = 'Reworded: a "quoted" \\ text """ with\n\nparagraphs.'

    _edit(project, reword)
    # Adding a description where there was none writes a docstring: a new input.
    assert loaded_of(["datamodel_code_generator"], _generate(project, cache))

    def reword_again(schemas: dict[str, Any]) -> None:
        schemas[name]["description"] = "Reworded once more."

    _edit(project, reword_again)
    assert not loaded_of(["datamodel_code_generator"], _generate(project, cache))
    written = (project / "generated/edge").rglob("*.py")
    assert any("Reworded once more." in p.read_text("utf-8") for p in written)

    # The same bytes as a run with no cache at all.
    fresh = tmp_path / "fresh"
    shutil.copytree(project, fresh, ignore=shutil.ignore_patterns("generated"))
    _generate(fresh, tmp_path / "other-cache")
    for path in sorted((fresh / "generated").rglob("*")):
        if path.is_file():
            mirror = project / "generated" / path.relative_to(fresh / "generated")
            assert mirror.read_bytes() == path.read_bytes(), path

    def restructure(schemas: dict[str, Any]) -> None:
        schemas[name].setdefault("properties", {})["addedField"] = {"type": "integer"}

    _edit(project, restructure)
    assert loaded_of(["datamodel_code_generator"], _generate(project, cache))


def test_corpus_documents_models_are_the_same_bytes(corpus_documents: list[Path]) -> None:
    """A fixed slice (every fourth document) in `make test`; all 57 with `make corpus-readme`."""
    chosen = [d for d in corpus_documents if os.environ.get("CORPUS_FULL") == "1"] or (
        corpus_documents[::4]
    )
    checked = 0
    for path in chosen:
        try:
            doc = build_model(load_document(path))
        except SpecError:
            continue  # refused documents are tests/test_corpus_full.py's
        source = models_source(doc) if doc.schemas else None
        if source is not None and mask_descriptions(source) is not None:
            _assert_same_as_real_run(source, doc.openapi.startswith("3.0"))
            checked += 1
    assert checked >= len(chosen) // 3  # most of the corpus has described schemas
