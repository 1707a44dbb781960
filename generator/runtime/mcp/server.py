"""The MCP server: tools from `tools.json`, each call sent through the generated client.

- `tools/list` answers in the pages the generator decided (`pages` in `tools.json`: a bounded
  number of tools and bytes each; a cursor is the index of a page's first tool).
  Every page is built once per process, in the wire form of the protocol's `Tool` (the SDK
  still validates it against the negotiated protocol version before sending), so a listing
  never re-validates or re-dumps the tools.
- A tool's arguments are validated against its input schema (Draft 2020-12) before any request;
  an invalid call is a tool error naming the problem.
- A JSON success body is the structured content (wrapped as `{"result": ...}` when the schema
  is not an object) and its JSON text; a text body (`application/sdp`, ...) is text content;
  the documented headers of the success response follow as one more text item.
- A documented error status (and any other HTTP error) is a tool error (`isError`) whose text is
  `{"status": <code>, "body": <parsed body or raw text>}`, with `"error": <why>` when the
  response did not match the document (a success body that fails its schema, say). A tool error
  carries no structured content: the specification wants structured content to conform to the
  output schema, which describes the success, and the TypeScript SDK rejects a result whose
  structured content does not (clients skip the check for an error without it). A connection
  failure is a tool error too. A call never becomes a protocol error.
"""

from __future__ import annotations

import argparse
import base64
import gc
import json
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Final

from mcp import types
from mcp.server import Server, ServerRequestContext
from mcp.shared.exceptions import MCPError
from mcp_types.jsonrpc import INVALID_PARAMS
from pydantic import BaseModel

from .._version import API_VERSION
from ._config import DEFAULT_BASE_URL, ENV_API_KEY, INSTRUCTIONS, SERVER_NAME
from ._config import ENV_BASE_URL as ENV_BASE_URL
from ._config import ENV_TOKEN as ENV_TOKEN

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

    from ..client import AsyncClient
    from ..client.errors import ApiError

RESULT_PROPERTY: Final = "result"
# `{"defs": {...}, "pages": [0, ...], "tools": [...]}`: every schema a tool reaches is in `defs`
# once, each tool lists the keys its input and output schemas need, and `pages` holds the index
# of each page's first tool. Package data, read on first use: importing the server compiles no
# tool data, whatever the document's size.
TOOLS_FILE: Final = "tools.json"


@contextmanager
def _bulk_load() -> Iterator[None]:
    """Build long-lived data without the cyclic GC walking it over and over while it grows.

    None of it is garbage. Once built, it joins what the process froze (`main` freezes what it
    loaded before serving), so later collections skip it too; a process that never froze is left
    as it was.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
    if gc.get_freeze_count():
        gc.freeze()


@cache
def _data() -> dict[str, Any]:
    text = resources.files(__package__ or __name__).joinpath(TOOLS_FILE).read_bytes()
    with _bulk_load():
        data: dict[str, Any] = json.loads(text)
    return data


@cache
def _tools_by_name() -> dict[str, dict[str, Any]]:
    return {tool["name"]: tool for tool in _data()["tools"]}


def _with_defs(root: dict[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    if not keys:
        return root
    defs = _data()["defs"]
    return {**root, "$defs": {key: defs[key] for key in keys}}


def _wire_tool(tool: Mapping[str, Any]) -> dict[str, Any]:
    """One tool as `tools/list` sends it: the protocol's `Tool` in its JSON form."""
    wire: dict[str, Any] = {
        "name": tool["name"],
        "title": tool["title"],
        "description": tool["description"],
        "inputSchema": _with_defs(tool["input"], tool["input_defs"]),
    }
    if tool["output"] is not None:
        wire["outputSchema"] = _with_defs(tool["output"], tool["output_defs"])
    wire["annotations"] = {"title": tool["title"], **tool["annotations"]}
    return wire


@cache
def wire_tools() -> tuple[dict[str, Any], ...]:
    """Every tool in its wire form, in listing order (built once; treat as read-only)."""
    with _bulk_load():
        return tuple(_wire_tool(tool) for tool in _data()["tools"])


@cache
def tool_definitions() -> list[types.Tool]:
    """Every tool as the MCP SDK's model (built once): what `tools/list` sends, validated."""
    return [types.Tool.model_validate(tool) for tool in wire_tools()]


@cache
def _pages() -> dict[str | None, dict[str, Any]]:
    """Every `tools/list` result by the cursor that asks for it (None: the first page)."""
    tools = wire_tools()
    starts: list[int] = _data()["pages"]
    pages: dict[str | None, dict[str, Any]] = {}
    with _bulk_load():
        for start, end in zip(starts, [*starts[1:], len(tools)], strict=True):
            # The envelope (cursor, and what the protocol version requires, such as `ttlMs`) is
            # the SDK's own dump of an empty result; the tools are their wire form, made once.
            page = types.ListToolsResult(
                tools=[], next_cursor=str(end) if end < len(tools) else None
            ).model_dump(by_alias=True, mode="json", exclude_none=True)
            page["tools"] = list(tools[start:end])
            pages[str(start) if start else None] = page
    return pages


def list_tools_page(cursor: str | None) -> dict[str, Any]:
    """One `tools/list` result: a page of tools and, while one remains, the next cursor."""
    page = _pages().get(cursor)
    if page is None:
        raise MCPError(INVALID_PARAMS, f"invalid cursor {cursor!r}")
    return dict(page)  # the caller owns the envelope; the tools are shared and never mutated


def input_schema(name: str) -> dict[str, Any] | None:
    """A tool's input schema by name (None for an unknown tool)."""
    tool = _tools_by_name().get(name)
    return None if tool is None else _with_defs(tool["input"], tool["input_defs"])


@cache
def _validator(name: str) -> Draft202012Validator:
    # Imported on the first call: a server that only lists its tools never loads jsonschema.
    from jsonschema import Draft202012Validator

    tool = _tools_by_name()[name]
    return Draft202012Validator(_with_defs(tool["input"], tool["input_defs"]))


def _base_url() -> str:
    base_url = os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL
    if not base_url:
        raise SystemExit(f"set {ENV_BASE_URL} to the API's base URL")
    return base_url


def client_from_environment() -> AsyncClient:
    """The API client the tools call: base URL and credentials from the environment."""
    from ..client import AsyncClient

    base_url = _base_url()
    credentials: dict[str, Any] = {"token": os.environ.get(ENV_TOKEN) or None}
    if ENV_API_KEY:  # the client takes `api_key=` only when the document has an API key scheme
        credentials["api_key"] = os.environ.get(ENV_API_KEY) or None
    return AsyncClient(base_url, **credentials)


def _jsonable(value: Any) -> Any:
    """A parsed body as JSON data, with the document's property names and what was sent only."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def _text(data: Any) -> types.TextContent:
    return types.TextContent(text=json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def _tool_error(message: str) -> types.CallToolResult:
    # Never structured content: it would have to match the output schema of the success.
    return types.CallToolResult(content=[types.TextContent(text=message)], is_error=True)


def _error_body(exc: ApiError[Any]) -> Any:
    """What the agent sees of an error response's body: parsed when the client parsed it, else
    the text as JSON when it is JSON (a body that failed its schema), else the raw text."""
    if exc.body is not None and exc.body != exc.text:
        return _jsonable(exc.body)
    try:
        return json.loads(exc.text)
    except ValueError:
        return exc.text


def _arguments(tool: Mapping[str, Any], arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The client method's keyword arguments for the tool's (validated) arguments."""
    kwargs: dict[str, Any] = {}
    for name, python_name, location in tool["arguments"]:
        if name not in arguments:
            continue
        value = arguments[name]
        if location == "body" and tool["body_kind"] == "binary" and isinstance(value, str):
            value = base64.b64decode(value)
        kwargs[python_name] = value
    if tool["content_type"] is not None:
        kwargs["content_type"] = tool["content_type"]
    return kwargs


async def call_tool(
    client: AsyncClient, name: str, arguments: Mapping[str, Any]
) -> types.CallToolResult:
    """Run one tool: validate, call the operation through the client, shape the result."""
    from ..client.errors import ApiError, SdkError

    tool = _tools_by_name().get(name)
    if tool is None:
        return _tool_error(f"unknown tool {name!r}")
    errors = sorted(_validator(name).iter_errors(dict(arguments)), key=lambda e: list(e.path))
    if errors:
        where = "/".join(str(p) for p in errors[0].path)
        return _tool_error(
            f"invalid arguments{' at ' + where if where else ''}: {errors[0].message}"
        )
    resource = getattr(client, tool["resource"]).with_raw_response
    try:
        raw = await getattr(resource, tool["method"])(**_arguments(tool, arguments))
        value = raw.parse()
    except ApiError as exc:
        payload: dict[str, Any] = {"status": exc.status_code, "body": _error_body(exc)}
        if exc.reason:
            payload["error"] = exc.reason  # why the response was not what the document says
        return _tool_error(json.dumps(payload, ensure_ascii=False))
    except SdkError as exc:
        return _tool_error(str(exc))
    except Exception as exc:  # a tool error, never a protocol crash
        return _tool_error(f"{type(exc).__name__}: {exc}")
    content: list[types.ContentBlock] = []
    structured: Any = None
    if tool["output"] is not None and (value is not None or raw.content):
        # A JSON success (every success of a tool with an output schema is JSON): structured,
        # whatever its value, a string or `null` included; a client refuses a result of such a
        # tool without structured content.
        data = _jsonable(value)
        content.append(_text(data))
        structured = {RESULT_PROPERTY: data} if tool["wrapped"] else data
    elif value is None:
        content.append(types.TextContent(text=f"HTTP {raw.status_code}: no content"))
    elif isinstance(value, str):
        content.append(types.TextContent(text=value))
    else:
        content.append(_text(_jsonable(value)))
    headers = [f"{h}: {raw.headers[h]}" for h in tool["headers"] if h in raw.headers]
    if headers:
        content.append(types.TextContent(text="\n".join(headers)))
    return types.CallToolResult(content=content, structured_content=structured)


def build_server(client: AsyncClient | None = None) -> Server[Any]:
    """The low-level MCP server with every tool; `client` defaults to the environment's.

    The default client is made on the first tool call: a server that only lists its tools never
    imports the client (one class per documented error). A missing base URL still stops the
    start.
    """
    if client is None:
        _base_url()
    clients: list[AsyncClient] = [] if client is None else [client]

    async def on_list_tools(
        ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams
    ) -> dict[str, Any]:
        return list_tools_page(params.cursor)

    async def on_call_tool(
        ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        if not clients:
            clients.append(client_from_environment())
        return await call_tool(clients[0], params.name, params.arguments or {})

    server: Server[Any] = Server(
        SERVER_NAME,
        version=API_VERSION,
        instructions=INSTRUCTIONS,
        on_call_tool=on_call_tool,
        # Streamable HTTP checks a call's `Mcp-Param-*` headers against the tool's input schema:
        # looked up by name here, instead of the SDK walking every page of `tools/list` per call.
        get_tool_input_schema=input_schema,
    )
    # Registered as a raw handler: it answers with the cached wire form of the page (a dict),
    # which the SDK validates for the negotiated protocol version, like any result.
    server.add_request_handler("tools/list", types.PaginatedRequestParams, on_list_tools)
    return server


async def _serve_stdio(server: Server[Any]) -> None:
    from mcp.server.stdio import stdio_server

    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=f"python -m {__package__}",
        description=f"MCP server of {SERVER_NAME}: one tool per operation.",
    )
    parser.add_argument("--transport", choices=("stdio", "http"), default="stdio")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9090)
    parser.add_argument("--path", default="/mcp", help="the streamable HTTP endpoint")
    args = parser.parse_args(argv)
    server = build_server()
    # This process is the server: the SDK, the client and, once loaded, the tools live as long as
    # it does, so the cyclic GC stops walking them on every collection (see `_bulk_load`).
    gc.freeze()
    if args.transport == "stdio":
        import anyio

        anyio.run(_serve_stdio, server)
        return 0
    # The package's guarded uvicorn set-up, as its server stubs are served: a parser that refuses
    # ambiguous framing, request head and body deadlines, a connection cap under the descriptor
    # limit, one-line logs (`_serving`, which needs neither FastAPI nor the stubs).
    from .._serving import ServerSettings, serve

    app = server.streamable_http_app(streamable_http_path=args.path, host=args.host)
    print(f"MCP server on http://{args.host}:{args.port}{args.path}", file=sys.stderr)
    serve(app, ServerSettings(args.host, args.port, log_level="warning", access_log=False))
    return 0
