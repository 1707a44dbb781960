"""Streamed responses: which media types are streams of events, and what one event parses into.

Decided once per response media type (the builder calls `stream_source`, then types the schema
it names); the client plan (`client_returns`) turns the result into what a call returns.

- **Formats.** `text/event-stream` is Server-Sent Events; `application/jsonl`,
  `application/x-ndjson` (and the `jsonlines` spellings) are one JSON value per line;
  `application/json-seq` is RFC 7464 (each JSON text after a record separator).
- **The event's schema.** OpenAPI 3.2's `itemSchema` on the media type object describes one
  item of the stream, and wins when present. For SSE it usually describes the whole event
  (`data`, `event`, `id`, `retry`): when its `data` names a `contentSchema` (the data is JSON, by
  `contentMediaType` or by default), each event's data is parsed into that schema; otherwise
  the event itself is validated as an object (`envelope`). Without `itemSchema`, the media
  type's `schema` describes each event's data (SSE; `type: string` or no schema: the data as
  text), or each line (JSON Lines: an `array` schema's `items`, else the schema itself).
- **Returns.** A success response with a stream media type makes the call return a typed
  `Stream[T]` (`AsyncStream[T]`), T the union of the events' types. When the same operation
  also answers plain JSON and its body has a boolean `stream` property, overloads make the
  return type follow that flag (`stream=True` -> the stream), as the OpenAI SDK does; without a
  flag the return type is the union and the response's Content-Type decides at run time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.errors import join_pointer
from generator.ir.model import Operation, TypeExpr, union_of

STREAM_FORMATS = {
    "text/event-stream": "sse",
    "application/jsonl": "jsonl",
    "application/x-jsonl": "jsonl",
    "application/jsonlines": "jsonl",
    "application/x-jsonlines": "jsonl",
    "application/x-ndjson": "jsonl",
    "application/ndjson": "jsonl",
    "application/json-seq": "json-seq",
}
_SSE_FIELDS = frozenset({"data", "event", "id", "retry"})
# The body property whose boolean value asks for a stream (the OpenAI convention).
STREAM_FLAG = "stream"


def stream_format(content_type: str) -> str | None:
    """ "sse", "jsonl", "json-seq" or None (not a stream), from the content type alone."""
    return STREAM_FORMATS.get(content_type.split(";", 1)[0].strip().lower())


@dataclass(frozen=True)
class StreamSource:
    """Where one event's schema is and how its data is read, before it is typed."""

    format: str
    schema: Any  # the event's (or its data's) schema; None: any
    pointer: str  # where that schema is written
    decode: str  # "json" or "text"
    envelope: bool
    source: str  # "itemSchema" or "schema"


def stream_source(
    content_type: str, media_obj: dict[str, Any], at: str, resolve: Any
) -> StreamSource | None:
    """The event schema of a stream media type (`at` points at the media type object).

    `resolve(schema)` follows a `$ref` to the schema it names (for reading `itemSchema`'s shape;
    the schema handed on keeps its `$ref`, so a component stays that component).
    """
    fmt = stream_format(content_type)
    if fmt is None:
        return None
    item = media_obj.get("itemSchema")
    if isinstance(item, dict | bool):
        item_at = join_pointer(at, "itemSchema")
        if fmt == "sse":
            return _sse_item(item, item_at, resolve)
        return StreamSource(fmt, item, item_at, "json", False, "itemSchema")
    schema = media_obj.get("schema")
    schema_at = join_pointer(at, "schema")
    if fmt == "sse":
        if not isinstance(schema, dict) or _is_text(resolve(schema)):
            return StreamSource(fmt, {"type": "string"}, schema_at, "text", False, "schema")
        return StreamSource(fmt, schema, schema_at, "json", False, "schema")
    resolved = resolve(schema) if isinstance(schema, dict) else None
    if isinstance(resolved, dict) and resolved.get("type") == "array":
        items = resolved.get("items")
        return StreamSource(
            fmt, items, join_pointer(schema_at, "items"), "json", False, "schema"
        )  # the whole body as an array: each line is one item
    if isinstance(resolved, dict) and _is_text(resolved) and not resolved.get("enum"):
        return StreamSource(fmt, None, schema_at, "json", False, "schema")
    return StreamSource(fmt, schema, schema_at, "json", False, "schema")


def _sse_item(item: Any, at: str, resolve: Any) -> StreamSource:
    shape = resolve(item) if isinstance(item, dict) else item
    props = shape.get("properties") if isinstance(shape, dict) else None
    if not isinstance(props, dict) or "data" not in props or not set(props) <= _SSE_FIELDS:
        # Not the event's shape: the schema of each event's data.
        text = isinstance(shape, dict) and _is_text(shape)
        return StreamSource(
            "sse", item, at, "text" if text else "json", False, "itemSchema"
        )  # fmt: skip
    data = resolve(props["data"]) if isinstance(props["data"], dict) else {}
    content = data.get("contentSchema") if isinstance(data, dict) else None
    media = str(data.get("contentMediaType", "application/json")) if isinstance(data, dict) else ""
    if content is not None and _json_media(media):
        return StreamSource(
            "sse", content, join_pointer(at, "properties", "data", "contentSchema"), "json",
            False, "itemSchema",
        )  # fmt: skip
    decode = "text" if not isinstance(data, dict) or _is_text(data) else "json"
    if isinstance(data, dict) and _json_media(str(data.get("contentMediaType", ""))):
        decode = "json"
    return StreamSource("sse", item, at, decode, True, "itemSchema")


def _is_text(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = [k for k in kind if k != "null"]
        kind = kind[0] if len(kind) == 1 else None
    return kind == "string" and "contentSchema" not in schema


def _json_media(media: str) -> bool:
    base = media.split(";", 1)[0].strip().lower()
    return base == "application/json" or base.endswith("+json")


# -- what a call returns ---------------------------------------------------------------------------

STREAM_ALIAS = "_s"  # the resources' name for the client's `_streaming` runtime module


@dataclass(frozen=True)
class Returns:
    """The return annotations of an operation that answers a stream (models qualified)."""

    item: str  # one event's type
    plain: str | None  # the non-stream bodies' union (None: the operation always streams)
    flag: str | None  # the keyword argument whose `True` asks for the stream (overloads)

    @property
    def sync(self) -> str:
        return _join(self.plain, f"{STREAM_ALIAS}.Stream[{self.item}]")

    @property
    def async_(self) -> str:
        return _join(self.plain, f"{STREAM_ALIAS}.AsyncStream[{self.item}]")

    @property
    def sync_stream(self) -> str:
        return f"{STREAM_ALIAS}.Stream[{self.item}]"

    @property
    def async_stream(self) -> str:
        return f"{STREAM_ALIAS}.AsyncStream[{self.item}]"


def _join(plain: str | None, stream: str) -> str:
    return stream if plain is None else f"{plain} | {stream}"


def client_returns(
    op: Operation, returned: list[bool], fields: tuple[Any, ...], raw: str, qualify: Any
) -> Returns | None:
    """What the operation's method returns when one of its returned responses is a stream.

    `returned[i]` says whether `op.responses[i]` is returned (not raised); `fields` are the
    body's keyword arguments (a boolean `stream` one makes overloads); `raw` is the annotation
    of every returned body read whole.
    """
    items: list[TypeExpr] = []
    plain: list[TypeExpr] = []
    for response, returns in zip(op.responses, returned, strict=True):
        if not returns:
            continue
        if not response.content:
            plain.append(TypeExpr("None"))
        for m in response.content:
            if m.stream is not None:
                items.append(m.stream.type)
            else:
                plain.append(m.type)
    if not items:
        return None
    item = qualify(union_of(items))
    plain_type = union_of(plain) if plain else None
    plain_text = None
    if plain_type is not None:
        plain_text = "None" if plain_type.expr == "None" else qualify(plain_type)
    flag = next(
        (
            f.python_name
            for f in fields
            if f.name == STREAM_FLAG and f.annotation in ("bool", "bool | None")
        ),
        None,
    )
    return Returns(item, plain_text, flag if plain_text is not None else None)
