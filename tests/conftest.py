"""Shared test fixtures: paths of the project and of the shared public corpus."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "openapi.yaml"
OVERLAYS = ROOT / "spec" / "overlays"
CORPUS = ROOT.parent / "shared" / "corpus" / "readme-oas-examples"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def run_generator(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run `python -m generator ...` as a user would, capturing its output."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="session")
def corpus_documents() -> list[Path]:
    docs = sorted(CORPUS.rglob("*.json"))
    if not docs:
        # The corpus ships beside the repository (../shared); without it these tests prove nothing.
        pytest.fail(f"the shared corpus is missing at {CORPUS}")
    return docs
