"""`mypy --strict` on the generated client SDKs and on usage files that assert every return type
and every documented error's body type (tests/client_support/usage_*.py)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

SDK_PARTS = ("client", "models", "helpers.py", "__init__.py", "_base.py", "_version.py")


def _sdk(folder: str, package: str) -> list[str]:
    base = ROOT / "generated" / folder / package
    return [str(base / part) for part in SDK_PARTS if (base / part).exists()]


def test_generated_sdks_and_usage_files_pass_mypy_strict() -> None:
    paths = [
        *_sdk("serviceai", "serviceai_api"),
        *_sdk("openai_realtime", "openai_realtime_api"),
        str(ROOT / "tests" / "client_support" / "usage_serviceai.py"),
        str(ROOT / "tests" / "client_support" / "usage_openai_realtime.py"),
    ]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            *paths,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout
