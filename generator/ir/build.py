"""Build the intermediate model from a loaded, validated document."""

from __future__ import annotations

from collections import Counter
from typing import Any, Literal

from generator.errors import join_pointer
from generator.ir.body_names import shared_error_bodies
from generator.ir.media import media_kind
from generator.ir.model import (
    Document,
    Example,
    Header,
    MediaType,
    OAuthFlow,
    Operation,
    Parameter,
    RequestBody,
    Response,
    SecurityScheme,
    StreamMedia,
    Tag,
    TypeExpr,
    Warning_,
)
from generator.ir.naming import (
    NameRegistry,
    component_body_stem,
    fastapi_stem,
    pascal,
    safe_identifier,
    snake,
    words,
)
from generator.ir.operation_policy import (
    IDEMPOTENCY_HEADERS,
    IDEMPOTENT_METHODS,
    idempotency_header,
    method_names,
    retry_policy,
)
from generator.ir.pagination import pagination
from generator.ir.schemas import SchemaRegistry
from generator.ir.statuses import PHRASES
from generator.ir.streaming import stream_source
from generator.loader import LoadedDocument
from generator.loader.refs import resolve_pointer
from generator.loader.validate import openapi_minor
from generator.schema_walk import path_item_operations

_UNRESOLVED: Any = object()
_RANGE_NAMES = {
    "1XX": "Informational",
    "2XX": "Success",
    "3XX": "Redirection",
    "4XX": "ClientError",
    "5XX": "ServerError",
}


def build_model(loaded: LoadedDocument) -> Document:
    """The intermediate model: operations, schemas, the loader's warnings and what was read.

    The emitters' plans are not here: `generator.plans.build_document` builds this model and
    then lays each plan on it (the plans read the model; the model never imports a plan).
    """
    document = _Builder(loaded.data).build()
    document.warnings[:0] = [
        Warning_(w.message, w.location.pointer, w.rule or "", w.location) for w in loaded.warnings
    ]
    document.source, document.notes = describe_source(loaded)
    document.moved = loaded.moved
    return document


def describe_source(loaded: LoadedDocument) -> tuple[str, list[Warning_]]:
    """What was read (the version, converted or not) and what bundling did, in a few words,
    with the located notes behind them."""
    version = loaded.source_version or str(loaded.data.get("openapi", ""))
    if version.startswith("2."):
        said = f"Swagger {version} converted to OpenAPI {loaded.data.get('openapi')}"
    else:
        said = f"OpenAPI {version}"
    files = len(loaded.bundle.files_read)
    if files > 1:
        said += f", {files} files bundled"
    if loaded.bundle.hoisted_names:
        said += f", {len(loaded.bundle.hoisted_names)} external components hoisted"
    notes = [
        Warning_(
            f"{n.message} [{n.rule}]" if n.rule else n.message, n.location.pointer, n.rule or ""
        )
        for n in [*loaded.conversions, *loaded.bundle.notes]
    ]
    return said, notes


class _Builder:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.short_ids: dict[str, str] = {}  # operation pointer -> its FastAPI-less name
        self.minor = openapi_minor(doc) or "3.1"
        self.schemas = SchemaRegistry(doc, self.minor)
        self.warnings: list[Warning_] = []
        self.tags = _tags(doc)
        self.resolved: dict[str, Any] = {}  # pointer -> what it names in `doc` (`deref`)

    def deref(self, node: Any) -> tuple[Any, str | None]:
        """Follow `$ref` chains of non-schema objects (parameters, responses, bodies, headers)."""
        seen: set[str] = set()
        pointer = None
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                break
            seen.add(ref)
            pointer = ref[1:]
            # A large document's operations share a few hundred components (GitHub's: 26,840
            # references followed to about a thousand places): each found once.
            found = self.resolved.get(pointer, _UNRESOLVED)
            if found is _UNRESOLVED:
                found = self.resolved[pointer] = resolve_pointer(self.doc, pointer)
            node = found
        return node, pointer

    def build(self) -> Document:
        info = self.doc.get("info") or {}
        raw_ops = list(self._raw_operations())
        shared = self._shared_headers(raw_ops)
        self.schemas.shared_errors = shared_error_bodies(
            ((at, op) for _path, _method, _item, op, at in raw_ops), self.deref
        )
        self.short_ids = _unique_fastapi_stems(raw_ops)
        op_names = NameRegistry()
        operations = method_names(
            [
                self._operation(path, method, item, op, at, op_names, shared)
                for path, method, item, op, at in raw_ops
            ],
            [op for _path, _method, _item, op, _at in raw_ops],
        )
        webhooks = self._webhooks()
        client_headers: dict[str, Parameter] = {}
        for op in operations:
            for p in op.parameters:
                if p.client_level:
                    client_headers.setdefault(p.name.lower(), p)
        named = self.schemas.model_schemas()
        self.warnings += [
            Warning_(m, p, "ref-outside-components") for p, m in self.schemas.warnings
        ]
        return Document(
            title=str(info.get("title", "API")),
            version=str(info.get("version", "0.0.0")),
            description=str(info.get("description", "")),
            openapi=str(self.doc.get("openapi")),
            servers=tuple(
                str(s.get("url"))
                for s in self.doc.get("servers") or []
                if isinstance(s, dict) and s.get("url")
            ),
            operations=tuple(operations),
            schemas=tuple(named),
            security_schemes=self._security_schemes(),
            client_headers=tuple(client_headers.values()),
            warnings=self.warnings,
            webhooks=webhooks,
            tags=tuple(self.tags.values()),
            self_uri=str(self.doc["$self"]) if isinstance(self.doc.get("$self"), str) else None,
        )

    def _raw_operations(self) -> Any:
        for path, item in (self.doc.get("paths") or {}).items():
            item, _ = self.deref(item)
            if not isinstance(item, dict):
                continue
            for method, tokens, op in path_item_operations(item):
                yield path, method, item, op, join_pointer("/paths", path, *tokens)

    def _webhooks(self) -> tuple[Operation, ...]:
        """OpenAPI 3.1 `webhooks` (or a 3.0 document's `x-webhooks`), each method of each named
        path item an operation of its own.

        A webhook's Python name is its operationId, else its name (`newPet` -> `new_pet`; with
        the method first when the name carries several methods); its classes are stemmed
        `...Webhook` (payload model `NewPetWebhookPayload`), so they never take an operation's
        names. The name registry is the webhooks' own: `Handlers.new_pet` and
        `WebhookHandlers.new_pet` can both exist.
        """
        section = "webhooks"
        raw = self.doc.get(section)
        if not (isinstance(raw, dict) and raw):
            # A 3.0 document cannot have `webhooks`; vendors write them as `x-webhooks`.
            section = "x-webhooks"
            raw = self.doc.get(section)
        if not isinstance(raw, dict):
            return ()
        names = NameRegistry()
        result = []
        for name, item in raw.items():
            item, _ = self.deref(item)
            if not isinstance(item, dict):
                continue
            found = list(path_item_operations(item))
            methods = [m for m, _, _ in found]
            for method, tokens, op in found:
                at = join_pointer("/" + section, name, *tokens)
                op_id = op.get("operationId")
                wanted = (
                    op_id
                    if isinstance(op_id, str) and op_id.strip()
                    else str(name)
                    if len(methods) == 1
                    else f"{method}_{name}"
                )
                python_name = names.claim(safe_identifier(snake(wanted, "webhook")), at)
                result.append(
                    self._operation(
                        str(name), method, item, op, at, NameRegistry(), set(),
                        python_name=python_name, class_stem=pascal(python_name) + "Webhook",
                        body_suffix="Payload",
                    )
                )  # fmt: skip
        return tuple(result)

    def _merged_parameters(
        self, item: dict[str, Any], op: dict[str, Any], at: str
    ) -> list[tuple[dict[str, Any], str]]:
        """Path-item parameters overridden by operation parameters of the same name and location."""
        merged: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
        path_at = at.rsplit("/", 1)[0]
        for source, base in (
            (item.get("parameters") or [], join_pointer(path_at, "parameters")),
            (op.get("parameters") or [], join_pointer(at, "parameters")),
        ):
            for i, raw in enumerate(source):
                param, ref_pointer = self.deref(raw)
                if isinstance(param, dict) and "name" in param and "in" in param:
                    merged[(str(param["in"]), str(param["name"]))] = (
                        param,
                        ref_pointer or join_pointer(base, i),
                    )
        return list(merged.values())

    def _shared_headers(self, raw_ops: list[Any]) -> set[tuple[str, str]]:
        """Optional header parameters repeated, identically, on most operations: client-level.

        The ServiceAi client-version header is the model case: a property of the calling client,
        set once, not an argument of every call. An `x-client-level: true` on the parameter
        forces it either way.
        """
        counts: Counter[tuple[str, str]] = Counter()
        forced: dict[tuple[str, str], bool] = {}
        for _path, _method, item, op, at in raw_ops:
            for param, _ in self._merged_parameters(item, op, at):
                if param.get("in") != "header":
                    # Its key (`in` among the fields) is never a header's: only headers are
                    # client-level (`_parameters`).
                    continue
                key = _parameter_key(param)
                if "x-client-level" in param:
                    forced[key] = bool(param["x-client-level"])
                if str(param.get("name", "")).lower() in IDEMPOTENCY_HEADERS:
                    forced[key] = False  # one key per call, never one per client
                if not param.get("required", False):
                    counts[key] += 1
        threshold = max(2, (len(raw_ops) + 1) // 2)
        shared = {k for k, n in counts.items() if n >= threshold and forced.get(k, True)}
        return shared | {k for k, v in forced.items() if v}

    def _operation(
        self,
        path: str,
        method: str,
        item: dict[str, Any],
        op: dict[str, Any],
        at: str,
        op_names: NameRegistry,
        shared: set[tuple[str, str]],
        *,
        python_name: str | None = None,
        class_stem: str | None = None,
        body_suffix: str = "Request",
    ) -> Operation:
        op_id = op.get("operationId")
        if isinstance(op_id, str) and op_id.strip():
            wanted = self.short_ids.get(at, op_id)
        else:
            wanted = _derived_operation_name(method, path)
            op_id = None
        if python_name is None:
            python_name = op_names.claim(safe_identifier(snake(wanted, "operation")), at)
        class_stem = class_stem or pascal(python_name)
        params = self._parameters(item, op, at, class_stem, shared)
        body = self._request_body(op, at, class_stem, body_suffix)
        responses = tuple(
            self._response(status, raw, join_pointer(at, "responses", status), class_stem, True)
            for status, raw in (op.get("responses") or {}).items()
        )
        tags = tuple(str(t) for t in op.get("tags") or [])
        security_raw = op.get("security", self.doc.get("security") or [])
        security = tuple(tuple(sorted(req)) for req in security_raw if isinstance(req, dict))
        return Operation(
            operation_id=op_id or wanted,
            python_name=python_name,
            class_stem=class_stem,
            method=method,
            path=path,
            summary=str(op.get("summary") or ""),
            description=str(op.get("description") or ""),
            tags=tags,
            resource=self._resource(tags),
            parameters=params,
            request_body=body,
            responses=responses,
            security=security,
            deprecated=bool(op.get("deprecated", False)),
            idempotent=method in IDEMPOTENT_METHODS,
            retry=retry_policy(method, op, at, idempotency_header(params) is not None),
            idempotency_header=idempotency_header(params),
            pagination=pagination(
                op, method, at, params, responses, lambda s: self.deref(s)[0], self.schemas.type_of
            ),
            pointer=at,
            links={
                s: r.get("links")
                for s, r in (op.get("responses") or {}).items()
                if isinstance(r, dict) and r.get("links")
            },
        )

    def _resource(self, tags: tuple[str, ...]) -> str:
        """The client resource of an operation: its first tag, or with OpenAPI 3.2's tags, its
        first navigation tag's top ancestor.

        A tag whose `kind` is not `nav` (a `badge`, an `audience`) labels the operation without
        placing it, so it never decides the resource; a `parent` chain groups child tags under
        their root (`international` under `flights` -> `client.flights`). An operation with no
        navigation tag goes to `default`.
        """
        placing = [t for t in tags if (self.tags.get(t) and self.tags[t].kind) in (None, "nav")]
        if not placing:
            return "default"
        chosen, seen = placing[0], {placing[0]}
        while True:
            parent = self.tags[chosen].parent if chosen in self.tags else None
            if parent is None or parent in seen or parent not in self.tags:
                break  # a parent the document does not list (or a cycle): stop there
            seen.add(parent)
            chosen = parent
        return safe_identifier(snake(chosen, "default"))

    def _parameters(
        self,
        item: dict[str, Any],
        op: dict[str, Any],
        at: str,
        stem: str,
        shared: set[tuple[str, str]],
    ) -> tuple[Parameter, ...]:
        names = NameRegistry(
            frozenset({"self", "body", "timeout", "extra_headers", "options", "content_type"})
        )
        result: list[Parameter] = []
        for param, pointer in self._merged_parameters(item, op, at):
            location = str(param["in"])
            schema = param.get("schema")
            schema_at = join_pointer(pointer, "schema")
            if schema is None and isinstance(param.get("content"), dict) and param["content"]:
                media, media_obj = next(iter(param["content"].items()))
                schema = (media_obj or {}).get("schema")
                schema_at = join_pointer(pointer, "content", media, "schema")
            python_name = names.claim(safe_identifier(snake(str(param["name"]), "param")), pointer)
            result.append(
                Parameter(
                    name=str(param["name"]),
                    python_name=python_name,
                    location=location,  # type: ignore[arg-type]
                    required=bool(param.get("required", location == "path")),
                    type=self.schemas.type_of(schema, schema_at, stem + pascal(str(param["name"]))),
                    schema=schema,
                    description=str(param.get("description") or ""),
                    deprecated=bool(param.get("deprecated", False)),
                    style=str(
                        param.get("style")
                        or ("form" if location in ("query", "cookie") else "simple")
                    ),
                    explode=bool(param.get("explode", param.get("style", "form") == "form")),
                    # (the key of `_shared_headers`, written only for a header)
                    client_level=location == "header" and _parameter_key(param) in shared,
                    pointer=pointer,
                )
            )
        # Required parameters first, in document order, so generated signatures read naturally.
        return tuple(sorted(result, key=lambda p: (not p.required, p.location != "path")))

    def _request_body(
        self, op: dict[str, Any], at: str, stem: str, suffix: str = "Request"
    ) -> RequestBody | None:
        raw = op.get("requestBody")
        if raw is None:
            return None
        body, ref_pointer = self.deref(raw)
        pointer = ref_pointer or join_pointer(at, "requestBody")
        content = self._content(
            body.get("content") or {},
            join_pointer(pointer, "content"),
            component_body_stem(ref_pointer) or stem + suffix,
            owner=join_pointer(at, "requestBody"),
        )
        return RequestBody(
            bool(body.get("required", False)), str(body.get("description") or ""), content, pointer
        )

    def _response(self, status: str, raw: Any, at: str, stem: str, own: bool = False) -> Response:
        response, ref_pointer = self.deref(raw)
        pointer = ref_pointer or at
        status = str(status).upper() if str(status).lower() != "default" else "default"
        code = int(status) if status.isdigit() else None
        class_stem = stem + _status_name(status, code)
        content = self._content(
            response.get("content") or {},
            join_pointer(pointer, "content"),
            component_body_stem(ref_pointer) or class_stem + "Body",
            owner=at if own else None,
            error=not status.startswith(("1", "2")),
        )
        headers = []
        header_names = NameRegistry()
        for name, raw_header in (response.get("headers") or {}).items():
            header, _ = self.deref(raw_header)
            if name.lower() == "content-type" or not isinstance(header, dict):
                continue
            htype = self.schemas.type_of(
                header.get("schema"),
                join_pointer(pointer, "headers", name, "schema"),
                class_stem + pascal(name),
            )
            headers.append(
                Header(
                    name,
                    header_names.claim(safe_identifier(snake(name))),
                    bool(header.get("required", False)),
                    htype,
                    str(header.get("description") or ""),
                )
            )
        return Response(
            status,
            code,
            str(response.get("description") or ""),
            content,
            tuple(headers),
            class_stem,
            pointer,
        )

    def _content(
        self,
        content: dict[str, Any],
        at: str,
        stem: str,
        owner: str | None = None,
        error: bool = False,
    ) -> tuple[MediaType, ...]:
        result = []
        kinds = Counter(media_kind(m) for m in content)
        for media, raw_media in content.items():
            # OpenAPI 3.2: a media type may be a `$ref` to `components/mediaTypes`.
            media_obj, ref_pointer = self.deref(raw_media)
            media_obj = media_obj if isinstance(media_obj, dict) else {}
            media_at = ref_pointer or join_pointer(at, media)
            kind = media_kind(media)
            schema = media_obj.get("schema")
            schema_at = join_pointer(media_at, "schema") if schema is not None else None
            media_stem = (
                stem
                if len(content) == 1
                else stem + pascal(media.split("/")[-1].split(";")[0], "Media")
                if kinds[kind] > 1
                else stem + _KIND_SUFFIX[kind]
            )
            if kind == "json" or kind == "form" or kind == "multipart":
                type_ = self.schemas.type_of(schema, schema_at or at, media_stem, owner, error)
            elif kind == "text":
                type_ = TypeExpr("str")
            elif kind == "binary":
                type_ = TypeExpr("bytes")
            else:
                type_ = TypeExpr("bytes")
            examples = _examples(media_obj, media_at)
            encoding = tuple(
                (str(part), str(enc["contentType"]))
                for part, enc in (media_obj.get("encoding") or {}).items()
                if isinstance(enc, dict) and isinstance(enc.get("contentType"), str)
            )
            result.append(
                MediaType(
                    media, kind, type_, schema, schema_at, examples, encoding,
                    # OpenAPI 3.2 `itemSchema` (or the schema) as each event's type
                    self._stream(media, media_obj, media_at, media_stem),
                )
            )  # fmt: skip
        return tuple(result)

    def _stream(
        self, media: str, media_obj: dict[str, Any], at: str, stem: str
    ) -> StreamMedia | None:
        """A stream media type's event type (generator.ir.streaming), typed like any schema."""
        found = stream_source(media, media_obj, at, lambda s: self.deref(s)[0])
        if found is None:
            return None
        type_ = self.schemas.type_of(found.schema, found.pointer, stem + "Event")
        return StreamMedia(
            found.format, type_, found.decode, found.envelope, found.source, found.pointer
        )

    def _security_schemes(self) -> tuple[SecurityScheme, ...]:
        result = []
        for name, raw in ((self.doc.get("components") or {}).get("securitySchemes") or {}).items():
            scheme, _ = self.deref(raw)
            kind_raw = str(scheme.get("type", ""))
            kind: Literal["bearer", "basic", "api_key", "oauth2", "openid", "other"]
            if kind_raw == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
                kind = "bearer"
            elif kind_raw == "http" and str(scheme.get("scheme", "")).lower() == "basic":
                kind = "basic"
            elif kind_raw == "apiKey":
                kind = "api_key"
            elif kind_raw == "oauth2":
                kind = "oauth2"
            elif kind_raw == "openIdConnect":
                kind = "openid"
            else:
                kind = "other"
            flows = scheme.get("flows") if kind == "oauth2" else None
            result.append(
                SecurityScheme(
                    name,
                    kind,
                    scheme.get("in"),
                    scheme.get("name"),
                    str(scheme.get("description") or ""),
                    flows=tuple(
                        _flow(str(flow_name), flow)
                        for flow_name, flow in (flows.items() if isinstance(flows, dict) else [])
                        if isinstance(flow, dict)
                    ),
                    oauth2_metadata_url=_text_or_none(scheme.get("oauth2MetadataUrl")),
                    open_id_connect_url=_text_or_none(scheme.get("openIdConnectUrl")),
                    deprecated=scheme.get("deprecated") is True,
                    scopes=self._requested_scopes(str(name)),
                )
            )
        return tuple(result)

    def _requested_scopes(self, scheme: str) -> tuple[str, ...]:
        """Every scope a security requirement of the document asks of `scheme`, in order."""
        requirements = list(self.doc.get("security") or [])
        for _path, _method, _item, op, _at in self._raw_operations():
            requirements += op.get("security") or []
        scopes: dict[str, None] = {}
        for requirement in requirements:
            if isinstance(requirement, dict) and isinstance(requirement.get(scheme), list):
                scopes.update((str(s), None) for s in requirement[scheme])
        return tuple(scopes)


_KIND_SUFFIX = {
    "json": "",
    "text": "Text",
    "binary": "Binary",
    "form": "Form",
    "multipart": "Multipart",
    "any": "Any",
}


def _tags(doc: dict[str, Any]) -> dict[str, Tag]:
    """The document's tags by name, first listing kept (a duplicate name is a vendor's slip)."""
    found: dict[str, Tag] = {}
    for raw in doc.get("tags") or []:
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            continue
        found.setdefault(
            raw["name"],
            Tag(
                raw["name"],
                str(raw.get("summary") or ""),
                str(raw.get("description") or ""),
                _text_or_none(raw.get("parent")),
                _text_or_none(raw.get("kind")),
            ),
        )
    return found


def _flow(name: str, flow: dict[str, Any]) -> OAuthFlow:
    scopes = flow.get("scopes")
    return OAuthFlow(
        name,
        _text_or_none(flow.get("authorizationUrl")),
        _text_or_none(flow.get("tokenUrl")),
        _text_or_none(flow.get("refreshUrl")),
        _text_or_none(flow.get("deviceAuthorizationUrl")),
        tuple((str(k), str(v)) for k, v in scopes.items()) if isinstance(scopes, dict) else (),
    )


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _status_name(status: str, code: int | None) -> str:
    if status == "default":
        return "Default"
    if status in _RANGE_NAMES:
        return _RANGE_NAMES[status]
    if code is not None:
        return PHRASES.get(code, f"Status{code}")
    return pascal(status, "Status")


def _unique_fastapi_stems(raw_ops: list[Any]) -> dict[str, str]:
    """operation pointer -> the function name inside its FastAPI operationId, where unique.

    `list_models_v1_models_get` -> `list_models`; a function name two operations share keeps
    both ids whole (the path in them is what tells them apart).
    """
    found: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for path, method, _item, op, at in raw_ops:
        op_id = op.get("operationId")
        if isinstance(op_id, str):
            stem = fastapi_stem(op_id, method, path)
            if stem is not None:
                found[at] = stem
            counts[snake(stem or op_id)] += 1
    return {at: s for at, s in found.items() if counts[snake(s)] == 1}


def _parameter_key(param: dict[str, Any]) -> tuple[str, str]:
    """A parameter by its name, and its whole definition: what makes two operations' the same."""
    return str(param["name"]).lower(), repr(sorted(param.items(), key=lambda kv: kv[0]))


def _derived_operation_name(method: str, path: str) -> str:
    """`get /pets/{petId}/photos` -> `get_pets_by_pet_id_photos`: stable and readable."""
    parts = [method]
    for segment in path.strip("/").split("/"):
        if not segment:
            continue
        if segment.startswith("{") and segment.endswith("}"):
            parts += ["by", *words(segment[1:-1])]
        else:
            parts += words(segment)
    return "_".join(p.lower() for p in parts)


def _examples(media_obj: dict[str, Any], at: str) -> tuple[Example, ...]:
    found = []
    if "example" in media_obj:
        found.append(Example("example", media_obj["example"], join_pointer(at, "example")))
    for name, ex in (media_obj.get("examples") or {}).items():
        if isinstance(ex, dict) and "value" in ex:
            found.append(
                Example(str(name), ex["value"], join_pointer(at, "examples", name, "value"))
            )
    return tuple(found)
