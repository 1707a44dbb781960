"""The intermediate model: everything an emitter needs, decided once.

Emitters render these objects; they never look at the raw document again. Every name here is a
final Python name (unique, not a keyword), every body has a media kind that says how it is
parsed, and every schema an operation uses has a Python type expression over generated models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from generator.errors import Location

if TYPE_CHECKING:
    from generator.ir.pagination import Pagination
    from generator.plans.adapter import AdapterPlan
    from generator.plans.client import ClientPlan
    from generator.plans.mcp import McpPlan
    from generator.plans.server import ServerPlan

MediaKind = Literal["json", "text", "binary", "form", "multipart", "any"]
# `querystring` (OpenAPI 3.2): one parameter that is the whole query string.
ParamLocation = Literal["path", "query", "header", "cookie", "querystring"]


@dataclass(frozen=True, slots=True)
class TypeExpr:
    """A Python type expression (`list[Pet]`, `str`, `Any`) and the model classes it names."""

    expr: str
    models: tuple[str, ...] = ()
    nullable: bool = False

    @property
    def annotation(self) -> str:
        return (
            f"{self.expr} | None"
            if self.nullable and self.expr not in ("Any", "None")
            else self.expr
        )


ANY = TypeExpr("Any")


@dataclass(frozen=True, slots=True)
class Example:
    name: str
    value: Any
    pointer: str


@dataclass(frozen=True, slots=True)
class StreamMedia:
    """A response media type that is a stream of events (generator.ir.streaming decides it).

    `format`: "sse" (text/event-stream), "jsonl" (application/jsonl, application/x-ndjson) or
    "json-seq" (application/json-seq). `type` is what one event parses into; `decode` says how
    an event's data is read ("json" or "text", the SSE `data` as it is); `envelope` is true when
    the schema describes the whole SSE event (`data`, `event`, `id`, `retry`), not its data.
    """

    format: str
    type: TypeExpr
    decode: str
    envelope: bool
    source: str  # "itemSchema" (OpenAPI 3.2) or "schema"
    pointer: str | None  # where the event's schema is written


@dataclass(frozen=True, slots=True)
class MediaType:
    name: str  # as written in the document, e.g. "application/json"
    kind: MediaKind
    type: TypeExpr  # what a parsed body of this media type is
    schema: Any  # the schema as written (None when the document gives none)
    schema_pointer: str | None
    examples: tuple[Example, ...] = ()
    # multipart/form-data and urlencoded bodies: property name -> the `encoding` contentType the
    # document gives that part (only the parts it names), in document order
    encoding: tuple[tuple[str, str], ...] = ()
    # A stream of events (text/event-stream, JSON Lines, JSON text sequences; OpenAPI 3.2
    # `itemSchema` gives an event's schema); None otherwise.
    stream: StreamMedia | None = None


@dataclass(frozen=True, slots=True)
class Header:
    name: str
    python_name: str
    required: bool
    type: TypeExpr
    description: str


@dataclass(frozen=True, slots=True)
class Response:
    status: str  # "200", "4XX", "default"
    code: int | None  # the status code when `status` names exactly one
    description: str
    content: tuple[MediaType, ...]
    headers: tuple[Header, ...]
    class_stem: str  # e.g. "ExchangeRealtimeSdpBadGateway"; emitters add Response/Error
    pointer: str

    @property
    def is_success(self) -> bool:
        return self.status.startswith("2")

    @property
    def is_default(self) -> bool:
        return self.status == "default"

    @property
    def is_range(self) -> bool:
        return self.status.endswith("XX")

    @property
    def type(self) -> TypeExpr:
        """The union of every media type's body type (the body a caller receives)."""
        return union_of([m.type for m in self.content]) if self.content else TypeExpr("None")


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    python_name: str
    location: ParamLocation
    required: bool
    type: TypeExpr
    schema: Any
    description: str
    deprecated: bool
    style: str
    explode: bool
    client_level: bool  # set once on the client (a shared optional header), not per call
    pointer: str


@dataclass(frozen=True, slots=True)
class RequestBody:
    required: bool
    description: str
    content: tuple[MediaType, ...]
    pointer: str

    @property
    def type(self) -> TypeExpr:
        return union_of([m.type for m in self.content])


@dataclass(frozen=True, slots=True)
class OAuthFlow:
    """One flow of an oauth2 scheme: `authorizationCode`, `clientCredentials`, `implicit`,
    `password` or OpenAPI 3.2's `deviceAuthorization` (RFC 8628), with its endpoints."""

    name: str
    authorization_url: str | None
    token_url: str | None
    refresh_url: str | None
    device_authorization_url: str | None
    scopes: tuple[tuple[str, str], ...]  # scope -> description, in document order


@dataclass(frozen=True, slots=True)
class SecurityScheme:
    name: str
    kind: Literal["bearer", "basic", "api_key", "oauth2", "openid", "other"]
    location: str | None  # header/query/cookie for api keys
    parameter_name: str | None  # the header/query/cookie name for api keys
    description: str
    flows: tuple[OAuthFlow, ...] = ()  # oauth2 only
    # OpenAPI 3.2: where the authorization server's metadata (RFC 8414) is published
    oauth2_metadata_url: str | None = None
    open_id_connect_url: str | None = None
    deprecated: bool = False  # OpenAPI 3.2 marks a scheme deprecated
    # OAuth2: the scopes the document's security requirements ask of this scheme (requested
    # with the client credentials token).
    scopes: tuple[str, ...] = ()

    @property
    def token_url(self) -> str | None:
        """The client credentials flow's tokenUrl (None without that flow): the one flow a
        generated client runs itself."""
        for flow in self.flows:
            if flow.name == "clientCredentials":
                return flow.token_url
        return None


@dataclass(frozen=True, slots=True)
class Tag:
    """A tag of the document's `tags` list; OpenAPI 3.2 adds `summary`, `parent` and `kind`
    (`nav`, `badge`, `audience`, ...: the Tag Kind registry)."""

    name: str
    summary: str
    description: str
    parent: str | None
    kind: str | None


@dataclass(frozen=True, slots=True)
class Operation:
    operation_id: str
    python_name: str  # snake_case method name
    class_stem: str  # PascalCase stem for classes about this operation
    method: str  # lower case
    path: str
    summary: str
    description: str
    tags: tuple[str, ...]
    resource: str  # python attribute of the resource group on the client (first tag)
    parameters: tuple[Parameter, ...]
    request_body: RequestBody | None
    responses: tuple[Response, ...]
    security: tuple[tuple[str, ...], ...]  # alternatives, each a set of scheme names
    deprecated: bool
    idempotent: bool  # the method is idempotent (GET, PUT, DELETE, ...)
    pointer: str
    links: dict[str, Any] = field(default_factory=dict)
    # What the client retries (generator.ir.retry): "all" (connection errors, timeouts and the
    # retried statuses), "rate_limit" (a 429 alone: the request was not processed) or "never".
    retry: str = "rate_limit"
    # The client's method name inside its resource (`list_tools` on `chatty`), decided once in
    # generator.ir.method_names; `python_name` stays the document-wide unique name.
    method_name: str = ""
    # How a list operation pages (generator.ir.pagination): detected from its parameters and
    # response, or stated by `x-pagination`; None when it does not page (or `x-pagination: false`).
    pagination: Pagination | None = None
    # Why `method_name` is not the operationId in snake_case ("" when it is), for the
    # generation report: "FastAPI suffix `_v1_models_get` removed; resource name removed".
    renamed: str = ""
    # The document's idempotency key header parameter (`Idempotency-Key`): the client fills it
    # once per call when the caller does not, and retries the call like an idempotent one.
    idempotency_header: str | None = None

    @property
    def call_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if not p.client_level)


@dataclass(frozen=True, slots=True)
class NamedSchema:
    """A schema that becomes a generated model class."""

    python_name: str
    source_pointer: str  # where it was written (component or inline position)
    schema: Any  # as given to the models emitter (refs rewritten to python names)
    inline: bool


@dataclass(frozen=True, slots=True)
class Warning_:
    message: str
    pointer: str
    # The rule that produced it (generator/warning_rules.py): what the grouped report groups by
    # and whether it is a repair (what is generated differs from the document) or a notice.
    rule: str = ""
    # Where in which file, when the loader knows (a repair of a multi-file document).
    where: Location | None = None


@dataclass(slots=True)
class Document:
    title: str
    version: str
    description: str
    openapi: str
    servers: tuple[str, ...]
    operations: tuple[Operation, ...]
    schemas: tuple[NamedSchema, ...]
    security_schemes: tuple[SecurityScheme, ...]
    client_headers: tuple[Parameter, ...]
    warnings: list[Warning_] = field(default_factory=list)
    # OpenAPI 3.1 `webhooks`: requests the API sends to its subscribers. Each is an Operation
    # whose `path` is the webhook's name; its request body is the delivery's payload and its
    # responses are what the subscriber's receiver answers. Names are their own namespace.
    webhooks: tuple[Operation, ...] = ()
    tags: tuple[Tag, ...] = ()
    # What was read and what the loader did to it, for the generation summary: the version
    # ("Swagger 2.0 converted to OpenAPI 3.0.3", "OpenAPI 3.2.0"), then what bundling hoisted.
    source: str = ""
    # Located notes of what was converted (Swagger 2.0) or hoisted (bundling): not faults.
    notes: list[Warning_] = field(default_factory=list)
    # Swagger 2.0: pointer prefixes of the converted document -> the 2.0 pointers they came
    # from, so a warning points where the user wrote (`original_pointer`).
    moved: dict[str, str] = field(default_factory=dict)
    # OpenAPI 3.2 `$self`: the document's own URI (the base of its relative references)
    self_uri: str | None = None
    server: ServerPlan | None = None  # server-side decisions (generator.plans.server)
    client: ClientPlan | None = None  # client-side decisions (generator.plans.client)
    mcp: McpPlan | None = None  # MCP tools (generator.plans.mcp)
    adapter: AdapterPlan | None = None  # the REST adapter (generator.plans.adapter)

    @property
    def resources(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for op in self.operations:
            seen.setdefault(op.resource, None)
        return tuple(seen)


def union_of(types: list[TypeExpr]) -> TypeExpr:
    unique: list[TypeExpr] = []
    for t in types:
        if all(t.expr != u.expr for u in unique):
            unique.append(t)
    if not unique:
        return TypeExpr("None")
    if len(unique) == 1:
        return unique[0]
    if any(t.expr == "Any" for t in unique):
        return ANY
    models = tuple(sorted({m for t in unique for m in t.models}))
    return TypeExpr(" | ".join(t.expr for t in unique), models, any(t.nullable for t in unique))
