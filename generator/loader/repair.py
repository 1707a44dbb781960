"""Lenient loading: published documents' common faults, each repaired by a named rule.

A vendor's document is what it is: its user cannot fix it. What makes generation impossible
(unparseable text, a dangling `$ref`, nothing to generate) stays an error; every other fault
found here is repaired in place with the evident intent, and reported as a located warning that
names its rule and says what was done. `strict` loading turns each of these into an error.

The rules run before validation, so the validator judges the repaired document; a meta-schema
complaint left inside a schema afterwards is handled by `drop_invalid_keyword`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.errors import Location, PointerPath, Problem, join_pointer, pointer_of
from generator.schema_walk import (
    iter_document_schema_paths,
    iter_document_schemas,
    iter_subschema_paths,
    iter_subschemas,
    path_item_operations,
)

Locate = Callable[[str], Location]
# Called for each (sub)schema after its repairs: its place, the schema, the place of the
# top-level schema it is in, and whether that one declares draft 4 (boolean exclusive bounds).
SchemaVisit = Callable[[PointerPath, dict[str, Any], PointerPath, bool], None]


@dataclass(frozen=True)
class Rule:
    name: str
    fault: str  # what the rule repairs
    intent: str  # what the loader does about it


RULES: tuple[Rule, ...] = (
    Rule(
        "exclusive-bound-boolean",
        "boolean `exclusiveMinimum`/`exclusiveMaximum` in OpenAPI 3.1 (a 3.0 habit)",
        "read with 3.0 semantics: `minimum: m, exclusiveMinimum: true` -> `exclusiveMinimum: m`; "
        "`false` (or `true` without a bound) dropped",
    ),
    Rule(
        "exclusive-bound-number",
        "numeric `exclusiveMinimum`/`exclusiveMaximum` in OpenAPI 3.0 (a 3.1 habit)",
        "read with 3.1 semantics: `exclusiveMinimum: m` -> `minimum: m, exclusiveMinimum: true`",
    ),
    Rule(
        "nullable-in-3.1",
        "`nullable: true` in OpenAPI 3.1 (a 3.0 keyword that 3.1 ignores)",
        '`"null"` added to `type` (or `null` to `enum`; a `$ref`/composition becomes '
        '`anyOf: [..., {type: "null"}]`)',
    ),
    Rule(
        "example-beside-examples",
        "`example` and `examples` side by side on a media type, parameter or header",
        "`examples` kept, `example` dropped",
    ),
    Rule(
        "recursive-ref",
        "draft 2019-09 `$recursiveAnchor`/`$recursiveRef` in a 2020-12 (OpenAPI 3.1) schema",
        "`$recursiveRef` read as a `$ref` to the schema holding the anchor; the anchor dropped",
    ),
    Rule(
        "required-duplicates",
        "the same name more than once in `required`",
        "entries merged, first order kept",
    ),
    Rule(
        "required-empty",
        "`required: []` in OpenAPI 3.0 (which wants at least one name)",
        "dropped: no property is required",
    ),
    Rule(
        "required-boolean",
        "`required: true/false` on a property schema (a draft 3 / Swagger habit)",
        "`true` adds the property to its object's `required`; the keyword dropped",
    ),
    Rule(
        "schema-null",
        "`schema: null`, or a parameter/header with neither `schema` nor `content`",
        "read as any value (`{}`), typed `Any`; a path parameter as a string",
    ),
    Rule(
        "schema-examples-map",
        "`examples` written as a map inside a schema (JSON Schema wants an array)",
        "ignored (dropped)",
    ),
    Rule(
        "invalid-schema-type",
        "a `type` that is not a JSON Schema type (`application/json`, `file`, ...)",
        "that type dropped: the schema accepts what its other keywords allow",
    ),
    Rule(
        "responses-missing",
        "an operation with no `responses` (3.0; optional in 3.1), a null or an empty one",
        "given an untyped `default` response",
    ),
    Rule(
        "response-description-missing",
        "a response without `description` (or one that is not text)",
        "an empty description",
    ),
    Rule(
        "path-parameter-undeclared",
        "a `{name}` in the path template that no parameter declares",
        "declared as a required path parameter typed `str`",
    ),
    Rule(
        "path-parameter-not-in-template",
        "a path parameter the template has no `{name}` for",
        "dropped from the operation (it cannot be sent)",
    ),
    Rule(
        "path-parameter-optional",
        "a path parameter without `required: true`",
        "required (a path cannot leave it out)",
    ),
    Rule(
        "media-type-misplaced",
        "a media type nested at the wrong level: `schema`/`example` straight under `content`, "
        "or beside a response's `description` (Swagger 2.0)",
        "moved under `content: application/json`",
    ),
    Rule(
        "content-null",
        "`content: null` on a response, request body, parameter or header",
        "read as no content (a request body: `content: {}`)",
    ),
    Rule(
        "media-type-null",
        "a media type whose value is null",
        "read as a media type without schema (any value)",
    ),
    Rule(
        "duplicate-operation-id",
        "the same `operationId` on two operations",
        "the later one renamed `<id>_<n>`",
    ),
    Rule(
        "equivalent-path-templates",
        "two templates that match the same requests (`/a/{x}` and `/a/{y}`)",
        "both kept; with the same method on both, the server routes the first",
    ),
    Rule(
        "default-mismatch",
        "a `default` that its own schema rejects",
        "kept as written (never validated)",
    ),
    Rule(
        "unknown-dialect",
        "a `$schema` naming a JSON Schema dialect the validator does not know",
        "the schema is not checked against a meta-schema",
    ),
    Rule(
        "unknown-field-dropped",
        "a field the OpenAPI meta-schema does not allow on its object (outside schemas)",
        "that field dropped",
    ),
    Rule(
        "invalid-keyword-dropped",
        "any other schema keyword whose value the meta-schema refuses",
        "that keyword dropped",
    ),
)
RULE_NAMES = frozenset(rule.name for rule in RULES)

_MEDIA_KEYS = ("schema", "example", "examples", "encoding")
_UNTYPED_DEFAULT = "Untyped response (the document gives none)."


def is_synthesized_response(response: object) -> bool:
    """Whether `response` is the untyped `default` this module gives an operation without
    responses: it says nothing the document said (the contract diff reads it as absent)."""
    return response == {"description": _UNTYPED_DEFAULT}


class _Repairer:
    def __init__(self, doc: dict[str, Any], minor: str, locate: Locate) -> None:
        self.doc = doc
        self.minor = minor
        self.locate = locate
        self.found: list[Problem] = []
        self.types = _TYPES_30 if minor == "3.0" else _TYPES_31

    def warn(self, rule: str, place: PointerPath, message: str) -> None:
        assert rule in RULE_NAMES, rule
        self.found.append(Problem(message, self.locate(pointer_of(place)), rule))

    # -- operations, parameters, bodies ------------------------------------------------------

    def run(self, visit: SchemaVisit | None = None) -> list[Problem]:
        components = self.doc.get("components")
        if isinstance(components, dict):
            for name, param in _items(components.get("parameters")):
                self.holder(param, ("/components/parameters", name), "parameter")
            for name, header in _items(components.get("headers")):
                self.holder(header, ("/components/headers", name), "header")
            for name, response in _items(components.get("responses")):
                self.response(response, ("/components/responses", name))
            for name, body in _items(components.get("requestBodies")):
                self.body(body, ("/components/requestBodies", name))
            schemas = components.get("schemas")
            if isinstance(schemas, dict):
                for name in list(schemas):
                    if schemas[name] is None:
                        self.warn(
                            "schema-null",
                            ("/components/schemas", name),
                            "schema is null: read as any value",
                        )
                        schemas[name] = {}
        self.operations()
        self.schemas(visit)
        return self.found

    def operations(self) -> None:
        seen_ids: dict[str, int] = {}
        for section in ("paths", "webhooks"):
            for path, item in _items(self.doc.get(section)):
                if not isinstance(item, dict) or "$ref" in item:
                    continue
                at = (("", section), path)
                for i, param in _enumerate(item.get("parameters")):
                    self.holder(param, ((at, "parameters"), i), "parameter")
                for _method, tokens, op in path_item_operations(item):
                    self.operation(op, _extend(at, tokens), seen_ids)
                if section == "paths":
                    self.path_parameters(str(path), item, at)

    def operation(self, op: dict[str, Any], at: PointerPath, seen_ids: dict[str, int]) -> None:
        op_id = op.get("operationId")
        if isinstance(op_id, str):
            if op_id in seen_ids:
                seen_ids[op_id] += 1
                new = f"{op_id}_{seen_ids[op_id]}"
                while new in seen_ids:
                    seen_ids[op_id] += 1
                    new = f"{op_id}_{seen_ids[op_id]}"
                seen_ids[new] = 1
                self.warn(
                    "duplicate-operation-id",
                    (at, "operationId"),
                    f"operationId {op_id!r} is used before: renamed {new!r}",
                )
                op["operationId"] = new
            else:
                seen_ids[op_id] = 1
        for i, param in _enumerate(op.get("parameters")):
            self.holder(param, ((at, "parameters"), i), "parameter")
        if isinstance(op.get("requestBody"), dict):
            self.body(op["requestBody"], (at, "requestBody"))
        responses = op.get("responses")
        if "responses" not in op and self.minor != "3.0":
            # OpenAPI 3.1 made `responses` optional: nothing to repair or warn, but the
            # generator still needs a response to type, so the operation gets the untyped one.
            op["responses"] = {"default": {"description": _UNTYPED_DEFAULT}}
            return
        if not isinstance(responses, dict) or not responses:
            what = "no `responses`" if "responses" not in op else f"`responses: {_json(responses)}`"
            self.warn(
                "responses-missing",
                (at, "responses") if "responses" in op else at,
                f"operation has {what}: given an untyped `default` response",
            )
            op["responses"] = {"default": {"description": _UNTYPED_DEFAULT}}
            return
        for status, response in responses.items():
            self.response(response, ((at, "responses"), str(status)))

    def response(self, response: Any, at: PointerPath) -> None:
        if not isinstance(response, dict) or "$ref" in response:
            return
        if not isinstance(response.get("description"), str):
            if "description" in response:
                where: PointerPath = (at, "description")
                message = f"response `description` is not text ({_json(response['description'])})"
            else:
                where, message = at, "response has no `description`"
            self.warn("response-description-missing", where, f"{message}: an empty one is used")
            response["description"] = ""
        self.swagger_media(response, at, "response")
        self.content(response, at)
        for name, header in _items(response.get("headers")):
            self.holder(header, ((at, "headers"), name), "header")

    def body(self, body: dict[str, Any], at: PointerPath) -> None:
        if "$ref" in body:
            return
        self.swagger_media(body, at, "request body")
        self.content(body, at, body=True)

    def swagger_media(self, obj: dict[str, Any], at: PointerPath, what: str) -> None:
        """`schema` (and `examples`/`example`) beside a response's description: Swagger 2.0."""
        if "schema" not in obj or "content" in obj:
            return
        self.warn(
            "media-type-misplaced",
            (at, "schema"),
            f"`schema` directly in a {what} (Swagger 2.0): moved under `content: application/json`",
        )
        media: dict[str, Any] = {"schema": obj.pop("schema")}
        if "example" in obj:
            media["example"] = obj.pop("example")
        obj["content"] = {"application/json": media}

    def content(self, obj: dict[str, Any], at: PointerPath, *, body: bool = False) -> None:
        if "content" in obj and obj["content"] is None:
            self.warn(
                "content-null",
                (at, "content"),
                "`content: null`: read as no content" + (" (`content: {}`)" if body else ""),
            )
            if body:
                obj["content"] = {}
            else:
                del obj["content"]
            return
        content = obj.get("content")
        if not isinstance(content, dict):
            return
        at = (at, "content")
        misplaced = [k for k in content if k in _MEDIA_KEYS]
        if misplaced:
            self.warn(
                "media-type-misplaced",
                (at, misplaced[0]),
                f"{', '.join(f'`{k}`' for k in misplaced)} straight under `content` (no media "
                "type): moved under `application/json`",
            )
            moved = {k: content.pop(k) for k in misplaced}
            target = content.setdefault("application/json", {})
            if isinstance(target, dict):
                for key, value in moved.items():
                    target.setdefault(key, value)
        for media, media_obj in list(content.items()):
            media_at = (at, media)
            if media_obj is None:
                self.warn(
                    "media-type-null",
                    media_at,
                    "media type is null: read as a media type without schema (any value)",
                )
                content[media] = {}
                continue
            if not isinstance(media_obj, dict):
                continue
            if "schema" in media_obj and media_obj["schema"] is None:
                self.warn("schema-null", (media_at, "schema"), _SCHEMA_NULL)
                media_obj["schema"] = {}
            self.example_beside_examples(media_obj, media_at)

    def example_beside_examples(self, obj: dict[str, Any], at: PointerPath) -> None:
        if "example" in obj and "examples" in obj:
            self.warn(
                "example-beside-examples",
                (at, "example"),
                "`example` beside `examples` (mutually exclusive): `examples` kept, "
                "`example` dropped",
            )
            del obj["example"]

    def holder(self, obj: Any, at: PointerPath, what: str) -> None:
        """A parameter or header: its schema (or content) and its examples."""
        if not isinstance(obj, dict) or "$ref" in obj:
            return
        path = what == "parameter" and obj.get("in") == "path"
        if "content" in obj and obj["content"] is None:
            self.content(obj, at)
        if obj.get("schema", 0) is None or ("schema" not in obj and "content" not in obj):
            pointer = (at, "schema") if "schema" in obj else at
            typed = "read as a string (a path parameter)" if path else "read as any value"
            if "schema" in obj:
                message = f"schema is null: {typed}"
            else:
                message = f"{what} has neither `schema` nor `content`: {typed}"
            self.warn("schema-null", pointer, message)
            obj["schema"] = {"type": "string"} if path else {}
        self.example_beside_examples(obj, at)
        self.content(obj, at)
        if path and obj.get("required") is not True:
            self.warn(
                "path-parameter-optional",
                (at, "required") if "required" in obj else at,
                f"path parameter {obj.get('name')!r} is not `required: true`: made required",
            )
            obj["required"] = True

    def path_parameters(self, path: str, item: dict[str, Any], at: PointerPath) -> None:
        in_template = list(dict.fromkeys(re.findall(r"\{([^}/]+)\}", path)))
        shared: list[Any] = item["parameters"] if isinstance(item.get("parameters"), list) else []
        for method, tokens, op in path_item_operations(item):
            op_at = _extend(at, tokens)
            listed = op.get("parameters")
            if listed is not None and not isinstance(listed, list):
                continue
            own: list[Any] = listed or []
            kept: list[Any] = []
            for i, param in enumerate(own):
                name = self.path_name(param)
                if name is not None and name not in in_template:
                    self.warn(
                        "path-parameter-not-in-template",
                        ((op_at, "parameters"), i),
                        f"path parameter {name!r} is declared but {path!r} has no "
                        f"{{{name}}}: dropped",
                    )
                    continue
                kept.append(param)
            declared = {self.path_name(p) for p in [*shared, *kept]} - {None}
            for name in in_template:
                if name not in declared:
                    self.warn(
                        "path-parameter-undeclared",
                        op_at,
                        f"path parameter {name!r} of {path!r} is not declared for "
                        f"{method.upper()}: declared as a required string",
                    )
                    kept.append(
                        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                    )
            if len(kept) != len(own) or any(a is not b for a, b in zip(kept, own, strict=False)):
                op["parameters"] = kept
        unused = [
            (i, name)
            for i, param in enumerate(shared)
            if (name := self.path_name(param)) is not None and name not in in_template
        ]
        for i, name in unused:
            self.warn(
                "path-parameter-not-in-template",
                ((at, "parameters"), i),
                f"path parameter {name!r} is declared but {path!r} has no {{{name}}}: dropped",
            )
        if unused:
            drop = {i for i, _ in unused}
            item["parameters"] = [p for i, p in enumerate(shared) if i not in drop]

    def path_name(self, param: Any) -> str | None:
        """The name of a path parameter (following `$ref`s), None for any other parameter."""
        seen = 0
        while isinstance(param, dict) and isinstance(param.get("$ref"), str) and seen < 20:
            seen += 1
            param = resolve_local(self.doc, param["$ref"])
        if isinstance(param, dict) and param.get("in") == "path":
            name = param.get("name")
            return name if isinstance(name, str) else None
        return None

    # -- schemas --------------------------------------------------------------------------

    def schemas(self, visit: SchemaVisit | None) -> None:
        for top, schema in iter_document_schema_paths(self.doc):
            # A schema that declares draft 4 (or 3) writes boolean exclusive bounds rightly.
            dialect = str(schema.get("$schema", "")) if isinstance(schema, dict) else ""
            boolean_bounds = "draft-04" in dialect or "draft-03" in dialect
            for at, node in iter_subschema_paths(schema, top):
                self.schema(node, at, top, boolean_bounds)
                if visit is not None:
                    visit(at, node, top, boolean_bounds)

    def schema(
        self, node: dict[str, Any], at: PointerPath, top: PointerPath, boolean_bounds: bool
    ) -> None:
        # Each rule is tried only where its keyword is: most schemas have none of them, and
        # a valid `type` is told by one test.
        if not _SCHEMA_RULE_KEYS.isdisjoint(node):
            if not boolean_bounds and ("exclusiveMinimum" in node or "exclusiveMaximum" in node):
                self.exclusive_bounds(node, at)
            if "properties" in node or "required" in node:
                self.required(node, at)
        declared = node.get("type")
        if declared is not None and (type(declared) is not str or declared not in self.types):
            self.schema_type(node, at)
        if self.minor != "3.0" and not _SCHEMA_RULE_KEYS_31.isdisjoint(node):
            self.recursive(node, at, top)
            self.nullable(node, at)
            if isinstance(node.get("examples"), dict):
                self.warn(
                    "schema-examples-map",
                    (at, "examples"),
                    "`examples` in a schema is a map (JSON Schema wants an array): ignored",
                )
                del node["examples"]

    def exclusive_bounds(self, node: dict[str, Any], at: PointerPath) -> None:
        for exclusive, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
            value = node.get(exclusive)
            where = (at, exclusive)
            if self.minor != "3.0" and isinstance(value, bool):
                if value and _is_number(node.get(bound)):
                    limit = node.pop(bound)
                    node[exclusive] = limit
                    message = f"read with 3.0 semantics as `{exclusive}: {limit}`"
                else:
                    del node[exclusive]
                    message = (
                        "dropped" if not value else f"dropped (no `{bound}` to make exclusive)"
                    )
                self.warn(
                    "exclusive-bound-boolean",
                    where,
                    f"`{exclusive}: {str(value).lower()}` is OpenAPI 3.0 syntax in a 3.1 "
                    f"document: {message}",
                )
            elif self.minor == "3.0" and _is_number(value):
                node[bound] = value
                node[exclusive] = True
                self.warn(
                    "exclusive-bound-number",
                    where,
                    f"`{exclusive}: {value}` is OpenAPI 3.1 syntax in a 3.0 document: read as "
                    f"`{bound}: {value}, {exclusive}: true`",
                )

    def required(self, node: dict[str, Any], at: PointerPath) -> None:
        properties = node.get("properties")
        if isinstance(properties, dict):
            for name, prop in properties.items():
                if isinstance(prop, dict) and isinstance(prop.get("required"), bool):
                    flag = prop.pop("required")
                    self.warn(
                        "required-boolean",
                        (((at, "properties"), name), "required"),
                        f"`required: {str(flag).lower()}` on a property: "
                        + (f"{name!r} added to the object's `required`" if flag else "dropped"),
                    )
                    if flag:
                        listed = node.get("required")
                        node["required"] = [*(listed if isinstance(listed, list) else []), name]
        required = node.get("required")
        if not isinstance(required, list):
            return
        merged = list(dict.fromkeys(r for r in required if isinstance(r, str)))
        if len(merged) != len(required):
            twice = sorted({r for r in merged if required.count(r) > 1})
            self.warn(
                "required-duplicates",
                (at, "required"),
                f"`required` lists {', '.join(map(repr, twice)) or 'non-names'} more than once: "
                "merged",
            )
            node["required"] = merged
        if not merged and self.minor == "3.0":
            self.warn(
                "required-empty",
                (at, "required"),
                "`required: []` (OpenAPI 3.0 wants at least one name): dropped",
            )
            del node["required"]

    def schema_type(self, node: dict[str, Any], at: PointerPath) -> None:
        declared = node.get("type")
        if declared is None:
            return
        values = declared if isinstance(declared, list) and self.minor != "3.0" else [declared]
        bad = [v for v in values if not isinstance(v, str) or v not in self.types]
        if not bad:
            return
        self.warn(
            "invalid-schema-type",
            (at, "type"),
            f"{', '.join(map(repr, bad))} is not a JSON Schema type: dropped",
        )
        good = [v for v in values if v not in bad]
        if isinstance(declared, list) and good:
            node["type"] = good if len(good) > 1 else good[0]
        else:
            del node["type"]

    def recursive(self, node: dict[str, Any], at: PointerPath, top: PointerPath) -> None:
        if "$recursiveAnchor" in node:
            self.warn(
                "recursive-ref",
                (at, "$recursiveAnchor"),
                "`$recursiveAnchor` (draft 2019-09) in a 2020-12 schema: dropped; "
                "`$recursiveRef`s point at this schema",
            )
            del node["$recursiveAnchor"]
        target = node.get("$recursiveRef")
        if isinstance(target, str):
            ref = "#" + pointer_of(top) if target == "#" else target
            self.warn(
                "recursive-ref",
                (at, "$recursiveRef"),
                f"`$recursiveRef: {target}` (draft 2019-09) read as `$ref: {ref}`",
            )
            del node["$recursiveRef"]
            node["$ref"] = ref

    def nullable(self, node: dict[str, Any], at: PointerPath) -> None:
        if node.get("nullable") is not True:
            return
        del node["nullable"]
        declared = node.get("type")
        if isinstance(declared, str):
            node["type"] = [declared, "null"]
            if isinstance(node.get("enum"), list) and None not in node["enum"]:
                node["enum"].append(None)
            done = f'`type: [{declared}, "null"]`'
        elif isinstance(declared, list):
            if "null" not in declared:
                declared.append("null")
            done = '`"null"` added to `type`'
        elif isinstance(node.get("enum"), list):
            if None not in node["enum"]:
                node["enum"].append(None)
            done = "`null` added to `enum`"
        elif any(k in node for k in ("$ref", "allOf", "oneOf", "anyOf", "const")):
            rest = {k: node.pop(k) for k in list(node) if k not in _ANNOTATIONS}
            node["anyOf"] = [rest, {"type": "null"}]
            done = '`anyOf: [<the schema>, {type: "null"}]`'
        else:
            done = "the schema already accepts null"
        self.warn(
            "nullable-in-3.1",
            (at, "nullable"),
            f"`nullable: true` is OpenAPI 3.0 syntax in a 3.1 document: read as {done}",
        )


_SCHEMA_NULL = "schema is null: read as any value"
_TYPES_30 = frozenset({"string", "number", "integer", "boolean", "array", "object"})
_TYPES_31 = _TYPES_30 | {"null"}
# The keywords the schema rules read besides `type` (OpenAPI 3.1 and later: and these).
_SCHEMA_RULE_KEYS = frozenset({"exclusiveMinimum", "exclusiveMaximum", "properties", "required"})
_SCHEMA_RULE_KEYS_31 = frozenset({"$recursiveAnchor", "$recursiveRef", "nullable", "examples"})
# Kept on the outer schema when a nullable one is wrapped in `anyOf`.
_ANNOTATIONS = frozenset(
    {"title", "description", "default", "example", "examples", "readOnly", "writeOnly",
     "deprecated", "externalDocs", "xml"}
)  # fmt: skip


def repair_document(
    doc: dict[str, Any], minor: str, locate: Locate, visit: SchemaVisit | None = None
) -> list[Problem]:
    """Repair `doc` in place; the located warnings, one per repair, each naming its rule.

    `visit(place, schema, top, boolean_bounds)` is called for every (sub)schema, in document
    order, once its own repairs are done (none of a later schema's repairs changes it): checks
    that read every schema share this walk instead of making their own.
    """
    return _Repairer(doc, minor, locate).run(visit)


def drop_invalid_keyword(doc: dict[str, Any], pointer: str) -> tuple[str, str] | None:
    """Drop the schema keyword a meta-schema error at `pointer` is about, if it is in a schema.

    Returns (the keyword's pointer, the rule), or None when `pointer` is not inside a schema
    (the error then stays an error).
    """
    schema_at = _schema_pointers(doc)
    tokens = pointer.split("/")
    for cut in range(len(tokens) - 1, 0, -1):
        parent = "/".join(tokens[:cut])
        if parent in schema_at:
            node = schema_at[parent]
            key = _unescape(tokens[cut])
            if isinstance(node, dict) and key in node:
                del node[key]
                return join_pointer(parent, key), "invalid-keyword-dropped"
            return None
    return None


def drop_unknown_field(doc: dict[str, Any], pointer: str) -> tuple[str, str] | None:
    """Drop a field the OpenAPI meta-schema does not know (outside schemas), at `pointer`."""
    tokens = pointer.split("/")
    parent = resolve_local(doc, "#" + "/".join(tokens[:-1])) if len(tokens) > 1 else None
    key = _unescape(tokens[-1])
    if isinstance(parent, dict) and key in parent:
        del parent[key]
        return pointer, "unknown-field-dropped"
    return None


def _schema_pointers(doc: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for top, schema in iter_document_schemas(doc):
        for at, node in iter_subschemas(schema, top):
            found[at] = node
    return found


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def resolve_local(doc: Any, ref: str) -> Any:
    """What a local `$ref` (`#/...`) names, None when nothing (lists are indexed)."""
    if not ref.startswith("#"):
        return None
    node = doc
    tokens = ref[1:].split("/")[1:]
    if "~" in ref:  # rare: most references escape nothing
        tokens = [_unescape(token) for token in tokens]
    for token in tokens:
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def _extend(at: PointerPath, tokens: tuple[str, ...]) -> PointerPath:
    for token in tokens:
        at = (at, token)
    return at


def _items(value: Any) -> list[tuple[str, Any]]:
    return [(str(k), v) for k, v in value.items()] if isinstance(value, dict) else []


def _enumerate(value: Any) -> list[tuple[int, Any]]:
    return list(enumerate(value)) if isinstance(value, list) else []


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _json(value: Any) -> str:
    return "null" if value is None else "{}" if value == {} else repr(value)
