"""A document's `pattern` that makes Python's `re` warn is judged quietly (no FutureWarning on the
user's terminal), and one Python cannot compile is left out as before."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from generator.plans import python_regex

ROOT = Path(__file__).resolve().parents[1]

NESTED = """\
openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /a:
    get:
      operationId: getA
      parameters:
        - {name: q, in: query, schema: {type: string, pattern: "[[a]"}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/A"}
components:
  schemas:
    A:
      type: object
      properties:
        x: {type: string, pattern: "[[a-z]]"}
        y: {type: string, pattern: "(?<=a"}
"""


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("^[a-z]+$", True),
        ("[[a-z]]", True),
        ("[[a]", True),
        ("(?<=a", False),
        ("(", False),
        (3, False),
        (None, False),
    ],
)
def test_compiles_without_warning(pattern: object, expected: bool) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a FutureWarning would raise here
        assert python_regex.compiles(pattern) is expected


def test_generate_prints_no_python_warning(tmp_path: Path) -> None:
    spec = tmp_path / "nested.yaml"
    spec.write_text(NESTED)
    out = tmp_path / "out"
    result = subprocess.run(
        [
            sys.executable,
            "-W",
            "default",
            "-m",
            "generator",
            "generate",
            "--spec",
            str(spec),
            "--out",
            str(out),
            "--package",
            "nested",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Warning:" not in result.stderr and "Traceback" not in result.stderr, result.stderr
    model = (out / "nested" / "models" / "_a.py").read_text()
    assert 'Field(pattern="[[a-z]]")' in model  # Python compiles it: kept
    # Python cannot compile it: not checked, and the comment says why (as before).
    assert "y: str | None = None" in model
    assert "pattern '(?<=a' is not checked" in model
