"""The streaming formatter (generator.formatting.Formatter), as the pipeline uses it.

Files are written to a scratch folder as they are submitted and formatted by ruff in batches,
in the background once enough are waiting. What it must keep: the same bytes however the files
are cut into batches, the later text of a path submitted twice, the order first submitted, the
non-Python files as given, a located message (never a traceback) when ruff fails, and no
scratch folder left behind, even when the memory folder fills up halfway.
"""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from generator import formatting, timing
from generator.cache_dir import CACHE_ENV
from generator.cli import EXIT_INTERNAL_ERROR, main
from generator.formatting import Formatter, FormattingError

# Files ruff has work on: unsorted and unused imports, `Optional`, spacing, a first-party import.
FILES = {
    "pkg/__init__.py": "",
    "pkg/_base.py": "import os\nclass Base:  pass\n",
    **{
        f"pkg/mod{i}.py": (
            "from typing import Optional\nimport sys, json\nfrom pkg._base import Base\n"
            f"import httpx\nx{i}: Optional[int]=  {i}\nclass C{i}(Base):\n  y = json.dumps( "
            f"[ {i} ] )\n"
        )
        for i in range(12)
    },
    "README.md": "# pkg\n\nnot Python:   kept as given\n",
    "pkg/py.typed": "",
}


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty cache for each test: ruff's result for the same files is kept
    (generator/format_cache.py), and these tests count and break ruff's runs."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "format-cache"))


def _cut_small(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every submission to the background at once, in batches of three files at most."""
    monkeypatch.setattr(formatting, "EARLY_BYTES", 1)
    monkeypatch.setattr(formatting, "CHUNK_FILES", 3)
    monkeypatch.setattr(formatting, "CHUNK_BYTES", 400)


def _format_in_parts(files: dict[str, str], parts: int) -> dict[str, str]:
    items = list(files.items())
    with Formatter() as formatter:
        for i in range(parts):
            formatter.submit(dict(items[i::parts]))
        return formatter.result()


def test_batches_cut_differently_give_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    together = formatting.format_files(FILES)
    assert together["pkg/mod3.py"] == (
        "import json\n\nfrom pkg._base import Base\n\nx3: int | None = 3\n\n\n"
        "class C3(Base):\n    y = json.dumps([3])\n"
    )
    assert together["README.md"] == FILES["README.md"]
    assert list(together) == list(FILES)
    # batches cut at the end, in the foreground: never more than CHUNK_FILES paths to one ruff
    monkeypatch.setattr(formatting, "CHUNK_FILES", 4)
    timing.reset()
    assert formatting.format_files(FILES) == together
    python_files = sum(rel.endswith(".py") for rel in FILES)
    assert timing.totals()["ruff check (one process per batch)"][1] == -(-python_files // 4)
    _cut_small(monkeypatch)
    in_batches = formatting.format_files(FILES)
    assert list(in_batches) == list(FILES)
    assert in_batches == together
    # the package's own files first (as the pipeline submits them), the rest in three parts
    package = {k: v for k, v in FILES.items() if k.startswith("pkg/_") or k.endswith("t__.py")}
    rest = {k: v for k, v in FILES.items() if k not in package}
    parted = _format_in_parts({**package, **rest}, 3)
    assert parted == together


def test_a_path_submitted_again_takes_the_later_text(monkeypatch: pytest.MonkeyPatch) -> None:
    for cut in (False, True):
        if cut:
            _cut_small(monkeypatch)  # the first text is already in a background batch
        with Formatter() as formatter:
            formatter.submit({"pkg/__init__.py": "", "pkg/a.py": "a  =  1\n", "b.md": "one"})
            formatter.submit({"pkg/c.py": "c=3\n"})
            formatter.submit({"pkg/a.py": "a  =  2\n", "b.md": "two"})
            formatter.submit({"pkg/a.py": "a  =  3\n"})
            assert len(formatter) == 4
            result = formatter.result()
        assert result == {
            "pkg/__init__.py": "",
            "pkg/a.py": "a = 3\n",
            "b.md": "two",
            "pkg/c.py": "c = 3\n",
        }
        assert list(result) == ["pkg/__init__.py", "pkg/a.py", "b.md", "pkg/c.py"]


@pytest.mark.parametrize("background", [False, True])
def test_a_ruff_failure_is_a_formatting_error_with_ruffs_message(
    monkeypatch: pytest.MonkeyPatch, background: bool
) -> None:
    if background:
        _cut_small(monkeypatch)
    files = {**FILES, "pkg/broken.py": "def broken(:\n    pass\n"}
    with Formatter() as formatter:
        root = formatter._scratch()
        formatter.submit(files)
        with pytest.raises(FormattingError) as caught:
            formatter.result()
    message = str(caught.value)
    assert message.startswith("ruff format failed on the generated code:")
    assert "pkg/broken.py" in message
    assert not root.exists()  # the scratch folder is gone all the same


def test_ruff_missing_is_a_formatting_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> str:
        raise FileNotFoundError("no ruff here")

    monkeypatch.setattr(formatting, "find_ruff_bin", missing)
    with pytest.raises(FormattingError, match="ruff could not be found: no ruff here"):
        formatting.format_files(FILES)


def test_generate_reports_a_ruff_failure_in_one_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An emitter that wrote invalid Python: ruff's message, no traceback, exit status 3."""
    from generator import pipeline

    def broken_adapter(*args: object) -> dict[str, str]:
        return {"p_api/adapter_broken.py": "class (:\n"}

    monkeypatch.setattr(pipeline, "emit_adapter", broken_adapter)
    spec = Path(__file__).parent / "fixtures" / "webhooks.yaml"
    code = main(
        ["generate", "--spec", str(spec), "--out", str(tmp_path / "out"), "--package", "p_api"]
    )
    err = capsys.readouterr().err
    assert code == EXIT_INTERNAL_ERROR
    assert "error: ruff format failed on the generated code:" in err
    assert "p_api/adapter_broken.py" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()  # nothing written


def test_a_memory_folder_that_fills_up_moves_the_work_to_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = formatting.format_files(FILES)
    memory = tmp_path / "shm"
    memory.mkdir()
    monkeypatch.setattr(formatting, "_MEMORY_FOLDER", str(memory))
    monkeypatch.setattr(formatting, "_MEMORY_ROOM", 0)
    _cut_small(monkeypatch)  # batches already formatted in the memory folder move with it
    written: list[Path] = []
    real_write = formatting._write_text

    def filling(path: Path, text: str) -> None:
        if memory in path.parents and len(written) >= 6:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(path)
        real_write(path, text)

    monkeypatch.setattr(formatting, "_write_text", filling)
    with Formatter() as formatter:
        assert memory in formatter._scratch().parents
        for rel, text in FILES.items():
            formatter.submit({rel: text})
        assert memory not in formatter._scratch().parents
        result = formatter.result()
    assert result == expected
    assert list(memory.iterdir()) == []  # nothing left in the memory folder


def test_the_scratch_folder_is_removed_when_the_run_fails_midway(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _cut_small(monkeypatch)
    with pytest.raises(RuntimeError, match="an emitter failed"), Formatter() as formatter:
        root = formatter._scratch()
        formatter.submit(FILES)  # batches are being formatted in the background
        raise RuntimeError("an emitter failed")
    assert formatter._worker is None
    assert not root.exists()


def test_a_large_file_is_a_batch_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """ruff's memory grows with the files a process holds at once: a file over
    LARGE_FILE_BYTES goes to ruff alone, where it comes; the bytes are the same."""
    large = ("pkg/mod2.py", "pkg/mod7.py")
    files = {rel: text + ("z = 0\n" * 10 if rel in large else "") for rel, text in FILES.items()}
    together = formatting.format_files(files)
    monkeypatch.setattr(formatting, "LARGE_FILE_BYTES", max(len(t) for t in FILES.values()))
    with Formatter() as formatter:
        formatter.submit(files)
        batches = formatter._batches()
    python_files = [rel for rel in FILES if rel.endswith(".py")]
    first, second = (python_files.index(rel) for rel in large)
    assert batches == [
        python_files[:first],
        ["pkg/mod2.py"],
        python_files[first + 1 : second],
        ["pkg/mod7.py"],
        python_files[second + 1 :],
    ]
    timing.reset()
    alone = formatting.format_files(files)
    assert timing.totals()["ruff check (one process per batch)"][1] == 5
    assert list(alone) == list(files)
    assert alone == together


def test_files_ruff_does_not_format_come_back_exactly_and_wait_on_disk() -> None:
    """Every text waits in the scratch folder (GitHub's MCP tool list is 5 MB): the files ruff
    does not format come back character for character, line ends and all."""
    odd = {
        "pkg/__init__.py": "",
        "notes.md": "windows\r\nline ends\rand a lone \ud800 surrogate, é €\n",
        "pkg/tools.json": '{"a": 1}',
        "empty.txt": "",
    }
    with Formatter() as formatter:
        formatter.submit(odd)
        on_disk = {p.name for p in formatter._scratch().rglob("*") if p.is_file()}
        assert on_disk == {"__init__.py", "notes.md", "tools.json", "empty.txt"}
        formatter.submit({"pkg/tools.json": '{"a": 2}'})  # submitted again: the later text
        result = formatter.result()
    assert result == {**odd, "pkg/tools.json": '{"a": 2}'}
    assert list(result) == list(odd)


def test_settled_files_skip_the_check_and_are_still_formatted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A settled file is only formatted (its unused import stays: the check pass never saw
    it); the others are checked as before, in the same batches; a path submitted again
    unsettled is checked; a batch of settled files only starts no check process."""
    runs: list[list[str]] = []
    ruff = Formatter._ruff

    def counted(self: Formatter, binary: str, args: list[str], batch: list[str]) -> object:
        runs.append([args[0], *batch])
        return ruff(self, binary, args, batch)

    monkeypatch.setattr(Formatter, "_ruff", counted)
    text = "import sys\nx  =  1\n"
    with Formatter() as formatter:
        formatter.submit({"pkg/__init__.py": "", "pkg/a.py": text, "pkg/b.py": text}, {"pkg/a.py"})
        formatter.submit({"pkg/c.py": text}, settled=True)
        formatter.submit({"pkg/d.py": text})
        formatter.submit({"pkg/d.py": text}, settled=True)  # the later submission counts
        formatter.submit({"pkg/e.py": text}, settled=True)
        formatter.submit({"pkg/e.py": text})
        result = formatter.result()
    assert result["pkg/a.py"] == result["pkg/c.py"] == result["pkg/d.py"] == "import sys\n\nx = 1\n"
    assert result["pkg/b.py"] == result["pkg/e.py"] == "x = 1\n"
    checked = [run[1:] for run in runs if run[0] == "check"]
    assert checked == [["pkg/__init__.py", "pkg/b.py", "pkg/e.py"]]
    runs.clear()
    assert formatting.format_files({"pkg/a.py": text}, settled=True) == {
        "pkg/a.py": "import sys\n\nx = 1\n"
    }
    assert [run[0] for run in runs] == ["format"]
