"""The client emitter stays generic: an SDK for every document of the shared public corpus.

Each valid document gets its models, package and client generated (the same emitters as `make
generate`), every client is imported, and one `mypy --strict` run checks them all. The documents
that are not valid OpenAPI are listed here: the generator must refuse each with its located
SpecError (exit status 2), never a traceback.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT

from generator.cli import main
from generator.config import Target
from generator.emit.client import emit_client
from generator.emit.models import emit_models
from generator.emit.package import emit_package
from generator.errors import EXIT_INVALID_SPEC
from generator.formatting import format_files
from generator.ir import build_document
from generator.loader import load_document
from generator.writer import write_files

# Not valid OpenAPI documents, each with the reason the generator gives.
INVALID = {
    "3.0/openapi-workshop/post.json": "/paths/~1hoot/post/responses",  # `responses: {}`
    "3.1/schema-validation-local.json": "exclusiveMaximum",  # a 3.0 boolean in a 3.1 document
}
# Valid documents whose SDK does not pass mypy --strict, with the reason (also in the README).
MYPY_EXCEPTIONS = {
    # datamodel-code-generator narrows an inherited enum field (`event_type`) to a Literal in the
    # allOf subclasses of a discriminated union; mypy rejects the incompatible override.
    "3.0/discriminators.json": "models.py",
}


def _package(rel: str) -> str:
    return "c_" + re.sub(r"\W", "_", rel.removesuffix(".json")).lower()


@pytest.mark.corpus
def test_every_corpus_document_gets_an_sdk_that_imports_and_type_checks(
    corpus_documents: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    generated: dict[str, str] = {}
    refused: dict[str, str] = {}
    for doc in corpus_documents:
        rel = doc.relative_to(CORPUS).as_posix()
        if rel in INVALID:
            assert main(["validate", str(doc)]) == EXIT_INVALID_SPEC, rel
            refused[rel] = capsys.readouterr().err
            continue
        package = _package(rel)
        target = Target(package, doc, tmp_path / package, package, package.replace("_", "-"), None)
        document = build_document(load_document(doc))
        files = emit_package(document, target)
        files[f"{package}/models.py"] = emit_models(document, package)
        files.update(emit_client(document, target))
        write_files(target.out, format_files(files))
        generated[rel] = package
    for rel, err in refused.items():
        assert err.startswith(f"error: {CORPUS / rel}:"), err  # located: file:line:column
        assert INVALID[rel] in err, err
    assert len(corpus_documents) == 57
    assert len(generated) == 55

    # Every client imports (with its resources, so every generated module runs).
    imports = "; ".join(
        f"import {p}.client, {p}.client.errors; "
        f"[__import__(f'{p}.client.resources.' + m.stem) "
        f"for m in __import__('pathlib').Path({p}.client.__file__).parent.joinpath('resources').glob('*.py')]"
        for p in generated.values()
    )
    done = subprocess.run(
        [sys.executable, "-c", imports],
        cwd=tmp_path,
        env={"PYTHONPATH": ":".join(str(tmp_path / p) for p in generated.values()), "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]

    # One mypy --strict run over every generated package.
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            *(str(tmp_path / p / p) for p in generated.values()),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    failing = {
        rel
        for rel, p in generated.items()
        if re.search(rf"^{re.escape(p)}/{re.escape(p)}/\S+: error", done.stdout, re.M)
    }
    assert failing == set(MYPY_EXCEPTIONS), done.stdout[-5000:]
    for rel, module in MYPY_EXCEPTIONS.items():
        p = generated[rel]
        lines = [ln for ln in done.stdout.splitlines() if ln.startswith(f"{p}/")]
        assert lines and all(ln.startswith(f"{p}/{p}/{module}:") for ln in lines), lines
