"""What the client SDK needs beyond the operations: every client-side decision, made once.

The client emitter renders this plan and decides nothing. Decisions made here:

- **Exception names.** A documented non-success response raises `{class_stem}Error`
  (`ExchangeRealtimeSdpBadGatewayError`); a stem that already ends in `Error`
  (`CreateRealtimeTokenInternalServerError`, `ListPetsClientError`) is used as it is. Names are
  unique among themselves and never shadow the runtime's base classes.
- **Status bases.** Every per-operation exception subclasses a generic base chosen by status:
  one class per well-known 4xx/5xx code (a fixed table, so names do not depend on the Python
  version), `ClientError`/`ServerError` for ranges and other codes, `RedirectionError` for 3xx,
  and `PassThroughError` for a `default` response.
- **What is returned and what is raised.** 2xx responses (and a `2XX` range) are returned; every
  other documented response raises its exception. A `default` response raises for a non-2xx
  status; it is returned for a 2xx status only when the operation documents no 2xx response.
  The method's return type is the union of the returned bodies (`None` for a body-less one).
- **Fallback to `default`.** A documented status whose body does not match its documented media
  type or schema falls to the operation's `default` response when it has one (the rule the
  ServiceAi SDP exchange needs: a 502 that is not the JSON envelope is a pass-through error).
  Without a `default`, a mismatching error body raises that status's exception with
  `body=None` (raw text and response kept); a mismatching success body raises
  `InvalidResponseError`. This is decided at run time by the transport from the table here.
- **Parameters.** Client-level headers (`Parameter.client_level`) become client constructor
  keywords; header parameters named Accept, Content-Type or Authorization are ignored, as
  OpenAPI says.
- **Retries.** `Operation.retry` (generator.ir.operation_policy): a 429 on any method, the rest
  only where repeating is safe; `x-retry` / `x-mcp: {idempotentHint}` adjust it per operation.
- **Method names.** `Operation.method_name` (generator.ir.operation_policy): the operation's
  name without its resource's (`client.chatty.list_tools()`); exceptions keep the full name.
- **Resources.** Operations are grouped by `Operation.resource`; the client attribute is that
  name unless it would shadow a client member.
- **Helpers** declared by `x-sdk-branches` (a function naming which branch of a union object a
  value is) and `x-sdk-flatten` (a function hoisting a nested object's properties) on component
  schemas, typically added by an overlay.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from generator.errors import Location, Problem, SpecError, join_pointer
from generator.ir.model import Document, MediaType, Operation, Response, TypeExpr, union_of
from generator.ir.naming import NameRegistry, pascal, safe_identifier, snake
from generator.ir.pagination import PagerPlan, pager_plan
from generator.ir.streaming import Returns, client_returns
from generator.plans.auth import AuthPlan, build_auth_plan
from generator.plans.body_params import BodyParams, FieldParam, TypedDictPlan
from generator.plans.readme import ReadmePlan, build_readme_plan
from generator.plans.shadowing import shadowed, shield_operation
from generator.plans.uploads import FILE_CONTENT
from generator.plans.uploads import properties as upload_properties

# A fixed table, not http.HTTPStatus: phrases differ between Python versions (413, 422) and the
# generated names must not.
STATUS_BASES: tuple[tuple[int, str], ...] = (
    (300, "MultipleChoicesError"),
    (301, "MovedPermanentlyError"),
    (302, "FoundError"),
    (303, "SeeOtherError"),
    (304, "NotModifiedError"),
    (307, "TemporaryRedirectError"),
    (308, "PermanentRedirectError"),
    (400, "BadRequestError"),
    (401, "UnauthorizedError"),
    (402, "PaymentRequiredError"),
    (403, "ForbiddenError"),
    (404, "NotFoundError"),
    (405, "MethodNotAllowedError"),
    (406, "NotAcceptableError"),
    (407, "ProxyAuthenticationRequiredError"),
    (408, "RequestTimeoutError"),
    (409, "ConflictError"),
    (410, "GoneError"),
    (411, "LengthRequiredError"),
    (412, "PreconditionFailedError"),
    (413, "ContentTooLargeError"),
    (414, "UriTooLongError"),
    (415, "UnsupportedMediaTypeError"),
    (416, "RangeNotSatisfiableError"),
    (417, "ExpectationFailedError"),
    (418, "ImATeapotError"),
    (421, "MisdirectedRequestError"),
    (422, "UnprocessableEntityError"),
    (423, "LockedError"),
    (424, "FailedDependencyError"),
    (425, "TooEarlyError"),
    (426, "UpgradeRequiredError"),
    (428, "PreconditionRequiredError"),
    (429, "TooManyRequestsError"),
    (431, "RequestHeaderFieldsTooLargeError"),
    (451, "UnavailableForLegalReasonsError"),
    (500, "InternalServerError"),
    (501, "NotImplementedServerError"),
    (502, "BadGatewayError"),
    (503, "ServiceUnavailableError"),
    (504, "GatewayTimeoutError"),
    (505, "HttpVersionNotSupportedError"),
    (506, "VariantAlsoNegotiatesError"),
    (507, "InsufficientStorageError"),
    (508, "LoopDetectedError"),
    (510, "NotExtendedError"),
    (511, "NetworkAuthenticationRequiredError"),
)
# Classes of the runtime errors module; generated exception names never take these.
RUNTIME_ERRORS = (
    "SdkError",
    "ApiError",
    "UnexpectedStatus",
    "InvalidResponseError",
    "PassThroughError",
    "RedirectionError",
    "ClientError",
    "ServerError",
    "APIConnectionError",
    "APITimeoutError",
    "ClientClosedError",
    "RequestBuildError",
    "ConfigurationError",
    "TokenRequestError",
)
RETRY_STATUSES = (429, 502, 503, 504)
IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
# Members of the generated Client classes that a resource attribute must not shadow.
CLIENT_MEMBERS = frozenset(
    {
        "close",
        "aclose",
        "base_url",
        "timeout",
        "max_retries",
        "retry",
        "response_validation",
        "request",
        "request_raw",
        "send",
        "with_options",
        "copy",
    }
)
MODELS_ALIAS = "_m"
# Keywords of the generated Client constructors; a client-level header never takes one.
CONSTRUCTOR_ARGUMENTS = frozenset(
    {
        "self",
        "base_url",
        "token",
        "api_key",
        "basic_auth",
        "client_id",
        "client_secret",
        "credentials",
        "timeout",
        "headers",
        "http_client",
        "max_retries",
        "retry",
        "response_validation",
    }
)


@dataclass(frozen=True, slots=True)
class MediaPlan:
    name: str  # as documented
    kind: str  # MediaKind
    runtime_type: str  # a Python expression of the parsed type (models qualified)
    # A stream of events (generator.ir.streaming): (format, decode, envelope, event type)
    stream: tuple[str, str, bool, str] | None = None


@dataclass(frozen=True, slots=True)
class ResponsePlan:
    status: str
    code: int | None
    description: str
    media: tuple[MediaPlan, ...]
    returns: bool  # a 2xx status documented here is returned, not raised
    exception: str | None  # the exception class (None for a returned-only response)
    exception_base: str | None
    body_annotation: str  # the exception's `.body` annotation
    is_default: bool


@dataclass(frozen=True, slots=True)
class ParamPlan:
    name: str
    python_name: str
    location: str
    required: bool
    annotation: str
    style: str
    explode: bool
    description: str

    @property
    def argument(self) -> str:
        """The annotation in a method signature (optional ones accept None)."""
        return self.annotation if self.required else _optional(self.annotation)


@dataclass(frozen=True, slots=True)
class PartPlan:
    name: str
    content_type: str | None  # the `encoding` contentType, or None when the document names none


@dataclass(frozen=True, slots=True)
class RequestMediaPlan:
    name: str
    kind: str
    annotation: str  # what the caller may pass for this media type
    parts: tuple[PartPlan, ...]
    files: tuple[str, ...] = ()  # multipart parts that are files (generator.plans.uploads)

    @property
    def encodings(self) -> tuple[tuple[str, str | None], ...]:
        return tuple((p.name, p.content_type) for p in self.parts)


@dataclass(frozen=True, slots=True)
class BodyPlan:
    required: bool  # the document's requestBody.required
    media: tuple[RequestMediaPlan, ...]
    annotation: str  # union of what the caller may pass
    description: str
    # Typed keyword fields may stand in for the whole body, so `body=` is then never a
    # required argument (the request body itself stays required: MCP and docs read `required`).
    keyword_fields: bool = False

    @property
    def argument_required(self) -> bool:
        return self.required and not self.keyword_fields

    @property
    def content_types(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.media)

    @property
    def argument(self) -> str:
        return self.annotation if self.argument_required else _optional(self.annotation)


@dataclass(frozen=True, slots=True)
class OperationPlan:
    op: Operation
    name: str  # method name
    spec_name: str  # module-level constant holding the runtime description
    params: tuple[ParamPlan, ...]  # per-call parameters, in signature order
    client_headers: tuple[str, ...]  # client-level header names this operation declares
    body: BodyPlan | None
    responses: tuple[ResponsePlan, ...]
    return_annotation: str
    retry: str  # "all", "rate_limit" or "never" (generator.ir.operation_policy)
    accept: str | None
    docstring: str
    fields: tuple[FieldParam, ...] = ()  # the body's properties as keyword arguments
    args_doc: tuple[tuple[str, str], ...] = ()  # (argument, description) for `Args:`
    returns_doc: str = ""  # for `Returns:`
    # Streams and pages (generator.ir.streaming, generator.ir.pagination): what the async
    # method returns when it differs from the sync one (`AsyncStream`, `AsyncPager`), and what
    # `with_raw_response`'s `.parse()` gives (the body as documented: a page, a stream's text).
    async_annotation: str = ""
    raw_annotation: str = ""
    streams: Returns | None = None
    paging: PagerPlan | None = None

    @property
    def async_return_annotation(self) -> str:
        return self.async_annotation or self.return_annotation

    @property
    def parsed_annotation(self) -> str:
        return self.raw_annotation or self.return_annotation

    @property
    def splits_body(self) -> bool:
        """The body has required fields: the method takes them as required keywords (mypy
        reports one left out) and the whole-body form is a second method, `body_method`
        (docs/sdk.md says why not overloads). Documents often leave `requestBody.required`
        out; a required property is still required when the body is sent from keywords."""
        return self.body is not None and any(f.required for f in self.fields)

    @property
    def body_method(self) -> str:
        """The method taking the whole body (`body=`): `<name>_from_body` when split."""
        return f"{self.name}_from_body" if self.splits_body else self.name

    @property
    def forms(self) -> tuple[str, ...]:
        """The methods rendered for this operation: "fields" (the keyword form) and "body"
        (`body_method`) when the body is split, else the one "impl" method."""
        return ("fields", "body") if self.splits_body else ("impl",)

    @property
    def raises(self) -> tuple[ResponsePlan, ...]:
        """The responses that raise their exception (the docstring's `Raises:`), in order."""
        return tuple(r for r in self.responses if r.exception)

    @property
    def required_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    @property
    def path_params(self) -> tuple[ParamPlan, ...]:
        return tuple(p for p in self.params if p.location == "path")

    @property
    def keyword_params(self) -> tuple[ParamPlan, ...]:
        return tuple(p for p in self.params if p.location != "path")


@dataclass(frozen=True, slots=True)
class ResourcePlan:
    attribute: str  # client.<attribute>
    module: str  # resources/<module>.py
    class_stem: str  # ChattyResource, AsyncChattyResource, ...
    operations: tuple[OperationPlan, ...]
    imports_builtins: bool = False  # a method hides a builtin type (generator.plans.shadowing)

    @property
    def uses_paging(self) -> bool:
        return any(o.paging for o in self.operations)

    @property
    def uses_overloads(self) -> bool:
        return any(o.streams and o.streams.flag for o in self.operations)

    @property
    def uses_files(self) -> bool:
        """Whether a signature names `_f.` (a file part or a binary body)."""
        return any("_f." in f.annotation for o in self.operations for f in o.fields) or any(
            "_f." in o.body.annotation for o in self.operations if o.body
        )


@dataclass(frozen=True, slots=True)
class ClientHeader:
    name: str
    python_name: str
    annotation: str
    description: str


@dataclass(frozen=True, slots=True)
class ExceptionPlan:
    name: str
    base: str
    body_annotation: str
    doc: str


@dataclass(frozen=True, slots=True)
class Branch:
    name: str  # enum member value
    member: str  # enum member name
    description: str
    when: tuple[
        tuple[str, tuple[Any, ...] | None], ...
    ]  # property -> allowed values; None: present


@dataclass(frozen=True, slots=True)
class BranchGuard:
    """A `TypeGuard` narrowing a value to one branch's typed view (`is_direct_webrtc`)."""

    function: str
    view: str  # a subclass of the model, for type checkers only, with the narrowed fields
    branch: Branch
    fields: tuple[tuple[str, str], ...]  # (model attribute, narrowed annotation)


@dataclass(frozen=True, slots=True)
class BranchHelper:
    model: str
    function: str
    enum: str
    description: str
    branches: tuple[Branch, ...]
    otherwise: Branch
    guards: tuple[BranchGuard, ...] = ()


@dataclass(frozen=True, slots=True)
class FlattenHelper:
    model: str
    function: str
    property: str
    description: str


@dataclass(frozen=True, slots=True)
class WebhookParser:
    """A function of `client.webhooks` that reads one webhook's delivery into its payload type."""

    function: str  # `parse_new_pet`
    handler: str  # the receiver's method: `WebhookHandlers.new_pet`
    name: str  # the webhook's name in the document
    method: str  # upper case
    summary: str
    medias: tuple[MediaPlan, ...]  # the documented payload media types, in document order
    returns: str  # the parsed payload's annotation (models qualified): one media's or the union
    required: bool  # the document requires a payload (an empty delivery is refused)


@dataclass(frozen=True, slots=True)
class ClientPlan:
    resources: tuple[ResourcePlan, ...]
    exceptions: tuple[ExceptionPlan, ...]
    client_headers: tuple[ClientHeader, ...]
    security: tuple[tuple[str, str, str | None, str | None], ...]  # (scheme, kind, in, name)
    uses_api_key: bool
    uses_basic: bool
    status_bases: tuple[tuple[int, str, str], ...]  # (code, name, parent)
    branch_helpers: tuple[BranchHelper, ...]
    flatten_helpers: tuple[FlattenHelper, ...]
    example: OperationPlan | None  # an operation callable without arguments (for the README)
    example_resource: str | None
    typed_dicts: tuple[TypedDictPlan, ...] = ()  # client/params.py
    env_prefix: str = "API"  # <PREFIX>_BASE_URL, <PREFIX>_TOKEN, <PREFIX>_LOG
    default_base_url: str | None = None  # the document's first absolute server URL
    webhooks: tuple[WebhookParser, ...] = ()  # client/webhooks.py (3.1 `webhooks`)
    auth: AuthPlan | None = None  # credentials per security scheme (generator.plans.auth)
    readme: ReadmePlan | None = None  # the package README's client part (generator.plans.readme)

    @property
    def operations(self) -> tuple[OperationPlan, ...]:
        return tuple(op for r in self.resources for op in r.operations)

    @property
    def renames(self) -> tuple[tuple[str, str, str, str], ...]:
        """(METHOD path, operationId, `resource.method`, why) of every method whose name is not
        its operationId in snake_case (the generation report lists them)."""
        return tuple(
            (
                f"{o.op.method.upper()} {o.op.path}",
                o.op.operation_id,
                f"{r.attribute}.{o.name}",
                o.op.renamed,
            )
            for r in self.resources
            for o in r.operations
            if o.op.renamed
        )

    @property
    def has_helpers(self) -> bool:
        return bool(self.branch_helpers or self.flatten_helpers)

    def _first(self, wanted: Any) -> tuple[str, OperationPlan] | None:
        return next(
            ((r.attribute, o) for r in self.resources for o in r.operations if wanted(o)), None
        )

    @property
    def stream_example(self) -> tuple[str, OperationPlan] | None:
        """The README's streamed call (one with a `stream` flag first)."""
        return self._first(lambda o: o.streams and o.streams.flag) or self._first(
            lambda o: o.streams
        )

    @property
    def pager_example(self) -> tuple[str, OperationPlan] | None:
        return self._first(lambda o: o.paging)

    @property
    def upload_example(self) -> tuple[str, OperationPlan] | None:
        """The README's upload: a multipart file part (its field), else a binary body."""
        return self._first(
            lambda o: any("_f.FileTypes" in f.annotation for f in o.fields)
        ) or self._first(lambda o: o.body is not None and "_f.FileContent" in o.body.annotation)

    @property
    def upload_field(self) -> str | None:
        found = self.upload_example
        if found is None:
            return None
        return next(
            (f.python_name for f in found[1].fields if "_f.FileTypes" in f.annotation), None
        )


def exception_name(response: Response) -> str:
    """The one rule: `{class_stem}Error`, without doubling a stem that already ends in Error."""
    stem = response.class_stem
    return stem if stem.endswith("Error") else stem + "Error"


def status_base(response: Response) -> str:
    if response.is_default:
        return "PassThroughError"
    bases = dict(STATUS_BASES)
    if response.code is not None and response.code in bases:
        return bases[response.code]
    first = response.status[:1]
    return {"3": "RedirectionError", "4": "ClientError", "5": "ServerError"}.get(first, "ApiError")


def qualify(expr: TypeExpr) -> str:
    """The annotation with every model name read from the models module (`_m.Pet`)."""
    return _qualified(expr.annotation, tuple(expr.models))


# A word that may be a model's name: not part of a longer word, not an attribute (`_m.Pet`).
_NAME = re.compile(r"(?<![\w.])\w+")


# A large document's operations use the same annotations again and again (GitHub's description:
# 10,395 calls, 1,314 distinct annotations): each is qualified once. One pass over the words
# of the annotation, not a pattern per model name (thousands of them overflow `re`'s cache of
# compiled patterns): a model's name is a whole word, and `_m` is never one (names are
# PascalCase), so replacing the names one by one found the same words.
@lru_cache(maxsize=8192)
def _qualified(annotation: str, models: tuple[str, ...]) -> str:
    if not models:
        return annotation
    names = frozenset(models)
    return _NAME.sub(lambda m: f"{MODELS_ALIAS}.{m[0]}" if m[0] in names else m[0], annotation)


def build_client_plan(doc: Document, package: str = "api") -> ClientPlan:
    plan = _Planner(doc, package).plan()
    return replace(plan, readme=build_readme_plan(plan, doc, package))


class _Planner:
    def __init__(self, doc: Document, package: str) -> None:
        self.doc = doc
        self.package = package
        self.exception_names = NameRegistry(
            frozenset(RUNTIME_ERRORS) | frozenset(n for _, n in STATUS_BASES)
        )
        self.exceptions: list[ExceptionPlan] = []
        self.body_params = BodyParams(doc)
        self.helper_names = NameRegistry(frozenset(s.python_name for s in doc.schemas))
        self.by_pointer = {s.source_pointer: s.python_name for s in doc.schemas}

    def plan(self) -> ClientPlan:
        by_resource: dict[str, list[OperationPlan]] = {}
        for op in self.doc.operations:
            by_resource.setdefault(op.resource, []).append(self._operation(op))
        attributes = NameRegistry(CLIENT_MEMBERS)
        resources = []
        for resource, ops in by_resource.items():
            attribute = attributes.claim(safe_identifier(resource), resource)
            hidden = shadowed([o.name for o in ops])
            resources.append(
                ResourcePlan(
                    attribute,
                    attribute,
                    pascal(attribute, "Default"),
                    tuple(shield_operation(o, hidden) for o in ops),
                    imports_builtins=bool(hidden),
                )
            )
        kinds = {s.kind for s in self.doc.security_schemes}
        constructor = NameRegistry(CONSTRUCTOR_ARGUMENTS)
        example = next(
            (
                (r.attribute, o)
                for r in resources
                for o in r.operations
                if not any(p.required for p in o.params)
                and not any(f.required for f in o.fields)
                and not (o.body and o.body.argument_required)
                and o.return_annotation != "None"
            ),
            None,
        )
        return ClientPlan(
            resources=tuple(resources),
            exceptions=tuple(self.exceptions),
            client_headers=tuple(
                ClientHeader(
                    p.name, constructor.claim(p.python_name), qualify(p.type), p.description
                )
                for p in self.doc.client_headers
            ),
            security=tuple(
                (s.name, s.kind, s.location, s.parameter_name) for s in self.doc.security_schemes
            ),
            uses_api_key="api_key" in kinds,
            uses_basic="basic" in kinds,
            status_bases=tuple(
                (
                    code,
                    name,
                    "RedirectionError"
                    if code < 400
                    else "ClientError"
                    if code < 500
                    else "ServerError",
                )
                for code, name in STATUS_BASES
            ),
            typed_dicts=tuple(self.body_params.typed_dicts.values()),
            branch_helpers=tuple(self._branch_helpers()),
            flatten_helpers=tuple(self._flatten_helpers()),
            example=example[1] if example else None,
            example_resource=example[0] if example else None,
            env_prefix=re.sub(r"\W", "_", self.package).upper(),
            default_base_url=next(
                (
                    s.rstrip("/")
                    for s in self.doc.servers
                    if s.startswith(("http://", "https://")) and "{" not in s
                ),
                None,
            ),
            webhooks=webhook_parsers(self.doc),
            auth=build_auth_plan(
                self.doc.security_schemes, re.sub(r"\W", "_", self.package).upper()
            ),
        )

    # -- operations ----------------------------------------------------------------------------

    def _operation(self, op: Operation) -> OperationPlan:
        params = tuple(
            ParamPlan(
                p.name,
                p.python_name,
                p.location,
                p.required,
                qualify(p.type),
                p.style,
                p.explode,
                p.description,
            )
            for p in op.call_parameters
            if not (p.location == "header" and p.name.lower() in IGNORED_HEADERS)
        )
        has_2xx = any(r.is_success for r in op.responses)
        responses = tuple(self._response(op, r, has_2xx) for r in op.responses)
        returned: list[TypeExpr] = []
        for r, plan in zip(op.responses, responses, strict=True):
            if plan.returns:
                returned.append(r.type if r.content else TypeExpr("None"))
        return_type = union_of(returned) if returned else TypeExpr("None")
        accept = ", ".join(dict.fromkeys(m.name for r in op.responses for m in r.content))
        summary = op.summary or op.description or f"{op.method.upper()} {op.path}"
        body = self._body(op)
        fields = self.body_params.fields(op, {p.python_name for p in params}) if body else ()
        if fields and body is not None:
            # Fields may stand in for the whole body, so `body=` is never required with them.
            body = replace(body, keyword_fields=True)
        where = {"path": "path parameter", "query": "query parameter", "header": "header"}
        args_doc = [
            (p.python_name, p.description or f"The `{p.name}` {where.get(p.location, p.location)}.")
            for p in params
        ]
        if body is not None:
            whole = "The whole request body (a model or a mapping)"
            args_doc.append(
                (
                    "body",
                    body.description
                    or whole + ("; keyword fields are laid over it." if fields else "."),
                )
            )
        args_doc += [
            (f.python_name, f.description or f"The body's `{f.name}` property.") for f in fields
        ]
        returned_docs = [r.description for r in op.responses if r.is_success and r.description]
        raw_annotation = qualify(return_type) if return_type.expr != "None" else "None"
        returns = client_returns(
            op, [p.returns for p in responses], fields, raw_annotation, qualify
        )
        paging = pager_plan(op, qualify) if returns is None else None
        return OperationPlan(
            op=op,
            name=op.method_name or op.python_name,
            spec_name="_" + op.python_name.upper(),
            params=params,
            client_headers=tuple(p.name for p in op.parameters if p.client_level),
            body=body,
            responses=responses,
            return_annotation=(
                returns.sync if returns else paging.sync if paging else raw_annotation
            ),
            async_annotation=returns.async_ if returns else paging.async_ if paging else "",
            raw_annotation=raw_annotation,
            streams=returns,
            paging=paging,
            retry=op.retry,
            accept=accept or None,
            docstring=summary,
            fields=fields,
            args_doc=tuple(args_doc),
            returns_doc=" ".join(returned_docs),
        )

    def _response(self, op: Operation, r: Response, has_2xx: bool) -> ResponsePlan:
        returns = r.is_success or (r.is_default and not has_2xx)
        raises = not r.is_success
        exception = base = None
        body = "None"
        if raises:
            exception = self.exception_names.claim(exception_name(r))
            base = status_base(r)
            body = _optional(qualify(r.type)) if r.content else "None"
            what = "any other status" if r.is_default else r.status
            doc = f"{what} from `{op.python_name}`: {r.description}".strip()
            self.exceptions.append(ExceptionPlan(exception, base, body, doc))
        return ResponsePlan(
            status=r.status,
            code=r.code,
            description=r.description,
            media=tuple(_media(m) for m in r.content),
            returns=returns,
            exception=exception,
            exception_base=base,
            body_annotation=body,
            is_default=r.is_default,
        )

    def _body(self, op: Operation) -> BodyPlan | None:
        body = op.request_body
        if body is None or not body.content:
            return None
        media = []
        uploads = self.body_params.uploads
        for m in body.content:
            annotation = _request_annotation(m)
            parts: tuple[PartPlan, ...] = ()
            files: tuple[str, ...] = ()
            if m.kind in ("multipart", "form"):
                encoding = dict(m.encoding)
                names = list(_property_names(m.schema, self.doc))
                names += [n for n in encoding if n not in names]
                parts = tuple(PartPlan(n, encoding.get(n)) for n in names)
                files = uploads.file_parts(m, upload_properties(m.schema, uploads))
            media.append(RequestMediaPlan(m.name, m.kind, annotation, parts, files))
        annotations = list(dict.fromkeys(m.annotation for m in media))
        union = "Any" if "Any" in annotations else " | ".join(annotations)
        return BodyPlan(body.required, tuple(media), union, body.description)

    # -- helpers declared by extensions ---------------------------------------------------------

    def _branch_helpers(self) -> list[BranchHelper]:
        found = []
        for named in self.doc.schemas:
            raw = named.schema.get("x-sdk-branches") if isinstance(named.schema, dict) else None
            if raw is None:
                continue
            at = join_pointer(named.source_pointer, "x-sdk-branches")
            if not isinstance(raw, dict) or not isinstance(raw.get("branches"), list):
                raise _problem("x-sdk-branches needs a `branches` list", at)
            branches = [
                _branch(b, join_pointer(at, "branches", i)) for i, b in enumerate(raw["branches"])
            ]
            otherwise = _branch(
                {"name": raw.get("otherwise", "unknown"), "when": {}}, join_pointer(at, "otherwise")
            )
            props = named.schema.get("properties") or {}
            found.append(
                BranchHelper(
                    model=named.python_name,
                    function=_identifier(
                        raw.get("function", "branch_of_" + named.python_name.lower()), at
                    ),
                    enum=_identifier(raw.get("enum", named.python_name + "Branch"), at),
                    description=str(raw.get("description", "")),
                    branches=tuple(branches),
                    otherwise=otherwise,
                    guards=tuple(
                        BranchGuard(
                            function=self.helper_names.claim("is_" + snake(b.name, "branch")),
                            view=self.helper_names.claim(
                                named.python_name + pascal(b.name, "Branch")
                            ),
                            branch=b,
                            fields=tuple(_narrowed(b, props, self.by_pointer)),
                        )
                        for b in branches
                    ),
                )
            )
        return found

    def _flatten_helpers(self) -> list[FlattenHelper]:
        found = []
        for named in self.doc.schemas:
            raw = named.schema.get("x-sdk-flatten") if isinstance(named.schema, dict) else None
            if raw is None:
                continue
            at = join_pointer(named.source_pointer, "x-sdk-flatten")
            props = (named.schema.get("properties") or {}) if isinstance(named.schema, dict) else {}
            if not isinstance(raw, dict) or raw.get("property") not in props:
                raise _problem("x-sdk-flatten needs `property`, a property of the schema", at)
            found.append(
                FlattenHelper(
                    model=named.python_name,
                    function=_identifier(raw.get("function", "flatten"), at),
                    property=str(raw["property"]),
                    description=str(raw.get("description", "")),
                )
            )
        return found


def webhook_parsers(doc: Document) -> tuple[WebhookParser, ...]:
    """One parser per webhook: `parse_<python name>`, returning what its payload parses into.

    A text payload is `str`, a binary or multipart one `bytes` (kept as received), a JSON or
    urlencoded one its schema's type. A webhook without a documented payload parses an empty
    delivery to None.
    """
    result = []
    for op in doc.webhooks:
        body = op.request_body
        medias = tuple(_media(m) for m in body.content) if body is not None else ()
        types = []
        for m in medias:
            kind_type = (
                "str" if m.kind == "text" else "bytes" if m.kind in ("binary", "any", "multipart")
                else m.runtime_type
            )  # fmt: skip
            if kind_type not in types:
                types.append(kind_type)
        returns = " | ".join(types) if types else "None"
        required = bool(body is not None and body.required)
        if "Any" in types:
            returns = "Any"
        elif not required and returns != "None":
            returns += " | None"  # an empty delivery of an optional payload
        result.append(
            WebhookParser(
                function=f"parse_{op.python_name}",
                handler=op.python_name,
                name=op.path,
                method=op.method.upper(),
                summary=op.summary or (body.description if body is not None else ""),
                medias=medias,
                returns=returns,
                required=required,
            )
        )
    return tuple(result)


def _media(m: MediaType) -> MediaPlan:
    stream = m.stream
    return MediaPlan(
        m.name,
        m.kind,
        qualify(m.type),
        (stream.format, stream.decode, stream.envelope, qualify(stream.type)) if stream else None,
    )


def _request_annotation(m: MediaType) -> str:
    if m.kind == "text":
        return "str"
    if m.kind == "binary":
        return FILE_CONTENT  # bytes, a path or an open binary file, streamed (uploads.py)
    if m.kind == "any":
        return "bytes"
    t = m.type
    if t.expr == "Any":
        return "Any"
    if len(t.models) == 1 and t.expr == t.models[0]:
        return _optional_if(f"{qualify(TypeExpr(t.expr, t.models))} | Mapping[str, Any]", t)
    return qualify(t)


def _optional_if(text: str, t: TypeExpr) -> str:
    return f"{text} | None" if t.nullable else text


def _optional(annotation: str) -> str:
    if annotation in ("Any", "None") or annotation.endswith("| None"):
        return annotation
    return f"{annotation} | None"


def _property_names(schema: Any, doc: Document) -> list[str]:
    """Property names of a form or multipart body schema (following a component `$ref`)."""
    seen = 0
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and seen < 20:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = next((s.schema for s in doc.schemas if s.python_name == name), None)
        seen += 1
    if not isinstance(schema, dict):
        return []
    names = list((schema.get("properties") or {}).keys())
    for sub in schema.get("allOf") or []:
        names += [n for n in _property_names(sub, doc) if n not in names]
    return [str(n) for n in names]


# Attribute names a pydantic model keeps for itself; such a property is not narrowed.
_MODEL_ATTRIBUTES = frozenset({"json", "dict", "copy", "schema", "construct", "validate", "fields"})
_SCALAR_TYPES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}


def _narrowed(branch: Branch, props: Any, by_pointer: dict[str, str]) -> list[tuple[str, str]]:
    """The branch's conditions as narrowed attribute types: present -> not None, values -> Literal."""
    fields = []
    for prop, allowed in branch.when:
        schema = props.get(prop) if isinstance(props, dict) else None
        if (
            not prop.isidentifier()
            or keyword.iskeyword(prop)
            or prop.startswith("model_")
            or prop in _MODEL_ATTRIBUTES
            or not isinstance(schema, dict)
        ):
            continue
        if allowed is None:
            ref = schema.get("$ref")
            if isinstance(ref, str) and ref.lstrip("#") in by_pointer:
                fields.append((prop, f"{MODELS_ALIAS}.{by_pointer[ref.lstrip('#')]}"))
            elif schema.get("type") in _SCALAR_TYPES:
                fields.append((prop, _SCALAR_TYPES[str(schema["type"])]))
            continue
        values = [v for v in allowed if v is not None]
        if not all(isinstance(v, str | int | bool) for v in values):
            continue
        text = f"Literal[{', '.join(repr(v) for v in values)}]" if values else ""
        if None in allowed:
            text = f"{text} | None" if text else "None"
        fields.append((prop, text))
    return fields


def _branch(raw: Any, at: str) -> Branch:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise _problem("a branch needs a `name`", at)
    when = raw.get("when") or {}
    if not isinstance(when, dict):
        raise _problem("`when` maps property names to a list of values or `present`", at)
    conditions: list[tuple[str, tuple[Any, ...] | None]] = []
    for prop, allowed in when.items():
        if allowed == "present":
            conditions.append((str(prop), None))
        elif isinstance(allowed, list):
            conditions.append((str(prop), tuple(allowed)))
        else:
            raise _problem(f"condition on {prop!r} must be a list of values or `present`", at)
    name = raw["name"]
    member = re.sub(r"\W", "_", name).upper()
    if not member.isidentifier():
        raise _problem(f"branch name {name!r} cannot be an enum member", at)
    return Branch(name, member, str(raw.get("description", "")), tuple(conditions))


def _identifier(value: Any, at: str) -> str:
    if not isinstance(value, str) or not value.isidentifier():
        raise _problem(f"{value!r} is not a Python identifier", at)
    return value


def _problem(message: str, pointer: str) -> SpecError:
    return SpecError([Problem(message, Location("<document>", pointer))])
