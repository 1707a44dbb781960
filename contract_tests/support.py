"""Shared machinery of the contract tests: the schema, the config, validation and the recorder.

The schema schemathesis tests against is the published contract (spec/openapi.yaml) with two
overlays applied by our own loader: spec/overlays/sdk-names.yaml (operationIds only: links name
their target by operationId), contract_tests/overlays/links.yaml (the OpenAPI links the
stateful run chains) and contract_tests/overlays/request-examples.yaml (request examples for the
examples phase). The generator's example and SDK-hint overlays are NOT applied: what is tested
is what was published, plus test-only additions that change no documented response.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import schemathesis
from schemathesis.checks import CheckFunction
from schemathesis.generation.meta import REQUEST_SHAPE_PROBES
from schemathesis.specs.openapi.checks import status_code_conformance

from generator.loader import load_document
from reference.app import build_app
from reference.settings import Settings
from tests.reference_support.fixtures import make_settings
from tests.reference_support.servers import LiveServer

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "spec" / "openapi.yaml"
OPERATION_IDS_OVERLAY = ROOT / "spec" / "overlays" / "sdk-names.yaml"
LINKS_OVERLAY = Path(__file__).resolve().parent / "overlays" / "links.yaml"
EXAMPLES_OVERLAY = Path(__file__).resolve().parent / "overlays" / "request-examples.yaml"
REPORTS = ROOT / "reports"

SEED = 11124  # fixed: every run generates the same requests
FUZZ_TOKEN = "tok-alice"  # chatty-voice entitlement and every tool permission (tool:*)
OFFER = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def load_contract() -> dict[str, Any]:
    """spec/openapi.yaml with the operationId, links and request-example overlays, as JSON data."""
    loaded = load_document(SPEC, overlays=[OPERATION_IDS_OVERLAY, LINKS_OVERLAY, EXAMPLES_OVERLAY])
    # A JSON round trip drops the sharing that YAML aliases leave between operations.
    data: dict[str, Any] = json.loads(json.dumps(loaded.data))
    return data


CONTRACT = load_contract()


def operations(doc: dict[str, Any] = CONTRACT) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(label "METHOD /path", operationId, operation object) in document order."""
    for path, item in doc["paths"].items():
        for method in METHODS:
            if method in item:
                yield f"{method.upper()} {path}", item[method]["operationId"], item[method]


def documented_responses(doc: dict[str, Any] = CONTRACT) -> list[tuple[str, str, str]]:
    """Every documented (operation label, status key, media type); "" for a body-less response."""
    found = []
    for label, _, operation in operations(doc):
        for status, response in operation["responses"].items():
            for media in response.get("content") or {"": None}:
                found.append((label, str(status), media))
    return found


def status_key(doc_responses: dict[str, Any], status: int) -> str | None:
    """The documented response a status falls under: exact, range (4XX), `default`, or None."""
    for key in (str(status), f"{str(status)[0]}XX", "default"):
        if key in doc_responses:
            return key
    return None


def _documents_client_error(operation: dict[str, Any]) -> bool:
    return any(k in operation["responses"] for k in ("400", "422", "4XX", "default"))


_PLAIN_STRING_KEYS = {"type", "description", "title", "example", "examples", "deprecated"}


def can_be_invalid(operation: dict[str, Any]) -> bool:
    """A request body, or a required or constrained parameter (the generator's own rule)."""
    if "requestBody" in operation:
        return True
    for param in operation.get("parameters", []):
        schema = param.get("schema") or {}
        plain = schema.get("type", "string") == "string" and set(schema) <= _PLAIN_STRING_KEYS
        if not plain or (param.get("required") and param["in"] != "path"):
            return True
    return False


# The decided spec gap: these operations can receive an invalid request but document no
# client-error response, and the generated stubs answer it with an undocumented 400 `{error}`.
SPEC_GAP_OPERATIONS = tuple(
    label for label, _, op in operations() if can_be_invalid(op) and not _documents_client_error(op)
)
SPEC_GAP_REASON = (
    "These operations can receive an invalid request (they take a body) but document no "
    "client-error response (no 400, 422, 4XX or default), so an invalid request has no documented "
    "answer. The generated stubs answer it with 400 and a JSON "
    "`{error}` envelope (`make generate` warns about it). For NEGATIVE-mode cases on exactly these "
    "operations, and only when the answer is that 400 envelope, status_code_conformance is relaxed; "
    "every other check still runs. Fix: document a 400 ErrorEnvelope in spec/openapi.yaml."
)


def _server_error_statuses(operation: dict[str, Any]) -> list[str]:
    return sorted(k for k in operation["responses"] if k.startswith("5"))


def contract_config(*, max_examples: int = 25, stateful_steps: int = 12) -> schemathesis.Config:
    """Every check on; documented 5xx expected per operation (never not_a_server_error globally)."""
    per_operation: list[dict[str, Any]] = []
    for _, operation_id, operation in operations():
        checks: dict[str, Any] = {}
        documented_5xx = _server_error_statuses(operation)
        if documented_5xx:
            checks["not_a_server_error"] = {
                "expected-statuses": ["2xx", "3xx", "4xx", *documented_5xx]
            }
        if operation_id == "exchangeRealtimeSdp":
            # The schema cannot say what a well-formed SDP offer is; the documented answer to a
            # schema-valid but malformed offer is 400 "Invalid SDP format".
            checks["positive_data_acceptance"] = {
                "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]
            }
        if checks:
            per_operation.append({"include-operation-id": operation_id, "checks": checks})
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
            "generation": {
                "mode": "all",
                "max-examples": max_examples,
                "deterministic": True,
                "database": "none",
            },
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": True},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": True, "max-steps": stateful_steps},
            },
            "checks": {"enabled": True},
            "operations": per_operation,
        }
    )


class Identity:
    """Which bearer token the auth provider sends (None: no Authorization header at all)."""

    def __init__(self, token: str | None = FUZZ_TOKEN) -> None:
        self.token = token


def make_schema(identity: Identity | None = None, **config: Any) -> Any:
    """A fresh schemathesis schema of the contract, with the bearer auth provider attached."""
    schema = schemathesis.openapi.from_dict(
        json.loads(json.dumps(CONTRACT)), config=contract_config(**config)
    )
    who = identity or Identity()

    @schema.auth(refresh_interval=None)
    class Bearer:
        def get(self, case: Any, ctx: Any) -> str | None:
            return who.token

        def set(self, case: Any, data: str | None, ctx: Any) -> None:
            if data is not None:
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    return schema


# -- deserialisers -------------------------------------------------------------------------------

_SDP_LINE = re.compile(r"^[a-z]=[^\r\n]*$")


def _text(response: Any) -> str:
    charset = "utf-8"
    for value in response.headers.get("content-type", []):
        match = re.search(r"charset=([\w-]+)", value, re.IGNORECASE)
        if match:
            charset = match.group(1)
    return bytes(response.content).decode(charset)  # strict: undecodable bytes fail the check


def register_media_types() -> None:
    """Deserialisers, so `application/sdp` and `text/plain` bodies are really validated."""

    @schemathesis.deserializer("application/sdp")
    def _sdp(ctx: Any, response: Any) -> str:
        text = _text(response)
        lines = [line for line in text.replace("\r\n", "\n").split("\n") if line]
        if not lines or lines[0] != "v=0":
            raise ValueError("an application/sdp body must start with the line v=0 (RFC 8866)")
        bad = next((line for line in lines if not _SDP_LINE.match(line)), None)
        if bad is not None:
            raise ValueError(f"not an SDP line (RFC 8866 <type>=<value>): {bad[:60]!r}")
        return text

    @schemathesis.deserializer("text/plain")
    def _plain(ctx: Any, response: Any) -> str:
        return _text(response)

    # Request bodies of these media types are sent as text.
    schemathesis.serializer.alias("application/sdp", "text/plain")


# -- validation and the coverage recorder ---------------------------------------------------------


@dataclass(eq=False)
class Coverage:
    """Every documented (operation, status key, media type) a test observed AND validated."""

    observed: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    sources: dict[tuple[str, str, str], set[str]] = field(default_factory=dict)
    undocumented: Counter[tuple[str, int, str]] = field(default_factory=Counter)
    gap_hits: Counter[str] = field(default_factory=Counter)
    mutations: dict[str, list[str]] = field(default_factory=dict)  # variant -> parts that caught it
    cases: Counter[tuple[str, str, str, str]] = field(
        default_factory=Counter
    )  # source, op, phase, mode
    # gaps of the published contract: what it cannot describe -> the responses that showed it
    contract_gaps: dict[str, list[str]] = field(default_factory=dict)

    def record(self, label: str, status: int, content_type: str | None, source: str) -> None:
        method, path = label.split(" ", 1)
        responses = CONTRACT["paths"][path][method.lower()]["responses"]
        key = status_key(responses, status)
        media = (content_type or "").split(";")[0].strip().lower()
        if key is None:
            self.undocumented[(label, status, media)] += 1
            return
        if not responses[key].get("content"):
            media = ""
        entry = (label, key, media)
        self.observed[entry] += 1
        self.sources.setdefault(entry, set()).add(source)


COVERAGE = Coverage()


def _header(response: Any, name: str) -> str | None:
    value = response.headers.get(name)
    if value is None:
        value = response.headers.get(name.lower())
    if isinstance(value, list):
        return value[0] if value else None
    return value


def is_negative(case: Any) -> bool:
    meta = case.meta
    return bool(meta is not None and meta.generation.mode.is_negative)


def is_request_shape_probe(case: Any) -> bool:
    meta = case.meta
    data = getattr(meta.phase, "data", None) if meta is not None else None
    return getattr(data, "scenario", None) in REQUEST_SHAPE_PROBES


def validate(
    case: Any,
    response: Any,
    *,
    source: str,
    relax: Iterable[CheckFunction] = (),
    coverage: Coverage | None = COVERAGE,
    **kwargs: Any,
) -> None:
    """Run every configured check on `response`; record it in `coverage` when all pass.

    `relax` names the checks a deliberate fault contradicts (per test, never globally). The one
    standing relaxation is the decided spec gap (SPEC_GAP_REASON).
    """
    __tracebackhide__ = True
    excluded = list(relax)
    if coverage is not None:
        meta = case.meta
        phase = meta.phase.name.value if meta is not None else "explicit"
        mode = meta.generation.mode.value if meta is not None else "explicit"
        coverage.cases[(source, case.operation.label, phase, mode)] += 1
    gap = (
        is_negative(case)
        and case.operation.label in SPEC_GAP_OPERATIONS
        and response.status_code == 400
    )
    if gap:
        # Accepted only as the stubs' own envelope: JSON with a string `error`.
        content_type = _header(response, "content-type") or ""
        assert content_type.startswith("application/json"), (case.operation.label, content_type)
        body = json.loads(bytes(response.content))
        assert isinstance(body, dict) and isinstance(body.get("error"), str), body
        excluded.append(status_code_conformance)
    case.validate_response(response, excluded_checks=excluded, **kwargs)
    if coverage is None:
        return
    if gap:
        coverage.gap_hits[case.operation.label] += 1
        return
    if is_request_shape_probe(case):
        return  # schemathesis skips conformance checks on these probes: observed, not validated
    coverage.record(
        case.operation.label, response.status_code, _header(response, "content-type"), source
    )


def validate_httpx(
    schema: Any,
    label: str,
    response: httpx.Response,
    *,
    source: str,
    relax: Iterable[CheckFunction] = (),
    coverage: Coverage | None = COVERAGE,
) -> None:
    """Validate a plain httpx response against `label`'s documented responses."""
    __tracebackhide__ = True
    method, path = label.split(" ", 1)
    case = schema[path][method].Case()
    validate(case, response, source=source, relax=relax, coverage=coverage)


# -- reference servers ------------------------------------------------------------------------------


def fuzz_settings(tmp: Path, upstream_url: str) -> Settings:
    """Settings for fuzzing: limits so generous that fuzzing never trips them (the fault tests
    check the real limits)."""
    return make_settings(tmp, upstream_url, webrtc_rate_limit=1_000_000, mint_rate_limit=1_000_000)


@contextmanager
def reference_server(settings: Settings, app: Any | None = None) -> Iterator[LiveServer]:
    """The reference (response validation OFF: the suite, not the stub, must catch problems)."""
    server = LiveServer(app or build_app(settings, validate_responses=False)).start()
    try:
        yield server
    finally:
        server.stop()
