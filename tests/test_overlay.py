"""OpenAPI Overlay 1.0: ordered actions, RFC 9535 targets, merge semantics, located errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.errors import SpecError
from generator.loader import load_document
from generator.loader.overlay import overlays_for
from tests.conftest import OVERLAYS, SPEC

BASE = {
    "openapi": "3.1.0",
    "info": {"title": "Pets", "version": "1.0.0"},
    "tags": [{"name": "pets"}],
    "paths": {
        "/pets": {
            "get": {"summary": "List.", "responses": {"200": {"description": "ok"}}},
            "post": {"responses": {"201": {"description": "made"}}},
        }
    },
}


def setup(tmp_path: Path, actions: list[dict[str, object]]) -> tuple[Path, Path]:
    spec = tmp_path / "api.yaml"
    spec.write_text(yaml.safe_dump(BASE, sort_keys=False), encoding="utf-8")
    overlay = tmp_path / "names.yaml"
    overlay.write_text(
        yaml.safe_dump(
            {
                "overlay": "1.0.0",
                "info": {"title": "t", "version": "1"},
                "extends": "api.yaml",
                "actions": actions,
            }
        ),
        encoding="utf-8",
    )
    return spec, overlay


def test_update_merges_objects_and_appends_to_arrays(tmp_path: Path) -> None:
    spec, overlay = setup(
        tmp_path,
        [
            {
                "target": "$.paths['/pets'].get",
                "update": {"operationId": "listPets", "summary": "All pets."},
            },
            {"target": "$.tags", "update": {"name": "admin"}},
        ],
    )
    doc = load_document(spec, overlays=[overlay]).data
    assert doc["paths"]["/pets"]["get"]["operationId"] == "listPets"
    assert doc["paths"]["/pets"]["get"]["summary"] == "All pets."
    assert doc["paths"]["/pets"]["get"]["responses"] == {"200": {"description": "ok"}}
    assert doc["tags"] == [{"name": "pets"}, {"name": "admin"}]


def test_wildcard_targets_and_remove(tmp_path: Path) -> None:
    spec, overlay = setup(
        tmp_path,
        [
            {"target": "$.paths.*.*", "update": {"x-checked": True}},
            {"target": "$.paths['/pets'].post", "remove": True},
        ],
    )
    doc = load_document(spec, overlays=[overlay]).data
    assert doc["paths"]["/pets"] == {"get": {**BASE["paths"]["/pets"]["get"], "x-checked": True}}  # type: ignore[index]


def test_target_matching_nothing_is_a_located_error(tmp_path: Path) -> None:
    spec, overlay = setup(
        tmp_path, [{"target": "$.paths['/cats'].get", "update": {"operationId": "x"}}]
    )
    with pytest.raises(SpecError) as caught:
        load_document(spec, overlays=[overlay])
    (problem,) = caught.value.problems
    assert "matches nothing" in problem.message
    assert (
        problem.location.file.endswith("names.yaml")
        and problem.location.pointer == "/actions/0/target"
    )
    assert problem.location.line is not None


def test_invalid_jsonpath_is_a_located_error(tmp_path: Path) -> None:
    spec, overlay = setup(tmp_path, [{"target": "$.paths[", "update": {}}])
    with pytest.raises(SpecError) as caught:
        load_document(spec, overlays=[overlay])
    assert "invalid JSONPath" in caught.value.problems[0].message


def test_serviceai_overlays_extend_the_published_spec() -> None:
    chosen = overlays_for(SPEC, OVERLAYS)
    assert [p.name for p in chosen] == ["examples.yaml", "sdk-helpers.yaml", "sdk-names.yaml"]
    doc = load_document(SPEC, overlay_dir=OVERLAYS).data
    op_ids = [
        op["operationId"]
        for item in doc["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    ]
    assert op_ids == [
        "getApiVersion",
        "listChattyTools",
        "executeChattyTool",
        "getChattyAiContext",
        "createRealtimeToken",
        "getCsrfToken",
        "exchangeRealtimeSdp",
    ]
    # The published contract itself carries no operationIds: the overlay adds them.
    assert "operationId" not in yaml.safe_load(SPEC.read_text())["paths"]["/api/csrf-token"]["get"]
