"""The plans' shortcuts (memos, one-pass rewrites) answer what the straightforward code did.

Each shortcut in generator/plans and generator/ir that replaced a slower computation is checked
here against that computation, written out as it was, on values built to hit its edges and on
the documents of the shared corpus.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.ir.model import TypeExpr
from generator.ir.schemas import SchemaRegistry, _is_structural, canonical
from generator.plans.client import MODELS_ALIAS, qualify
from generator.plans.server import _local_refs
from generator.schema_walk import iter_document_schemas, iter_subschemas
from tests.conftest import SPEC as REPO_SPEC


def _qualify_by_name(expr: TypeExpr) -> str:
    """The model names replaced one by one, longest first (the code before the shortcut)."""
    text = expr.annotation
    for name in sorted(expr.models, key=len, reverse=True):
        text = re.sub(rf"(?<![\w.]){re.escape(name)}(?!\w)", f"{MODELS_ALIAS}.{name}", text)
    return text


@pytest.mark.parametrize(
    "expr",
    [
        TypeExpr("Pet"),
        TypeExpr("Pet", ("Pet",)),
        TypeExpr("Pet", ("Pet",), True),
        TypeExpr("list[Pet] | PetOwner | dict[str, Pet2]", ("Pet", "PetOwner", "Pet2")),
        TypeExpr("PetOwner | Pet", ("Pet",)),
        TypeExpr("Literal['Pet', 'Pet owner'] | Pet", ("Pet",)),
        TypeExpr('Annotated[Pet | Cat, _Tag("Cat")]', ("Cat", "Pet")),
        TypeExpr("Pets.Pet | APet | Pet_ | _Pet | Pet", ("Pet", "Pets")),
        TypeExpr("Annotated[str, Field(pattern='^Pet$')]", ("Pet",)),
        TypeExpr("Größe | Pet", ("Größe", "Pet")),
        TypeExpr("Any", ("Pet",)),
    ],
)
def test_qualify_replaces_the_words_the_names_did(expr: TypeExpr) -> None:
    assert qualify(expr) == _qualify_by_name(expr)


def _refs_by_walk(schema: Any) -> list[str]:
    """Local references as `iter_subschemas` meets them (the code before the shortcut)."""
    found = []
    for _at, sub in iter_subschemas(schema, ""):
        ref = sub.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            found.append(ref)
    return found


def test_local_refs_meets_the_references_the_walk_does(corpus_documents: list[Path]) -> None:
    tricky = {
        "$ref": "#/a",
        "items": [{"$ref": "#/b"}, {"properties": {"$ref": {"$ref": "#/c"}}}],
        "allOf": [{"$ref": "other.yaml#/d"}, {"not": {"$ref": "#/e"}}],
        "properties": {"x": {"additionalProperties": {"$ref": "#/f"}}},
        "example": {"$ref": "#/not-a-schema"},
        "prefixItems": [{"$ref": "#/g"}],
        "$defs": {"h": {"if": {"$ref": "#/h"}, "then": {"$ref": "#/i"}}},
    }
    assert _local_refs(tricky) == _refs_by_walk(tricky)
    checked = 0
    for path in [REPO_SPEC, *corpus_documents]:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text) if path.suffix == ".yaml" else json.loads(text)
        schemas = (data.get("components") or {}).get("schemas") or data.get("definitions") or {}
        for schema in schemas.values():
            assert _local_refs(schema) == _refs_by_walk(schema)
            checked += 1
    assert checked > 100


def test_component_like_finds_the_component_the_canonical_map_did(
    corpus_documents: list[Path],
) -> None:
    """The first component of each canonical form, as a map of every component's form found it,
    for every structural schema of every document."""
    checked = 0
    for path in [REPO_SPEC, *corpus_documents]:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text) if path.suffix == ".yaml" else json.loads(text)
        registry = SchemaRegistry(data, "3.1")
        components = (data.get("components") or {}).get("schemas") or {}
        first: dict[str, str] = {}
        for original, schema in components.items():
            if _is_structural(schema) and "$ref" not in schema:
                first.setdefault(canonical(schema), original)
        for _pointer, top in iter_document_schemas(data):
            for _at, sub in iter_subschemas(top, ""):
                if _is_structural(sub):
                    assert registry._component_like(sub) == first.get(canonical(sub))
                    checked += 1
    assert checked > 100
