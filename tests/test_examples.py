"""Every example written in the ServiceAi contract validates against its generated model."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from generator.ir.model import Document, TypeExpr
from generator.loader import load_document
from generator.plans import build_document
from generator.schema_walk import iter_document_schemas, iter_subschemas
from tests.conftest import OVERLAYS, SPEC

models = importlib.import_module("serviceai_api.models")


@pytest.fixture(scope="module")
def document() -> Document:
    return build_document(load_document(SPEC, overlay_dir=OVERLAYS))


def adapter(type_: TypeExpr) -> TypeAdapter[Any]:
    # The models package loads its modules lazily: name every model explicitly.
    namespace = {name: getattr(models, name) for name in models.__all__} | {"Any": Any}
    return TypeAdapter(eval(type_.annotation, namespace))


def media_examples(document: Document) -> list[tuple[str, TypeExpr, Any]]:
    found = []
    for op in document.operations:
        bodies = [*(op.request_body.content if op.request_body else ())]
        bodies += [m for r in op.responses for m in r.content]
        for media in bodies:
            found += [(ex.pointer, media.type, ex.value) for ex in media.examples]
    return found


def test_the_contract_has_examples_for_every_operation(document: Document) -> None:
    pointers = [p for p, _, _ in media_examples(document)]
    for op in document.operations:
        assert any(p.startswith(op.pointer) for p in pointers), f"no example for {op.operation_id}"


def test_every_media_type_example_validates_against_its_model(document: Document) -> None:
    checked = 0
    for _pointer, type_, value in media_examples(document):
        adapter(type_).validate_python(value, strict=False)
        checked += 1
    assert checked >= 13


def test_every_schema_example_validates_against_its_field(document: Document) -> None:
    doc = load_document(SPEC, overlay_dir=OVERLAYS).data
    checked = 0
    for top, schema in iter_document_schemas(doc):
        if not top.startswith("/components/schemas/"):
            continue
        model = getattr(models, top.rsplit("/", 1)[1])
        for at, sub in iter_subschemas(schema, top):
            if "example" not in sub:
                continue
            field = at.rsplit("/", 1)[1]
            assert at == f"{top}/properties/{field}", at
            info = next(f for n, f in model.model_fields.items() if (f.alias or n) == field)
            TypeAdapter(info.annotation).validate_python(sub["example"])
            checked += 1
    assert checked >= 3  # apiVersion, minClientVersion (twice)


def test_realtime_token_union_parses_all_three_branches(document: Document) -> None:
    op = next(o for o in document.operations if o.path == "/api/realtime-token")
    by_name = {
        ex.name: (r.status, m.type.expr, ex.value)
        for r in op.responses
        for m in r.content
        for ex in m.examples
    }
    assert {k: v[:2] for k, v in by_name.items()} == {
        "directWebRTC": ("200", "RealtimeTokenResponse"),
        "serverProxied": ("200", "RealtimeTokenResponse"),
        "fallback": ("500", "RealtimeTokenResponse"),
    }
    direct = models.RealtimeTokenResponse.model_validate(by_name["directWebRTC"][2])
    proxied = models.RealtimeTokenResponse.model_validate(by_name["serverProxied"][2])
    fallback = models.RealtimeTokenResponse.model_validate(by_name["fallback"][2])
    assert direct.clientSecret and direct.directWebRTC and not direct.fallback
    assert direct.metadata is not None and direct.metadata.organizationId == "org_42"
    assert proxied.clientSecret is None and proxied.directWebRTC is False and not proxied.fallback
    assert proxied.metadata is not None and proxied.metadata.organizationId == 42
    assert fallback.fallback is True and fallback.message


def test_models_reject_what_the_schema_rejects() -> None:
    with pytest.raises(ValueError):
        models.RealtimeTokenResponse.model_validate({"sessionId": "s"})  # `fallback` is required
    with pytest.raises(ValueError):
        models.CsrfTokenResponse.model_validate({"token": ""})  # minLength 1
    with pytest.raises(ValueError):
        models.ChattyToolDefinition.model_validate({"type": "mcp", "function": {}})


def test_unknown_properties_are_kept_not_dropped() -> None:
    parsed = models.ChattyExecuteResponse.model_validate({"success": True, "traceId": "t-1"})
    assert parsed.model_dump(by_alias=True, exclude_unset=True) == {
        "success": True,
        "traceId": "t-1",
    }


def test_generated_package_files_exist() -> None:
    package = Path(models.__file__).parent.parent  # <package>/models/__init__.py
    assert (package / "py.typed").exists()
    assert (package / "models" / "__init__.py").exists()
    # The contract's version, plus the SDK post-release recorded in spec/history/sdk-versions.json.
    pyproject = (package.parent / "pyproject.toml").read_text()
    assert re.search(r'^version = "1\.1\.24(\.post\d+)?"$', pyproject, re.M)
