"""Every Swagger 2.0 document of @readme/oas-examples, and beside it swagger2openapi's conversion.

The documents and swagger2openapi come from npm at pinned versions (tests/documents_npm.py).
- Each document (the `2.0/` folder's JSON and YAML) loads as Swagger 2.0 and generates a
  package whose every module imports (a JSON and a YAML file that load to the very same
  document are generated once: the generator only sees the loaded document).
- The same document converted by swagger2openapi and then loaded by us gives the same
  operations (method, path, id, parameters with their places and types, request and response
  media types and types, security) and the same models (every class's fields and their types,
  every enum's members). Any difference is listed with its reason in `KNOWN`; the test fails on
  a difference not listed and on a listed one that no longer occurs.
The comparison is written to reports/swagger2-comparison.md.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.config import Target
from generator.loader import load_document
from generator.pipeline import generate_target
from generator.plans import build_document
from generator.plans.model_plan import ClassDecl, EnumDecl, build_model_plan
from generator.writer import write_files
from tests.documents_npm import (
    PINNED,
    convert_with_swagger2openapi,
    npm_documents,
    swagger2_documents,
)

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "reports" / "swagger2-comparison.md"

# (document stem, what differs) -> why. Empty: swagger2openapi and our converter agree on every
# operation and model field of every document.
KNOWN: dict[tuple[str, str], str] = {}


@pytest.fixture(scope="module")
def documents() -> list[Path]:
    return swagger2_documents(npm_documents())


@pytest.fixture(scope="module")
def distinct(documents: list[Path]) -> dict[str, Path]:
    """One file per distinct document: a JSON and a YAML file that load to the same document
    are generated once (the generator only sees the loaded document); the others each."""
    chosen: dict[str, Path] = {}
    seen: list[tuple[Any, str]] = []
    for path in documents:
        data = load_document(path).data
        if not any(data == other for other, _ in seen):
            name = _package(f"{path.parent.name}_{path.stem}")
            seen.append((data, name))
            chosen[name] = path
    return chosen


@pytest.fixture(scope="module")
def generated(
    distinct: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("swagger2-corpus")
    for package, path in distinct.items():
        target = Target(package, path, out / package, package, package.replace("_", "-"), None)
        write_files(out / package, generate_target(target).files)
        sys.path.insert(0, str(out / package))
    try:
        yield out
    finally:
        for package in distinct:
            sys.path.remove(str(out / package))


def _package(stem: str) -> str:
    return "swagger2_" + stem.replace("-", "_") + "_api"


def test_every_swagger2_document_generates_and_imports(
    documents: list[Path], distinct: dict[str, Path], generated: Path
) -> None:
    assert len(documents) == 14  # @readme/oas-examples 8.2.2's 2.0/: 7 JSON, 7 YAML
    for path in documents:
        assert load_document(path).source_version == "2.0"
    for package in distinct:
        root = importlib.import_module(package)
        modules = [m.name for m in pkgutil.walk_packages(root.__path__, package + ".")]
        for name in modules:
            importlib.import_module(name)
        assert f"{package}.client" in modules and f"{package}.server.app" in modules


def test_swagger2openapi_conversions_give_the_same_operations_and_model_fields(
    documents: list[Path], tmp_path: Path
) -> None:
    theirs = convert_with_swagger2openapi(npm_documents(), documents, tmp_path / "converted")
    found: dict[tuple[str, str], str] = {}
    lines = [
        "# Swagger 2.0: our conversion beside swagger2openapi's",
        "",
        f"`pytest tests/test_documents_swagger2_corpus.py`: every Swagger 2.0 document of "
        f"@readme/oas-examples {PINNED['@readme/oas-examples']}, loaded by us directly and "
        f"after swagger2openapi {PINNED['swagger2openapi']} converted it.",
        "",
        "| document | operations | models | differences |",
        "| --- | ---: | ---: | --- |",
    ]
    for ours_path, their_path in zip(documents, theirs, strict=True):
        ours, other = _summary(ours_path), _summary(their_path)
        differences = []
        for section in ("operations", "models", "security"):
            mine, yours = ours[section], other[section]
            for key in sorted(set(mine) | set(yours), key=repr):
                if mine.get(key) != yours.get(key):
                    what = f"{section} {key}: ours {mine.get(key)!r}, swagger2openapi {yours.get(key)!r}"
                    differences.append(what)
                    found[(ours_path.stem, f"{section} {key}")] = what
        name = str(ours_path.relative_to(ours_path.parents[2]))
        lines.append(
            f"| `{name}` | {len(ours['operations'])} | {len(ours['models'])} | "
            + ("; ".join(differences) or "none")
            + " |"
        )
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    unexplained = {k: v for k, v in found.items() if k not in KNOWN}
    assert not unexplained, "\n".join(unexplained.values())
    assert not set(KNOWN) - set(found), f"listed but gone: {sorted(set(KNOWN) - set(found))}"


def _summary(path: Path) -> dict[str, dict[Any, Any]]:
    """What a user of the generated package sees: operations and models, by name."""
    doc = build_document(load_document(path), "compared")
    operations = {
        (op.method, op.path): (
            op.operation_id,
            sorted(
                (p.name, p.location, p.required, p.type.annotation, p.style, p.explode)
                for p in op.parameters
            ),
            None
            if op.request_body is None
            else (
                op.request_body.required,
                [(m.name, m.type.annotation) for m in op.request_body.content],
            ),
            [
                (
                    r.status,
                    [(m.name, m.type.annotation) for m in r.content],
                    [h.name for h in r.headers],
                )
                for r in op.responses
            ],
            op.security,
        )
        for op in doc.operations
    }
    models: dict[Any, Any] = {}
    for decl in build_model_plan(doc).decls:
        if isinstance(decl, ClassDecl):
            models[decl.name] = (
                decl.bases,
                [(f.name, f.annotation, f.required) for f in decl.fields],
            )
        elif isinstance(decl, EnumDecl):
            models[decl.name] = decl.members
        else:
            models[decl.name] = decl.annotation
    security = {
        s.name: (s.kind, s.location, s.parameter_name, [(f.name, f.scopes) for f in s.flows])
        for s in doc.security_schemes
    }
    return {"operations": operations, "models": models, "security": security}
