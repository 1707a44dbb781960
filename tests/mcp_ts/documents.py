"""Any document's generated MCP server under the TypeScript SDK's client, against a local stub.

Used by `tests/test_mcp_typescript_corpus.py` (a fixed slice of the shared corpus, in `make
test`) and `scripts/mcp_ts_documents.py` (GitHub's and OpenAI's descriptions and any other,
`make mcp-ts-documents`, not in `make test`):

1. the document is generated in process into a folder (`generate`);
2. a stub upstream on a free loopback port (`StubUpstream`) answers each operation of the
   document: in `ok` mode with its first documented success, the body a minimal instance of
   its schema (`sample`); in `error` mode with its first documented error status (a `4XX` or
   `default` as 400), the body a minimal instance too; an undocumented route gets 404;
3. one stdio session of the TypeScript SDK's client (`driver.mjs`) lists every tool, checks
   every schema, and calls every tool three times: arguments made from its input schema in
   `ok` mode, the same in `error` mode, and once with an argument no tool declares.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from generator.config import Target
from generator.ir.model import Document, Operation
from generator.pipeline import generate_target
from generator.writer import write_files

_MAX_DEPTH = 12
_FORMATS = {
    "date-time": "2024-01-02T03:04:05Z",
    "date": "2024-01-02",
    "time": "03:04:05Z",
    "email": "a@example.com",
    "uri": "https://example.com/a",
    "url": "https://example.com/a",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "ipv4": "127.0.0.1",
    "ipv6": "::1",
    "hostname": "example.com",
    "byte": "YQ==",
    "binary": "a",
    "duration": "P1D",
}


def generate(spec: Path, out: Path, package: str) -> Document:
    """Generate `spec` into `out` (importable as `package` with `out` on the path)."""
    target = Target(
        name=package, spec=spec, out=out, package=package, distribution=package, overlay_dir=None
    )
    result = generate_target(target)
    write_files(out, result.files)
    return result.document


def sample(schema: Any, root: Any, depth: int = 0) -> Any:
    """A small instance of `schema`: required properties only, first branches, minimal sizes.

    `$ref`s are local to `root` (`#/components/...` in a document, `#/$defs/...` in a tool's
    schema). Deterministic: the same schema always gives the same instance.
    """
    if depth > _MAX_DEPTH or not isinstance(schema, dict):
        return None
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#"):
        return sample(_resolve(root, ref[1:]), root, depth + 1)
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return next((v for v in schema["enum"] if v is not None), schema["enum"][0])
    if isinstance(schema.get("allOf"), list):
        merged: Any = None
        for branch in schema["allOf"]:
            part = sample(branch, root, depth + 1)
            if isinstance(part, dict) and isinstance(merged, dict):
                merged = {**merged, **part}
            elif merged is None:
                merged = part
        own = {k: v for k, v in schema.items() if k != "allOf"}
        if own.get("properties") or own.get("required"):
            extra = sample(own, root, depth + 1)
            if isinstance(extra, dict):
                merged = {**(merged if isinstance(merged, dict) else {}), **extra}
        return merged
    for key in ("oneOf", "anyOf"):
        branches = schema.get(key)
        if isinstance(branches, list) and branches:
            chosen = next(
                (b for b in branches if not (isinstance(b, dict) and b.get("type") == "null")),
                branches[0],
            )
            value = sample(chosen, root, depth + 1)
            if isinstance(value, dict) and (schema.get("properties") or schema.get("required")):
                value = {**value, **(sample({**schema, key: None}, root, depth + 1) or {})}
            return value
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None:
        kind = (
            "object"
            if "properties" in schema or "required" in schema
            else "array"
            if "items" in schema
            else None
        )
    if kind == "object":
        properties = schema.get("properties") or {}
        found: dict[str, Any] = {}
        # The required properties; or the first one, when none is (an empty object is an
        # empty path segment in the label and matrix styles).
        names = list(schema.get("required") or []) or [n for n in properties][:1]
        for name in names:
            found[name] = sample(properties.get(name, {"type": "string"}), root, depth + 1)
        return found
    if kind == "array":
        # One item at least (an empty array can make an empty path segment, or `.` in the
        # label style, which URL normalization removes), unless `maxItems: 0`.
        count = max(int(schema.get("minItems") or 0), 1 if schema.get("maxItems") != 0 else 0)
        return [sample(schema.get("items") or {}, root, depth + 1) for _ in range(count)]
    if kind == "string":
        text = _FORMATS.get(str(schema.get("format")), "x")
        length = int(schema.get("minLength") or 0)
        return text + "x" * max(0, length - len(text))
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum"))
        value = low if isinstance(low, int | float) and not isinstance(low, bool) else 1
        if "exclusiveMinimum" in schema and isinstance(schema["exclusiveMinimum"], int | float):
            value = schema["exclusiveMinimum"] + 1
        return int(value) if kind == "integer" else value
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return "x"


def _resolve(root: Any, pointer: str) -> Any:
    node = root
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


@dataclass
class _Route:
    method: str
    pattern: re.Pattern[str]
    ok: tuple[int, str | None, Any]  # status, content type, body
    error: tuple[int, str | None, Any] | None


@dataclass
class StubUpstream:
    """A loopback HTTP server answering the document's operations (see the module docstring)."""

    document: Document
    mode: str = "ok"
    routes: list[_Route] = field(default_factory=list)
    requests: int = 0

    def __post_init__(self) -> None:
        assert self.document.server is not None
        spec = self.document.server.spec
        ops = sorted(self.document.operations, key=lambda o: -len(re.sub(r"\{[^}]*\}", "", o.path)))
        for op in ops:
            self.routes.append(
                _Route(
                    op.method.upper(),
                    _path_pattern(op.path),
                    _answer(op, spec, True) or (204, None, None),
                    _answer(op, spec, False),
                )
            )

    def start(self) -> str:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _any(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                if length:
                    self.rfile.read(length)
                path = self.path.split("?", 1)[0]
                if path.startswith("/__mode/"):
                    stub.mode = path.removeprefix("/__mode/")
                    self._send(204, None, None)
                    return
                stub.requests += 1
                for route in stub.routes:
                    if route.method == self.command and route.pattern.fullmatch(path):
                        answer = route.ok if stub.mode == "ok" else route.error or route.ok
                        self._send(*answer)
                        return
                self._send(404, "application/json", {"message": "no such route"})

            def _send(self, status: int, content_type: str | None, body: Any) -> None:
                data = b""
                if content_type is not None:
                    data = (
                        json.dumps(body).encode()
                        if "json" in content_type
                        else str(body if body is not None else "x").encode()
                    )
                self.send_response(status)
                if content_type is not None:
                    self.send_header("content-type", content_type)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _path_pattern(path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]*\})", path)
    body = "".join("[^/]*" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(".*" + body)  # any base path before the document's


def _answer(op: Operation, spec: Any, success: bool) -> tuple[int, str | None, Any] | None:
    for response in op.responses:
        if response.is_success != success or (success and response.status.endswith("XX")):
            continue
        status = response.code or (400 if not success else 200)
        if response.status == "default":
            status = 400 if not success else 200
        if not response.content:
            return status, None, None
        media = next((m for m in response.content if m.kind == "json"), response.content[0])
        schema = _resolve(spec, media.schema_pointer) if media.schema_pointer else None
        if media.kind == "json":
            return (
                status,
                media.name if "*" not in media.name else "application/json",
                sample(schema, spec),
            )
        if media.kind == "text":
            return status, media.name if "*" not in media.name else "text/plain", "x"
        return status, "application/octet-stream" if "*" in media.name else media.name, "x"
    return None


def tool_arguments(document: Document) -> dict[str, dict[str, Any]]:
    """Arguments for each tool: a small instance of its input schema (with its `$defs`)."""
    plan = document.mcp
    assert plan is not None
    found: dict[str, dict[str, Any]] = {}
    for tool in plan.tools:
        schema = {**tool.input_schema, "$defs": {k: plan.defs[k] for k in tool.input_defs}}
        value = sample(schema, schema)
        found[tool.name] = value if isinstance(value, dict) else {}
    return found


def document_session(document: Document, out: Path, package: str, stub_url: str) -> dict[str, Any]:
    """The driver's stdio session for a generated package against the stub at `stub_url`."""
    plan = document.mcp
    assert plan is not None
    env = plan.environment(package)
    variables = {
        "PYTHONPATH": str(out),
        "PATH": "/usr/bin:/bin",
        env.base_url: stub_url,
        env.token: "stub-token",
    }
    if env.api_key is not None:
        variables[env.api_key] = "stub-key"
    every = tool_arguments(document)
    operations = {op.operation_id: op for op in document.operations}
    session_extra = {
        "tools": [t.name for t in plan.tools],
        "callable": callable_tools(document, every),
        "erring": [  # the tools whose operation documents an error the stub can answer
            t.name
            for t in plan.tools
            if any(not r.is_success for r in operations[t.operation_id].responses)
        ],
    }
    return {
        "label": package,
        "transport": "stdio",
        "command": sys.executable,
        "args": ["-m", f"{package}.mcp"],
        "env": variables,
        "cwd": str(out),
        "steps": [
            {"every": every},
            {"post": stub_url + "/__mode/error"},
            {"every": every},
            {"every": "invalid"},
        ],
        **session_extra,
    }


def callable_tools(document: Document, every: dict[str, dict[str, Any]]) -> list[str]:
    """The tools a call can succeed on: the operation documents a success, and the arguments
    made for it are valid (an unsatisfiable schema, or `oneOf` branches the minimal instance
    satisfies twice, have none; such a tool's call is a tool error, which still answers)."""
    from jsonschema import Draft202012Validator

    plan = document.mcp
    assert plan is not None
    operations = {op.operation_id: op for op in document.operations}
    found = []
    for tool in plan.tools:
        schema = {**tool.input_schema, "$defs": {k: plan.defs[k] for k in tool.input_defs}}
        documented = any(
            r.is_success or r.status == "default" for r in operations[tool.operation_id].responses
        )
        if documented and Draft202012Validator(schema).is_valid(every[tool.name]):
            found.append(tool.name)
    return found


@dataclass
class Outcome:
    """What the TypeScript SDK's client saw of one document's MCP server."""

    tools: int
    pages: int
    error: str | None
    schema_problems: list[str]
    long_names: list[str]
    thrown: list[str]  # calls the SDK answered with an exception instead of a result
    succeeded: list[str]  # `ok` mode: the tools whose result is no tool error
    ok_errors: list[str]  # `ok` mode: tool errors (the text), for the report
    error_mode_errors: list[str]  # `error` mode: the tools whose result is a tool error
    invalid_rejected: int  # undeclared argument: tool errors saying "invalid arguments"

    def as_data(self) -> dict[str, Any]:
        return dict(self.__dict__)


def outcome(result: dict[str, Any]) -> Outcome:
    tools = [t["name"] for t in result["tools"]]
    calls = result["calls"]
    n = len(tools)
    ok, err, invalid = calls[:n], calls[n : 2 * n], calls[2 * n :]
    thrown = [f"{c['tool']}: {c['thrown']}" for c in calls if "thrown" in c]

    def text(call: dict[str, Any]) -> str:
        return "\n".join(c.get("text", "") for c in call.get("content") or [])

    return Outcome(
        tools=n,
        pages=int(result.get("pages") or 0),
        error=result["error"],
        schema_problems=list(result["schemaProblems"]),
        long_names=[t for t in tools if len(t) > 64 or not re.fullmatch(r"[A-Za-z0-9_-]+", t)],
        thrown=thrown,
        succeeded=[c["tool"] for c in ok if "thrown" not in c and not c["isError"]],
        ok_errors=[f"{c['tool']}: {text(c)[:300]}" for c in ok if c.get("isError")],
        error_mode_errors=[c["tool"] for c in err if c.get("isError")],
        invalid_rejected=sum(
            1 for c in invalid if c.get("isError") and text(c).startswith("invalid arguments")
        ),
    )
