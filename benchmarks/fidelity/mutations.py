"""Invalid instances derived from a valid one (the fidelity measure).

Each mutation says what it changed; the oracle keeps only the mutants it rejects. The kinds:
`wrong-type`, `missing-required`, `outside-enum`, `outside-bounds`, `pattern`, `length`,
`null` (null where the schema does not admit it), and the two the models accept on purpose by
default: `null-optional` (an explicit null for an optional property), `lax-coercion` (`"7"`
or `true` for an integer, `1` or `"yes"` for `true`) and `read-write-only` (a required readOnly
or writeOnly property left out).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from benchmarks.fidelity.instances import Drawer

# What the models accept by default on purpose; `strict-models = true` refuses the first two.
# The third: a required readOnly / writeOnly property may be absent (one model parses both a
# request and a response), with or without strict models.
LENIENT_KINDS = ("null-optional", "lax-coercion", "read-write-only")
STRICT_KINDS = ("null-optional", "lax-coercion")  # what `strict-models` refuses

Path = tuple[str | int, ...]


def mutants(drawer: Drawer, schema: Any, valid: Any) -> Iterator[tuple[str, Path, Any]]:
    """(kind, where, instance) for mutations of `valid`, at its top level and one level down."""
    yield from _at(drawer, schema, valid, ())
    flat = drawer.flatten(schema)
    if isinstance(valid, dict) and isinstance(flat, dict):
        props = flat.get("properties") if isinstance(flat.get("properties"), dict) else {}
        required = set(flat.get("required") or [])
        for name, value in valid.items():
            sub = props.get(name)
            if sub is None:
                continue
            for kind, path, changed in _at(drawer, sub, value, (name,)):
                if kind == "null" and name not in required:
                    continue  # the object's own `null-optional` mutation says it
                yield kind, path, {**valid, name: changed}
    if isinstance(valid, list) and valid and isinstance(flat, dict):
        items = flat.get("items", {})
        for kind, path, changed in _at(drawer, items, valid[0], (0,)):
            yield kind, path, [changed, *valid[1:]]


def _at(drawer: Drawer, schema: Any, value: Any, path: Path) -> Iterator[tuple[str, Path, Any]]:
    flat = drawer.flatten(schema)
    if not isinstance(flat, dict):
        return
    declared = flat.get("type")
    kinds = set(declared) if isinstance(declared, list) else {declared} if declared else set()
    yield "null", path, None
    if isinstance(value, bool):
        yield "wrong-type", path, "maybe"
        yield "lax-coercion", path, "yes" if value else "no"
        yield "lax-coercion", path, 1 if value else 0
    elif isinstance(value, int):
        yield "wrong-type", path, f"n{value}"
        yield "wrong-type", path, value + 0.5
        yield "lax-coercion", path, str(value)
        yield "lax-coercion", path, True
    elif isinstance(value, float):
        yield "wrong-type", path, "x"
        yield "lax-coercion", path, str(value)
    elif isinstance(value, str):
        yield "wrong-type", path, 7
        yield "wrong-type", path, {"v": value}
    elif isinstance(value, list):
        yield "wrong-type", path, "list"
    elif isinstance(value, dict):
        yield "wrong-type", path, ["object"]
        yield "wrong-type", path, "object"
    enum = flat.get("enum")
    if isinstance(enum, list) and enum:
        if all(isinstance(v, str) for v in enum if v is not None):
            yield "outside-enum", path, "not-" + "-".join(str(v) for v in enum[:2] if v)[:20]
        elif all(isinstance(v, int) for v in enum if v is not None):
            yield "outside-enum", path, max(v for v in enum if v is not None) + 1
    if "const" in flat:
        yield "outside-enum", path, [flat["const"]]
    for key, delta in (("minimum", -1), ("maximum", 1), ("exclusiveMinimum", 0)):
        bound = flat.get(key)
        if isinstance(bound, int | float) and not isinstance(bound, bool):
            yield "outside-bounds", path, bound + delta
    if isinstance(flat.get("maxLength"), int) and isinstance(value, str | type(None)):
        yield "length", path, "x" * (flat["maxLength"] + 1)
    if isinstance(flat.get("minLength"), int) and flat["minLength"] > 0:
        yield "length", path, ""
    if isinstance(flat.get("pattern"), str):
        yield "pattern", path, "\u0000!"
        yield "pattern", path, " "
    if isinstance(flat.get("maxItems"), int) and isinstance(value, list) and value:
        yield "length", path, [value[0]] * (flat["maxItems"] + 1)
    if isinstance(value, dict) and ("object" in kinds or "properties" in flat):
        props = flat.get("properties") if isinstance(flat.get("properties"), dict) else {}
        for name in flat.get("required") or []:
            if name in value:
                trimmed = copy.copy(value)
                del trimmed[name]
                sub = drawer.flatten(props.get(name))
                directional = isinstance(sub, dict) and (
                    sub.get("readOnly") is True or sub.get("writeOnly") is True
                )
                yield "read-write-only" if directional else "missing-required", path, trimmed
        required = set(flat.get("required") or [])
        for name in props:
            if name not in required:
                yield "null-optional", (*path, name), {**value, name: None}
        if flat.get("additionalProperties") is False:
            yield "extra-property", path, {**value, "unexpected_property_x": 1}
