"""Format generated Python with the pinned ruff, independent of any project configuration.

ruff runs once per batch of files, not once per file: the files are written into a temporary
folder (in memory, `/dev/shm`, where there is room) and `ruff check --fix` then `ruff format`
each run over the whole folder. Every rule applied is local to its file, so a batch gives the
same bytes as one file at a time. A batch can be started in the background (`FormatJob`): the
pipeline formats the models while it renders the client and the server (ruff is another process,
so on two cores both go on at once).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

from generator import timing

_COMMON = ["--isolated", "--line-length", "100", "--target-version", "py311"]
_PASSES = (
    ["check", *_COMMON, "--select", "I,F401,UP,RUF022", "--fix", "--exit-zero", "--quiet", "."],
    ["format", *_COMMON, "--quiet", "."],
)
_MEMORY_FOLDER = "/dev/shm"


class FormattingError(Exception):
    pass


def format_files(files: dict[str, str]) -> dict[str, str]:
    """`files` with every .py file import-sorted, cleaned of unused imports and formatted."""
    python = {p: t for p, t in files.items() if p.endswith(".py")}
    if not python:
        return dict(files)
    try:
        formatted = _format_in(_scratch_parent(python), python)
    except OSError:  # the memory folder filled up or vanished: the ordinary temporary folder
        formatted = _format_in(None, python)
    return {**files, **formatted}


class FormatJob:
    """`format_files` of one batch in a background thread; `result()` waits for it."""

    def __init__(self, files: dict[str, str]) -> None:
        self._files: dict[str, str] | None = files
        self._result: dict[str, str] | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="format", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            assert self._files is not None
            self._result = format_files(self._files)
        except BaseException as exc:  # handed to the caller by result()
            self._error = exc
        finally:
            self._files = None  # the unformatted texts are not kept beside the formatted

    def result(self) -> dict[str, str]:
        with timing.timed("format: waiting for the background batch"):
            self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result


def _scratch_parent(python: dict[str, str]) -> str | None:
    """The memory folder when it has room for the batch many times over, else the default."""
    try:
        size = sum(len(text) for text in python.values()) * 4
        if os.access(_MEMORY_FOLDER, os.W_OK) and shutil.disk_usage(_MEMORY_FOLDER).free > size:
            return _MEMORY_FOLDER
    except OSError:
        pass
    return None


def _format_in(parent: str | None, python: dict[str, str]) -> dict[str, str]:
    ruff = find_ruff_bin()
    with tempfile.TemporaryDirectory(prefix="generated-", dir=parent) as tmp:
        root = Path(tmp)
        with timing.timed("format: files written for ruff"):
            folders: set[Path] = set()
            for rel, text in python.items():
                path = root / rel
                if path.parent not in folders:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    folders.add(path.parent)
                path.write_text(text, encoding="utf-8")
        for args in _PASSES:
            with timing.timed(f"ruff {args[0]} (one process per batch)"):
                done = subprocess.run(
                    [ruff, *args], cwd=root, capture_output=True, text=True, check=False
                )
            if done.returncode != 0:
                raise FormattingError(f"ruff {args[0]} failed:\n{done.stderr or done.stdout}")
        with timing.timed("format: files read back"):
            return {rel: (root / rel).read_text(encoding="utf-8") for rel in python}
