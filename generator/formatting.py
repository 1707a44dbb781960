"""Format generated Python with the pinned ruff, independent of any project configuration."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

from generator import timing

_COMMON = ["--isolated", "--line-length", "100", "--target-version", "py311"]


class FormattingError(Exception):
    pass


def format_files(files: dict[str, str]) -> dict[str, str]:
    """`files` with every .py file import-sorted, cleaned of unused imports and formatted."""
    python = {p: t for p, t in files.items() if p.endswith(".py")}
    if not python:
        return dict(files)
    ruff = find_ruff_bin()
    with tempfile.TemporaryDirectory(prefix="generated-") as tmp:
        root = Path(tmp)
        for rel, text in python.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        for args in (
            [
                "check",
                *_COMMON,
                "--select",
                "I,F401,UP,RUF022",
                "--fix",
                "--exit-zero",
                "--quiet",
                ".",
            ],
            ["format", *_COMMON, "--quiet", "."],
        ):
            with timing.timed(f"ruff {args[0]} (one process for all files)"):
                done = subprocess.run(
                    [ruff, *args], cwd=root, capture_output=True, text=True, check=False
                )
            if done.returncode != 0:
                raise FormattingError(f"ruff {args[0]} failed:\n{done.stderr or done.stdout}")
        formatted = {rel: (root / rel).read_text(encoding="utf-8") for rel in python}
    return {**files, **formatted}
