"""Typed keyword arguments for request bodies, and `TypedDict` params for their nested objects.

A JSON, form or multipart body whose schema is an object with properties (directly, through a
`$ref`, or as an `allOf` of objects) becomes one keyword argument per property
(`execute_tool(function="get_weather", arguments={...})`), so mypy rejects a misspelt or
mistyped field. `body=` stays for a whole model or mapping; fields given as keywords are laid
over it. Each type is read from the schema as written:

- `string`, `integer`, `number`, `boolean`, `null` -> `str`, `int`, `float`, `bool`, `None`;
  `enum`/`const` of scalars -> `Literal[...]`; a 3.0 `nullable` or a 3.1 `null` type -> `| None`;
- an array -> `Sequence[item]`; an object with `additionalProperties` only -> `Mapping[str, X]`;
- an object with properties -> a `TypedDict` (`{Stem}Param`, in `<package>/client/params.py`),
  its required properties `Required`, the others optional; a `$ref` to a component object ->
  that component's `TypedDict` or its model (`_m.Pet`);
- `anyOf`/`oneOf` -> the union of the branches; anything else (`not`, `{}`, a cycle through
  non-object schemas) -> `Any`.

Keyword names are the document's property names where they are identifiers (as the models
spell them: `directWebRTC`), otherwise snake_case; never a keyword, the method's other
arguments or a name the method body uses.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass
from typing import Any

from generator.ir.model import Document, Operation
from generator.ir.naming import NameRegistry, pascal, safe_identifier, snake
from generator.plans.uploads import Uploads

PARAMS_ALIAS = "_p"
MODELS_ALIAS = "_m"
# Names the generated method bodies and signatures use; a field keyword never takes one.
METHOD_NAMES = frozenset(
    {
        "self",
        "body",
        "content_type",
        "extra_headers",
        "extra_query",
        "extra_body",
        "timeout",
        "max_retries",
        "cast",
        "httpx",
        "_t",
        "_m",
        "_e",
        "_p",
        "_f",
        "_s",
        "_pg",
        "overload",
        "RawResponse",
        "Any",
        "Literal",
        "Mapping",
        "Sequence",
        "builtins",
    }
)
_SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None"}


@dataclass(frozen=True, slots=True)
class FieldParam:
    name: str  # the property name in the document
    python_name: str  # the keyword argument
    annotation: str
    required: bool
    description: str

    @property
    def argument(self) -> str:
        """The keyword's annotation: the type or `NotGiven` (None, when allowed, stays last)."""
        if self.annotation.endswith(" | None"):
            return self.annotation[: -len(" | None")] + " | _t.NotGiven | None"
        if self.annotation == "None":
            return "_t.NotGiven | None"
        return self.annotation + " | _t.NotGiven"


@dataclass(frozen=True, slots=True)
class TypedDictPlan:
    name: str
    fields: tuple[tuple[str, str, bool], ...]  # (key, annotation, required)
    description: str

    @property
    def class_form(self) -> bool:
        """Written as a class (`class X(TypedDict, total=False)`), the form ruff's pyupgrade
        (UP013) gives it, when every key can be an attribute: an identifier, not a keyword,
        not private or a dunder (`__x`); else the functional form, `TypedDict("X", {...})`."""
        return all(
            key.isidentifier() and not keyword.iskeyword(key) and not key.startswith("__")
            for key, _, _ in self.fields
        )


class BodyParams:
    """Keyword fields of every operation's body and the `TypedDict`s they use (one per document)."""

    def __init__(self, doc: Document) -> None:
        self.uploads = Uploads(doc)
        self.by_pointer = {s.source_pointer: s for s in doc.schemas}
        self.typed_dicts: dict[str, TypedDictPlan] = {}  # by name, in creation order
        self._names = NameRegistry()
        self._component_dicts: dict[str, str] = {}  # source pointer -> TypedDict name
        self._active: set[int] = set()
        self._inline: dict[int, str] = {}  # id of an inline object schema -> its TypedDict

    # -- bodies ----------------------------------------------------------------------------------

    def fields(self, op: Operation, taken: set[str]) -> tuple[FieldParam, ...]:
        body = op.request_body
        if body is None or len(body.content) != 1:
            return ()
        media = body.content[0]
        if media.kind not in ("json", "form", "multipart"):
            return ()
        obj = self._object(media.schema, 0)
        if obj is None:
            return ()
        properties, required = obj
        if not properties:
            return ()
        names = NameRegistry(METHOD_NAMES | frozenset(taken))
        found = []
        for prop, schema in properties.items():
            wanted = prop if prop.isidentifier() and not keyword.iskeyword(prop) else None
            wanted = wanted or safe_identifier(snake(prop, "field"))
            if keyword.iskeyword(wanted) or keyword.issoftkeyword(wanted):
                wanted += "_"
            python_name = names.claim(wanted)
            # A multipart file part takes bytes, a path, a binary file or a tuple (uploads.py).
            file = (
                self.uploads.annotation(schema, dict(media.encoding).get(prop))
                if media.kind == "multipart"
                else None
            )
            annotation = file or self.annotation(
                schema, op.class_stem + "Request" + pascal(prop, "Field")
            )
            description = schema.get("description", "") if isinstance(schema, dict) else ""
            found.append(
                FieldParam(prop, python_name, annotation, prop in required, str(description))
            )
        return tuple(found)

    # -- types ----------------------------------------------------------------------------------

    def _target(self, ref: str) -> Any:
        named = self.by_pointer.get(ref[1:] if ref.startswith("#") else ref)
        return named

    def _object(self, schema: Any, depth: int) -> tuple[dict[str, Any], set[str]] | None:
        """(properties, required) when `schema` is an object with properties, else None."""
        if depth > 20 or not isinstance(schema, dict):
            return None
        ref = schema.get("$ref")
        if isinstance(ref, str):
            named = self._target(ref)
            return None if named is None else self._object(named.schema, depth + 1)
        if isinstance(schema.get("allOf"), list) and not schema.get("properties"):
            parts = schema["allOf"]
            merged: dict[str, Any] = {}
            required: set[str] = set()
            for part in parts:
                got = self._object(part, depth + 1)
                if got is None:
                    return None
                merged.update(got[0])
                required |= got[1]
            return (merged, required) if merged else None
        props = schema.get("properties")
        if not isinstance(props, dict) or not props:
            return None
        if schema.get("type") not in (None, "object") or any(
            k in schema for k in ("anyOf", "oneOf", "allOf", "not")
        ):
            return None
        req = schema.get("required")
        return {str(k): v for k, v in props.items()}, (
            {str(r) for r in req} if isinstance(req, list) else set()
        )

    def annotation(self, schema: Any, stem: str) -> str:
        if isinstance(schema, dict) and "$ref" in schema:
            return self._annotation(schema, stem)  # the target schema is guarded instead
        key = id(schema)
        if key in self._active:
            return "Any"
        self._active.add(key)
        try:
            return self._annotation(schema, stem)
        finally:
            self._active.discard(key)

    def _annotation(self, schema: Any, stem: str) -> str:
        if not isinstance(schema, dict):
            return "Any"
        ref = schema.get("$ref")
        if isinstance(ref, str):
            named = self._target(ref)
            if named is None:
                return "Any"
            if self._object(named.schema, 0) is not None:
                name = self._component_dicts.get(named.source_pointer)
                if name is None:
                    name = self._names.claim(named.python_name + "Param")
                    self._component_dicts[named.source_pointer] = name
                    self._typed_dict(name, named.schema, named.python_name)
                return f"{PARAMS_ALIAS}.{name} | {MODELS_ALIAS}.{named.python_name}"
            return self.annotation(named.schema, named.python_name)
        nullable = schema.get("nullable") is True
        text = self._plain(schema, stem)
        if nullable and text not in ("Any", "None") and not text.endswith("| None"):
            text += " | None"
        return text

    def _plain(self, schema: dict[str, Any], stem: str) -> str:
        if "const" in schema:
            return _literal([schema["const"]]) or "Any"
        if isinstance(schema.get("enum"), list):
            return _literal(schema["enum"]) or self._typed(schema, stem)
        for key in ("anyOf", "oneOf"):
            if isinstance(schema.get(key), list) and schema[key]:
                return _union(
                    [self.annotation(s, f"{stem}Option{i + 1}") for i, s in enumerate(schema[key])]
                )
        if isinstance(schema.get("allOf"), list):
            parts = schema["allOf"]
            if self._object(schema, 0) is not None:
                return self._inline_dict(schema, stem)
            if len(parts) == 1:
                return self.annotation(parts[0], stem)
            return "Any"
        return self._typed(schema, stem)

    def _typed(self, schema: dict[str, Any], stem: str) -> str:
        kind = schema.get("type")
        if isinstance(kind, list):
            return _union([self._typed({**schema, "type": k}, stem) for k in kind])
        if kind in _SCALARS:
            return _SCALARS[kind]
        if kind == "array":
            return f"Sequence[{self.annotation(schema.get('items'), stem + 'Item')}]"
        if kind in ("object", None):
            if self._object(schema, 0) is not None:
                return self._inline_dict(schema, stem)
            extra = schema.get("additionalProperties")
            if kind == "object" or extra is not None:
                value = self.annotation(extra, stem + "Value") if isinstance(extra, dict) else "Any"
                return f"Mapping[str, {value}]"
        return "Any"

    def _inline_dict(self, schema: dict[str, Any], stem: str) -> str:
        # One schema object reached from several places (a component's property) is one TypedDict.
        name = self._inline.get(id(schema))
        if name is None:
            name = self._inline[id(schema)] = self._names.claim(pascal(stem, "Body") + "Param")
            self._typed_dict(name, schema, stem)
        return f"{PARAMS_ALIAS}.{name}"

    def _typed_dict(self, name: str, schema: Any, stem: str) -> None:
        self.typed_dicts[name] = TypedDictPlan(name, (), "")  # reserved before recursing
        got = self._object(schema, 0)
        assert got is not None
        properties, required = got
        fields = tuple(
            (
                prop,
                self.annotation(sub, stem + pascal(prop, "Field")).replace(f"{PARAMS_ALIAS}.", ""),
                prop in required,
            )
            for prop, sub in properties.items()
        )
        description = schema.get("description", "") if isinstance(schema, dict) else ""
        self.typed_dicts[name] = TypedDictPlan(name, fields, str(description))


def _literal(values: list[Any]) -> str | None:
    scalars = [v for v in values if v is None or isinstance(v, str | int | bool)]
    if len(scalars) != len(values) or not scalars:
        return None
    shown = ", ".join(repr(v) for v in scalars if v is not None)
    text = f"Literal[{shown}]" if shown else ""
    if None in scalars:
        return f"{text} | None" if text else "None"
    return text


def _union(parts: list[str]) -> str:
    if "Any" in parts:
        return "Any"
    seen: list[str] = []
    for part in parts:
        for piece in part.split(" | ") if "[" not in part else [part]:
            if piece not in seen:
                seen.append(piece)
    if "None" in seen:
        seen = [p for p in seen if p != "None"] + ["None"]
    return " | ".join(seen) if seen else "Any"
