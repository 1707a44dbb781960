"""Golden records of the native models engine: what it writes, reviewed as a diff.

For each document below, the `models/` package and `_base.py` the pipeline writes are compared
with the files committed under `tests/golden/<name>/`. A change in the engine's output fails here
until the golden files are rewritten on purpose and the diff is reviewed:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden_models.py
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from generator.config import Target
from generator.pipeline import generate_target
from tests.conftest import CORPUS, ROOT

GOLDEN = ROOT / "tests" / "golden"
DOCUMENTS = {
    "edge_cases": ROOT / "tests" / "fixtures" / "edge-cases.yaml",
    "discriminators": CORPUS / "3.0" / "discriminators.json",
    "schema_types": CORPUS / "3.1" / "schema-types.json",
}
PACKAGE = "golden_api"


def _models(spec: Path) -> dict[str, str]:
    target = Target(PACKAGE, spec, Path("unused"), PACKAGE, "golden-api", None)
    files = generate_target(target).files
    return {
        path.removeprefix(f"{PACKAGE}/"): text
        for path, text in files.items()
        if path.startswith(f"{PACKAGE}/models/") or path == f"{PACKAGE}/_base.py"
    }


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_models_match_the_golden_record(name: str) -> None:
    written = _models(DOCUMENTS[name])
    folder = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        for old in folder.rglob("*.py"):
            old.unlink()
        for rel, text in written.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(text, encoding="utf-8")
    recorded = {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*.py"))
    }
    assert sorted(written) == sorted(recorded), "files added or removed (UPDATE_GOLDEN=1 ...)"
    diffs = [
        "".join(
            difflib.unified_diff(
                recorded[rel].splitlines(keepends=True),
                text.splitlines(keepends=True),
                f"golden/{name}/{rel}",
                f"written/{rel}",
            )
        )
        for rel, text in sorted(written.items())
        if recorded[rel] != text
    ]
    assert not diffs, "\n".join(diffs)[:6000]
