"""The intermediate model's streaming, pagination and upload decisions, without a server.

Streams: which media types are event streams and what one event is (OpenAPI 3.2 `itemSchema`
first, else the response schema as each event's data). Pagination: each style detected from
parameters and response shape, `x-pagination` stating or refusing it (located errors for a
wrong statement), the verbose generation summary. Uploads: file parts and binary bodies typed
`FileTypes` / `FileContent`. The SSE runtime reading an `itemSchema` envelope is checked on
bytes too (the generated `_streaming` module, fed an `httpx.Response`).
"""

from __future__ import annotations

import copy
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from conftest import ROOT
from stream_support import stream_sdk

from generator.cli import _sdk_counts, _sdk_lines
from generator.errors import SpecError
from generator.ir.model import Document
from generator.ir.streaming import stream_format
from generator.loader import load_document
from generator.plans import build_document

FIXTURE = ROOT / "tests" / "fixtures" / "sdk-stream.yaml"


def _loaded() -> Any:
    return load_document(FIXTURE)


def _doc(mutate: Any = None) -> Document:
    loaded = _loaded()
    if mutate is not None:
        loaded.data = copy.deepcopy(loaded.data)
        mutate(loaded.data)
    return build_document(loaded, "stream_api")


def _op(doc: Document, operation_id: str) -> Any:
    return next(o for o in doc.operations if o.operation_id == operation_id)


def _plan(doc: Document, operation_id: str) -> Any:
    assert doc.client is not None
    return next(o for o in doc.client.operations if o.op.operation_id == operation_id)


def test_stream_formats_by_content_type() -> None:
    assert stream_format("text/event-stream; charset=utf-8") == "sse"
    assert stream_format("application/x-ndjson") == "jsonl"
    assert stream_format("application/jsonl") == "jsonl"
    assert stream_format("application/json-seq") == "json-seq"
    assert stream_format("application/json") is None


def test_stream_events_typed_from_the_response_schema() -> None:
    doc = _doc()
    chat = _plan(doc, "createChatCompletion")
    assert chat.streams.item == "_m.ChatCompletionChunk" and chat.streams.flag == "stream"
    assert chat.return_annotation == "_m.ChatCompletion | _s.Stream[_m.ChatCompletionChunk]"
    assert chat.async_return_annotation.endswith("_s.AsyncStream[_m.ChatCompletionChunk]")
    assert chat.parsed_annotation == "_m.ChatCompletion | str"  # raw views are unchanged
    text = _op(doc, "streamText").responses[0].content[0].stream
    assert (text.format, text.type.expr, text.decode) == ("sse", "str", "text")
    records = _op(doc, "streamRecords").responses[0].content[0].stream
    assert (records.format, records.type.expr, records.source) == ("jsonl", "LogLine", "schema")
    assert _plan(doc, "streamEvents").return_annotation == "_s.Stream[_m.Tick]"
    assert _plan(doc, "downloadFile").streams is None


def _with_item_schema(item: Any, media: str = "text/event-stream") -> Document:
    def mutate(data: dict[str, Any]) -> None:
        data["paths"]["/events"]["get"]["responses"]["200"]["content"] = {
            media: {"itemSchema": item}
        }

    return _doc(mutate)


def test_item_schema_wins_and_its_sse_shape_is_read() -> None:
    # The data's contentSchema: each event's data parsed as JSON into it.
    doc = _with_item_schema(
        {
            "type": "object",
            "required": ["data"],
            "properties": {
                "event": {"type": "string"},
                "data": {
                    "type": "string",
                    "contentMediaType": "application/json",
                    "contentSchema": {"$ref": "#/components/schemas/Tick"},
                },
            },
        }
    )
    stream = _op(doc, "streamEvents").responses[0].content[0].stream
    assert (stream.type.expr, stream.decode, stream.envelope, stream.source) == (
        "Tick",
        "json",
        False,
        "itemSchema",
    )
    # Plain string data: the event itself is the item (an envelope with event, id, retry).
    doc = _with_item_schema(
        {
            "type": "object",
            "properties": {"event": {"type": "string"}, "data": {"type": "string"}},
        }
    )
    stream = _op(doc, "streamEvents").responses[0].content[0].stream
    assert (stream.decode, stream.envelope) == ("text", True)
    assert stream.type.expr == "StreamEventsOKBodyEvent"
    assert any(s.python_name == "StreamEventsOKBodyEvent" for s in doc.schemas)
    # Not the SSE event's shape: the schema of each event's data.
    doc = _with_item_schema({"$ref": "#/components/schemas/LogLine"})
    stream = _op(doc, "streamEvents").responses[0].content[0].stream
    assert (stream.type.expr, stream.decode, stream.envelope) == ("LogLine", "json", False)
    # JSON Lines with itemSchema: each line is one item.
    doc = _with_item_schema({"$ref": "#/components/schemas/Tick"}, "application/jsonl")
    stream = _op(doc, "streamEvents").responses[0].content[0].stream
    assert (stream.format, stream.type.expr) == ("jsonl", "Tick")


@pytest.fixture(scope="module")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return stream_sdk(tmp_path_factory.getbasetemp())


def test_envelope_events_keep_event_id_and_retry(sdk: ModuleType) -> None:
    from importlib import import_module

    from pydantic import BaseModel

    streaming = import_module(sdk.__name__ + ".client._streaming")

    class Event(BaseModel):
        event: str | None = None
        data: str
        id: str | None = None
        retry: int | None = None

    body = b"event: note\nid: 9\nretry: 10\ndata: hello\n\ndata: [DONE]\n\n"
    spec = streaming.StreamSpec("sse", "text", True, Event)
    events = list(streaming.Stream(httpx.Response(200, content=body), spec, "op"))
    assert events == [Event(event="note", data="hello", id="9", retry=10)]


def test_pagination_detected_per_style_and_stated_or_refused() -> None:
    doc = _doc()
    found = {o.operation_id: o.pagination for o in doc.operations if o.pagination}
    assert {k: v.style for k, v in found.items()} == {
        "listIncidents": "cursor",
        "listModels": "cursor",
        "listUsers": "offset",
        "listProjects": "page",
        "listTickets": "next_url",
        "listRepos": "link",
        "search": "cursor",
    }
    assert found["listIncidents"].next_cursor == ("meta", "next_cursor")
    assert found["listModels"].cursor_from_item == "id" and found["listModels"].has_more
    assert found["listUsers"].total == ("total",) and found["listUsers"].size_param == "limit"
    assert found["listProjects"].total == ("total_pages",) and found["listProjects"].first_page == 1
    assert found["listTickets"].next_url == ("next_page_url",)
    assert found["listRepos"].items == () and found["listRepos"].item_type.expr == "Project"
    assert found["search"].stated and found["search"].items == ("hits", "list")
    assert _op(doc, "listAudit").pagination is None  # x-pagination: false
    plan = _plan(doc, "listIncidents")
    assert plan.return_annotation == "_pg.SyncPager[_m.Incident, _m.ListIncidentsOKBody]"
    assert plan.parsed_annotation == "_m.ListIncidentsOKBody"
    assert _sdk_counts(doc) == "7 paginated, 6 streamed, "  # the summary line's counts
    lines = _sdk_lines(doc)
    assert (
        "  GET /incidents (client.incidents.list()): pagination cursor "
        "(cursor <- meta.next_cursor; items: data; detected)"
    ) in lines
    assert any("POST /chat/completions" in line and "stream=True" in line for line in lines)


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("yes", "must be false or an object"),
        ({"style": "sideways"}, "style must be one of"),
        ({"style": "cursor", "cursorParam": "nope"}, "'nope' is not a query parameter"),
        ({"style": "offset", "items": "meta"}, "items meta is not an array"),
        ({"style": "cursor", "nextCursor": "meta.missing"}, "'meta.missing' is not a field"),
    ],
)
def test_wrong_x_pagination_is_a_located_error(statement: Any, message: str) -> None:
    def mutate(data: dict[str, Any]) -> None:
        data["paths"]["/incidents"]["get"]["x-pagination"] = statement

    with pytest.raises(SpecError) as caught:
        _doc(mutate)
    problem = caught.value.problems[0]
    assert message in problem.message
    assert problem.location.pointer.startswith("/paths/~1incidents/get/x-pagination")


def test_no_pagination_without_items_or_paging_parameters() -> None:
    doc = _doc()
    assert _op(doc, "streamEvents").pagination is None
    assert _op(doc, "downloadFile").pagination is None


def test_upload_parts_and_binary_bodies_are_typed_as_files() -> None:
    doc = _doc()
    upload = _plan(doc, "uploadFile")
    fields = {f.python_name: f.annotation for f in upload.fields}
    assert fields == {
        "file": "_f.FileTypes",
        "attachments": "list[_f.FileTypes]",
        "purpose": "str",
    }
    assert upload.body.media[0].files == ("file", "attachments")
    assert _plan(doc, "putBlob").body.annotation == "_f.FileContent"


def test_file_named_only_by_its_encoding_content_type(tmp_path: Path) -> None:
    def mutate(data: dict[str, Any]) -> None:
        media = data["paths"]["/files"]["post"]["requestBody"]["content"]["multipart/form-data"]
        media["schema"]["properties"]["purpose"] = {"type": "string"}
        media["schema"]["properties"]["image"] = {"type": "string"}
        media["encoding"] = {"image": {"contentType": "image/png"}}

    upload = _plan(_doc(mutate), "uploadFile")
    assert {f.python_name: f.annotation for f in upload.fields}["image"] == "_f.FileTypes"
    assert {f.python_name: f.annotation for f in upload.fields}["purpose"] == "str"
