"""ruff's result for a small document's files, kept for the same files (generator/format_cache.py).

The same files formatted again start no ruff process and give the same bytes; a change in one
file, or in the packages beside it (ruff's first-party sections), or a damaged entry, sends the
batch to ruff again; ServiceAi's contract after an edit of a tag's description starts no ruff
process (every Python file is as before).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from generator import format_cache, timing
from generator.cache_dir import CACHE_ENV
from generator.formatting import format_files
from generator.launcher import Launcher

MODULE = "import requests\nimport zzz\nimport os\nx=(os,zzz,requests)\n"


@pytest.fixture
def ruff_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[list[str]]]:
    """A private cache, and the ruff commands the formatter starts (still run for real)."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    started: list[list[str]] = []
    real = Launcher.run

    # Every process the formatter starts goes through its launcher (generator/launcher.py).
    def run(self: Launcher, argv: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
        started.append(list(argv))
        return real(self, argv, cwd)

    monkeypatch.setattr(Launcher, "run", run)
    yield started


def test_the_same_files_again_start_no_ruff_and_give_the_same_bytes(
    ruff_runs: list[list[str]],
) -> None:
    files = {"pkg/__init__.py": "", "pkg/mod.py": MODULE, "pkg/data.json": "{}"}
    first = format_files(files)
    assert len(ruff_runs) == 2  # check --fix, then format
    again = format_files(files)
    assert again == first and list(again) == list(first)
    assert len(ruff_runs) == 2
    assert (
        first["pkg/mod.py"]
        == "import os\n\nimport requests\nimport zzz\n\nx = (os, zzz, requests)\n"
    )


def test_one_changed_file_sends_the_batch_to_ruff_again(ruff_runs: list[list[str]]) -> None:
    format_files({"pkg/__init__.py": "", "pkg/mod.py": MODULE})
    changed = format_files({"pkg/__init__.py": "", "pkg/mod.py": MODULE + "y=1\n"})
    assert len(ruff_runs) == 4
    assert changed["pkg/mod.py"].endswith("y = 1\n")


def test_a_package_beside_the_files_changes_the_entry(ruff_runs: list[list[str]]) -> None:
    """ruff puts `zzz` in the first-party section only when the package is there: the same
    module's text with and without it is two entries, each as ruff writes it."""
    alone = format_files({"pkg/__init__.py": "", "pkg/mod.py": MODULE})
    beside = format_files({"pkg/__init__.py": "", "zzz/__init__.py": "", "pkg/mod.py": MODULE})
    assert len(ruff_runs) == 4
    assert alone["pkg/mod.py"] != beside["pkg/mod.py"]
    assert "import requests\n\nimport zzz\n" in beside["pkg/mod.py"]


def test_a_damaged_entry_is_formatted_again(tmp_path: Path, ruff_runs: list[list[str]]) -> None:
    files = {"pkg/__init__.py": "", "pkg/mod.py": MODULE}
    first = format_files(files)
    (entry,) = (tmp_path / "cache" / "ruff").glob("*.ruff.json")
    entry.write_text(entry.read_text(encoding="utf-8").replace("zzz", "yyy"), encoding="utf-8")
    assert format_files(files) == first
    assert len(ruff_runs) == 4


def test_an_unusable_cache_never_fails_a_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(CACHE_ENV, str(blocker))
    files = {"pkg/__init__.py": "", "pkg/mod.py": MODULE}
    assert format_files(files) == format_files(files)
    monkeypatch.setenv(CACHE_ENV, "off")
    assert format_files(files)["pkg/mod.py"].startswith("import os\n")


def test_the_cache_keeps_only_the_newest_entries(
    tmp_path: Path, ruff_runs: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(format_cache, "KEEP", 2)
    for n in range(4):
        format_files({"pkg/__init__.py": "", "pkg/mod.py": MODULE + f"n={n}\n"})
    assert len(list((tmp_path / "cache" / "ruff").glob("*.ruff.json"))) == 2


def test_servicesai_after_a_tag_description_edit_starts_no_ruff(
    tmp_path: Path, ruff_runs: list[list[str]]
) -> None:
    from generator.cli import main
    from tests.conftest import OVERLAYS, SPEC

    spec = tmp_path / "spec" / "openapi.yaml"
    shutil.copytree(SPEC.parent, spec.parent)
    args = ["generate", "-q", "--spec", str(spec), "--overlays", str(spec.parent / OVERLAYS.name)]
    args += ["--models-engine", "datamodel-code-generator", "--package", "serviceai_api"]
    assert main([*args, "--out", str(tmp_path / "before")]) == 0
    before = len(ruff_runs)
    assert before == 2
    text = spec.read_text(encoding="utf-8")
    edited = text.replace(
        "Contract metadata and client-version negotiation.", "Contract metadata (edited)."
    )
    assert edited != text
    spec.write_text(edited, encoding="utf-8")
    timing.reset()
    assert main([*args, "--out", str(tmp_path / "after")]) == 0
    assert len(ruff_runs) == before
    assert _files(tmp_path / "before") == _files(tmp_path / "after")


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*.py"))
        if "__pycache__" not in p.parts
    }
