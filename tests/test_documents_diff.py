"""The contract diff on OpenAPI 3.2 documents and 3.1 -> 3.2 upgrades (issue 21).

tests/fixtures/documents/diff/flights-3.2.yaml is flights-3.1.yaml upgraded: `openapi: 3.2.0`,
a `QUERY` operation, an `additionalOperations` LINK, and a response with `content: null`, which
the diff loads leniently (repaired as the generator does, not refused).
"""

from __future__ import annotations

from pathlib import Path

from generator.diff import diff_files

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "documents" / "diff"
OLD, NEW = FIXTURES / "flights-3.1.yaml", FIXTURES / "flights-3.2.yaml"


def test_an_upgrade_to_3_2_adds_the_new_methods_and_breaks_nothing() -> None:
    result = diff_files(OLD, NEW)
    found = sorted((c.id, c.pointer, c.side, c.level) for c in result.changes)
    assert found == [
        ("endpoint-added", "/paths/~1flights/additionalOperations/LINK", "new", "info"),
        ("endpoint-added", "/paths/~1flights/query", "new", "info"),
    ]


def test_removing_3_2_operations_is_breaking_and_located_in_the_old_document() -> None:
    result = diff_files(NEW, OLD)
    found = sorted((c.id, c.pointer, c.side) for c in result.changes)
    assert [(side, pointer) for _, pointer, side in found] == [
        ("old", "/paths/~1flights/additionalOperations/LINK"),
        ("old", "/paths/~1flights/query"),
    ]
    assert {c.id for c in result.changes} == {"api-removed-without-deprecation"}
    assert all(c.level == "breaking" for c in result.changes)


def test_two_3_2_documents_compare_operation_by_operation(tmp_path: Path) -> None:
    changed = tmp_path / "changed.yaml"
    changed.write_text(
        NEW.read_text(encoding="utf-8").replace("schema: {type: object}", "schema: {type: string}"),
        encoding="utf-8",
    )
    result = diff_files(NEW, changed)
    [change] = result.changes
    assert change.pointer.startswith("/paths/~1flights/query/requestBody")
    assert change.level == "breaking" and change.operations == ("QUERY /flights",)
