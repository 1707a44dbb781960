"""The native models engine on generated schemas: it never crashes and its models always import.

Hypothesis builds OpenAPI 3.1 documents whose component schemas nest objects, arrays, maps,
unions (with and without discriminators), allOf, enums, constants, nullable types, patterns and
references between the components (cycles included), with property names that are keywords,
builtins, pydantic's own attributes or not identifiers at all. For each document the plan is
built and rendered, the package imported in a fresh namespace, and every model completed
(`model_rebuild()`, every reference resolved) and its validator built. Derandomized: every run checks the
same documents, so a failure is reproducible.
"""

from __future__ import annotations

import importlib
import itertools
import sys
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter

from generator.config import Target
from generator.emit.native_models import emit_native_models
from generator.emit.package import emit_package
from generator.loader import load_document
from generator.plans import build_document
from generator.plans.model_plan import build_model_plan

COMPONENTS = ("S0", "S1", "S2")
NAMES = ["id", "type", "from", "json", "date", "model_config", "_x", "@odata.type", "a-b", "1st",
         "A", "a", "class", "Field", "datetime", "str", "S0", "kind", "value", "name"]  # fmt: skip
_COUNTER = itertools.count()

leaves = st.sampled_from(
    [
        {"type": "string"},
        {"type": "integer", "minimum": 0},
        {"type": "number", "exclusiveMaximum": 10},
        {"type": "boolean", "default": True},
        {"type": "string", "format": "date-time"},
        {"type": "string", "enum": ["a", "b-c", "1", "A"]},
        {"enum": [1, "x", None]},
        {"const": 3},
        {},
        {"type": ["string", "null"]},
        {"type": "string", "pattern": "^[a-z]*$", "maxLength": 5},
        {"type": "string", "pattern": "\\p{L}"},
        {"type": "null"},
        *({"$ref": f"#/components/schemas/{c}"} for c in COMPONENTS),
    ]
)


def _object(props: dict[str, Any], required: list[str]) -> dict[str, Any]:
    needed = [r for r in dict.fromkeys(required) if r in props]
    return {"type": "object", "properties": props, **({"required": needed} if needed else {})}


def _extend(schemas: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    named = st.dictionaries(st.sampled_from(NAMES), schemas, max_size=4)
    return st.one_of(
        st.builds(_object, named, st.lists(st.sampled_from(NAMES), max_size=3)),
        st.builds(lambda items: {"type": "array", "items": items}, schemas),
        st.builds(lambda v: {"type": "object", "additionalProperties": v}, schemas),
        st.builds(lambda options: {"oneOf": options}, st.lists(schemas, min_size=1, max_size=3)),
        st.builds(lambda options: {"anyOf": options}, st.lists(schemas, min_size=2, max_size=3)),
        st.builds(lambda parts: {"allOf": parts}, st.lists(schemas, min_size=1, max_size=3)),
        st.builds(
            lambda s: {"type": ["object", "null"], "properties": {"n": s}, "readOnly": True},
            schemas,
        ),
    )


schemas = st.recursive(leaves, _extend, max_leaves=10)
discriminated = st.just(
    {
        "oneOf": [{"$ref": "#/components/schemas/S1"}, {"$ref": "#/components/schemas/S2"}],
        "discriminator": {"propertyName": "kind", "mapping": {"one": "#/components/schemas/S1"}},
    }
)


@settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    s0=st.one_of(schemas, discriminated),
    s1=_extend(schemas),
    s2=schemas,
)
def test_any_document_gives_models_that_import(
    tmp_path_factory: Any, s0: Any, s1: Any, s2: Any
) -> None:
    tmp = tmp_path_factory.mktemp("random")
    package = f"random_{next(_COUNTER)}_api"
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "Random", "version": "1"},
        "paths": {
            "/x": {
                "post": {
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/S0"}}
                        }
                    },
                    "responses": {"204": {"description": "done"}},
                }
            }
        },
        "components": {"schemas": {"S0": s0, "S1": s1, "S2": s2}},
    }
    path = tmp / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    document = build_document(load_document(path))
    target = Target(package, path, tmp, package, "random-api", None)
    files = {
        **{k: v for k, v in emit_package(document, target).items() if k.endswith("_base.py")},
        f"{package}/__init__.py": "",
        **emit_native_models(document, build_model_plan(document), package),
    }
    for rel, text in files.items():
        (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp / rel).write_text(text, encoding="utf-8")
    sys.path.insert(0, str(tmp))
    try:
        models = importlib.import_module(f"{package}.models")
        for name in models.__all__:
            value = getattr(models, name)
            if isinstance(value, type) and issubclass(value, BaseModel):
                assert value.model_rebuild() is not False, name
                assert value.__pydantic_complete__, name  # every reference resolved
                TypeAdapter(value)  # its validator builds
    finally:
        sys.path.remove(str(tmp))
