"""Where schemas live in an OpenAPI document, and the subschemas inside a schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.errors import PointerPath, join_pointer, pointer_of

# The fixed method fields of a path item; `query` is OpenAPI 3.2's (an earlier document cannot
# have it: its meta-schema drops the field before anything reads it).
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")


def path_item_operations(item: Any) -> Iterator[tuple[str, tuple[str, ...], dict[str, Any]]]:
    """Every operation of a path item: (method in lower case, its pointer tokens inside the item,
    the operation object).

    The fixed fields first, in HTTP_METHODS order, then OpenAPI 3.2's `additionalOperations`
    (`LINK`, `PURGE`, ...: any other method, keyed as it is sent), in document order. Every
    emitter sends a method in upper case, so the key's case is not kept.
    """
    if not isinstance(item, dict):
        return
    for method in HTTP_METHODS:
        op = item.get(method)
        if isinstance(op, dict):
            yield method, (method,), op
    extra = item.get("additionalOperations")
    if isinstance(extra, dict):
        for name, op in extra.items():
            if isinstance(op, dict) and str(name).lower() not in HTTP_METHODS:
                yield str(name).lower(), ("additionalOperations", str(name)), op


# Keywords whose value is one subschema, a list of them, or a map of them (JSON Schema 2020-12
# plus the OpenAPI 3.0 dialect).
_ONE = (
    "items",
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
    "additionalItems",
    "contentSchema",
)
_LIST = ("allOf", "anyOf", "oneOf", "prefixItems")
_MAP = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
# Any of them: most schemas (`{type: string}`) have none, and are passed by with one test.
_NESTING = frozenset(_ONE + _LIST + _MAP)
# The order children are walked in: the keywords of one subschema, the tuple form of `items`
# (OpenAPI 3.0 / draft 4: a list), the lists, the maps.
_RANK = {key: rank for rank, key in enumerate((*_ONE, *_LIST, *_MAP))}
_TUPLE_ITEMS_RANK = len(_ONE) - 0.5


def _child_rank(node: dict[str, Any], key: str) -> float:
    if key == "items" and isinstance(node["items"], list):
        return _TUPLE_ITEMS_RANK
    return _RANK[key]


def _children(node: dict[str, Any], at: PointerPath) -> list[tuple[PointerPath, Any]]:
    """The (place, value) of every subschema position of `node`, in walking order."""
    present: Any = _NESTING.intersection(node)
    if len(present) > 1:
        present = sorted(present, key=lambda key: _child_rank(node, key))
    children: list[tuple[PointerPath, Any]] = []
    for key in present:
        value = node[key]
        if key in _MAP:
            if isinstance(value, dict):
                base: PointerPath = (at, key)
                children.extend(((base, name), sub) for name, sub in value.items())
        elif isinstance(value, dict):
            if key not in _LIST:
                children.append(((at, key), value))
        elif isinstance(value, list) and (key in _LIST or key == "items"):
            base = (at, key)
            children.extend(((base, i), sub) for i, sub in enumerate(value))
    return children


def iter_subschema_paths(
    schema: Any, path: PointerPath
) -> Iterator[tuple[PointerPath, dict[str, Any]]]:
    """iter_subschemas with each place as a PointerPath (generator.errors): the walk builds no
    pointer; `pointer_of` makes one for the few places a message names."""
    stack: list[tuple[PointerPath, Any]] = [(path, schema)]
    while stack:
        at, node = stack.pop()
        if not isinstance(node, dict):
            continue
        yield at, node
        if _NESTING.isdisjoint(node):
            continue
        children = _children(node, at)
        children.reverse()
        stack += children


def iter_subschemas(schema: Any, pointer: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """`schema` itself and every schema nested in it, depth first, in document order."""
    stack: list[tuple[str, Any]] = [(pointer, schema)]
    while stack:
        at, node = stack.pop()
        if not isinstance(node, dict):
            continue
        yield at, node
        if _NESTING.isdisjoint(node):
            continue
        children: list[tuple[str, Any]] = []
        for key in _ONE:
            if isinstance(node.get(key), dict):
                children.append((join_pointer(at, key), node[key]))
        if isinstance(node.get("items"), list):  # OpenAPI 3.0 / draft 4 tuple form
            children.extend((join_pointer(at, "items", i), s) for i, s in enumerate(node["items"]))
        for key in _LIST:
            if isinstance(node.get(key), list):
                children.extend((join_pointer(at, key, i), s) for i, s in enumerate(node[key]))
        for key in _MAP:
            if isinstance(node.get(key), dict):
                children.extend((join_pointer(at, key, n), s) for n, s in node[key].items())
        stack.extend(reversed(children))


def iter_document_schemas(doc: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every top-level schema position of an OpenAPI 3.x document: components and operations."""
    for path, schema in iter_document_schema_paths(doc):
        yield pointer_of(path), schema


def iter_document_schema_paths(doc: dict[str, Any]) -> Iterator[tuple[PointerPath, Any]]:
    """iter_document_schemas with each place as a PointerPath (generator.errors)."""
    components = doc.get("components") or {}
    for name, schema in (components.get("schemas") or {}).items():
        yield ("/components/schemas", name), schema
    for kind in ("parameters", "headers"):
        for name, obj in (components.get(kind) or {}).items():
            yield from _holder_schemas(obj, (("/components", kind), name))
    for kind in ("responses", "requestBodies"):
        for name, obj in (components.get(kind) or {}).items():
            yield from _body_schemas(obj, (("/components", kind), name))
    # OpenAPI 3.2: media type objects of their own, reused by `$ref`.
    media_types = components.get("mediaTypes")
    if isinstance(media_types, dict):
        yield from _content_schemas(media_types, "/components/mediaTypes")
    # `x-webhooks`: the extension 3.0 documents use for what 3.1 calls `webhooks` (Redocly's
    # convention; GitHub's, Svix's and Apideck's descriptions): read the same way.
    for section in ("paths", "webhooks", "x-webhooks"):
        items = doc.get(section)
        for path, item in (items if isinstance(items, dict) else {}).items():
            yield from _path_item_schemas(item, (("", section), path))


def _path_item_schemas(item: Any, at: PointerPath) -> Iterator[tuple[PointerPath, Any]]:
    if not isinstance(item, dict):
        return
    for i, param in enumerate(item.get("parameters") or []):
        yield from _holder_schemas(param, ((at, "parameters"), i))
    for _method, tokens, op in path_item_operations(item):
        op_at: PointerPath = at
        for token in tokens:
            op_at = (op_at, token)
        for i, param in enumerate(op.get("parameters") or []):
            yield from _holder_schemas(param, ((op_at, "parameters"), i))
        if isinstance(op.get("requestBody"), dict):
            yield from _body_schemas(op["requestBody"], (op_at, "requestBody"))
        for status, response in (op.get("responses") or {}).items():
            yield from _body_schemas(response, ((op_at, "responses"), status))
        for name, callback in (op.get("callbacks") or {}).items():
            if isinstance(callback, dict):
                for expr, cb_item in callback.items():
                    yield from _path_item_schemas(cb_item, (((op_at, "callbacks"), name), expr))


def _holder_schemas(obj: Any, at: PointerPath) -> Iterator[tuple[PointerPath, Any]]:
    """Schemas of a parameter or header (either `schema` or `content`)."""
    if not isinstance(obj, dict):
        return
    if "schema" in obj:
        yield (at, "schema"), obj["schema"]
    if "content" in obj:
        yield from _content_schemas(obj["content"], (at, "content"))


def _body_schemas(obj: Any, at: PointerPath) -> Iterator[tuple[PointerPath, Any]]:
    if not isinstance(obj, dict):
        return
    if "content" in obj:
        yield from _content_schemas(obj["content"], (at, "content"))
    for name, header in (obj.get("headers") or {}).items():
        yield from _holder_schemas(header, ((at, "headers"), name))


def _content_schemas(content: Any, at: PointerPath) -> Iterator[tuple[PointerPath, Any]]:
    if not isinstance(content, dict):
        return
    for media, media_obj in content.items():
        if not isinstance(media_obj, dict):
            continue
        # `itemSchema` (OpenAPI 3.2): the schema of each item of a sequential media type
        # (text/event-stream, application/jsonl, application/json-seq, multipart/mixed).
        media_at: PointerPath = (at, media)
        for key in ("schema", "itemSchema"):
            if key in media_obj:
                yield (media_at, key), media_obj[key]
