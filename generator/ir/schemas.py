"""Name every schema that becomes a model, and give each operation-level schema a Python type.

Component schemas keep their names (made valid Python, unique). An inline schema under a path is
kept inline in the document but, for the code, it is:
- the component it is structurally identical to (ignoring annotations such as descriptions and
  examples), so the code says `RealtimeTokenResponse`, not an anonymous twin;
- or a plain Python type when it is a primitive, an array of something typed, or `{}`;
- or a new model named after where it stands (`ExecuteChattyToolRequest`,
  `ExchangeRealtimeSdpBadGatewayBody`), shared by every identical inline schema.

An operation's own request and response bodies (`owner` given) are named after that operation
even when another operation has an identical inline body: an update's request body is
`UpdatePetRequest`, never the `CreatePetCreatedBody` it happens to equal. Two exceptions keep
one class: a body equal to a component is the component, and an inline error body that
several operations share is named after its status alone (`BadRequestBody`; `ErrorBody` when
the statuses differ), never after one unrelated operation (`shared_error_bodies`).
"""

from __future__ import annotations

import copy
import json
import pickle
from typing import Any

from generator.errors import join_pointer, split_pointer
from generator.ir.model import ANY, NamedSchema, TypeExpr
from generator.ir.naming import RESERVED_CLASS_NAMES, NameRegistry, pascal
from generator.loader.refs import resolve_pointer
from generator.schema_walk import iter_subschemas

_ANNOTATIONS = frozenset(
    {"description", "title", "example", "examples", "externalDocs", "$comment", "deprecated", "xml"}
)
PRIMITIVES = {
    "string": "str",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "null": "None",
}
_COMPOSITE_KEYS = (
    "properties",
    "allOf",
    "anyOf",
    "oneOf",
    "enum",
    "const",
    "additionalProperties",
    "patternProperties",
    "not",
)
COMPONENT_PREFIX = "#/components/schemas/"


def canonical(schema: Any) -> str:
    """A string equal for two schemas exactly when they validate the same way, structurally."""
    return json.dumps(_strip(schema), sort_keys=True, separators=(",", ":"))


def _strip(node: Any) -> Any:
    # Scalars (most values) are kept where they stand, not passed to a call of their own.
    if isinstance(node, dict):
        return {
            k: (_strip(v) if k not in _KEPT and isinstance(v, dict | list) else v)
            for k, v in node.items()
            if k not in _ANNOTATIONS and not k.startswith("x-")
        }
    if isinstance(node, list):
        return [_strip(v) if isinstance(v, dict | list) else v for v in node]
    return node


_KEPT = frozenset({"enum", "const", "default"})  # values, compared as they are


_Keys = tuple[frozenset[str], frozenset[str] | None]


def _keys(schema: dict[str, Any]) -> _Keys:
    """The keys `canonical` keeps of a schema and of its `properties`: two schemas of one
    canonical form have the same (the converse is what `canonical` decides)."""
    kept = frozenset(k for k in schema if k not in _ANNOTATIONS and not k.startswith("x-"))
    props = schema.get("properties") if "properties" in kept else None
    if not isinstance(props, dict):
        return kept, None
    return kept, frozenset(k for k in props if k not in _ANNOTATIONS and not k.startswith("x-"))


def _is_structural(schema: Any) -> bool:
    """Worth matching against components: objects, unions, enums (not bare primitives).

    A free-form `{type: object}` is not: it is `dict[str, Any]` wherever it stands, never the
    first free-form component of the document (GitHub's `public-event` is one).
    """
    if not isinstance(schema, dict):
        return False
    if any(k in schema for k in _COMPOSITE_KEYS):
        return True
    return schema.get("type") == "array" and _is_structural(schema.get("items"))


class SchemaRegistry:
    """Owns the python name of every model and the rewriting of references to those names."""

    def __init__(self, doc: dict[str, Any], openapi_minor: str) -> None:
        self.doc = doc
        self.minor = openapi_minor
        self.names = NameRegistry(RESERVED_CLASS_NAMES, suffix="Model")
        self.component_names: dict[str, str] = {}  # original component name -> python name
        # canonical form -> the python name of an inline schema's model; a component of the
        # same form wins over it (`_component_like`)
        self.by_canonical: dict[str, str] = {}
        self.by_pointer: dict[str, str] = {}  # inline pointer (or non-component $ref) -> name
        self.hoisted: dict[str, NamedSchema] = {}  # python name -> inline schema
        # An operation's own bodies: (its request body's or response's pointer, canonical form)
        # -> python name, so its media types share one model.
        self.by_owner: dict[tuple[str, str], str] = {}
        # Inline error bodies several operations share: canonical form -> the neutral stem.
        self.shared_errors: dict[str, str] = {}
        self.warnings: list[tuple[str, str]] = []
        components = (doc.get("components") or {}).get("schemas") or {}
        for original in components:
            self.component_names[original] = self.names.claim(
                pascal(original), ("component", original)
            )
        # The components an inline schema may equal, by the keys of their canonical forms: a
        # component's canonical form is written only when an inline schema has the same keys
        # (on GitHub's description, 72 of 916 are ever compared).
        self._components = components
        self._alike: dict[_Keys, list[str]] = {}  # keys -> originals, in document order
        self._canonical: dict[str, str] = {}  # original -> canonical form, once written
        for original, schema in components.items():
            if _is_structural(schema) and "$ref" not in schema:
                self._alike.setdefault(_keys(schema), []).append(original)

    # -- type expressions for operation-level schemas -------------------------------------------

    def type_of(
        self, schema: Any, pointer: str, stem: str, owner: str | None = None, error: bool = False
    ) -> TypeExpr:
        """The Python type of the schema at `pointer`; hoists a model named `stem` if needed.

        `owner` (the pointer of an operation's request body or response) marks one of that
        operation's bodies (see the module docstring); `error` marks an error response's body.
        """
        if schema is None or schema is True or schema == {}:
            return ANY
        if schema is False or not isinstance(schema, dict):
            return ANY
        ref = schema.get("$ref")
        if isinstance(ref, str):
            return self._type_of_ref(ref, stem)
        nullable = bool(schema.get("nullable")) if self.minor == "3.0" else False
        declared = schema.get("type")
        if isinstance(declared, list):
            non_null = [t for t in declared if t != "null"]
            nullable = nullable or len(non_null) < len(declared)
            declared = non_null[0] if len(non_null) == 1 else (None if non_null else "null")
            if declared is None:
                return self._hoist(schema, pointer, stem, owner, error)
        if _is_structural(schema) and schema.get("type") != "array":
            return self._with_null(self._hoist(schema, pointer, stem, owner, error), nullable)
        if declared == "array" or (declared is None and "items" in schema):
            items = schema.get("items")
            if isinstance(items, dict):
                inner = self.type_of(
                    items, join_pointer(pointer, "items"), stem + "Item", owner, error
                )
                expr = TypeExpr(f"list[{inner.annotation}]", inner.models)
            else:
                expr = TypeExpr("list[Any]")
            return self._with_null(expr, nullable)
        if declared == "string" and schema.get("format") == "binary":
            return self._with_null(TypeExpr("bytes"), nullable)
        if isinstance(declared, str) and declared in PRIMITIVES:
            return self._with_null(TypeExpr(PRIMITIVES[declared]), nullable)
        if declared == "object":
            return self._with_null(TypeExpr("dict[str, Any]"), nullable)
        return ANY

    @staticmethod
    def _with_null(expr: TypeExpr, nullable: bool) -> TypeExpr:
        return TypeExpr(expr.expr, expr.models, True) if nullable else expr

    def _type_of_ref(self, ref: str, stem: str) -> TypeExpr:
        if ref.startswith(COMPONENT_PREFIX) and "/" not in ref[len(COMPONENT_PREFIX) :]:
            original = _unescape(ref[len(COMPONENT_PREFIX) :])
            name = self.component_names[original]
            target = self.doc["components"]["schemas"][original]
            primitive = self._primitive_alias(target)
            return primitive if primitive is not None else TypeExpr(name, (name,))
        # A reference into some other place (a property of a component, a path): model it once.
        target = resolve_pointer(self.doc, ref[1:])
        return self.type_of(target, ref[1:], stem)

    def _primitive_alias(self, schema: Any) -> TypeExpr | None:
        """Components that are plain primitives are used as the primitive (no RootModel wrapper)."""
        if not isinstance(schema, dict) or _is_structural(schema) or "$ref" in schema:
            return None
        declared = schema.get("type")
        if declared == "array":
            return None
        if (
            isinstance(declared, str)
            and declared in PRIMITIVES
            and schema.get("format") != "binary"
        ):
            nullable = bool(schema.get("nullable")) and self.minor == "3.0"
            return TypeExpr(PRIMITIVES[declared], (), nullable)
        return None

    def _component_like(self, schema: dict[str, Any], key: str | None = None) -> str | None:
        """The first component (in document order) whose canonical form is `schema`'s (`key`,
        when known), by its original name; None when there is none."""
        originals = self._alike.get(_keys(schema))
        if not originals:
            return None
        if key is None:
            key = canonical(schema)
        for original in originals:
            known = self._canonical.get(original)
            if known is None:
                known = self._canonical[original] = canonical(self._components[original])
            if known == key:
                return original
        return None

    def _same_as(self, schema: dict[str, Any], key: str) -> str | None:
        """The model of `schema`'s canonical form `key`: a component's, else an inline one's."""
        original = self._component_like(schema, key)
        if original is not None:
            return self.component_names[original]
        return self.by_canonical.get(key)

    def _hoist(
        self,
        schema: dict[str, Any],
        pointer: str,
        stem: str,
        owner: str | None = None,
        error: bool = False,
    ) -> TypeExpr:
        key = canonical(schema)
        if owner is None:
            name = self._same_as(schema, key) or self.by_pointer.get(pointer)
        else:
            component = self._component_like(schema, key)
            name = (
                self.by_pointer.get(pointer)
                or (self.component_names[component] if component is not None else None)
                or self.by_owner.get((owner, key))
            )
            if name is None and error and key in self.shared_errors:
                stem = self.shared_errors[key]
                name = self.by_pointer.get("shared:" + key)
                pointer_key = "shared:" + key
                if name is None:
                    name = self.names.claim(pascal(stem), ("inline", pointer_key))
                    self.by_pointer[pointer_key] = name
                    self.hoisted[name] = NamedSchema(
                        name, pointer, self._use_components(schema), inline=True
                    )
                    self.by_canonical.setdefault(key, name)
        if name is None:
            name = self.names.claim(pascal(stem), ("inline", pointer))
            self.by_canonical.setdefault(key, name)
            self.by_pointer[pointer] = name
            self.hoisted[name] = NamedSchema(
                name, pointer, self._use_components(schema), inline=True
            )
        if owner is not None:
            self.by_owner[(owner, key)] = name
            self.by_pointer.setdefault(pointer, name)
        return TypeExpr(name, (name,))

    def _use_components(self, schema: dict[str, Any]) -> dict[str, Any]:
        """A copy of an inline schema whose nested parts that equal a component refer to it."""
        result: dict[str, Any] = _copied(schema)
        replaced: list[str] = []
        for at, sub in list(iter_subschemas(result, "")):
            if not at or not _is_structural(sub) or "$ref" in sub:
                continue
            if any(at.startswith(done + "/") for done in replaced):
                continue  # inside a part already replaced by its component
            original = self._component_like(sub)
            if original is not None:
                replaced.append(at)
                parent = result
                tokens = split_pointer(at)
                for token in tokens[:-1]:
                    parent = parent[int(token)] if isinstance(parent, list) else parent[token]
                last = tokens[-1]
                replacement = {"$ref": COMPONENT_PREFIX + original}
                if isinstance(parent, list):
                    parent[int(last)] = replacement
                else:
                    parent[last] = replacement
        return result

    # -- what the models emitter receives ------------------------------------------------------

    def model_schemas(self) -> list[NamedSchema]:
        """Components (in document order) then hoisted inline schemas, refs renamed for Python."""
        components = (self.doc.get("components") or {}).get("schemas") or {}
        result = [
            NamedSchema(
                self.component_names[o],
                join_pointer("/components/schemas", o),
                self._rename_refs(s),
                False,
            )
            for o, s in components.items()
        ]
        done = 0
        while done < len(self.hoisted):  # renaming can hoist more (refs outside components)
            named = list(self.hoisted.values())[done]
            result.append(
                NamedSchema(
                    named.python_name, named.source_pointer, self._rename_refs(named.schema), True
                )
            )
            done += 1
        return result

    def _rename_refs(self, node: Any) -> Any:
        # Scalars (most values) are kept where they stand, not passed to a call of their own.
        if isinstance(node, dict):
            out = {}
            for k, v in node.items():
                if k == "$ref" and isinstance(v, str):
                    out[k] = self._renamed_ref(v)
                elif isinstance(v, dict | list):
                    out[k] = self._rename_refs(v)
                else:
                    out[k] = v
            return out
        if isinstance(node, list):
            return [self._rename_refs(v) if isinstance(v, dict | list) else v for v in node]
        return node

    def _renamed_ref(self, ref: str) -> str:
        if ref.startswith(COMPONENT_PREFIX):
            head, _, rest = ref[len(COMPONENT_PREFIX) :].partition("/")
            original = _unescape(head)
            if original in self.component_names:
                return (
                    COMPONENT_PREFIX + self.component_names[original] + (f"/{rest}" if rest else "")
                )
        if ref.startswith("#/"):
            # A schema that points outside components/schemas: model that target once.
            name = self.by_pointer.get(ref[1:])
            if name is None:
                target = resolve_pointer(self.doc, ref[1:])
                self.warnings.append(
                    (
                        ref[1:],
                        f"schema reference {ref} is outside components/schemas; modelled as {pascal(ref)}",
                    )
                )
                name = self._hoist(target, ref[1:], pascal(split_pointer(ref)[-1])).expr
            return COMPONENT_PREFIX + name
        return ref


def _copied(node: Any) -> Any:
    """`copy.deepcopy(node)` made by pickle: the same copy of a parsed document's values (a
    part met twice is copied once, as deepcopy's memo keeps it), several times faster. A value
    pickle cannot take is deep-copied."""
    try:
        return pickle.loads(pickle.dumps(node, pickle.HIGHEST_PROTOCOL))
    except Exception:
        return copy.deepcopy(node)


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")
