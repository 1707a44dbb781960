"""YAML documents are read by the YAML 1.2 core schema (OpenAPI's), not PyYAML's YAML 1.1 rules.

Duplicate keys stay errors and anchors, aliases and merge keys still expand.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.loader import load_document
from generator.loader.source import parse_file
from generator.plans import build_document


def _parse(tmp_path: Path, text: str) -> dict[str, object]:
    path = tmp_path / "doc.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    data = parse_file(path).data
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("1e-08", 1e-08),  # YAML 1.1: a string (its floats need a dot)
        ("12e3", 12000.0),
        ("-1.5E+2", -150.0),
        ("on", "on"),  # YAML 1.1: True
        ("off", "off"),
        ("yes", "yes"),
        ("No", "No"),
        ("y", "y"),
        ("017", 17),  # YAML 1.1: octal fifteen
        ("0o17", 15),  # YAML 1.1: a string
        ("0x1F", 31),
        ("1_000", "1_000"),  # YAML 1.1: 1000
        ("0b101", "0b101"),  # YAML 1.1: 5
        ("1:20", "1:20"),  # YAML 1.1: sexagesimal 80
        ("2024-01-01", "2024-01-01"),  # no timestamps in 1.2
        ("true", True),
        ("FALSE", False),
        ("~", None),
        ("null", None),
        ("-3", -3),
        ("'1e-08'", "1e-08"),  # quoted scalars are strings in every version
    ],
)
def test_plain_scalars_follow_the_core_schema(tmp_path: Path, written: str, value: object) -> None:
    data = _parse(tmp_path, f"key: {written}\n")
    assert data["key"] == value and type(data["key"]) is type(value)


def test_infinities_and_nan(tmp_path: Path) -> None:
    data = _parse(tmp_path, "a: .inf\nb: -.Inf\nc: .NaN\n")
    assert data["a"] == math.inf and data["b"] == -math.inf
    assert isinstance(data["c"], float) and math.isnan(data["c"])


def test_on_and_yes_keys_and_enum_values_stay_strings(tmp_path: Path) -> None:
    data = _parse(tmp_path, "on: 1\nenum: [yes, no, on, off]\n")
    assert data == {"on": 1, "enum": ["yes", "no", "on", "off"]}


def test_anchors_merge_keys_and_duplicates_unchanged(tmp_path: Path) -> None:
    data = _parse(tmp_path, "base: &b {x: 1}\ncopy: *b\nmerged:\n  <<: *b\n  y: 2\n")
    assert data == {"base": {"x": 1}, "copy": {"x": 1}, "merged": {"x": 1, "y": 2}}
    path = tmp_path / "dup.yaml"
    path.write_text("a: 1\nb: 2\na: 3\n", encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        parse_file(path)
    assert "duplicate key 'a'" in str(caught.value.problems[0])


DOC = """\
openapi: 3.1.0
info: {title: Tuning, version: 1.0.0}
paths:
  /tune:
    post:
      operationId: tune
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Tuning'}
      responses:
        '204': {description: done}
components:
  schemas:
    Tuning:
      type: object
      properties:
        learningRate: {type: number, minimum: 1e-08, maximum: 1}
        mode: {type: string, enum: [on, off, auto]}
"""


def test_a_scientific_minimum_is_a_constraint_of_the_model(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_text(DOC, encoding="utf-8")
    loaded = load_document(path)
    schema = loaded.data["components"]["schemas"]["Tuning"]
    assert schema["properties"]["learningRate"]["minimum"] == 1e-08
    assert schema["properties"]["mode"]["enum"] == ["on", "off", "auto"]
    assert not [w for w in loaded.warnings if "minimum" in w.message], loaded.warnings
    doc = build_document(loaded, "tuning")
    (tuning,) = [s for s in doc.schemas if s.python_name == "Tuning"]
    assert tuning.schema["properties"]["learningRate"]["minimum"] == 1e-08
