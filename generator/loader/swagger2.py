"""Swagger 2.0 read as the OpenAPI 3.0 document it describes, each decision reported.

Many live APIs still publish Swagger 2.0. The loader converts a 2.0 document (after bundling,
before repair and validation) to OpenAPI 3.0.3, then generates it as any 3.0 document. Every
conversion decision is a located note naming its rule (`RULES`), reported like a repair, and
every pointer into the converted document maps back to the place the user wrote in the 2.0
file (`Conversion.original`), so a later error or repair points there too.

What changes (OpenAPI 3.0.3 section "Upgrading from 2.0", read as the evident intent):
- `host`, `basePath` and `schemes` become `servers`;
- `definitions`, `parameters`, `responses`, `securityDefinitions` move under `components`
  (a shared `in: body` parameter becomes a `components/requestBodies` entry), and every `$ref`
  follows them;
- an `in: body` parameter becomes the `requestBody`, with one media type per `consumes`
  (operation-level, else the document's, else `application/json`);
- `in: formData` parameters become the properties of one form request body,
  `multipart/form-data` when a parameter is a `type: file` (binary) or `consumes` says so,
  else `application/x-www-form-urlencoded`;
- a response `schema` becomes `content` with one media type per `produces`, its `examples`
  map the media types' `example`;
- a parameter's or header's `type`, `format`, `items`, `enum`, bounds and `default` move into
  its `schema`; `collectionFormat` becomes `style`/`explode`;
- `x-nullable: true` (and `x-isnullable`) becomes `nullable: true`; a schema `discriminator`
  string becomes `{propertyName: ...}`; `type: file` is `{type: string, format: binary}`;
- `basic` becomes `http`/`basic`; oauth2 `flow` + URLs become `flows` (`application` is
  `clientCredentials`, `accessCode` is `authorizationCode`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from generator.errors import Location, Problem, join_pointer, split_pointer
from generator.loader.repair import Rule

Locate = Callable[[str], Location]

RULES: tuple[Rule, ...] = (
    Rule("swagger2-servers", "`host`, `basePath`, `schemes`", "one server per scheme"),
    Rule(
        "swagger2-components",
        "`definitions`, `parameters`, `responses`, `securityDefinitions`",
        "moved under `components`; every `$ref` follows them",
    ),
    Rule(
        "swagger2-body",
        "an `in: body` parameter",
        "the operation's `requestBody`, one media type per `consumes`",
    ),
    Rule(
        "swagger2-form-data",
        "`in: formData` parameters",
        "the properties of a form request body (multipart when a part is a file)",
    ),
    Rule(
        "swagger2-produces",
        "a response `schema` (and `examples`) with `produces`",
        "`content` with one media type per `produces`",
    ),
    Rule(
        "swagger2-collection-format",
        "`collectionFormat` of an array parameter",
        "`style`/`explode`: csv -> form/simple, ssv -> spaceDelimited, pipes -> pipeDelimited, "
        "multi -> form exploded (tsv has no 3.0 style: read as csv)",
    ),
    Rule("swagger2-x-nullable", "`x-nullable: true` on a schema", "`nullable: true`"),
    Rule(
        "swagger2-security",
        "`securityDefinitions` of type `basic` or `oauth2`",
        "`http`/`basic`; oauth2 `flow` with its URLs as `flows`",
    ),
    Rule(
        "swagger2-file",
        "`type: file` (a parameter or a response schema)",
        "`{type: string, format: binary}`",
    ),
    Rule(
        "swagger2-meta-schema",
        "what the Swagger 2.0 meta-schema refuses",
        "reported; the converted document is then repaired and validated as OpenAPI 3.0",
    ),
    Rule(
        "swagger2-discriminator",
        "a schema `discriminator` given as a property name",
        "`discriminator: {propertyName: ...}`",
    ),
)
RULE_NAMES = frozenset(rule.name for rule in RULES)

_PARAM_SCHEMA_KEYS = (
    "type", "format", "items", "enum", "default", "maximum", "exclusiveMaximum", "minimum",
    "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems",
    "uniqueItems", "multipleOf", "x-nullable", "x-isnullable",
)  # fmt: skip
_COLLECTION_STYLES = {
    "ssv": ("spaceDelimited", False),
    "pipes": ("pipeDelimited", False),
    "multi": ("form", True),
}
_FLOWS = {
    "implicit": "implicit",
    "password": "password",
    "application": "clientCredentials",
    "accessCode": "authorizationCode",
}
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")


def is_swagger2(doc: Any) -> bool:
    return isinstance(doc, dict) and str(doc.get("swagger", "")).startswith("2.")


@dataclass
class Conversion:
    """The OpenAPI 3.0 document, the decisions taken, and the way back to the 2.0 pointers."""

    data: dict[str, Any]
    notes: list[Problem] = field(default_factory=list)
    # (pointer prefix in the 3.0 document, the 2.0 pointer it came from), longest wins
    moved: dict[str, str] = field(default_factory=dict)

    def original(self, pointer: str) -> str:
        """The 2.0 pointer a 3.0 pointer stands for (the nearest moved ancestor decides)."""
        return original_pointer(self.moved, pointer)


def original_pointer(moved: dict[str, str], pointer: str) -> str:
    """`pointer` of a converted document as the 2.0 pointer it stands for."""
    probe = pointer
    while True:
        if probe in moved:
            return moved[probe] + pointer[len(probe) :]
        if not probe:
            return pointer
        probe = probe.rsplit("/", 1)[0]


def converted_locate(conversion: Conversion, locate: Locate) -> Locate:
    """`locate` for pointers of the converted document: each one placed in the 2.0 file."""

    def located(pointer: str) -> Location:
        return locate(conversion.original(pointer))

    return located


def convert_swagger2(doc: dict[str, Any], locate: Locate) -> Conversion:
    """The OpenAPI 3.0.3 document `doc` (Swagger 2.0, every `$ref` local) describes."""
    return _Converter(doc, locate).run()


class _Converter:
    def __init__(self, doc: dict[str, Any], locate: Locate) -> None:
        self.src = doc
        self.locate = locate
        self.out = Conversion({})
        self.consumes = _media_list(doc.get("consumes"))
        self.produces = _media_list(doc.get("produces"))
        # Shared parameters that are bodies or form fields: not parameters in 3.0.
        self.shared_params: dict[str, Any] = (
            doc["parameters"] if isinstance(doc.get("parameters"), dict) else {}
        )

    def note(self, rule: str, pointer: str, message: str) -> None:
        assert rule in RULE_NAMES, rule
        self.out.notes.append(Problem(message, self.locate(pointer), rule))

    def move(self, new: str, old: str) -> None:
        self.out.moved.setdefault(new, old)

    def run(self) -> Conversion:
        src, out = self.src, self.out.data
        out["openapi"] = "3.0.3"
        for key, value in src.items():
            if key == "swagger" or key in _HANDLED:
                continue
            out[key] = self.refs(copy.deepcopy(value))  # info, tags, externalDocs, x-...
            self.move(join_pointer("", key), join_pointer("", key))
        self.move("/openapi", "/swagger")
        servers = self.servers()
        if servers:
            out["servers"] = servers
        components: dict[str, Any] = {}
        definitions = src.get("definitions")
        if isinstance(definitions, dict) and definitions:
            components["schemas"] = {
                name: self.schema(copy.deepcopy(s), join_pointer("/definitions", name))
                for name, s in definitions.items()
            }
            self.move("/components/schemas", "/definitions")
            self.note(
                "swagger2-components",
                "/definitions",
                f"{len(definitions)} `definitions` moved to `components/schemas`",
            )
        params, bodies = self.shared_parameters()
        if params:
            components["parameters"] = params
        if bodies:
            components["requestBodies"] = bodies
        responses = src.get("responses")
        if isinstance(responses, dict) and responses:
            components["responses"] = {
                name: self.response(r, join_pointer("/responses", name), self.produces)
                for name, r in responses.items()
            }
            self.move("/components/responses", "/responses")
        security = self.security_schemes()
        if security:
            components["securitySchemes"] = security
        if components:
            out["components"] = components
        paths = src.get("paths")
        out["paths"] = {}
        if isinstance(paths, dict):
            for path, item in paths.items():
                at = join_pointer("/paths", path)
                self.move(at, at)
                out["paths"][path] = self.path_item(item, at) if isinstance(item, dict) else item
        # Keys after `openapi` in the order a reader expects.
        order = ["openapi", "info", "servers", "tags", "paths", "components"]
        self.out.data = {
            **{k: out[k] for k in order if k in out},
            **{k: v for k, v in out.items() if k not in order},
        }
        return self.out

    # -- document level ------------------------------------------------------------------------

    def servers(self) -> list[dict[str, Any]]:
        host = self.src.get("host")
        base = self.src.get("basePath")
        if host is None and base is None:
            return []
        schemes = [s for s in self.src.get("schemes") or [] if isinstance(s, str)] or ["https"]
        base_path = str(base or "").rstrip("/")
        if host:
            urls = [f"{scheme}://{host}{base_path}" for scheme in schemes]
        else:
            urls = [base_path or "/"]
        where = "/host" if host is not None else "/basePath"
        self.note("swagger2-servers", where, f"`servers`: {', '.join(urls)}")
        return [{"url": url} for url in urls]

    def shared_parameters(self) -> tuple[dict[str, Any], dict[str, Any]]:
        params: dict[str, Any] = {}
        bodies: dict[str, Any] = {}
        for name, param in self.shared_params.items():
            at = join_pointer("/parameters", name)
            if not isinstance(param, dict):
                continue
            if param.get("in") == "body":
                bodies[name] = self.body([param], [at], self.consumes, at)
                self.move(join_pointer("/components/requestBodies", name), at)
            elif param.get("in") == "formData":
                continue  # inlined into each form body that refers to it
            else:
                params[name] = self.parameter(param, at)
                self.move(join_pointer("/components/parameters", name), at)
        return params, bodies

    def security_schemes(self) -> dict[str, Any]:
        found = self.src.get("securityDefinitions")
        if not isinstance(found, dict):
            return {}
        result: dict[str, Any] = {}
        for name, scheme in found.items():
            at = join_pointer("/securityDefinitions", name)
            self.move(join_pointer("/components/securitySchemes", name), at)
            if not isinstance(scheme, dict):
                continue
            kind = scheme.get("type")
            extras = {k: v for k, v in scheme.items() if k.startswith("x-") or k == "description"}
            if kind == "basic":
                result[name] = {"type": "http", "scheme": "basic", **extras}
                self.note("swagger2-security", at, "`type: basic` read as `http`/`basic`")
            elif kind == "oauth2":
                flow_name = _FLOWS.get(str(scheme.get("flow")), "implicit")
                flow: dict[str, Any] = {"scopes": scheme.get("scopes") or {}}
                for key in ("authorizationUrl", "tokenUrl"):
                    if key in scheme:
                        flow[key] = scheme[key]
                result[name] = {"type": "oauth2", "flows": {flow_name: flow}, **extras}
                self.note(
                    "swagger2-security",
                    join_pointer(at, "flow"),
                    f"oauth2 `flow: {scheme.get('flow')}` read as `flows: {{{flow_name}: ...}}`",
                )
            else:
                result[name] = copy.deepcopy(scheme)
        return result

    # -- paths -----------------------------------------------------------------------------

    def path_item(self, item: dict[str, Any], at: str) -> dict[str, Any]:
        result: dict[str, Any] = {}
        shared: list[Any] = _list(item.get("parameters"))
        kept_shared = self.plain_parameters(shared, join_pointer(at, "parameters"), at)
        for key, value in item.items():
            if key in _METHODS and isinstance(value, dict):
                result[key] = self.operation(value, join_pointer(at, key), shared, at)
            elif key == "parameters":
                if kept_shared:
                    result["parameters"] = kept_shared
            else:
                result[key] = self.refs(copy.deepcopy(value))
        return result

    def plain_parameters(self, params: list[Any], at: str, new_at: str) -> list[Any]:
        """The parameters that stay parameters (not body, not form), converted and re-indexed."""
        kept: list[Any] = []
        for i, raw in enumerate(params):
            old = join_pointer(at, i)
            param = self.resolved(raw)
            if isinstance(param, dict) and param.get("in") in ("body", "formData"):
                continue
            new = join_pointer(new_at, "parameters", len(kept))
            self.move(new, old)
            if isinstance(raw, dict) and isinstance(raw.get("$ref"), str):
                kept.append(self.refs(copy.deepcopy(raw)))
            elif isinstance(raw, dict):
                kept.append(self.parameter(raw, old))
        return kept

    def resolved(self, raw: Any) -> Any:
        """A parameter, following a `$ref` to the shared ones."""
        if isinstance(raw, dict) and isinstance(raw.get("$ref"), str):
            ref = raw["$ref"]
            if ref.startswith("#/parameters/"):
                return self.shared_params.get(split_pointer(ref[1:])[-1], raw)
        return raw

    def operation(
        self, op: dict[str, Any], at: str, shared: list[Any], item_at: str
    ) -> dict[str, Any]:
        consumes = _media_list(op.get("consumes")) or self.consumes
        produces = _media_list(op.get("produces")) or self.produces
        own: list[Any] = _list(op.get("parameters"))
        # Operation parameters override path-item ones of the same name and place.
        merged: dict[tuple[str, str], tuple[Any, str]] = {}
        for base, listed in (
            (join_pointer(item_at, "parameters"), shared),
            (join_pointer(at, "parameters"), own),
        ):
            for i, raw in enumerate(listed):
                param = self.resolved(raw)
                if isinstance(param, dict):
                    key = (str(param.get("in")), str(param.get("name")))
                    merged[key] = (raw, join_pointer(base, i))
        body_params = [(r, p) for (where, _), (r, p) in merged.items() if where == "body"]
        form_params = [(r, p) for (where, _), (r, p) in merged.items() if where == "formData"]
        result: dict[str, Any] = {}
        for field_name, value in op.items():
            if field_name in ("consumes", "produces", "parameters", "responses"):
                continue
            result[field_name] = self.refs(copy.deepcopy(value))
        kept = self.plain_parameters(own, join_pointer(at, "parameters"), at)
        if kept:
            result["parameters"] = kept
        if body_params:
            raw, pointer = body_params[-1]
            if isinstance(raw, dict) and isinstance(raw.get("$ref"), str):
                name = split_pointer(raw["$ref"][1:])[-1]
                result["requestBody"] = {"$ref": join_pointer("#/components/requestBodies", name)}
            else:
                result["requestBody"] = self.body([raw], [pointer], consumes, at)
                self.move(join_pointer(at, "requestBody"), pointer)
            self.note(
                "swagger2-body",
                pointer,
                "`in: body` parameter read as the `requestBody` ("
                + ", ".join(consumes or ["application/json"])
                + ")",
            )
        elif form_params:
            result["requestBody"] = self.form_body(form_params, consumes, at)
        responses = op.get("responses")
        if isinstance(responses, dict):
            result["responses"] = {
                str(status): self.response(r, join_pointer(at, "responses", str(status)), produces)
                for status, r in responses.items()
            }
        elif "responses" in op:
            result["responses"] = responses
        return result

    def body(self, params: list[Any], pointers: list[str], consumes: list[str], at: str) -> Any:
        param = params[0] if isinstance(params[0], dict) else {}
        media_types = [m for m in consumes if "form" not in m] or ["application/json"]
        schema = self.schema(
            copy.deepcopy(param.get("schema", {})), join_pointer(pointers[0], "schema")
        )
        body: dict[str, Any] = {
            "content": {m: {"schema": copy.deepcopy(schema)} for m in media_types},
        }
        for m in media_types:
            self.move(
                join_pointer(at, "requestBody", "content", m, "schema"),
                join_pointer(pointers[0], "schema"),
            )
        if param.get("required") is True:
            body["required"] = True
        if isinstance(param.get("description"), str):
            body["description"] = param["description"]
        body.update({k: v for k, v in param.items() if k.startswith("x-")})
        return body

    def form_body(self, params: list[tuple[Any, str]], consumes: list[str], at: str) -> Any:
        properties: dict[str, Any] = {}
        required: list[str] = []
        has_file = False
        for raw, pointer in params:
            param = self.resolved(raw)
            if not isinstance(param, dict) or not isinstance(param.get("name"), str):
                continue
            name = param["name"]
            schema = self.parameter_schema(param, pointer)
            has_file = has_file or (
                schema.get("format") == "binary" and param.get("type") == "file"
            )
            if isinstance(param.get("description"), str):
                schema.setdefault("description", param["description"])
            properties[name] = schema
            if param.get("required") is True:
                required.append(name)
        multipart = has_file or any(m.startswith("multipart/") for m in consumes)
        media = "multipart/form-data" if multipart else "application/x-www-form-urlencoded"
        schema_obj: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            schema_obj["required"] = required
        for name, (_raw, pointer) in zip(properties, params, strict=False):
            self.move(
                join_pointer(at, "requestBody", "content", media, "schema", "properties", name),
                pointer,
            )
        self.note(
            "swagger2-form-data",
            params[0][1],
            f"{len(properties)} `in: formData` parameter(s) read as a `{media}` request body"
            + (" (a file part)" if has_file else ""),
        )
        body: dict[str, Any] = {"content": {media: {"schema": schema_obj}}}
        if required:
            body["required"] = True
        return body

    def response(self, response: Any, at: str, produces: list[str]) -> Any:
        if not isinstance(response, dict):
            return response
        if isinstance(response.get("$ref"), str):
            return self.refs(copy.deepcopy(response))
        result: dict[str, Any] = {}
        for key, value in response.items():
            if key in ("schema", "examples", "headers"):
                continue
            result[key] = self.refs(copy.deepcopy(value))
        result.setdefault("description", "")
        if "schema" in response:
            media_types = produces or ["application/json"]
            schema = self.schema(copy.deepcopy(response["schema"]), join_pointer(at, "schema"))
            examples: dict[str, Any] = (
                response["examples"] if isinstance(response.get("examples"), dict) else {}
            )
            content: dict[str, Any] = {}
            for m in media_types:
                content[m] = {"schema": copy.deepcopy(schema)}
                if m in examples:
                    content[m]["example"] = copy.deepcopy(examples[m])
                self.move(join_pointer(at, "content", m, "schema"), join_pointer(at, "schema"))
            for m, value in examples.items():
                if m not in content:  # an example of a media type `produces` does not list
                    content[m] = {"schema": copy.deepcopy(schema), "example": copy.deepcopy(value)}
            result["content"] = content
            self.note(
                "swagger2-produces",
                join_pointer(at, "schema"),
                f"response `schema` read as `content` ({', '.join(content)})",
            )
        elif isinstance(response.get("examples"), dict) and response["examples"]:
            # Examples without a schema still say which media types the body comes in.
            result["content"] = {
                str(m): {"example": copy.deepcopy(v)} for m, v in response["examples"].items()
            }
            self.note(
                "swagger2-produces",
                join_pointer(at, "examples"),
                f"response `examples` read as `content` ({', '.join(result['content'])})",
            )
        headers = response.get("headers")
        if isinstance(headers, dict):
            result["headers"] = {}
            for name, header in headers.items():
                h_at = join_pointer(at, "headers", name)
                self.move(join_pointer(h_at, "schema"), h_at)
                if isinstance(header, dict):
                    converted = {"schema": self.parameter_schema(header, h_at)}
                    if isinstance(header.get("description"), str):
                        converted["description"] = header["description"]
                    result["headers"][name] = converted
        return result

    # -- parameters and schemas ------------------------------------------------------------

    def parameter(self, param: dict[str, Any], at: str) -> dict[str, Any]:
        result: dict[str, Any] = {
            k: copy.deepcopy(v)
            for k, v in param.items()
            if k not in _PARAM_SCHEMA_KEYS and k not in ("collectionFormat", "allowEmptyValue")
        }
        if param.get("allowEmptyValue") is True and param.get("in") == "query":
            result["allowEmptyValue"] = True
        result["schema"] = self.parameter_schema(param, at)
        self.move(join_pointer(at, "schema"), at)
        fmt = param.get("collectionFormat")
        if param.get("type") == "array" and isinstance(fmt, str) and fmt != "csv":
            location = param.get("in")
            style, explode = _COLLECTION_STYLES.get(fmt, ("form", False))
            if location in ("path", "header"):
                style = "simple"
            result["style"], result["explode"] = style, explode
            self.note(
                "swagger2-collection-format",
                join_pointer(at, "collectionFormat"),
                f"`collectionFormat: {fmt}` read as `style: {style}, explode: {str(explode).lower()}`"
                + (" (tsv has no OpenAPI 3 style)" if fmt == "tsv" else ""),
            )
        elif param.get("type") == "array" and param.get("in") in ("query", "cookie"):
            # csv, 2.0's default: comma-separated, which 3.0 writes `form` without explode.
            result["style"], result["explode"] = "form", False
        return result

    def parameter_schema(self, param: dict[str, Any], at: str) -> dict[str, Any]:
        schema = {k: copy.deepcopy(v) for k, v in param.items() if k in _PARAM_SCHEMA_KEYS}
        if isinstance(schema.get("items"), dict):
            schema["items"] = {k: v for k, v in schema["items"].items() if k != "collectionFormat"}
        self.schema(schema, at)
        return schema

    def schema(self, schema: Any, at: str) -> Any:
        """A 2.0 schema as 3.0 writes it (in place, nested schemas too), refs followed."""
        if not isinstance(schema, dict):
            return schema
        stack: list[tuple[Any, str]] = [(schema, at)]
        while stack:
            node, where = stack.pop()
            if isinstance(node, list):
                stack.extend((v, join_pointer(where, i)) for i, v in enumerate(node))
                continue
            if not isinstance(node, dict):
                continue
            ref = node.get("$ref")
            if isinstance(ref, str):
                node["$ref"] = _new_ref(ref)
            for flag in ("x-nullable", "x-isnullable"):
                if flag in node:
                    value = node.pop(flag)
                    if value is True:
                        node["nullable"] = True
                        self.note(
                            "swagger2-x-nullable",
                            join_pointer(where, flag),
                            f"`{flag}: true` read as `nullable: true`",
                        )
            if node.get("type") == "file":
                node["type"], node["format"] = "string", "binary"
                self.note(
                    "swagger2-file", join_pointer(where, "type"), "`type: file` read as binary"
                )
            if isinstance(node.get("discriminator"), str):
                node["discriminator"] = {"propertyName": node["discriminator"]}
                self.note(
                    "swagger2-discriminator",
                    join_pointer(where, "discriminator"),
                    f"`discriminator: {node['discriminator']['propertyName']}` read as "
                    "`{propertyName: ...}`",
                )
            for key, value in node.items():
                if key in ("enum", "default", "example", "const") or key.startswith("x-"):
                    continue
                if key == "properties" and isinstance(value, dict):
                    stack.extend((v, join_pointer(where, key, name)) for name, v in value.items())
                elif isinstance(value, dict | list):
                    stack.append((value, join_pointer(where, key)))
        return schema

    def refs(self, node: Any) -> Any:
        """Every `$ref` inside a non-schema part (tags, extensions) pointed at its new place."""
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str):
                    node[key] = _new_ref(value)
                else:
                    self.refs(value)
        elif isinstance(node, list):
            for value in node:
                self.refs(value)
        return node


_HANDLED = frozenset(
    {"host", "basePath", "schemes", "consumes", "produces", "definitions", "parameters",
     "responses", "securityDefinitions", "paths"}
)  # fmt: skip
_SECTIONS = {
    "definitions": "schemas",
    "parameters": "parameters",
    "responses": "responses",
    "securityDefinitions": "securitySchemes",
}


def _new_ref(ref: str) -> str:
    if not ref.startswith("#/"):
        return ref
    head, _, rest = ref[2:].partition("/")
    if head in _SECTIONS:
        return f"#/components/{_SECTIONS[head]}/{rest}"
    return ref


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _media_list(value: Any) -> list[str]:
    return [str(m) for m in value if isinstance(m, str)] if isinstance(value, list) else []


def swagger2_problems(doc: dict[str, Any], locate: Locate) -> list[Problem]:
    """What the Swagger 2.0 meta-schema (openapi-spec-validator's) refuses, located."""
    from generator.loader.meta_schema import openapi_check

    check = openapi_check("2.0")
    if check.is_valid(doc):
        return []
    from generator.loader.validate import located_problems

    return [
        Problem(p.message, p.location, "swagger2-meta-schema")
        for p in located_problems(check.iter_errors(doc), locate)
    ]
