"""Server stubs for every document of the shared public corpus generate, import and type-check."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT, run_generator


@pytest.mark.corpus
@pytest.mark.slow
def test_corpus_server_stubs_import_and_typecheck(tmp_path: Path) -> None:
    docs = sorted(CORPUS.rglob("*.json"))
    assert docs, f"the shared corpus is missing at {CORPUS}"
    packages: list[tuple[Path, str]] = []
    for i, doc in enumerate(docs):
        package = f"corpus{i}_api"
        out = tmp_path / package
        done = run_generator(
            "generate", "--spec", str(doc), "--out", str(out), "--package", package, "-q"
        )
        if done.returncode == 2:  # an invalid document is refused with located errors: fine
            assert "error:" in done.stderr
            continue
        assert done.returncode == 0, f"{doc}: {done.stderr}"
        packages.append((out, package))
    assert len(packages) >= len(docs) // 2
    for out, package in packages:
        sys.path.insert(0, str(out))
        try:
            app = importlib.import_module(f"{package}.server.app")
            handlers = importlib.import_module(f"{package}.server.handlers")
        finally:
            sys.path.remove(str(out))
        assert app.OPERATIONS.keys() == {name for name in handlers.Handlers.__abstractmethods__}, (
            package
        )
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--follow-imports=silent",  # the models emitter is checked by its own tests
            *[str(o / p / "server") for o, p in packages],
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={"MYPYPATH": ":".join(str(o) for o, _ in packages), "PATH": "/usr/bin:/bin"},
    )
    assert checked.returncode == 0, checked.stdout[-4000:]
    _ = ROOT
