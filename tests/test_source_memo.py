"""A small file parsed again in the same run: the same data, a copy of its own, never stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.loader import source
from generator.loader.source import parse_file


def test_a_file_read_again_gives_equal_data_that_is_its_own(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_text("a: &x {b: [1, 2]}\nc: *x\n", encoding="utf-8")
    first = parse_file(path)
    second = parse_file(path)
    assert second.data == first.data
    assert path in source._PARSED  # the second came from what the first remembered
    first.data["a"]["b"].append(3)  # a caller changes what it was given
    third = parse_file(path)
    assert third.data == {"a": {"b": [1, 2]}, "c": {"b": [1, 2]}}
    source._PARSED.clear()
    fresh = parse_file(path).data  # an alias shares its node in the copy as in a fresh parse
    assert (third.data["a"] is third.data["c"]) == (fresh["a"] is fresh["c"])


def test_a_changed_file_is_parsed_again(tmp_path: Path) -> None:
    path = tmp_path / "api.json"
    path.write_text('{"a": 1}', encoding="utf-8")
    assert parse_file(path).data == {"a": 1}
    path.write_text('{"a": 2}', encoding="utf-8")
    assert parse_file(path).data == {"a": 2}
    path.write_text('{"a": 2, "a": 3}', encoding="utf-8")
    with pytest.raises(SpecError, match="duplicate key"):
        parse_file(path)


def test_only_small_files_and_a_few_of_them_are_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(source, "_PARSED", {})
    monkeypatch.setattr(source, "_REMEMBER_BYTES", 10)
    big = tmp_path / "big.json"
    big.write_text('{"a": "0123456789"}', encoding="utf-8")
    parse_file(big)
    assert big not in source._PARSED
    monkeypatch.setattr(source, "_REMEMBER_BYTES", 1 << 20)
    for n in range(source._REMEMBER_FILES + 3):
        small = tmp_path / f"{n}.json"
        small.write_text(f'{{"n": {n}}}', encoding="utf-8")
        parse_file(small)
    assert len(source._PARSED) == source._REMEMBER_FILES
    assert tmp_path / "0.json" not in source._PARSED
