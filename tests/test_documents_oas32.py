"""OpenAPI 3.2 documents: loaded, validated against the 3.2 meta-schema and generated (issue 21).

tests/fixtures/documents/oas32-features.yaml holds each construct 3.2 adds in its smallest use:
`$self`, hierarchical tags (`parent`, `kind`), a `QUERY` operation, `additionalOperations`
(`LINK`), an `in: querystring` parameter, `itemSchema` on text/event-stream and (through
`components/mediaTypes`) application/jsonl, the oauth2 device flow, `oauth2MetadataUrl`, a
deprecated security scheme, `defaultMapping`, `dataValue` examples, a named server and a
response `summary`. Its package is generated once; every module imports (`mypy --strict` runs
in tests/test_documents_loading.py), the QUERY and LINK operations go from the generated client through a real HTTP server
(uvicorn on a loopback port) to the generated stubs, and its web types compile with `tsc`.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.config import Target
from generator.emit.typescript import render_types
from generator.errors import SpecError
from generator.ir.model import Document
from generator.loader import load_document
from generator.pipeline import generate_target
from generator.plans import build_document
from generator.plans.typescript import build_typescript_plan
from generator.writer import write_files
from tests.reference_support.generate import generate_package
from tests.reference_support.servers import live
from tests.web_contract.node_tools import node_tools, tsc

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "tests" / "fixtures" / "documents" / "oas32-features.yaml"
PACKAGE = "flights32_api"


@pytest.fixture(scope="module")
def document() -> Document:
    return build_document(load_document(SPEC), PACKAGE)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = generate_package(SPEC, tmp_path_factory.mktemp("oas32") / "out", PACKAGE)
    sys.path.insert(0, str(folder))
    try:
        yield folder
    finally:
        sys.path.remove(str(folder))


def test_a_3_2_document_is_valid_and_a_fault_in_it_is_located(tmp_path: Path) -> None:
    loaded = load_document(SPEC, strict=True)
    assert loaded.data["openapi"] == "3.2.0"
    # The 3.2 meta-schema judges it: a field 3.2 does not know on a tag is refused, located.
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        SPEC.read_text(encoding="utf-8").replace(
            "    kind: badge\n", "    kind: badge\n    colour: red\n"
        ),
        encoding="utf-8",
    )
    with pytest.raises(SpecError) as refused:
        load_document(broken, strict=True)
    [problem] = refused.value.problems
    assert problem.location.pointer == "/tags/3/colour"
    assert problem.location.line == 24 and "unknown field 'colour'" in problem.message
    assert problem.rule == "unknown-field-dropped"  # lenient loading drops it, as in 3.0/3.1


def test_query_and_additional_operations_are_operations(document: Document) -> None:
    by_id = {op.operation_id: op for op in document.operations}
    assert (by_id["searchFlights"].method, by_id["searchFlights"].pointer) == (
        "query",
        "/paths/~1flights~1search/query",
    )
    link = by_id["linkFlight"]
    assert link.method == "link"
    assert link.pointer == "/paths/~1flights~1{flightId}/additionalOperations/LINK"
    # The path item's parameters apply to the additional operation too.
    assert [p.name for p in link.parameters] == ["flightId"]
    assert not by_id["searchFlights"].idempotent or by_id["searchFlights"].method == "query"


def test_hierarchical_tags_decide_resources(document: Document) -> None:
    resources = {op.operation_id: op.resource for op in document.operations}
    assert resources == {
        "searchFlights": "flights",
        # tagged [delays (kind: badge), international (parent: flights)]: a badge places
        # nothing; a child tag's operations live on its root's resource.
        "listInternationalFlights": "flights",
        "getFlight": "flights",
        "linkFlight": "flights",
        "streamFlightEvents": "flights",
        "createBooking": "bookings",
    }
    tags = {t.name: (t.parent, t.kind, t.summary) for t in document.tags}
    assert tags["international"] == ("flights", "nav", "International flights")
    assert tags["delays"] == (None, "badge", "Delays")
    assert document.self_uri == "https://example.com/flights/openapi.yaml"


def test_querystring_item_schema_and_oauth2_additions_reach_the_model(document: Document) -> None:
    by_id = {op.operation_id: op for op in document.operations}
    [query_string] = by_id["listInternationalFlights"].parameters
    assert (query_string.location, query_string.type.expr) == ("querystring", "FlightFilter")
    [ok] = by_id["streamFlightEvents"].responses
    events, lines = ok.content
    # `itemSchema` gives each event's type (the SSE event's `data` by its `contentSchema`).
    assert events.name == "text/event-stream" and events.stream is not None
    assert (events.stream.source, events.stream.decode, events.stream.type.expr) == (
        "itemSchema",
        "json",
        "FlightEvent",
    )
    assert events.stream.pointer == (
        "/paths/~1flights~1{flightId}~1events/get/responses/200/content/text~1event-stream"
        "/itemSchema/properties/data/contentSchema"
    )
    # A media type given by `$ref` to components/mediaTypes is read there.
    assert lines.stream is not None and lines.stream.type.expr == "FlightEvent"
    assert lines.stream.pointer == "/components/mediaTypes/FlightEventLines/itemSchema"
    schemes = {s.name: s for s in document.security_schemes}
    [device] = schemes["device"].flows
    assert (device.name, device.device_authorization_url, device.token_url) == (
        "deviceAuthorization",
        "https://auth.example.com/device",
        "https://auth.example.com/token",
    )
    assert device.scopes == (("book", "Book flights"),)
    metadata = schemes["metadata"]
    assert metadata.oauth2_metadata_url == (
        "https://auth.example.com/.well-known/oauth-authorization-server"
    )
    assert metadata.deprecated and not schemes["device"].deprecated


def test_every_module_imports_and_default_mapping_picks_the_default(out: Path) -> None:
    package = importlib.import_module(PACKAGE)
    names = [m.name for m in pkgutil.walk_packages(package.__path__, PACKAGE + ".")]
    for name in names:
        importlib.import_module(name)
    assert f"{PACKAGE}.mcp.server" in names and f"{PACKAGE}.server.app" in names
    models = importlib.import_module(f"{PACKAGE}.models")
    pet = models.Booking.model_validate({"flightId": "DL30", "passenger": {"kind": "pet"}})
    assert type(pet.passenger.root).__name__ == "OtherPassenger"  # defaultMapping
    child = {"kind": "child", "name": "Bo", "age": 4}
    assert type(models.Passenger.model_validate(child).root).__name__ == "Child"
    with pytest.raises(ValueError):  # the mapped branch still judges its own values
        models.Passenger.model_validate({"kind": "child", "name": "Bo"})
    # The package's MCP tools include the QUERY and LINK operations.
    tools = json.loads((out / PACKAGE / "mcp" / "tools.json").read_text(encoding="utf-8"))
    methods = {t["name"]: t.get("http_method") or t.get("method") for t in tools["tools"]}
    assert {"search_flights", "link_flight"} <= set(methods), sorted(methods)


def test_query_link_and_querystring_from_the_client_through_the_stubs(out: Path) -> None:
    handlers_module = importlib.import_module(f"{PACKAGE}.server.handlers")
    responses = importlib.import_module(f"{PACKAGE}.server.responses")
    app_module = importlib.import_module(f"{PACKAGE}.server.app")
    models = importlib.import_module(f"{PACKAGE}.models")
    client_module = importlib.import_module(f"{PACKAGE}.client")
    seen: list[Any] = []

    class Handlers(handlers_module.Handlers):  # type: ignore[misc, name-defined]
        async def search_flights(self, ctx: Any, *, body: Any) -> Any:
            seen.append((ctx.request.method, body))
            return responses.SearchFlightsOK([models.Flight(flightNumber="DL30")])

        async def list_international_flights(self, ctx: Any, *, filter_: Any) -> Any:
            seen.append((ctx.request.method, filter_))
            return responses.ListInternationalFlightsOK([])

        async def get_flight(self, ctx: Any, **kw: Any) -> Any:
            raise NotImplementedError

        async def link_flight(self, ctx: Any, *, flight_id: str) -> Any:
            seen.append((ctx.request.method, flight_id))
            return responses.LinkFlightNoContent()

        async def stream_flight_events(self, ctx: Any, **kw: Any) -> Any:
            raise NotImplementedError

        async def create_booking(self, ctx: Any, **kw: Any) -> Any:
            raise NotImplementedError

    with live(app_module.create_app(Handlers())) as server:
        client = client_module.Client(base_url=server.url)
        found = client.flights.search(origin="ATL", nonStopOnly=True)
        assert [f.flightNumber for f in found] == ["DL30"]
        client.flights.link(flight_id="DL30")
        assert (
            client.flights.list_international(filter_=models.FlightFilter(carrier="DL", limit=5))
            == []
        )
        client.close()
    assert seen[0] == ("QUERY", models.FlightQuery(origin="ATL", nonStopOnly=True))
    assert seen[1] == ("LINK", "DL30")
    # The whole query string is the one `querystring` parameter, its properties typed.
    assert seen[2] == ("GET", models.FlightFilter(carrier="DL", limit=5))


def test_the_web_types_of_a_3_2_document_compile(tmp_path: Path) -> None:
    tools = node_tools()
    plan = build_typescript_plan(load_document(SPEC).data)
    types = tmp_path / "types.d.ts"
    types.write_text(render_types(plan), encoding="utf-8")
    usage = tmp_path / "usage.ts"
    usage.write_text(
        'import type { paths, operations } from "./types";\n'
        'type Search = paths["/flights/search"]["query"];\n'
        'type Link = paths["/flights/{flightId}"]["link"];\n'
        'const origin: operations["searchFlights"]["requestBody"]["content"]'
        '["application/json"]["origin"] = "ATL";\n'
        "export type { Search, Link };\nexport { origin };\n",
        encoding="utf-8",
    )
    assert tsc(tools, [types, usage], tmp_path) == []


OAI = ROOT / "tests" / "fixtures" / "documents" / "oai-3.2"  # the OAI's own 3.2 documents


@pytest.mark.parametrize("name", ["mega.yaml", "parameter-object-examples.yaml"])
def test_the_openapi_initiatives_3_2_documents_generate(tmp_path: Path, name: str) -> None:
    """The specification repository's 3.2.0 documents (NOTICE.md there): every module imports."""
    package = "oai32_" + name.split(".")[0].replace("-", "_")
    target = Target(package, OAI / name, tmp_path / package, package, package, None)
    result = generate_target(target)
    write_files(tmp_path / package, result.files)
    assert result.document.source == "OpenAPI 3.2.0"
    sys.path.insert(0, str(tmp_path / package))
    try:
        root = importlib.import_module(package)
        for module in pkgutil.walk_packages(root.__path__, package + "."):
            importlib.import_module(module.name)
    finally:
        sys.path.remove(str(tmp_path / package))
    if (
        name == "mega.yaml"
    ):  # a webhook through components/pathItems, an operation without responses
        assert [w.path for w in result.document.webhooks] == ["myWebhook"]
        assert [op.method for op in result.document.operations] == ["get"]
