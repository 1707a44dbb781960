"""Generate an SDK for a test document into a temporary folder and import it."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

from conftest import run_generator


def generate_sdk(spec: Path, out: Path, package: str) -> ModuleType:
    """`python -m generator generate` as a user runs it, then `import <package>` from `out`."""
    done = run_generator("generate", "--spec", str(spec), "--out", str(out), "--package", package)
    assert done.returncode == 0, done.stdout + done.stderr
    sys.path.insert(0, str(out))
    importlib.invalidate_caches()
    module = importlib.import_module(package)
    importlib.import_module(f"{package}.client")
    return module
