"""HTTP status names for generated class names.

A fixed table rather than `http.HTTPStatus`: its phrases change between Python versions (413 and
422 were renamed in 3.13), and generated names must be the same on every machine.
"""

from __future__ import annotations

PHRASES: dict[int, str] = {
    100: "Continue", 101: "SwitchingProtocols", 102: "Processing", 103: "EarlyHints",
    200: "OK", 201: "Created", 202: "Accepted", 203: "NonAuthoritativeInformation",
    204: "NoContent", 205: "ResetContent", 206: "PartialContent", 207: "MultiStatus",
    208: "AlreadyReported", 226: "IMUsed",
    300: "MultipleChoices", 301: "MovedPermanently", 302: "Found", 303: "SeeOther",
    304: "NotModified", 305: "UseProxy", 307: "TemporaryRedirect", 308: "PermanentRedirect",
    400: "BadRequest", 401: "Unauthorized", 402: "PaymentRequired", 403: "Forbidden",
    404: "NotFound", 405: "MethodNotAllowed", 406: "NotAcceptable",
    407: "ProxyAuthenticationRequired", 408: "RequestTimeout", 409: "Conflict", 410: "Gone",
    411: "LengthRequired", 412: "PreconditionFailed", 413: "ContentTooLarge", 414: "URITooLong",
    415: "UnsupportedMediaType", 416: "RangeNotSatisfiable", 417: "ExpectationFailed",
    418: "ImATeapot", 421: "MisdirectedRequest", 422: "UnprocessableEntity", 423: "Locked",
    424: "FailedDependency", 425: "TooEarly", 426: "UpgradeRequired", 428: "PreconditionRequired",
    429: "TooManyRequests", 431: "RequestHeaderFieldsTooLarge", 451: "UnavailableForLegalReasons",
    500: "InternalServerError", 501: "NotImplemented", 502: "BadGateway",
    503: "ServiceUnavailable", 504: "GatewayTimeout", 505: "HTTPVersionNotSupported",
    506: "VariantAlsoNegotiates", 507: "InsufficientStorage", 508: "LoopDetected",
    510: "NotExtended", 511: "NetworkAuthenticationRequired",
}  # fmt: skip
