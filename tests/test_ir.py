"""The intermediate model decides names and types once, for every emitter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from generator.ir.media import media_kind
from generator.ir.model import Document
from generator.ir.naming import NameRegistry, pascal, safe_identifier, snake
from generator.loader import load_document
from generator.plans import build_document
from tests.conftest import OVERLAYS, SPEC


def build(tmp_path: Path, doc: dict[str, Any]) -> Document:
    path = tmp_path / "api.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return build_document(load_document(path))


def serviceai() -> Document:
    return build_document(load_document(SPEC, overlay_dir=OVERLAYS))


def response_types(doc: Document, path: str) -> dict[str, list[tuple[str, str, str]]]:
    op = next(o for o in doc.operations if o.path == path)
    return {
        r.status: [(m.name, m.kind, m.type.annotation) for m in r.content] for r in op.responses
    }


def test_inline_twins_of_components_use_the_component() -> None:
    doc = serviceai()
    assert response_types(doc, "/api/realtime-token")["200"] == [
        ("application/json", "json", "RealtimeTokenResponse")
    ]
    assert response_types(doc, "/api/realtime-token")["500"] == [
        ("application/json", "json", "RealtimeTokenResponse")
    ]
    assert response_types(doc, "/api/chatty-voice/tools")["200"] == [
        ("application/json", "json", "list[ChattyToolDefinition]")
    ]
    assert response_types(doc, "/api/chatty-voice/tools/execute")["500"] == [
        ("application/json", "json", "ChattyExecuteResponse")
    ]
    execute = next(o for o in doc.operations if o.path == "/api/chatty-voice/tools/execute")
    assert (
        execute.request_body is not None
        and execute.request_body.type.expr == "ChattyExecuteRequest"
    )


def test_a_free_form_inline_object_is_a_dict_not_a_free_form_component(tmp_path: Path) -> None:
    ok = {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}
    doc = build(
        tmp_path,
        {
            "openapi": "3.0.3",
            "info": {"title": "T", "version": "1"},
            "paths": {"/accepted": {"get": {"responses": {"202": ok}}}},
            "components": {"schemas": {"PublicEvent": {"title": "Public Event", "type": "object"}}},
        },
    )
    assert response_types(doc, "/accepted")["202"] == [
        ("application/json", "json", "dict[str, Any]")
    ]


def test_sdp_exchange_responses_by_media_kind() -> None:
    types = response_types(serviceai(), "/api/realtime/webrtc")
    assert types["200"] == [("application/sdp", "text", "str")]
    assert types["502"] == [("application/json", "json", "ExchangeRealtimeSdpBadGatewayBody")]
    assert types["default"] == [("application/json", "json", "Any"), ("text/plain", "text", "str")]


def test_only_genuinely_new_inline_schemas_become_models() -> None:
    doc = serviceai()
    assert [s.python_name for s in doc.schemas if s.inline] == ["ExchangeRealtimeSdpBadGatewayBody"]


def test_shared_client_version_header_is_client_level_and_csrf_is_per_call() -> None:
    doc = serviceai()
    assert [p.name for p in doc.client_headers] == ["X-Client-Version"]
    webrtc = next(o for o in doc.operations if o.path == "/api/realtime/webrtc")
    assert [(p.python_name, p.required) for p in webrtc.call_parameters] == [("x_csrf_token", True)]


def test_response_class_stems_name_the_status() -> None:
    webrtc = next(o for o in serviceai().operations if o.path == "/api/realtime/webrtc")
    assert [r.class_stem for r in webrtc.responses] == [
        "ExchangeRealtimeSdpOK",
        "ExchangeRealtimeSdpBadRequest",
        "ExchangeRealtimeSdpUnauthorized",
        "ExchangeRealtimeSdpForbidden",
        "ExchangeRealtimeSdpTooManyRequests",
        "ExchangeRealtimeSdpInternalServerError",
        "ExchangeRealtimeSdpBadGateway",
        "ExchangeRealtimeSdpDefault",
    ]


def test_operations_without_operation_id_get_stable_readable_unique_names(tmp_path: Path) -> None:
    ok = {"200": {"description": "ok"}}
    doc = build(
        tmp_path,
        {
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/pets/{petId}/photos": {
                    "get": {
                        "parameters": [
                            {
                                "name": "petId",
                                "in": "path",
                                "required": True,
                                "schema": {"type": "string"},
                            }
                        ],
                        "responses": ok,
                    }
                },
                "/pets": {
                    "get": {"operationId": "get_pets", "responses": ok},
                    "post": {"operationId": "class", "responses": ok},
                },
                "/Pets": {"get": {"responses": ok}},
            },
        },
    )
    assert [o.python_name for o in doc.operations] == [
        "get_pets_by_pet_id_photos",
        "get_pets",
        "class_",
        "get_pets2",
    ]
    assert len({o.class_stem.lower() for o in doc.operations}) == 4


def test_statuses_outside_the_standard_list_and_ranges(tmp_path: Path) -> None:
    responses = {code: {"description": code} for code in ("299", "520", "4XX", "default")}
    doc = build(
        tmp_path,
        {
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/x": {"get": {"operationId": "x", "responses": responses}}},
        },
    )
    stems = [(r.status, r.code, r.class_stem) for r in doc.operations[0].responses]
    assert stems == [
        ("299", 299, "XStatus299"),
        ("520", 520, "XStatus520"),
        ("4XX", None, "XClientError"),
        ("default", None, "XDefault"),
    ]


def test_names_never_shadow_keywords_or_builtins() -> None:
    assert safe_identifier(snake("class")) == "class_"
    assert safe_identifier(snake("list")) == "list_"
    assert pascal("2fa-token") == "Model2FaToken"
    registry = NameRegistry(frozenset({"Field"}), suffix="Model")
    assert registry.claim("Field") == "FieldModel"
    assert registry.claim("Pet") == "Pet"
    assert registry.claim("PET") == "PETModel"  # case-insensitive file systems
    assert registry.claim("pet") == "pet2"


def test_media_kinds_are_decided_from_the_content_type_alone() -> None:
    assert media_kind("application/json; charset=utf-8") == "json"
    assert media_kind("application/problem+json") == "json"
    assert media_kind("application/sdp") == "text"
    assert media_kind("text/html") == "text"
    assert media_kind("multipart/form-data") == "multipart"
    assert media_kind("application/x-www-form-urlencoded") == "form"
    assert media_kind("image/png") == "binary"
    assert media_kind("*/*") == "any"
