"""The base classes of every error the client raises (part of the SDK runtime).

Every failure of the SDK is an `SdkError`:

- `ApiError[Body]`: the server answered. `.status_code`, `.headers`, `.content_type`, `.text`,
  `.operation` and `.response` (the `httpx.Response`) are always there; `.body` is the parsed
  body of the documented response, or `None` when the body did not match what the document
  says that status carries (then `.reason` says why, with the field paths of a validation
  failure, and `.text`/`.content` keep the raw body). `str(error)` names the operation, the
  request, the status and the body's error text. `.request_id` is the server's id of the
  request (`x-request-id` or a vendor's header, see `REQUEST_ID_HEADERS`) and `.retry_after`
  the seconds it asked to wait (`Retry-After`/`retry-after-ms`), each None when not sent.
- One base per well-known status (`NotFoundError`, `TooManyRequestsError`, ...), grouped under
  `ClientError` (4xx), `ServerError` (5xx) and `RedirectionError` (3xx), each generic in its
  body type; the per-operation exceptions of `errors` subclass them.
- `UnexpectedStatus`: a status the operation does not document (and no `default`); `.body` is
  the raw text. It is raised as a subclass of the status's base too, so an undocumented 429 is
  a `TooManyRequestsError` and an undocumented 503 a `ServiceUnavailableError` (`ServerError`).
- `InvalidResponseError`: a documented success status whose body does not match its documented
  media type or schema; `.body` is the raw text.
- `PassThroughError`: the operation's `default` response, status, content type and text as the
  server sent them.
- `APIConnectionError` / `APITimeoutError`: no response (connection failed, timed out).
- `ClientClosedError`: a call on a client that was closed. `RequestBuildError`: a request that
  cannot be built from the arguments (a multipart body that is not an object, say).
  `ConfigurationError`: a client without a base URL. `TokenRequestError`: an OAuth2 token that
  could not be fetched with the client credentials.

None of them subclasses an httpx type (httpx appears in annotations only), so importing the
errors does not import httpx.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from ._auth import redact_url

if TYPE_CHECKING:
    import httpx

BodyT = TypeVar("BodyT")
_MAX_DETAIL = 300
# Where servers and the proxies in front of them put the id of a request, most specific first.
REQUEST_ID_HEADERS = (
    "x-request-id",
    "request-id",
    "x-amzn-requestid",
    "x-amz-request-id",
    "x-amz-cf-id",
    "x-ms-request-id",
    "x-goog-request-id",
    "x-github-request-id",
    "x-correlation-id",
    "x-trace-id",
    "cf-ray",
    "fly-request-id",
    "x-vercel-id",
)


def request_id(headers: Any) -> str | None:
    """The request id a response carries, from the first of `REQUEST_ID_HEADERS` it has."""
    for name in REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return str(value)
    return None


class SdkError(Exception):
    """Every error this SDK raises."""


class ConfigurationError(SdkError, ValueError):
    """The client cannot be used as configured (no base URL given nor in the environment)."""


class ClientClosedError(SdkError, RuntimeError):
    """A call on a client whose `close()` (or `aclose()`) has run."""


class RequestBuildError(SdkError, TypeError, ValueError):
    """The arguments of a call cannot be turned into a request."""


class TokenRequestError(SdkError):
    """An OAuth2 token could not be fetched with the client credentials (the message says why;
    it never holds the credentials)."""


class ApiError(SdkError, Generic[BodyT]):
    """The server answered with a response the call does not return."""

    status_code: int
    headers: httpx.Headers
    body: BodyT
    content_type: str | None
    text: str
    response: httpx.Response
    reason: str | None
    operation: str | None

    def __init__(
        self,
        response: httpx.Response,
        body: BodyT,
        *,
        reason: str | None = None,
        operation: str | None = None,
    ) -> None:
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers
        self.content_type = response.headers.get("content-type")
        self.text = _text(response)
        self.body = body
        self.reason = reason
        self.operation = operation
        self.request_id: str | None = request_id(response.headers)
        from ._retry import retry_after

        self.retry_after: float | None = retry_after(response.headers)
        super().__init__(self._message())

    def _message(self) -> str:
        request = self.response.request
        phrase = self.response.reason_phrase
        head = f"{self.operation}: " if self.operation else ""
        message = f"{head}{request.method} {redact_url(request.url)} -> {self.status_code}"
        if phrase:
            message += f" {phrase}"
        detail = error_text(self.body, self.text)
        if detail:
            message += f": {detail}"
        if self.reason:
            message += f" ({self.reason})"
        if self.request_id:
            message += f" [request id {self.request_id}]"
        return message

    @property
    def content(self) -> bytes:
        return self.response.content


class UnexpectedStatus(ApiError[str]):
    """A status the operation does not document; `.body` is the raw text."""


class InvalidResponseError(ApiError[str]):
    """A documented success status whose body does not match the document; `.body` is the text."""


class PassThroughError(ApiError[BodyT]):
    """The operation's `default` response: status, content type and text as the server sent them."""


class RedirectionError(ApiError[BodyT]):
    """A 3xx response."""


class ClientError(ApiError[BodyT]):
    """A 4xx response."""


class ServerError(ApiError[BodyT]):
    """A 5xx response."""


class MultipleChoicesError(RedirectionError[BodyT]):
    """A 300 response."""


class MovedPermanentlyError(RedirectionError[BodyT]):
    """A 301 response."""


class FoundError(RedirectionError[BodyT]):
    """A 302 response."""


class SeeOtherError(RedirectionError[BodyT]):
    """A 303 response."""


class NotModifiedError(RedirectionError[BodyT]):
    """A 304 response."""


class TemporaryRedirectError(RedirectionError[BodyT]):
    """A 307 response."""


class PermanentRedirectError(RedirectionError[BodyT]):
    """A 308 response."""


class BadRequestError(ClientError[BodyT]):
    """A 400 response."""


class UnauthorizedError(ClientError[BodyT]):
    """A 401 response."""


class PaymentRequiredError(ClientError[BodyT]):
    """A 402 response."""


class ForbiddenError(ClientError[BodyT]):
    """A 403 response."""


class NotFoundError(ClientError[BodyT]):
    """A 404 response."""


class MethodNotAllowedError(ClientError[BodyT]):
    """A 405 response."""


class NotAcceptableError(ClientError[BodyT]):
    """A 406 response."""


class ProxyAuthenticationRequiredError(ClientError[BodyT]):
    """A 407 response."""


class RequestTimeoutError(ClientError[BodyT]):
    """A 408 response."""


class ConflictError(ClientError[BodyT]):
    """A 409 response."""


class GoneError(ClientError[BodyT]):
    """A 410 response."""


class LengthRequiredError(ClientError[BodyT]):
    """A 411 response."""


class PreconditionFailedError(ClientError[BodyT]):
    """A 412 response."""


class ContentTooLargeError(ClientError[BodyT]):
    """A 413 response."""


class UriTooLongError(ClientError[BodyT]):
    """A 414 response."""


class UnsupportedMediaTypeError(ClientError[BodyT]):
    """A 415 response."""


class RangeNotSatisfiableError(ClientError[BodyT]):
    """A 416 response."""


class ExpectationFailedError(ClientError[BodyT]):
    """A 417 response."""


class ImATeapotError(ClientError[BodyT]):
    """A 418 response."""


class MisdirectedRequestError(ClientError[BodyT]):
    """A 421 response."""


class UnprocessableEntityError(ClientError[BodyT]):
    """A 422 response."""


class LockedError(ClientError[BodyT]):
    """A 423 response."""


class FailedDependencyError(ClientError[BodyT]):
    """A 424 response."""


class TooEarlyError(ClientError[BodyT]):
    """A 425 response."""


class UpgradeRequiredError(ClientError[BodyT]):
    """A 426 response."""


class PreconditionRequiredError(ClientError[BodyT]):
    """A 428 response."""


class TooManyRequestsError(ClientError[BodyT]):
    """A 429 response."""


class RequestHeaderFieldsTooLargeError(ClientError[BodyT]):
    """A 431 response."""


class UnavailableForLegalReasonsError(ClientError[BodyT]):
    """A 451 response."""


class InternalServerError(ServerError[BodyT]):
    """A 500 response."""


class NotImplementedServerError(ServerError[BodyT]):
    """A 501 response."""


class BadGatewayError(ServerError[BodyT]):
    """A 502 response."""


class ServiceUnavailableError(ServerError[BodyT]):
    """A 503 response."""


class GatewayTimeoutError(ServerError[BodyT]):
    """A 504 response."""


class HttpVersionNotSupportedError(ServerError[BodyT]):
    """A 505 response."""


class VariantAlsoNegotiatesError(ServerError[BodyT]):
    """A 506 response."""


class InsufficientStorageError(ServerError[BodyT]):
    """A 507 response."""


class LoopDetectedError(ServerError[BodyT]):
    """A 508 response."""


class NotExtendedError(ServerError[BodyT]):
    """A 510 response."""


class NetworkAuthenticationRequiredError(ServerError[BodyT]):
    """A 511 response."""


class APIConnectionError(SdkError):
    """The request could not be sent or its response not received."""

    def __init__(self, request: httpx.Request, message: str = "connection error") -> None:
        self.request = request
        super().__init__(f"{request.method} {redact_url(request.url)}: {message}")


class APITimeoutError(APIConnectionError):
    """The request timed out."""

    def __init__(self, request: httpx.Request) -> None:
        super().__init__(request, "timed out")


STATUS_BASES: dict[int, type[ApiError[Any]]] = {
    300: MultipleChoicesError,
    301: MovedPermanentlyError,
    302: FoundError,
    303: SeeOtherError,
    304: NotModifiedError,
    307: TemporaryRedirectError,
    308: PermanentRedirectError,
    400: BadRequestError,
    401: UnauthorizedError,
    402: PaymentRequiredError,
    403: ForbiddenError,
    404: NotFoundError,
    405: MethodNotAllowedError,
    406: NotAcceptableError,
    407: ProxyAuthenticationRequiredError,
    408: RequestTimeoutError,
    409: ConflictError,
    410: GoneError,
    411: LengthRequiredError,
    412: PreconditionFailedError,
    413: ContentTooLargeError,
    414: UriTooLongError,
    415: UnsupportedMediaTypeError,
    416: RangeNotSatisfiableError,
    417: ExpectationFailedError,
    418: ImATeapotError,
    421: MisdirectedRequestError,
    422: UnprocessableEntityError,
    423: LockedError,
    424: FailedDependencyError,
    425: TooEarlyError,
    426: UpgradeRequiredError,
    428: PreconditionRequiredError,
    429: TooManyRequestsError,
    431: RequestHeaderFieldsTooLargeError,
    451: UnavailableForLegalReasonsError,
    500: InternalServerError,
    501: NotImplementedServerError,
    502: BadGatewayError,
    503: ServiceUnavailableError,
    504: GatewayTimeoutError,
    505: HttpVersionNotSupportedError,
    506: VariantAlsoNegotiatesError,
    507: InsufficientStorageError,
    508: LoopDetectedError,
    510: NotExtendedError,
    511: NetworkAuthenticationRequiredError,
}
_FAMILIES: dict[int, type[ApiError[Any]]] = {3: RedirectionError, 4: ClientError, 5: ServerError}
_UNEXPECTED: dict[type[ApiError[Any]], type[UnexpectedStatus]] = {}


def unexpected_status(status: int) -> type[UnexpectedStatus]:
    """`UnexpectedStatus` as a subclass of the status's base (`TooManyRequestsError`, ...)."""
    base = STATUS_BASES.get(status) or _FAMILIES.get(status // 100)
    if base is None:
        return UnexpectedStatus
    cls = _UNEXPECTED.get(base)
    if cls is None:
        name = "Unexpected" + base.__name__
        made = type(name, (base, UnexpectedStatus), {"__module__": __name__})
        cls = _UNEXPECTED[base] = cast("type[UnexpectedStatus]", made)
    return cls


def error_text(body: object, text: str) -> str:
    """The error message a body carries (`error`, `message`, `detail`), else its text, shortened."""
    found = _field_text(body)
    if found is None and text:
        try:
            found = _field_text(json.loads(text))
        except ValueError:
            found = None
        if found is None:
            found = " ".join(text.split())
    if not found:
        return ""
    return found if len(found) <= _MAX_DETAIL else found[: _MAX_DETAIL - 3] + "..."


def _field_text(body: object) -> str | None:
    data: Any = body
    if hasattr(body, "model_dump"):
        data = body.model_dump(mode="json", by_alias=True)
    if isinstance(data, dict):
        for key in ("error", "message", "detail", "error_description", "title"):
            value = data.get(key)
            if isinstance(value, str) and value:
                return value
            if isinstance(value, dict):
                inner = _field_text(value)
                if inner:
                    return inner
    return None


def _text(response: httpx.Response) -> str:
    try:
        return response.text
    except (UnicodeDecodeError, LookupError):
        return response.content.decode("utf-8", "replace")
