"""The native models engine: what each JSON Schema construct becomes, checked by using the models.

Each test generates a small document through the pipeline (as `python -m generator generate`
does), imports the package in a fresh namespace and parses, rejects and dumps values with it.
The shared corpus and GitHub's description (tests/test_corpus_full.py, benchmarks/) prove scale;
these prove meaning.
"""

from __future__ import annotations

import importlib
import itertools
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from pydantic import BaseModel, RootModel, TypeAdapter, ValidationError

from generator.config import Target
from generator.pipeline import generate_target
from generator.writer import write_files
from tests.conftest import CORPUS, ROOT

_COUNTER = itertools.count()


@dataclass
class Generated:
    models: ModuleType  # the imported `models` package
    warnings: list[str]  # "pointer: message"
    files: dict[str, str]

    def source(self, name: str) -> str:
        """The text of the module that defines the class `name`."""
        return next(text for text in self.files.values() if f"class {name}(" in text)


def _generate(tmp_path: Path, schemas: dict[str, Any], openapi: str = "3.1.0") -> Generated:
    """Generate a document with these component schemas (the first is the response body)."""
    package = f"native_{next(_COUNTER)}_api"
    spec = {
        "openapi": openapi,
        "info": {"title": "T", "version": "1"},
        "paths": {
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "$ref": f"#/components/schemas/{next(iter(schemas))}"
                                    }
                                }
                            },
                        }
                    },
                }
            }
        },
        "components": {"schemas": schemas},
    }
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    out = tmp_path / "out"
    target = Target(package, path, out, package, package.replace("_", "-"), None)
    result = generate_target(target)
    write_files(out, result.files)
    sys.path.insert(0, str(out))
    try:
        models = importlib.import_module(f"{package}.models")
    finally:
        sys.path.remove(str(out))
    warnings = [f"{w.pointer}: {w.message}" for w in result.document.warnings]
    return Generated(models, warnings, result.files)


def test_objects_nested_objects_and_aliases(tmp_path: Path) -> None:
    g = _generate(
        tmp_path,
        {
            "Pet": {
                "type": "object",
                "required": ["name", "from"],
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "from": {"type": "string", "description": "A keyword as a property."},
                    "@odata.type": {"type": "string"},
                    "json": {"type": "string"},
                    "owner": {
                        "type": "object",
                        "properties": {"email": {"type": "string", "format": "email"}},
                    },
                    "tags": {"type": "array", "items": {"type": "string", "maxLength": 3}},
                    "scores": {"type": "object", "additionalProperties": {"type": "integer"}},
                },
            }
        },
    )
    m = g.models
    pet = m.Pet.model_validate(
        {
            "name": "Rex",
            "from": "shop",
            "@odata.type": "x",
            "json": "j",
            "owner": {"email": "a@b"},
            "tags": ["a"],
            "scores": {"x": 1},
            "extra": True,
        }
    )
    assert pet.from_ == "shop" and pet.odata_type == "x" and pet.json_ == "j"
    assert isinstance(pet.owner, m.PetOwner) and pet.owner.email == "a@b"
    assert pet.scores == {"x": 1}
    # Unknown properties are kept, and dumping by alias gives the document's names back.
    assert pet.model_dump(by_alias=True, exclude_none=True)["@odata.type"] == "x"
    assert pet.model_dump(by_alias=True)["extra"] is True
    for bad in (
        {"name": "", "from": "x"},
        {"name": "a"},
        {"name": "a", "from": "x", "tags": ["long"]},
    ):
        with pytest.raises(ValidationError):
            m.Pet.model_validate(bad)
    assert '"""A keyword as a property."""' in g.source("Pet")


def test_enums_literals_and_constants(tmp_path: Path) -> None:
    g = _generate(
        tmp_path,
        {
            "Order": {
                "type": "object",
                "properties": {
                    "status": {"$ref": "#/components/schemas/Status"},
                    "kind": {"type": "string", "enum": ["a-b", "c"]},
                    "version": {"const": 2},
                    "size": {"type": ["string", "null"], "enum": ["S", "M", None]},
                },
            },
            "Status": {"type": "string", "enum": ["placed", "in-transit", "1st"]},
            "Level": {"type": "integer", "enum": [1, 2]},
        },
    )
    m = g.models
    assert [s.value for s in m.Status] == ["placed", "in-transit", "1st"]
    assert m.Status.IN_TRANSIT == "in-transit" and m.Status.VALUE_1ST == "1st"
    assert m.Level(2) == 2
    order = m.Order.model_validate({"status": "placed", "kind": "a-b", "version": 2, "size": None})
    assert order.status is m.Status.PLACED
    for bad in ({"kind": "zzz"}, {"version": 3}, {"status": "lost"}, {"size": "XL"}):
        with pytest.raises(ValidationError):
            m.Order.model_validate(bad)
    assert 'kind: Literal["a-b", "c"] | None = None' in g.source("Order")


def test_nullable_references_and_openapi_30_nullable(tmp_path: Path) -> None:
    g = _generate(
        tmp_path,
        {
            "Event": {
                "type": "object",
                "required": ["actor", "note"],
                "properties": {
                    "actor": {"$ref": "#/components/schemas/NullableUser"},
                    "note": {"type": "string", "nullable": True},
                },
            },
            "NullableUser": {
                "type": "object",
                "nullable": True,
                "properties": {"login": {"type": "string"}},
            },
        },
        openapi="3.0.3",
    )
    m = g.models
    event = m.Event.model_validate({"actor": None, "note": None})
    assert event.actor is None and event.note is None
    with pytest.raises(ValidationError):  # required, even when null is a value
        m.Event.model_validate({"note": None})


def test_all_of_subclasses_when_it_can_and_repeats_properties_when_it_cannot(
    tmp_path: Path,
) -> None:
    g = _generate(
        tmp_path,
        {
            "Pet": {
                "type": "object",
                "required": ["kind"],
                "properties": {"kind": {"type": "integer"}, "name": {"type": "string"}},
            },
            "Cat": {
                "allOf": [
                    {"$ref": "#/components/schemas/Pet"},
                    {"type": "object", "properties": {"purrs": {"type": "boolean"}}},
                ]
            },
            "Odd": {
                "allOf": [
                    {"$ref": "#/components/schemas/Pet"},
                    {"properties": {"kind": {"type": "string"}}},
                ]
            },
            "Both": {
                "allOf": [
                    {"$ref": "#/components/schemas/Cat"},
                    {"$ref": "#/components/schemas/Odd"},
                ]
            },
        },
    )
    m = g.models
    assert issubclass(m.Cat, m.Pet)
    assert m.Cat.model_validate({"kind": 1, "purrs": True}).purrs is True
    assert not issubclass(m.Odd, m.Pet)  # `kind` changes type: no valid subclass exists
    assert m.Odd.model_validate({"kind": "k"}).kind == "k"
    assert list(m.Odd.model_fields) == ["kind", "name"]
    assert set(m.Both.model_fields) == {"kind", "name", "purrs"}
    assert any(
        w.startswith("/components/schemas/Odd: `Odd` changes the inherited property `kind`")
        for w in g.warnings
    )


def test_unions_and_constraint_only_branches(tmp_path: Path) -> None:
    g = _generate(
        tmp_path,
        {
            "Shape": {
                "oneOf": [
                    {"$ref": "#/components/schemas/Circle"},
                    {
                        "type": "object",
                        "required": ["side"],
                        "properties": {"side": {"type": "number"}},
                    },
                    {"type": "null"},
                ]
            },
            "Circle": {
                "type": "object",
                "required": ["radius"],
                "properties": {"radius": {"type": "number", "exclusiveMinimum": 0}},
            },
            "Id": {"anyOf": [{"type": "string"}, {"type": "integer", "minimum": 1}]},
        },
    )
    m = g.models
    shapes = TypeAdapter(m.Shape)
    assert isinstance(shapes.validate_python({"radius": 2}).root, m.Circle)
    assert isinstance(shapes.validate_python({"side": 2}).root, m.ShapeOption2)
    assert shapes.validate_python(None).root is None
    with pytest.raises(ValidationError):
        m.Circle.model_validate({"radius": 0})
    assert m.Id.model_validate(3).root == 3 and m.Id.model_validate("x").root == "x"
    assert issubclass(m.Shape, RootModel)


def test_recursion_cycles_and_references_into_a_schema(tmp_path: Path) -> None:
    g = _generate(
        tmp_path,
        {
            "Node": {
                "type": "object",
                "properties": {
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                    "tree": {"$ref": "#/components/schemas/Forest"},
                    "label": {"$ref": "#/components/schemas/Label/properties/text"},
                },
            },
            "Forest": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
            "Label": {
                "type": "object",
                "properties": {"text": {"type": "object", "properties": {"v": {"type": "string"}}}},
            },
        },
    )
    m = g.models
    node = m.Node.model_validate(
        {"children": [{"children": []}], "tree": [{"label": {"v": "x"}}], "label": {"v": "y"}}
    )
    assert isinstance(node.children[0], m.Node)
    assert isinstance(node.tree.root[0], m.Node)
    assert node.label.v == "y"
    assert type(node.label) is type(m.Label.model_validate({"text": {"v": "z"}}).text)


def test_formats_defaults_read_only_and_names_that_would_shadow(tmp_path: Path) -> None:
    g = _generate(
        tmp_path,
        {
            "Release": {
                "type": "object",
                "required": ["id", "date", "tag"],
                "properties": {
                    "id": {"type": "integer", "readOnly": True},
                    "date": {"type": "string", "format": "date"},
                    "published_at": {"type": "string", "format": "date-time"},
                    "uid": {"type": "string", "format": "uuid"},
                    "tag": {"type": "string", "pattern": "^v(?=\\d)\\d+$"},
                    "draft": {"type": "boolean", "default": False},
                    "limit": {"type": "integer", "default": "10"},
                    "ratio": {"type": "number", "default": 1},
                },
            }
        },
    )
    m = g.models
    # A readOnly property is optional, so a request without it parses too.
    release = m.Release.model_validate(
        {
            "date": "2026-11-21",
            "published_at": "2026-11-21T10:00:00Z",
            "uid": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
            "tag": "v1",
        }
    )
    assert release.id is None and release.draft is False and release.ratio == 1.0
    assert release.limit is None  # a default of the wrong type is not written into the model
    assert release.date_.isoformat() == "2026-11-21"  # `date: date` would shadow the type
    assert release.model_dump(mode="json", by_alias=True)["published_at"] == "2026-11-21T10:00:00Z"
    with pytest.raises(ValidationError):
        m.Release.model_validate({"date": "2026-11-21", "tag": "vx"})  # lookahead: Python's re


def test_the_generated_models_pass_mypy_strict(tmp_path: Path) -> None:
    _generate(
        tmp_path,
        {
            "A": {
                "type": "object",
                "required": ["b"],
                "properties": {
                    "b": {"$ref": "#/components/schemas/B"},
                    "type": {"type": "string", "enum": ["x"]},
                    "list": {"type": "array", "items": {"type": "string"}},
                },
            },
            "B": {"type": "array", "items": {"$ref": "#/components/schemas/A"}},
            "C": {"allOf": [{"$ref": "#/components/schemas/A"}], "description": 'Says "why"\\.'},
            # A schema named like pydantic's Tag, in a tagged union (GitHub has a `tag` schema).
            "Tag": {"type": "object", "properties": {"kind": {"type": "string"}}},
            "Either": {
                "anyOf": [{"$ref": "#/components/schemas/Tag"}, {"$ref": "#/components/schemas/A"}],
                "discriminator": {"propertyName": "kind", "mapping": {"a": "A"}},
            },
        },
    )
    out = tmp_path / "out"
    package = next(p.name for p in out.iterdir() if p.name.endswith("_api"))
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", package],
        cwd=out,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_models_are_pydantic_models(tmp_path: Path) -> None:
    g = _generate(
        tmp_path, {"Empty": {"type": "object"}, "Text": {"type": "string", "maxLength": 2}}
    )
    m = g.models
    assert issubclass(m.Empty, BaseModel) and m.Empty.model_validate({"a": 1}).model_extra == {
        "a": 1
    }
    assert m.Text.model_validate("ab").root == "ab"
    with pytest.raises(ValidationError):
        m.Text.model_validate("abc")


def test_a_primitive_component_types_the_fields_that_refer_to_it(tmp_path: Path) -> None:
    g = _generate(
        tmp_path,
        {
            "Alert": {
                "type": "object",
                "required": ["number"],
                "properties": {
                    "number": {"$ref": "#/components/schemas/AlertNumber"},
                    "state": {"$ref": "#/components/schemas/State"},
                    "label": {"type": "string", "enum": ["type", "json"]},
                    "type": {"type": "string"},
                },
            },
            "AlertNumber": {"type": "integer", "minimum": 1},
            "State": {"type": ["string", "null"], "pattern": "^[a-z|]+$"},
        },
    )
    m = g.models
    alert = m.Alert.model_validate({"number": 3, "state": "open", "label": "type", "type": "x"})
    assert alert.number == 3 and alert.state == "open" and alert.type == "x"
    assert m.Alert.model_validate({"number": 1, "state": None}).state is None
    for bad in ({"number": 0}, {"number": 1, "state": "Open"}):
        with pytest.raises(ValidationError):
            m.Alert.model_validate(bad)
    assert m.AlertNumber.model_validate(2).root == 2  # the component itself is still a model
    # A word inside a literal is not a name the class uses: `type` keeps its name.
    assert "    type: str | None = None" in g.source("Alert")


@pytest.mark.parametrize(
    "spec", ["tests/fixtures/edge-cases.yaml", "3.0/schema-types.json", "3.0/discriminators.json"]
)
def test_output_is_byte_identical_across_processes(tmp_path: Path, spec: str) -> None:
    """Two interpreters with different hash seeds write the same bytes (no set order leaks)."""
    path = ROOT / spec if spec.startswith("tests/") else CORPUS / spec
    trees = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        done = subprocess.run(
            [
                *(sys.executable, "-m", "generator", "generate", "-q", "--spec", str(path)),
                *("--out", str(out), "--package", "same_api"),
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        trees.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert trees[0] == trees[1]
    assert any(p.parts[1:2] == ("models",) for p in trees[0])


def test_a_discriminator_picks_the_branch_by_its_mapping(tmp_path: Path) -> None:
    pet = {"type": "object", "required": ["petType"], "properties": {"petType": {"type": "string"}}}
    g = _generate(
        tmp_path,
        {
            "Pets": {
                "oneOf": [
                    {"$ref": "#/components/schemas/cat"},
                    {"$ref": "#/components/schemas/Dog"},
                ],
                "discriminator": {
                    "propertyName": "petType",
                    "mapping": {"kitty": "#/components/schemas/cat"},
                },
            },
            "cat": {**pet, "properties": {**pet["properties"], "purrs": {"type": "boolean"}}},
            "Dog": {**pet, "properties": {**pet["properties"], "barks": {"type": "boolean"}}},
        },
    )
    m = g.models
    pets = TypeAdapter(m.Pets)
    # Both branches accept these (unknown properties are kept): only the tag tells them apart.
    assert type(pets.validate_python({"petType": "Dog"}).root) is m.Dog
    assert type(pets.validate_python({"petType": "kitty"}).root) is m.Cat  # by the mapping
    assert type(pets.validate_python({"petType": "cat"}).root) is m.Cat  # by the schema's name
    assert type(pets.validate_python(m.Dog(petType="Dog")).root) is m.Dog
    for bad in ({"petType": "cow"}, {"barks": True}):
        with pytest.raises(ValidationError):
            pets.validate_python(bad)
    assert pets.dump_python(pets.validate_python({"petType": "kitty", "purrs": True})) == {
        "petType": "kitty",
        "purrs": True,
    }


def test_a_schema_named_like_an_import_of_the_models_keeps_working(tmp_path: Path) -> None:
    """GitHub's description has a `tag` schema; the tagged unions import pydantic's Tag."""
    g = _generate(
        tmp_path,
        {
            "Refs": {
                "oneOf": [
                    {"$ref": "#/components/schemas/Tag"},
                    {"$ref": "#/components/schemas/Tip"},
                ],
                "discriminator": {"propertyName": "kind"},
            },
            "Tag": {"type": "object", "properties": {"kind": {"type": "string"}}},
            "Tip": {"type": "object", "properties": {"kind": {"type": "string"}}},
        },
    )
    refs = TypeAdapter(g.models.Refs)
    assert type(refs.validate_python({"kind": "Tag"}).root) is g.models.Tag
    assert type(refs.validate_python({"kind": "Tip"}).root) is g.models.Tip


def test_a_typed_fallback_is_said_in_the_generated_code(tmp_path: Path) -> None:
    g = _generate(
        tmp_path,
        {
            "Base": {"type": "object", "properties": {"kind": {"type": "integer"}}},
            "Odd": {
                "allOf": [
                    {"$ref": "#/components/schemas/Base"},
                    {
                        "properties": {
                            "kind": {"type": "string"},
                            "code": {"type": "string", "pattern": "\\p{L}"},
                        }
                    },
                ]
            },
        },
    )
    source = g.source("Odd")
    assert "    # Typed fallback: kind differs from Base, so this model repeats the" in source
    assert "    # Typed fallback: pattern '\\\\p{L}' is not checked" in source
    assert g.models.Odd.model_validate({"kind": "k", "code": "1"}).code == "1"


def test_models_built_from_each_other_do_not_subclass_each_other(tmp_path: Path) -> None:
    g = _generate(
        tmp_path,
        {
            "A": {
                "allOf": [
                    {"$ref": "#/components/schemas/B"},
                    {"properties": {"a": {"type": "string"}}},
                ]
            },
            "B": {
                "allOf": [
                    {"$ref": "#/components/schemas/A"},
                    {"properties": {"b": {"type": "integer"}}},
                ]
            },
        },
    )
    m = g.models
    assert issubclass(m.A, m.B) != issubclass(m.B, m.A)  # one subclasses, the other repeats
    assert m.A.model_validate({"a": "x", "b": 1}).b == 1
    assert m.B.model_validate({"a": "x", "b": 1}).a == "x"
    assert any("are built from each other" in w for w in g.warnings)
