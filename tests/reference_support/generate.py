"""Generate a package from a document into a temporary folder and import it."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def generate_package(spec: Path, out: Path, package: str) -> Path:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "generate",
            "--spec",
            str(spec),
            "--out",
            str(out),
            "--package",
            package,
            "-q",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"generation of {spec} failed:\n{done.stderr}")
    return out


def import_server(out: Path, package: str) -> dict[str, ModuleType]:
    if str(out) not in sys.path:
        sys.path.insert(0, str(out))
    return {
        name: importlib.import_module(f"{package}.server.{name}")
        for name in ("app", "handlers", "responses", "validation")
    } | {"models": importlib.import_module(f"{package}.models")}
