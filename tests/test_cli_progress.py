"""`generate` shows progress on a terminal for a large document, and none in CI.

The document is synthetic: more operations than the progress threshold, each without a
documented client-error response, so that every operation also yields a warning: the default
report groups them under their rule (tests/test_report.py has the report itself).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.progress import PROGRESS_MIN_OPERATIONS
from generator.report import MAX_LINES
from tests.conftest import ROOT

OPERATIONS = PROGRESS_MIN_OPERATIONS + 40
# One client-error warning per operation, and one for the document: no operation documents a 5xx.
WARNINGS = OPERATIONS + 1


def large_document(operations: int) -> dict[str, object]:
    paths = {
        f"/items{i}/{{id}}": {
            "get": {
                "operationId": f"getItem{i}",
                "tags": [f"group{i % 7}"],
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": {
                        "description": "the item",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Item"}}
                        },
                    }
                },
            }
        }
        for i in range(operations)
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Large", "version": "1.0.0"},
        "paths": paths,
        "components": {
            "schemas": {
                "Item": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {"id": {"type": "string"}, "size": {"type": "integer"}},
                }
            }
        },
    }


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("large") / "large.json"
    path.write_text(json.dumps(large_document(OPERATIONS)), encoding="utf-8")
    return path


def generate(spec: Path, out: Path, *extra: str, ci: bool) -> tuple[int, str, str]:
    """Run `generate` with stderr on a pseudo-terminal; returns (status, stdout, terminal)."""
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = str(ROOT)
    if ci:
        env["CI"] = "true"
    primary, secondary = os.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "generate", "--spec", str(spec), "--out", str(out),
         "--package", "large_api", *extra],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=secondary,
    )  # fmt: skip
    os.close(secondary)
    terminal = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # EIO: the child closed its end
            break
        if not chunk:
            break
        terminal += chunk
    os.close(primary)
    stdout = proc.stdout.read().decode() if proc.stdout else ""
    status = proc.wait(timeout=300)
    return status, stdout, terminal.decode().replace("\r\n", "\n")


def test_progress_on_a_terminal(spec: Path, tmp_path: Path) -> None:
    status, stdout, terminal = generate(spec, tmp_path / "out", ci=False)
    assert status == 0, terminal
    for index, label in enumerate(
        (
            "load and validate",
            f"intermediate model ({OPERATIONS} operations)",
            f"server stubs ({OPERATIONS} operations)",
            "models (1 schemas)",
            f"client ({OPERATIONS} operations, 7 resources)",
            "format (",
            "write (",
        ),
        start=1,
    ):
        assert f"large_api [{index}/7] {label}" in terminal, (label, terminal)
    summary = [line for line in stdout.splitlines() if line.startswith("large_api:")]
    assert len(summary) == 1, stdout
    assert f"{OPERATIONS} operations, 1 models" in summary[0]
    assert f"{WARNINGS} warnings in" in summary[0]
    # Many warnings: grouped by rule, with a count, not one line each.
    assert "  warning: " not in terminal
    assert f"client-error-undocumented ({OPERATIONS}): " in terminal, terminal
    assert "server-error-undocumented: " in terminal, terminal


def test_no_progress_in_ci_even_on_a_terminal(spec: Path, tmp_path: Path) -> None:
    status, stdout, terminal = generate(spec, tmp_path / "out", ci=True)
    assert status == 0, terminal
    assert "[1/7]" not in terminal  # no progress; the grouped report, one screen at most
    assert f"{WARNINGS} notices (generated as the document says):" in terminal, terminal
    assert stdout.count("\n") == 1 and stdout.startswith("large_api: "), stdout
    assert len(terminal.strip().splitlines()) + 1 <= MAX_LINES

    status, stdout, terminal = generate(spec, tmp_path / "out", "--verbose", ci=True)
    assert status == 0
    assert "[1/7]" not in terminal
    assert terminal.count("  warning: ") == WARNINGS

    status, stdout, terminal = generate(spec, tmp_path / "out", "-q", ci=True)
    assert (status, stdout, terminal.strip()) == (0, "", "")


def test_no_progress_for_a_small_document(tmp_path: Path) -> None:
    small = tmp_path / "small.json"
    small.write_text(json.dumps(large_document(3)), encoding="utf-8")
    status, stdout, terminal = generate(small, tmp_path / "out", ci=False)
    assert status == 0, terminal
    assert "[1/7]" not in terminal
    assert stdout.startswith("large_api: 3 operations")
