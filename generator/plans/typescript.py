"""The TypeScript side of the intermediate model: every type of `types.d.ts`, decided once.

The shape follows the conventions web teams already use with openapi-typescript and
openapi-fetch (`paths`, `operations`, `components`, `webhooks`), so `createClient<paths>()`
types every call. Decisions made here, which the emitter (generator/emit/typescript.py) only
renders:

- a JSON Schema becomes a TypeScript type (objects, `additionalProperties`, `oneOf`/`anyOf`/
  `allOf`, enums and `const`, `nullable` and 3.1 `null`, tuples, discriminators); references to
  components stay references, so recursion is just a type that names itself;
- a request or response body that is structurally identical to a component schema is typed
  as that component (the realtime-token 200 and 500 bodies are `RealtimeTokenResponse`, the
  tools list is `ChattyToolDefinition[]`), as the Python side does;
- JSDoc from titles, summaries, descriptions, formats, defaults, examples, `deprecated`,
  `readOnly` and `writeOnly`;
- what a client sends and what a server sends differ where a schema says so: a property with a
  `default` is required in what a server sends (it fills the default in) but optional in what a
  client sends; a `readOnly` property is optional in what a client sends, a `writeOnly` one in
  what a server sends. `components["schemas"]` holds what a server sends; a component whose
  request form differs also gets one in `requestSchemas`, which request bodies and parameters
  use (openapi-typescript 7 types both with one form, so OpenAI's minimal chat request, two
  properties, does not compile there);
- a discriminator's tags are decided by `generator.plans.discriminator`, as for the Python models;
- a `null` branch of `anyOf`/`oneOf` makes the whole schema nullable, whatever keywords stand
  beside the union (the Python models read it so too).

Where a decision differs on purpose from what openapi-typescript 7 writes for the same
document, the plan records a `Divergence` (where, and why): the compatibility tests accept a
difference between the two only where a divergence explains it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from generator import memory
from generator.errors import split_pointer, unescape_pointer_token
from generator.loader.refs import resolve_pointer
from generator.loader.repair import is_synthesized_response
from generator.plans.discriminator import discriminator_tags, limited_values
from generator.schema_walk import _LIST as _WALK_LIST
from generator.schema_walk import _MAP as _WALK_MAP
from generator.schema_walk import _NESTING, HTTP_METHODS, path_item_operations

# -- the type language ------------------------------------------------------------------------
# A type is a plain string for a leaf (`string`, `null`, `"cat"`, `components["schemas"]["Pet"]`)
# or one of the nodes below. Leaves are strings because there are hundreds of thousands of them
# in a large document and they render as they are. The nodes are not frozen: a frozen
# dataclass's __init__ costs three times as much, and nothing here mutates them.


@dataclass(slots=True)
class TsProp:
    name: str  # as written in the document
    type: TsType
    optional: bool = False
    readonly: bool = False
    doc: tuple[str, ...] = ()  # JSDoc lines, without the comment markers


@dataclass(slots=True)
class TsObject:
    props: tuple[TsProp, ...] = ()
    index: TsType | None = None  # `[key: string]: index`
    index_name: str = "key"


@dataclass(slots=True)
class TsArray:
    item: TsType


@dataclass(slots=True)
class TsTuple:
    items: tuple[TsType, ...]


@dataclass(slots=True)
class TsUnion:
    items: tuple[TsType, ...]


@dataclass(slots=True)
class TsIntersection:
    items: tuple[TsType, ...]


@dataclass(slots=True)
class TsGeneric:
    name: str  # a helper type the file declares (see HELPERS)
    args: tuple[TsType, ...]


TsType = str | TsObject | TsArray | TsTuple | TsUnion | TsIntersection | TsGeneric

UNKNOWN = "unknown"
NEVER = "never"
NULL = "null"

# Helper types the file declares when a type uses them.
HELPERS = {
    "WithRequired": "export type WithRequired<T, K extends keyof T> = T & { [P in K]-?: T[P] };",
}


@dataclass(frozen=True, slots=True)
class Divergence:
    pointer: str  # where in the document the decision was made
    reason: str


@dataclass
class TsPlan:
    """Everything `types.d.ts` declares, in document order."""

    title: str
    version: str
    paths: TsObject
    webhooks: TsObject | None  # None: the document has none
    components: TsObject
    operations: TsObject | None  # None: no operation has an operationId
    helpers: tuple[str, ...]
    divergences: tuple[Divergence, ...] = ()
    # Component schemas as a client sends them, where that differs from `components`.
    request_schemas: TsObject | None = None
    # The run-time part: the component schemas as JSON Schema 2020-12 (refs `#/$defs/<name>`),
    # and the document's first absolute server URL.
    json_schemas: dict[str, Any] = field(default_factory=dict)
    default_base_url: str | None = None


# -- reasons for deliberate divergences (kept short: they are listed in reports) ---------------
FREE_FORM = (
    "a free-form `type: object` is any object (`{ [key: string]: unknown }`); openapi-typescript "
    "7 without --empty-objects-unknown writes `Record<string, never>`, which only `{}` fits"
)
COMPOSITION = (
    "properties beside `anyOf`/`oneOf` must hold as well as one branch (an intersection); "
    "openapi-typescript 7 writes a union of the properties and the branches"
)
DISCRIMINATOR_TARGET = (
    'a discriminator narrows its property where the union is (`Cat & { petType: "cat" }`); '
    "openapi-typescript 7 narrows it inside the mapped component itself"
)
DISCRIMINATOR_PARENT = (
    "`allOf` with a discriminated parent is the parent plus the rest; openapi-typescript 7 omits "
    "the parent's discriminator and sets it to the child's mapping value"
)
OUTSIDE_REF = (
    "a reference into something other than a component (or a cycle through such references) "
    "is typed as its target; openapi-typescript 7 indexes its own types by the pointer"
)
NESTED_COMPONENT = (
    "a body identical to a component is typed as that component; where the component's types "
    "differ from openapi-typescript's inline ones, so does the body"
)

CLOSED_EMPTY = (
    "an object without properties and `additionalProperties: false` admits only `{}` "
    "(`Record<string, never>`); openapi-typescript 7 with emptyObjectsUnknown writes any object"
)
REQUEST_FORM = (
    "what a client sends differs from what a server sends (a `default`, `readOnly` or "
    "`writeOnly` property): request bodies use `requestSchemas`; openapi-typescript 7 has one "
    "form, where a defaulted property is required even in a request"
)
WRITE_ONLY = (
    "a `writeOnly` property is optional in what a server sends; openapi-typescript 7 keeps it "
    "as the schema's `required` says"
)
NULL_BRANCH = (
    "a `null` branch of `anyOf`/`oneOf` makes the schema nullable, whatever stands beside the "
    "union; openapi-typescript 7 intersects the siblings with the union, dropping `null`"
)

DEFAULT_IN_REQUEST_NAMED = (
    "a property with a default is required in what a server sends; openapi-typescript 7 makes "
    "it optional wherever the schema's pointer merely contains `parameters` or `requestBody`"
)
_REQUEST_WORDS = re.compile(r"parameters|requestBod")
# Schemas of these types without any of the other keywords are their TypeScript primitive.
_SIMPLE = {"string": "string", "integer": "number", "number": "number", "boolean": "boolean"}
_NOT_SIMPLE = frozenset(
    {"$ref", "const", "enum", "allOf", "anyOf", "oneOf", "nullable", "properties"}
    | {"additionalProperties"}
)
_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
_COMPONENT_KINDS = ("schemas", "responses", "parameters", "requestBodies", "headers", "pathItems")
_PARAM_LOCATIONS = ("query", "header", "path", "cookie")


@lru_cache(maxsize=65536)  # a large document repeats its property names many times over
def property_key(name: str) -> str:
    """A property name as TypeScript source: bare when it can be, else a quoted string."""
    if _IDENTIFIER.match(name) or (name.isdigit() and str(int(name)) == name):
        return name
    return json.dumps(name, ensure_ascii=False)


def quoted(text: str) -> str:
    """`text` as a TypeScript string literal (JSON's escaping; the common case without json)."""
    if text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return json.dumps(text, ensure_ascii=False)


def literal(value: Any) -> str:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, str):
        return quoted(value)
    return UNKNOWN  # objects and arrays as enum members: no literal type for them


def union(items: list[TsType]) -> TsType:
    flat: list[TsType] = []
    for item in items:
        for part in item.items if isinstance(item, TsUnion) else (item,):
            if part not in flat:
                flat.append(part)
    if not flat:
        return NEVER
    if UNKNOWN in flat:
        return UNKNOWN
    if len(flat) > 1 and NEVER in flat:
        flat.remove(NEVER)
    return flat[0] if len(flat) == 1 else TsUnion(tuple(flat))


def intersection(items: list[TsType]) -> TsType:
    flat: list[TsType] = []
    for item in items:
        for part in item.items if isinstance(item, TsIntersection) else (item,):
            if part != UNKNOWN and part not in flat:
                flat.append(part)
    if not flat:
        return UNKNOWN
    return flat[0] if len(flat) == 1 else TsIntersection(tuple(flat))


_DOC_KEYS = frozenset(
    {
        "title",
        "summary",
        "format",
        "deprecated",
        "readOnly",
        "writeOnly",
        "description",
        "default",
        "example",
        "examples",
    }
)


def jsdoc(node: Any) -> tuple[str, ...]:
    """JSDoc lines for a schema, parameter, media type or operation."""
    if not isinstance(node, dict) or _DOC_KEYS.isdisjoint(node):
        return ()
    get = node.get  # one lookup per keyword: jsdoc runs for every property of the document
    lines: list[str] = []
    for key in ("title", "summary"):
        value = get(key)
        if isinstance(value, str) and value:
            lines.append(value)
    value = get("format")
    if isinstance(value, str):
        lines.append(f"Format: {value}")
    if get("deprecated") is True:
        lines.append("@deprecated")
    if get("readOnly") is True:
        lines.append("@readOnly sent by the server only")
    if get("writeOnly") is True:
        lines.append("@writeOnly sent by the client only")
    value = get("description")
    if isinstance(value, str) and value:
        lines.append(f"@description {value}")
    for key in ("default", "example"):
        if key in node:
            lines.append(f"@{key} {_shown(node[key])}")
    value = get("examples")
    if isinstance(value, list):
        lines += [f"@example {_shown(v)}" for v in value]
    return tuple(lines)


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


# -- building the plan -------------------------------------------------------------------------


def join_pointer(base: str, *tokens: str | int) -> str:
    """generator.errors.join_pointer, without a generator per call: it runs per subschema."""
    for token in tokens:
        text = str(token)
        if "~" in text or "/" in text:
            text = text.replace("~", "~0").replace("/", "~1")
        base = f"{base}/{text}"
    return base


def same_as_key(schema: Any) -> str:
    """Equal for two schemas written identically (key order aside)."""
    return json.dumps(schema, sort_keys=True, separators=(",", ":"))


def build_typescript_plan(doc: dict[str, Any]) -> TsPlan:
    """The TypeScript declarations of the document as published (no overlays)."""
    # The collector would traverse the whole loaded document at every collection the plan's
    # allocations set off (a quarter of the CPU on GitHub's description); the plan makes no cycles.
    with memory.collector_paused():
        return _Builder(doc).build()


def component_ref(kind: str, name: str) -> str:
    return f'components["{kind}"][{quoted(name)}]'


def request_ref(name: str) -> str:
    return f"requestSchemas[{quoted(name)}]"


class _Builder:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.components = doc.get("components") or {}
        self.schemas = self.components.get("schemas") or {}
        self.divergences: dict[tuple[str, str], None] = {}
        self.helpers: dict[str, None] = {}
        self.resolving: set[str] = set()
        # A body written exactly like a component is that component. Schemas with defaults are
        # left alone: a default makes a property required in what a server sends but not in
        # what a client sends, so where a schema stands matters.
        # Components are grouped by a cheap shape first; only a body whose shape some
        # component has is serialised and compared.
        self.by_shape: dict[tuple[Any, ...], list[str]] = {}
        self.by_canonical: dict[str, str] = {}
        for name, schema in self.schemas.items():
            if isinstance(schema, dict) and "$ref" not in schema and _is_structural(schema):
                self.by_shape.setdefault(_shape(schema), []).append(name)
        self.component_refs: dict[str, str] = {}  # `$ref` -> its indexed access
        self.operations: list[TsProp] = []  # by operationId, in document order
        self.differs = _request_form_differs(self.schemas)
        self.request_forms: dict[str, None] = {}  # the request forms used, in first-use order
        self.targets: dict[str, Any] = {}  # `$ref` -> what _deref found there

    def note(self, pointer: str, reason: str) -> None:
        self.divergences.setdefault((pointer, reason), None)

    def build(self) -> TsPlan:
        info = self.doc.get("info") or {}
        paths = self._paths(self.doc.get("paths") or {}, "/paths")
        webhooks_raw = self.doc.get("webhooks")
        webhooks = (
            self._paths(webhooks_raw, "/webhooks")
            if isinstance(webhooks_raw, dict) and webhooks_raw
            else None
        )
        components = TsObject(
            tuple(TsProp(kind, self._components(kind)) for kind in _COMPONENT_KINDS)
        )
        request_schemas = self._request_schemas()
        return TsPlan(
            title=str(info.get("title", "API")),
            version=str(info.get("version", "0.0.0")),
            paths=paths,
            webhooks=webhooks,
            components=components,
            operations=TsObject(tuple(self.operations)) if self.operations else None,
            helpers=tuple(HELPERS[h] for h in self.helpers),
            divergences=tuple(Divergence(p, r) for p, r in self.divergences),
            request_schemas=request_schemas,
            json_schemas=component_json_schemas(self.doc),
            default_base_url=next(
                (
                    str(s["url"])
                    for s in self.doc.get("servers") or []
                    if isinstance(s, dict)
                    and str(s.get("url", "")).startswith(("http://", "https://"))
                ),
                None,
            ),
        )

    def _request_schemas(self) -> TsObject | None:
        """The request form of every component a request uses (building one can use more)."""
        built: dict[str, TsProp] = {}
        while len(built) < len(self.request_forms):
            for name in list(self.request_forms):
                if name not in built:
                    at = join_pointer("/components/schemas", name)
                    self.note(at, REQUEST_FORM)
                    type_ = self.schema(self.schemas[name], at, request=True)
                    built[name] = TsProp(name, type_, doc=jsdoc(self.schemas[name]))
        if not built:
            return None
        return TsObject(tuple(built[name] for name in sorted(built)))

    def _component(self, name: str, request: bool) -> str:
        """A component schema's type: its request form in a request, where that differs."""
        if request and name in self.differs:
            self.request_forms.setdefault(name, None)
            return request_ref(name)
        return component_ref("schemas", name)

    # -- components ----------------------------------------------------------------------------

    def _components(self, kind: str) -> TsType:
        items = self.components.get(kind) or {}
        if not isinstance(items, dict) or not items:
            return NEVER
        props = []
        for name, item in items.items():
            at = join_pointer("/components", kind, name)
            if kind == "schemas":
                type_ = self.schema(item, at, request=False)
            elif kind == "responses":
                type_ = self._response(item, at)
            elif kind == "parameters":
                param = self._deref(item)
                type_ = self._parameter_type(param, at)
            elif kind == "requestBodies":
                type_ = self._request_body(item, at)
            elif kind == "headers":
                type_ = self._header(item, at)
            else:
                type_ = self._path_item(item, at)
            props.append(TsProp(str(name), type_, doc=jsdoc(item)))
        return TsObject(tuple(props))

    # -- paths and operations --------------------------------------------------------------------

    def _paths(self, raw: dict[str, Any], base: str) -> TsObject:
        props = []
        for key, item in raw.items():
            at = join_pointer(base, key)
            props.append(TsProp(str(key), self._path_item(item, at)))
        return TsObject(tuple(props))

    def _path_item(self, item: Any, at: str) -> TsType:
        if isinstance(item, dict) and isinstance(item.get("$ref"), str):
            return self.ref(item["$ref"], at)
        item = item if isinstance(item, dict) else {}
        shared = item.get("parameters") or []
        props = [TsProp("parameters", self._parameters(shared, join_pointer(at, "parameters")))]
        # openapi-typescript's path item: the eight 3.0/3.1 methods, `never` when absent; an
        # OpenAPI 3.2 `query` or `additionalOperations` method only where the document has one.
        present = {tokens: (method, op) for method, tokens, op in path_item_operations(item)}
        slots: list[tuple[str, tuple[str, ...]]] = [(m, (m,)) for m in HTTP_METHODS if m != "query"]
        slots += [(m, t) for t, (m, _) in present.items() if t not in dict(slots).values()]
        for method, tokens in slots:
            if tokens not in present:
                props.append(TsProp(method, NEVER, optional=True))
                continue
            op = present[tokens][1]
            op_at = join_pointer(at, *tokens)
            merged = self._merged_parameters(shared, op.get("parameters") or [])
            body = self._operation(op, op_at, merged)
            op_id = op.get("operationId")
            if isinstance(op_id, str) and op_id:
                op_key = op_id.replace("#", "/")
                self.operations.append(TsProp(op_key, body))
                type_: TsType = f"operations[{json.dumps(op_key, ensure_ascii=False)}]"
            else:
                type_ = body
            props.append(TsProp(method, type_, doc=jsdoc(op)))
        return TsObject(tuple(props))

    def _merged_parameters(self, shared: list[Any], own: list[Any]) -> list[Any]:
        """Path-item parameters overridden by operation parameters of the same name and place."""
        merged: dict[str, Any] = {}
        for raw in [*shared, *own]:
            param = self._deref(raw)
            if isinstance(param, dict):
                merged[f"{param.get('in')}-{param.get('name')}"] = raw
        return list(merged.values())

    def _operation(self, op: dict[str, Any], at: str, parameters: list[Any]) -> TsObject:
        props = [TsProp("parameters", self._parameters(parameters, at))]
        raw_body = op.get("requestBody")
        if raw_body is None:
            props.append(TsProp("requestBody", NEVER, optional=True))
        else:
            body = self._deref(raw_body)
            required = isinstance(body, dict) and body.get("required") is True
            type_ = (
                self.ref(raw_body["$ref"], at)
                if isinstance(raw_body, dict) and "$ref" in raw_body
                else self._request_body(raw_body, join_pointer(at, "requestBody"))
            )
            props.append(TsProp("requestBody", type_, optional=not required, doc=jsdoc(body)))
        responses = op.get("responses") or {}
        response_props = []
        for status, raw in responses.items():
            if is_synthesized_response(raw):
                # The lenient loader's stand-in for "no responses": the document types none.
                continue
            response_at = join_pointer(at, "responses", status)
            type_ = (
                self.ref(raw["$ref"], response_at)
                if isinstance(raw, dict) and "$ref" in raw
                else self._response(raw, response_at)
            )
            response_props.append(TsProp(str(status), type_, doc=jsdoc(self._deref(raw))))
        props.append(
            TsProp("responses", TsObject(tuple(response_props)) if response_props else NEVER)
        )
        return TsObject(tuple(props))

    def _parameters(self, parameters: list[Any], at: str) -> TsObject:
        """`{query?, header?, path?, cookie?}`: what openapi-fetch's `params` option takes."""
        by_location: dict[str, list[TsProp]] = {loc: [] for loc in _PARAM_LOCATIONS}
        for raw in parameters:
            param = self._deref(raw)
            if not isinstance(param, dict) or param.get("in") not in by_location:
                continue
            location, name = str(param["in"]), str(param.get("name"))
            if isinstance(raw, dict) and "$ref" in raw:
                type_ = self.ref(raw["$ref"], at)
            else:
                type_ = self._parameter_type(param, join_pointer(at, "parameters", location, name))
            optional = location != "path" and param.get("required") is not True
            by_location[location].append(TsProp(name, type_, optional, doc=jsdoc(param)))
        props = []
        for location in _PARAM_LOCATIONS:
            members = by_location[location]
            all_optional = all(p.optional for p in members)
            props.append(
                TsProp(
                    location,
                    TsObject(tuple(members)) if members else NEVER,
                    optional=all_optional,
                )
            )
        return TsObject(tuple(props))

    def _parameter_type(self, param: Any, at: str) -> TsType:
        if not isinstance(param, dict):
            return UNKNOWN
        if "schema" in param:
            return self.schema(param["schema"], join_pointer(at, "schema"), request=True)
        content = param.get("content")
        if isinstance(content, dict) and content:
            media, media_obj = next(iter(content.items()))
            schema = media_obj.get("schema") if isinstance(media_obj, dict) else None
            if schema is not None:
                return self.schema(schema, join_pointer(at, "content", media), request=True)
        return "string"

    def _request_body(self, raw: Any, at: str) -> TsType:
        body = self._deref(raw)
        content = body.get("content") if isinstance(body, dict) else None
        members = (
            self._content(content, join_pointer(at, "content"), request=True)
            if isinstance(content, dict) and content
            else (TsProp("*/*", NEVER, optional=True),)
        )
        return TsObject((TsProp("content", TsObject(members)),))

    def _response(self, raw: Any, at: str) -> TsType:
        response = self._deref(raw)
        response = response if isinstance(response, dict) else {}
        headers = []
        for name, raw_header in (response.get("headers") or {}).items():
            header = self._deref(raw_header)
            is_ref = isinstance(raw_header, dict) and "$ref" in raw_header
            type_ = (
                self.ref(raw_header["$ref"], at)
                if is_ref
                else self._header(raw_header, join_pointer(at, "headers", name))
            )
            required = is_ref or (isinstance(header, dict) and header.get("required") is True)
            headers.append(TsProp(str(name), type_, not required, doc=jsdoc(header)))
        props = [TsProp("headers", TsObject(tuple(headers), UNKNOWN, "name"))]
        content = response.get("content")
        if isinstance(content, dict) and content:
            props.append(
                TsProp(
                    "content",
                    TsObject(self._content(content, join_pointer(at, "content"), request=False)),
                )
            )
        else:
            props.append(TsProp("content", NEVER, optional=True))
        return TsObject(tuple(props))

    def _header(self, raw: Any, at: str) -> TsType:
        header = self._deref(raw)
        if not isinstance(header, dict):
            return UNKNOWN
        if "schema" in header:
            return self.schema(header["schema"], join_pointer(at, "schema"), request=False)
        content = header.get("content")
        if isinstance(content, dict) and content:
            return TsObject(self._content(content, at, request=False))
        return UNKNOWN

    def _content(self, content: dict[str, Any], at: str, request: bool) -> tuple[TsProp, ...]:
        props = []
        for media, media_obj in content.items():
            media_at = join_pointer(at, media)
            media_obj = media_obj if isinstance(media_obj, dict) else {}
            if "schema" not in media_obj:
                type_: TsType = UNKNOWN
            else:
                type_ = self.body_schema(
                    media_obj["schema"], join_pointer(media_at, "schema"), request
                )
            props.append(TsProp(str(media), type_, doc=jsdoc(media_obj)))
        return tuple(props)

    def body_schema(self, schema: Any, at: str, request: bool) -> TsType:
        """A body's type: the component it is identical to, else its own type."""
        if isinstance(schema, dict) and "$ref" not in schema:
            name = self._same_component(schema)
            if name is not None:
                self.note(at, NESTED_COMPONENT)
                return self._component(name, request)
            if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
                item_name = self._same_component(schema["items"])
                if item_name is not None and set(schema) <= {"type", "items", "description"}:
                    self.note(at, NESTED_COMPONENT)
                    array: TsType = TsArray(self._component(item_name, request))
                    return array
        return self.schema(schema, at, request)

    def _same_component(self, schema: Any) -> str | None:
        if not isinstance(schema, dict) or "$ref" in schema or not _is_structural(schema):
            return None
        shape = _shape(schema)
        if shape not in self.by_shape:
            return None
        for name in self.by_shape[shape]:
            key = same_as_key(self.schemas[name])
            if '"default":' not in key:
                self.by_canonical.setdefault(key, name)
        self.by_shape[shape] = []  # serialised once
        return self.by_canonical.get(same_as_key(schema))

    # -- schemas -------------------------------------------------------------------------------

    def _deref(self, node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        first = node.get("$ref")
        if not isinstance(first, str):
            return node
        # What a reference leads to depends on the reference alone: shared parameters and
        # responses are looked up again by every operation that uses them.
        known = self.targets.get(first)
        if known is None:
            known = self.targets[first] = self._follow(node)
        return known

    def _follow(self, node: Any) -> Any:
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen or not ref.startswith("#"):
                return {}
            seen.add(ref)
            try:
                node = resolve_pointer(self.doc, ref[1:])
            except (KeyError, IndexError, ValueError, TypeError):
                return {}
        return node

    def ref(self, ref: str, at: str, request: bool = False) -> TsType:
        """A reference: an indexed access into `components`, else the target's own type."""
        if request and ref.startswith("#/components/schemas/"):
            name = unescape_pointer_token(ref.removeprefix("#/components/schemas/"))
            if name in self.differs:
                return self._component(name, request)
        known = self.component_refs.get(ref)
        if known is not None:
            return known
        if not ref.startswith("#/"):
            return UNKNOWN
        try:
            tokens = split_pointer(ref[1:])
        except ValueError:
            return UNKNOWN
        if (
            len(tokens) == 3
            and tokens[0] == "components"
            and tokens[1] in _COMPONENT_KINDS
            and tokens[2] in (self.components.get(tokens[1]) or {})
        ):
            self.component_refs[ref] = component_ref(tokens[1], tokens[2])
            return self.component_refs[ref]
        if (
            len(tokens) > 3
            and tokens[:2] == ["components", "schemas"]
            and len(tokens) % 2 == 1
            and all(t == "properties" for t in tokens[3::2])
            and tokens[2] in self.schemas
        ):
            # A property of a component schema: index into the component's type.
            return component_ref("schemas", tokens[2]) + "".join(
                f"[{json.dumps(t, ensure_ascii=False)}]" for t in tokens[4::2]
            )
        self.note(at, OUTSIDE_REF)
        if ref in self.resolving:
            return UNKNOWN
        self.resolving.add(ref)
        try:
            target = resolve_pointer(self.doc, ref[1:])
            return self.schema(target, ref[1:], request=False)
        except (KeyError, IndexError, ValueError, TypeError):
            return UNKNOWN
        finally:
            self.resolving.discard(ref)

    def schema(self, s: Any, at: str, request: bool) -> TsType:
        if s is None or s is False:
            return NEVER
        if s is True or not isinstance(s, dict):
            return UNKNOWN
        declared = s.get("type")
        simple = _SIMPLE.get(declared) if isinstance(declared, str) else None
        if simple is not None and _NOT_SIMPLE.isdisjoint(s):
            return simple  # most schemas of a large document: a plain string, number...
        if isinstance(s.get("$ref"), str):
            return self.ref(s["$ref"], at, request)
        if s.get("const") is not None:
            return literal(s["const"])
        nullable = s.get("nullable") is True
        if (
            isinstance(s.get("enum"), list)
            and declared != "object"
            and "properties" not in s
            and "additionalProperties" not in s
        ):
            members: list[TsType] = [literal(v) for v in s["enum"]]
            if nullable or (isinstance(declared, list) and "null" in declared):
                members.append(NULL)
            return union(members)
        # `null` in a 3.1 type list is nullability, whatever else the schema says (`allOf`...).
        null_listed = isinstance(declared, list) and "null" in declared
        if isinstance(declared, list):
            others = [t for t in declared if t != "null"]
            declared = others[0] if len(others) == 1 else (others or "null")
            s = {**s, "type": declared}
        parts: list[TsType] = []
        core = self._core(s, at, request)
        if core is not None:
            parts.append(core)
        required: list[Any] = s["required"] if isinstance(s.get("required"), list) else []
        for i, item in enumerate(s.get("allOf") or []):
            parts.append(self._all_of_part(item, join_pointer(at, "allOf", i), required, request))
        final: TsType | None = intersection(parts) if parts else None
        for keyword in ("anyOf", "oneOf"):
            branches = s.get(keyword)
            if not isinstance(branches, list) or not branches:
                continue
            if parts and any(_is_null_branch(b) for b in branches):
                # `{type: object, properties..., anyOf: [{$ref: X}, {type: null}]}`: the author
                # means "X, or null" (the Python models read it so); intersected with the
                # siblings, `null` would vanish.
                null_listed = True
                self.note(at, NULL_BRANCH)
                kept = [b for b in branches if not _is_null_branch(b)]
                branches = kept or branches
            types = self._branches(s, branches, join_pointer(at, keyword), request)
            if final is None:
                final = union(types)
            else:
                self.note(at, COMPOSITION)
                final = intersection([final, union(types)])
        if final is None:
            final = self._empty_object(s, at) if "type" in s else UNKNOWN
        if (nullable or null_listed) and final != UNKNOWN:
            final = union([final, NULL])
        return final

    def _empty_object(self, s: dict[str, Any], at: str) -> TsType:
        """A typed schema that says nothing more: any object, unless it forbids every property."""
        if s.get("additionalProperties") is False:
            self.note(at, CLOSED_EMPTY)
            return "Record<string, never>"
        if s.get("type") not in ("object", None):
            return "Record<string, never>"
        self.note(at, FREE_FORM)
        return TsObject((), UNKNOWN)

    def _branches(
        self, s: dict[str, Any], branches: list[Any], at: str, request: bool
    ) -> list[TsType]:
        discriminator = s.get("discriminator")
        prop = discriminator.get("propertyName") if isinstance(discriminator, dict) else None
        mapping = (discriminator or {}).get("mapping") if isinstance(prop, str) else None
        for target in (mapping or {}).values():
            if isinstance(target, str) and target.startswith("#"):
                self.note(target[1:], DISCRIMINATOR_TARGET)
        refs = [
            b["$ref"] for b in branches if isinstance(b, dict) and isinstance(b.get("$ref"), str)
        ]
        tags = (
            discriminator_tags(
                [(str(v), _mapped_ref(t, refs)) for v, t in (mapping or {}).items()]
                if isinstance(mapping, dict)
                else [],
                list(dict.fromkeys(refs)),
                lambda ref: self._own_values(ref, prop),
                lambda ref: unescape_pointer_token(ref.rsplit("/", 1)[-1]),
                _mapped_ref((discriminator or {}).get("defaultMapping"), refs),
            )
            if isinstance(prop, str)
            else None
        )
        types = []
        for i, branch in enumerate(branches):
            type_ = self.schema(branch, join_pointer(at, i), request)
            ref = branch.get("$ref") if isinstance(branch, dict) else None
            if (
                tags is not None
                and isinstance(prop, str)
                and isinstance(ref, str)
                # OpenAPI 3.2's default branch takes any value nothing else claims.
                and not (ref == tags.default and self._own_values(ref, prop) is None)
            ):
                values = tags.first[ref]
                self.note(at.rsplit("/", 1)[0], DISCRIMINATOR_TARGET)
                self.note(ref[1:], DISCRIMINATOR_TARGET)
                narrowed = TsObject((TsProp(prop, union([literal(v) for v in values])),))
                type_ = intersection([type_, narrowed])
            types.append(type_)
        return types

    def _own_values(self, ref: str, prop: str, depth: int = 0) -> list[str] | None:
        """The values the schema at `ref` limits `prop` to (`const`/`enum`, `[]`: any), None
        when it does not declare `prop` (its `allOf` parts count: a property is inherited)."""
        schema = self._deref({"$ref": ref})
        if not isinstance(schema, dict) or depth > 8:
            return None
        properties = schema.get("properties")
        if isinstance(properties, dict) and prop in properties:
            return limited_values(self._deref(properties[prop]))
        found: list[str] | None = None
        for part in schema.get("allOf") or []:
            if isinstance(part, dict) and isinstance(part.get("$ref"), str):
                values = self._own_values(part["$ref"], prop, depth + 1)
            elif isinstance(part, dict) and isinstance(part.get("properties"), dict):
                values = (
                    limited_values(self._deref(part["properties"][prop]))
                    if prop in part["properties"]
                    else None
                )
            else:
                values = None
            if values:
                return values
            if values is not None:
                found = values
        return found

    def _all_of_part(self, item: Any, at: str, required: list[Any], request: bool) -> TsType:
        if isinstance(item, dict) and isinstance(item.get("$ref"), str):
            type_ = self.ref(item["$ref"], at, request)
            target = self._deref(item)
            if isinstance(target, dict) and isinstance(target.get("discriminator"), dict):
                self.note(at.rsplit("/", 2)[0], DISCRIMINATOR_PARENT)
            props = target.get("properties") if isinstance(target, dict) else None
            keys = [k for k in required if isinstance(props, dict) and k in props]
            if keys:
                # The parent's `required` reaches into the referenced part's properties.
                self.helpers.setdefault("WithRequired", None)
                return TsGeneric("WithRequired", (type_, union([literal(k) for k in keys])))
            return type_
        if isinstance(item, dict):
            own: list[Any] = item["required"] if isinstance(item.get("required"), list) else []
            merged = [*required, *own]
            return self.schema({**item, "required": merged} if merged else item, at, request)
        return self.schema(item, at, request)

    def _core(self, s: dict[str, Any], at: str, request: bool) -> TsType | None:
        """The type a schema's `type`, `items`, `properties` and `additionalProperties` give."""
        declared = s.get("type")
        if isinstance(declared, list):  # several types besides null: each as if alone
            types: list[TsType] = []
            for t in declared:
                alone = {**s, "type": t}
                types.append(self._core(alone, at, request) or self._empty_object(alone, at))
            return union(types) if types else None
        if declared == "null":
            return NULL
        if declared == "string":
            return "string"
        if declared in ("number", "integer"):
            return "number"
        if declared == "boolean":
            return "boolean"
        if declared == "array":
            prefix = s.get("prefixItems")
            items = s.get("items")
            if isinstance(prefix, list) or isinstance(items, list):
                chosen = prefix if isinstance(prefix, list) else items
                return TsTuple(
                    tuple(
                        self.schema(x, join_pointer(at, "prefixItems", i), request)
                        for i, x in enumerate(chosen or [])
                    )
                )
            if isinstance(items, dict):
                return TsArray(self.schema(items, join_pointer(at, "items"), request))
            return TsArray(UNKNOWN)
        properties = s.get("properties")
        extra = s.get("additionalProperties")
        has_extra = extra is True or isinstance(extra, dict)
        if not (isinstance(properties, dict) and properties) and not has_extra:
            return None
        required: list[Any] = s["required"] if isinstance(s.get("required"), list) else []
        props = []
        for name, sub in (properties or {}).items():
            if not isinstance(sub, dict):
                type_ = self.schema(sub, at, request)
                props.append(TsProp(str(name), type_, optional=name not in required))
                continue
            declared = sub.get("type")
            simple = _SIMPLE.get(declared) if isinstance(declared, str) else None
            if simple is not None and _NOT_SIMPLE.isdisjoint(sub):
                type_ = simple  # the pointer is only needed below a property that nests
            else:
                type_ = self.schema(sub, join_pointer(at, "properties", name), request)
            readonly = sub.get("readOnly") is True
            if request:
                has_default = False
                unsent = readonly  # what one side never sends is optional on that side
            else:
                # A property with a default is always in what a server sends
                # (openapi-typescript's convention too): required outside requests.
                has_default = "default" in sub
                if has_default and _REQUEST_WORDS.search(at + "/" + str(name)):
                    self.note(join_pointer(at, "properties", name), DEFAULT_IN_REQUEST_NAMED)
                unsent = sub.get("writeOnly") is True
                if unsent and name in required:
                    self.note(join_pointer(at, "properties", name), WRITE_ONLY)
            props.append(
                TsProp(
                    str(name),
                    type_,
                    unsent or (not has_default and name not in required),
                    readonly,
                    jsdoc(sub),
                )
            )
        if has_extra:
            extra_type = (
                self.schema(extra, join_pointer(at, "additionalProperties"), request)
                if isinstance(extra, dict) and extra
                else UNKNOWN
            )
            index = TsObject((), extra_type)
            return intersection([TsObject(tuple(props)), index]) if props else index
        return TsObject(tuple(props))


def component_json_schemas(doc: dict[str, Any], *, one_walk: bool = True) -> dict[str, Any]:
    """Every component schema as JSON Schema 2020-12 (an OpenAPI 3.0 one translated, as the
    server stubs validate it), its component references as `#/$defs/<name>`; a reference to
    anything else is resolved in place (once: a cycle through it is left open).

    `one_walk=False`: an OpenAPI 3.0 document's schemas translated first and their references
    rewritten after, in two walks, as this was first written (the tests' reference)."""
    # the one 3.0 -> 2020-12 translation
    from generator.plans.server import _from_openapi_30, bounds_and_null_30

    v30 = str(doc.get("openapi", "")).startswith("3.0")
    schemas = (doc.get("components") or {}).get("schemas") or {}
    prefix = "#/components/schemas/"

    def rewrite(node: Any, inlining: frozenset[str]) -> Any:
        if isinstance(node, list):
            return [rewrite(v, inlining) if isinstance(v, dict | list) else v for v in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith(prefix):
            if not ref.startswith("#") or ref in inlining:
                return {}
            try:
                return rewrite(resolve_pointer(doc, ref[1:]), inlining | {ref})
            except (KeyError, ValueError):
                return {}
        if ref is None and not any(isinstance(v, dict | list) for v in node.values()):
            # A leaf (most schemas: `{type: string, description: ...}`) changes in nothing:
            # it is kept, not copied (the result is only ever serialised).
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            # Scalars (most values) are kept where they stand, not passed to a call of their own.
            if not isinstance(value, dict | list):
                if key == "$ref" and isinstance(value, str):
                    value = "#/$defs/" + value.removeprefix(prefix)
                out[key] = value
            else:
                out[key] = rewritten(key, value, inlining)
        return out

    def rewritten(key: str, value: Any, inlining: frozenset[str]) -> Any:
        """The value (a dict or a list) of `key` in a schema, its references rewritten."""
        if key in _NAMED and isinstance(value, dict):
            # names, not keywords: a property called `default` is a schema too
            return {
                k: rewrite(v, inlining) if isinstance(v, dict | list) else v
                for k, v in value.items()
            }
        if key in _AS_WRITTEN:
            return value
        return rewrite(value, inlining)

    def translated(node: Any, inlining: frozenset[str]) -> Any:
        """`rewrite(_from_openapi_30(node), inlining)` in one walk instead of two (each key's
        value as the two would leave it, then the translation's own moves; a third of the
        plan's time on GitHub's description went to the two walks)."""
        if isinstance(node, list):
            return [translated(v, inlining) if isinstance(v, dict | list) else v for v in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:  # 3.0: siblings of $ref are ignored
            return rewrite({"$ref": node["$ref"]}, inlining)
        if _CHANGED_30.isdisjoint(node) and not any(
            isinstance(v, dict | list) for v in node.values()
        ):
            return node  # a leaf the two walks would copy unchanged (most schemas)
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in _DROPPED_30:
                continue
            if not isinstance(value, dict | list):
                out[key] = value
            elif key in _NAMED_30:
                if not isinstance(value, dict):
                    out[key] = rewrite(value, inlining)
                elif key in _NAMED:
                    out[key] = {
                        k: translated(v, inlining) if isinstance(v, dict | list) else v
                        for k, v in value.items()
                    }
                else:  # `definitions` and `$defs`: a map of schemas, read by `rewrite` as one
                    schemas_30 = {
                        k: _from_openapi_30(v) if isinstance(v, dict | list) else v
                        for k, v in value.items()
                    }
                    out[key] = rewrite(schemas_30, inlining)
            elif key in _SUBSCHEMAS_30:
                out[key] = translated(value, inlining)
            else:
                out[key] = rewritten(key, value, inlining)
        return bounds_and_null_30(node, out)

    if v30 and one_walk:
        return {str(name): translated(schema, frozenset()) for name, schema in schemas.items()}
    return {
        str(name): rewrite(_from_openapi_30(schema) if v30 else schema, frozenset())
        for name, schema in schemas.items()
    }


_NAMED = frozenset({"properties", "patternProperties", "dependentSchemas"})
# What generator.plans.server._from_openapi_30 translates (maps of schemas, then schemas) and
# drops, for `component_json_schemas`'s one walk.
_NAMED_30 = frozenset({"properties", "patternProperties", "definitions", "$defs"})
_SUBSCHEMAS_30 = frozenset(
    {"items", "additionalProperties", "not", "allOf", "anyOf", "oneOf", "contains", "propertyNames"}
)
_DROPPED_30 = frozenset({"example", "nullable", "discriminator", "xml", "externalDocs"})
_CHANGED_30 = _DROPPED_30 | {"exclusiveMinimum", "exclusiveMaximum"}
_AS_WRITTEN = frozenset({"enum", "const", "default", "example", "examples"})


def _mapped_ref(target: Any, refs: list[str]) -> str | None:
    """The branch `$ref` a mapping value names (`#/components/schemas/Dog`, or just `Dog`)."""
    if not isinstance(target, str):
        return None
    ref = target if target.startswith("#") else "#/components/schemas/" + target
    return ref if ref in refs else None


def _is_null_branch(branch: Any) -> bool:
    return (
        isinstance(branch, dict)
        and branch.get("type") == "null"
        and set(branch) <= {"type", "description", "title"}
    )


_SIDED = frozenset({"default", "readOnly", "writeOnly"})


def _request_form_differs(schemas: dict[str, Any]) -> set[str]:
    """The component schemas whose request form differs from what a server sends: a property
    with a `default`, `readOnly` or `writeOnly` in the schema, or a reference to such a
    component (to a fixed point: a cycle of references changes nothing)."""
    own: set[str] = set()
    refers: dict[str, set[str]] = {}
    prefix = "#/components/schemas/"
    for name, schema in schemas.items():
        targets: set[str] = set()
        for node in _subschemas(schema):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(prefix):
                targets.add(unescape_pointer_token(ref.removeprefix(prefix)))
            properties = node.get("properties")
            if isinstance(properties, dict) and any(
                isinstance(p, dict) and not _SIDED.isdisjoint(p) for p in properties.values()
            ):
                own.add(name)
                break  # it differs: what it refers to no longer matters
        refers[name] = targets
    differs = set(own)
    changed = True
    while changed:
        changed = False
        for name, targets in refers.items():
            if name not in differs and not targets.isdisjoint(differs):
                differs.add(name)
                changed = True
    return differs


def _subschemas(schema: Any) -> Iterator[dict[str, Any]]:
    """The schemas iter_subschemas visits in `schema`, without the pointers it builds for each
    (order aside: the caller collects sets, and stops early)."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        yield node
        if _NESTING.isdisjoint(node):
            continue
        for key in _NESTING.intersection(node):
            value = node[key]
            if key in _WALK_MAP:
                if isinstance(value, dict):
                    stack += value.values()
            elif key in _WALK_LIST or key == "items":
                if isinstance(value, list):
                    stack += value
                elif key == "items" and isinstance(value, dict):
                    stack.append(value)
            elif isinstance(value, dict):
                stack.append(value)


def _shape(schema: dict[str, Any]) -> tuple[Any, ...]:
    properties = schema.get("properties")
    return (
        str(schema.get("type")),
        tuple(properties) if isinstance(properties, dict) else (),
        tuple(sorted(schema)),
    )


def _is_structural(schema: Any) -> bool:
    return isinstance(schema, dict) and any(
        k in schema for k in ("properties", "allOf", "anyOf", "oneOf", "additionalProperties")
    )


_SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?"
)


def npm_version(version: str) -> str:
    """`info.version` as the semver npm requires (`2026-08-21` -> `2026.8.21`).

    A valid semver is kept as written; anything else becomes a 0.0.0 prerelease that still
    reads as the original (`beta 2` -> `0.0.0-beta.2`).
    """
    if _SEMVER.fullmatch(version):
        return version
    parts = re.fullmatch(r"(\d+)[.-](\d+)[.-](\d+)", version)
    if parts:
        return ".".join(str(int(p)) for p in parts.groups())
    tag = re.sub(r"[^0-9A-Za-z]+", ".", version).strip(".")
    return f"0.0.0-{tag}" if tag else "0.0.0"
