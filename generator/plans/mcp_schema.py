"""Tool schemas that pass the JSON Schema 2020-12 meta-schema, whatever the document wrote.

MCP clients validate a tool's input and output schemas (the TypeScript SDK compiles them with
ajv, which refuses a schema that fails its meta-schema, and with it the whole tool list). A
published document's schemas often carry keywords written for another dialect or by mistake
(`required: true` on a property, `type: file`, `examples` as an object, a bound as a string).
Such a keyword is repaired here the way its author evidently meant when that is clear, else
dropped, and each drop is reported (the generator's warnings) with where it was.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from generator.loader.meta_schema import draft_2020_12_meta_schema

# Keywords whose value maps names to subschemas, and whose value lists subschemas.
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "dependentSchemas"})
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_MAX_ROUNDS = 20  # each round removes at least one keyword; real documents need one or two


@cache
def _meta() -> Any:
    """jsonschema's validator, which says why: imported only for a schema that fails."""
    from jsonschema import Draft202012Validator

    # The format checker too: ajv checks `pattern` is a regular expression, `$ref` a URI.
    return Draft202012Validator(
        draft_2020_12_meta_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


@cache
def _fast() -> Any:
    """The Rust validator for the common case (a valid schema), when it is installed."""
    try:
        import jsonschema_rs

        return jsonschema_rs.validator_for(draft_2020_12_meta_schema(), validate_formats=True)
    except Exception:  # optional: the Python validator decides
        return None


def meta_valid(schema: Any) -> bool:
    fast = _fast()
    if fast is not None and fast.is_valid(schema):
        return True
    return bool(_meta().is_valid(schema))


def meta_repaired(schema: Any) -> tuple[Any, tuple[str, ...]]:
    """`schema` made valid against the 2020-12 meta-schema, and the pointers of what was
    dropped or replaced (relative to `schema`). The input is never modified."""
    if meta_valid(schema):
        return schema, ()
    fixed = copy.deepcopy(schema)
    changed: list[str] = []
    for _ in range(_MAX_ROUNDS):
        errors = sorted(_meta().iter_errors(fixed), key=lambda e: [str(p) for p in e.absolute_path])
        if not errors:
            break
        for error in errors:
            at = _repair(fixed, list(error.absolute_path))
            if at is not None and at not in changed:
                changed.append(at)
        if not isinstance(fixed, dict | bool):
            fixed = {}
    else:  # pragma: no cover - a schema no round can fix: give the tool an open schema
        return {}, ("",)
    return fixed, tuple(changed)


def _repair(root: Any, path: list[str | int]) -> str | None:
    """Repair what an error at `path` (in the schema being checked) is about; its pointer."""
    if not path:
        return None  # the root itself: made `{}` by the caller
    parent = _at(root, path[:-1])
    key = path[-1]
    holder = path[-2] if len(path) >= 2 else None
    if isinstance(parent, list):
        if holder in _SCHEMA_LISTS and isinstance(key, int) and key < len(parent):
            parent[key] = {}  # a branch that is no schema: any value, the branch count kept
            return _pointer(path)
        # A keyword's list with a bad item (`type: [string, file]`, `required: [1]`): the keyword.
        return _drop(root, path[:-1])
    if not isinstance(parent, dict) or key not in parent:
        return None
    if holder in _SCHEMA_MAPS and len(path) >= 2:
        parent[key] = {}  # a property whose schema is no schema: the property kept, any value
        return _pointer(path)
    value = parent[key]
    if key == "examples" and not isinstance(value, list):
        parent[key] = list(value.values()) if isinstance(value, dict) else [value]
        return _pointer(path)
    if key in ("required", "type", "enum") and isinstance(value, list):
        unique = [v for i, v in enumerate(value) if v not in value[:i]]
        if unique != value and _meta().is_valid({str(key): unique}):
            parent[key] = unique  # duplicates: the same meaning once
            return _pointer(path)
    return _drop(root, path)


def _drop(root: Any, path: list[str | int]) -> str | None:
    parent = _at(root, path[:-1])
    if isinstance(parent, dict) and path and path[-1] in parent:
        del parent[path[-1]]
        return _pointer(path)
    return None


def _at(root: Any, path: list[str | int]) -> Any:
    node = root
    for token in path:
        if isinstance(node, list) and isinstance(token, int) and token < len(node):
            node = node[token]
            continue
        if not (isinstance(node, dict) and token in node):
            return None
        node = node[token]
    return node


def _pointer(path: list[str | int]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)
