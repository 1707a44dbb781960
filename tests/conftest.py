"""Shared test fixtures: paths of the project and of the shared public corpus."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "openapi.yaml"
OVERLAYS = ROOT / "spec" / "overlays"
CORPUS = ROOT.parent / "shared" / "corpus" / "readme-oas-examples"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# One incremental mypy cache for every mypy the tests start (they inherit the variable): the
# third-party packages every generated package imports (pydantic, httpx, starlette, mcp) are
# analysed once per checkout instead of once per test, about 8 of each run's 10 seconds. mypy
# checks each cached module against its source, so a package generated anew is checked anew.
MYPY_CACHE = ROOT / ".cache" / "mypy-tests"
os.environ["MYPY_CACHE_DIR"] = str(MYPY_CACHE)
# The project's targets keep a warm datamodel-code-generator (`models-worker = true`); the tests
# that run them would leave one behind in the user's cache. tests/test_models_worker.py turns it
# on for itself, in folders of its own.
os.environ.setdefault("OPENAPI_CONTRACT_MODELS_WORKER", "off")
# Likewise the warm generator (`warm-generator = true` in pyproject.toml): every `generate` the
# tests start runs in its own interpreter, as without the setting; tests/test_warm_generator.py
# turns it on for itself.
os.environ.setdefault("OPENAPI_CONTRACT_WARM_GENERATOR", "off")


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


def wait_for(condition: Callable[[], bool], what: str, limit: float = 60.0) -> None:
    """Poll until `condition` holds (a generous limit for a loaded machine: no timing asserted)."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"still waiting for {what} after {limit:.0f} s")
        time.sleep(0.05)


def alive(pid: int) -> bool:
    """Whether process `pid` runs (a child that left is a zombie until reaped: not alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return True
    return state != "Z"


@pytest.fixture(scope="session")
def corpus_documents() -> list[Path]:
    docs = sorted(CORPUS.rglob("*.json"))
    if not docs:
        # The corpus ships beside the repository (../shared); without it these tests prove nothing.
        pytest.fail(f"the shared corpus is missing at {CORPUS}")
    return docs
