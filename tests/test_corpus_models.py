"""The loader and models emitter on every public document of the shared corpus.

Each document either generates models that import, or fails with a located message because the
document itself is invalid. The invalid ones are listed here with the reason, so a regression in
either direction fails the test.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from generator.emit.models import emit_models
from generator.errors import SpecError
from generator.formatting import format_files
from generator.ir import build_document
from generator.loader import load_document
from tests.conftest import CORPUS

INVALID = {
    # OpenAPI 3.0 requires at least one response per operation.
    "3.0/openapi-workshop/post.json": "/paths/~1hoot/post/responses",
    # A schema declaring draft 2019-09 uses draft-04's boolean exclusiveMaximum.
    "3.1/schema-validation-local.json": "/paths/~1anything~1numbers/parameters/7/schema/exclusiveMaximum",
}


@pytest.mark.corpus
def test_every_corpus_document_generates_importable_models_or_a_located_error(
    corpus_documents: list[Path], tmp_path: Path
) -> None:
    generated, rejected = [], []
    for index, path in enumerate(corpus_documents):
        rel = path.relative_to(CORPUS).as_posix()
        try:
            document = build_document(load_document(path))
        except SpecError as err:
            assert rel in INVALID, f"{rel} rejected: {err}"
            problem = err.problems[0]
            assert problem.location.pointer == INVALID[rel]
            assert problem.location.line is not None and problem.location.file.endswith(path.name)
            rejected.append(rel)
            continue
        package = f"corpus_{index}"
        files = format_files(
            {
                f"{package}/__init__.py": "",
                f"{package}/_base.py": _BASE,
                f"{package}/models.py": emit_models(document, package),
            }
        )
        for name, text in files.items():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_text(text)
        generated.append(package)
    sys.path.insert(0, str(tmp_path))
    try:
        for package in generated:
            module = importlib.import_module(f"{package}.models")
            assert module is not None
    finally:
        sys.path.remove(str(tmp_path))
    assert sorted(rejected) == sorted(INVALID)
    assert len(generated) + len(rejected) == len(corpus_documents)


_BASE = (
    "from pydantic import BaseModel, ConfigDict\n\n\nclass ContractModel(BaseModel):\n"
    '    model_config = ConfigDict(extra="allow", populate_by_name=True)\n'
)
