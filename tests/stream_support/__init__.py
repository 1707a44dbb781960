"""The SDK generated from tests/fixtures/sdk-stream.yaml, and a real server answering it.

`stream_sdk()` generates the package once per test session (as a user would: `generate
--spec`) into a temporary folder and imports it; `app.StreamServer` is a Starlette app on a
free loopback port (uvicorn in a thread) whose routes answer the fixture's operations, some of
them slowly and under the test's control.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

from conftest import ROOT, run_generator

FIXTURE = ROOT / "tests" / "fixtures" / "sdk-stream.yaml"
PACKAGE = "stream_api"
_generated: dict[str, Path] = {}


def stream_sdk(base: Path) -> ModuleType:
    """The generated `stream_api` package (generated on first use into `base`)."""
    if PACKAGE not in _generated:
        out = base / "stream-sdk"
        done = run_generator(
            "generate", "--spec", str(FIXTURE), "--out", str(out), "--package", PACKAGE
        )
        assert done.returncode == 0, done.stderr
        _generated[PACKAGE] = out
        sys.path.insert(0, str(out))
    package = importlib.import_module(PACKAGE)
    importlib.import_module(PACKAGE + ".client")  # a lazy package: its parts on first import
    importlib.import_module(PACKAGE + ".models")
    return package


def generated_folder() -> Path:
    return _generated[PACKAGE]
