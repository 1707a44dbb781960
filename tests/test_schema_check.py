"""The server plan's error-body checks: jsonschema-rs and jsonschema give the same verdicts.

`generator/plans/schema_check.py` asks jsonschema-rs and imports jsonschema only for a schema
jsonschema-rs cannot take. Every verdict the server plan asks for, on ServiceAi's contract, the
fixtures and every document of the shared corpus, is asked of both here and must agree; and a
run of ServiceAi's contract does not import the Python validator stack.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.errors import SpecError
from generator.ir.build import build_model
from generator.loader import load_document
from generator.plans import server
from generator.plans.schema_check import SchemaCheck
from tests.conftest import OVERLAYS, ROOT, SPEC
from tests.generate_imports import loaded_of, modules_after_generate

FIXTURES = sorted((ROOT / "tests" / "fixtures").glob("*.yaml"))
VALIDATOR_STACK = ("jsonschema", "referencing", "jsonschema_specifications", "attrs", "attr")


def _verdicts(spec: Path, monkeypatch: pytest.MonkeyPatch, **load: Any) -> tuple[int, int]:
    """(verdicts compared, verdicts jsonschema-rs could give) for `spec`'s server plan."""
    compared = fast_ones = 0

    def both(self: SchemaCheck, pointer: str, instance: Any) -> bool:
        nonlocal compared, fast_ones
        slow = self._slow(pointer)(instance)
        fast = self._fast(pointer)
        if fast is not None:
            fast_ones += 1
            assert fast(instance) == slow, (spec.name, pointer, instance)
        compared += 1
        return slow

    with monkeypatch.context() as patch:
        patch.setattr(SchemaCheck, "is_valid", both)
        try:
            loaded = load_document(spec, **load)
        except SpecError:
            return 0, 0
        server.build_server_plan(loaded.data, build_model(loaded))
    return compared, fast_ones


def test_servicesai_and_the_fixtures_get_the_same_verdicts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compared, fast_ones = _verdicts(SPEC, monkeypatch, overlay_dir=OVERLAYS)
    assert compared > 0 and fast_ones == compared
    for spec in FIXTURES:
        _verdicts(spec, monkeypatch)


@pytest.mark.corpus
def test_the_corpus_gets_the_same_verdicts(
    corpus_documents: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    totals = [_verdicts(spec, monkeypatch) for spec in corpus_documents]
    compared = sum(c for c, _ in totals)
    assert compared > 100
    assert sum(f for _, f in totals) == compared  # every schema of the corpus is taken fast


def test_a_schema_jsonschema_rs_refuses_goes_to_jsonschema() -> None:
    document = {"components": {"schemas": {"E": {"$ref": "https://example.invalid/e.json"}}}}
    check = SchemaCheck("urn:test:spec", lambda: document)
    assert check._fast("/components/schemas/E") is None
    with pytest.raises(Exception, match=r"example\.invalid"):  # jsonschema's own error, as before
        check.is_valid("/components/schemas/E", {"error": "x"})


def test_servicesai_run_does_not_import_the_python_validator_stack(tmp_path: Path) -> None:
    loaded = modules_after_generate(
        *("-q", "--spec", str(SPEC), "--overlays", str(OVERLAYS)),
        *("--out", str(tmp_path / "out"), "--package", "api"),
    )
    assert (tmp_path / "out" / "api" / "server").is_dir()
    assert loaded_of(VALIDATOR_STACK, loaded) == []


def test_each_check_is_given_its_schemas_part_not_the_whole_embedded_document(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """jsonschema-rs copies its registry's document into its own memory (on GitHub's
    description about 50 MiB for the whole embedded document): each checked schema gets its
    part, the schema and what it refers to at the same pointers, with the same content."""
    import jsonschema_rs

    from generator.errors import join_pointer
    from generator.loader.refs import resolve_pointer

    given: list[Any] = []
    registry = jsonschema_rs.Registry

    def recording(resources: list[tuple[str, Any]], **options: Any) -> Any:
        given.extend(document for _uri, document in resources)
        return registry(resources, **options)

    monkeypatch.setattr(jsonschema_rs, "Registry", recording)
    loaded = load_document(SPEC, overlay_dir=OVERLAYS)
    plan = server.build_server_plan(loaded.data, build_model(loaded))
    assert given, "ServiceAi's error bodies are checked"
    whole = plan.spec
    sizes = [len(server.dump_spec(part)) for part in given]
    assert max(sizes) < len(server.dump_spec(whole)) / 2

    def pointers(node: Any, at: str = "") -> list[str]:
        if not isinstance(node, dict):
            return [at]
        return [p for key, value in node.items() for p in pointers(value, join_pointer(at, key))]

    for part in given:  # every value of a part is the embedded document's at its pointer
        for pointer in pointers(part):
            assert resolve_pointer(part, pointer) == resolve_pointer(whole, pointer), pointer


def test_the_embedded_schemas_are_copied_as_deepcopy_copies_them() -> None:
    import copy
    import datetime

    shared = {"type": "string", "enum": ["a", "b"]}
    node = {
        "properties": {"x": shared, "y": shared, "when": {"default": datetime.date(2026, 1, 2)}},
        "required": ["x"],
        "nested": [[1, 2.5, None, True], {"$ref": "#/components/schemas/A"}],
    }
    copied = server._copied(node)
    assert copied == copy.deepcopy(node) == node
    assert copied is not node and copied["properties"]["x"] is not shared
    assert copied["properties"]["x"] is copied["properties"]["y"]  # shared stays shared
    unpicklable = {"f": lambda: 1}
    assert server._copied(unpicklable)["f"] is unpicklable["f"]  # deep-copied instead
