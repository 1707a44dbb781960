"""Format generated Python with the pinned ruff, independent of any project configuration.

ruff runs once per batch of files, not once per file: the files are written into a scratch
folder (in memory, `/dev/shm`, where there is room) and `ruff check --fix` then `ruff format` run
over the batch's files. Every rule applied is local to its file, so a batch gives the same bytes
as one file at a time, and as any other cut into batches. The check pass skips the files an
emitter submits as settled (written as that pass would leave them; every emitter of ours but
datamodel-code-generator's models): on GitHub's description that is every file, and the pass
that was half of ruff's time does not run.

`Formatter` takes the files as the emitters produce them: each text is written to the scratch
folder at once and not kept in memory, and batches go to ruff in a background thread while the
rest is rendered (ruff is another process: on two cores both go on at once). A batch holds at
most `CHUNK_BYTES` of source, so one ruff process never holds a large document's whole output:
ruff keeps the files of its run in memory, about 160 MiB for GitHub's 47 MB of output in one
run, 25 to 70 MiB in its batches of up to 16 MB, 120 MiB in the one that holds its largest
files (3.7 MB in two files: a file is never cut). Smaller batches use ruff's threads less
(a batch of a few large files is formatted mostly on one core) and start more processes: each
costs time. The processes are started by a small shell (generator/launcher.py), never forked
from the generator itself, whose whole memory a sampler of the process tree would otherwise see
twice until the fork becomes ruff.
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Collection
from pathlib import Path

from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

from generator import format_cache, timing
from generator.launcher import Launcher

_COMMON = ["--isolated", "--no-cache", "--line-length", "100", "--target-version", "py311"]
# The lint rules whose fixes the output takes: imports sorted and pruned, pyupgrade's forms,
# `__all__` sorted. `CHECK` runs them without fixing (tests: a settled file passes it as it is).
RULES = "I,F401,UP,RUF022"
CHECK = ["check", *_COMMON, "--select", RULES]
_PASSES = (
    [*CHECK, "--fix", "--exit-zero", "--quiet"],
    ["format", *_COMMON, "--quiet"],
)
_MEMORY_FOLDER = "/dev/shm"
# Free bytes the memory folder must have to be used: more than a large document's output
# (GitHub's is about 40 MB) many times over. Should it fill up all the same, the files move to
# the ordinary temporary folder and the run goes on.
_MEMORY_ROOM = 256 << 20
# A batch holds at most this much source (one ruff process's memory grows with the source of
# its run) and this many files (their paths are ruff's arguments, and a command line is
# bounded). Files go to ruff in the background at the end of a submission once `EARLY_BYTES`
# of them are waiting: a small document's files stay one batch, formatted at the end (two
# processes in all), a large one's are formatted while the rest renders.
CHUNK_BYTES = 16_000_000
CHUNK_FILES = 2_000
# ruff works on a batch's files two at a time (one thread per core) and its memory grows with
# the files in hand: GitHub's three server modules of about 3 MB each took 125 MiB in one
# batch, about 65 MiB each alone. A file this large goes to ruff alone; it keeps ruff on one
# core, but such a file comes while the generator renders on the other.
LARGE_FILE_BYTES = 1_000_000
EARLY_BYTES = 1_000_000


class FormattingError(Exception):
    """ruff failed on the generated code (or could not be started): its message, not a trace."""


def format_files(files: dict[str, str], settled: bool | Collection[str] = False) -> dict[str, str]:
    """`files` with every .py file import-sorted, cleaned of unused imports and formatted
    (`settled`: as `Formatter.submit`)."""
    with Formatter() as formatter:
        formatter.submit(files, settled)
        return formatter.result()


class Formatter:
    """Files formatted in batches in the background; `result()` waits and returns them all.

    `submit` writes each file to the scratch folder (the caller may drop its texts); ruff
    formats the Python files, the others come back as they were given, character for character.
    The result holds every submitted path in the order first submitted; a path submitted again
    takes the later text. Used as a context manager, so the scratch folder and the background
    thread are gone however the run ends.

    A file submitted as settled skips `ruff check --fix`: its emitter wrote it as that pass
    would leave it (imports pruned and sorted, pyupgrade's forms, `__all__` sorted), so the
    pass would read it and change nothing (tests/test_settled_output.py proves it on documents
    of every kind). `ruff format` still formats it. Any file not declared settled is checked.

    ruff sorts an import as first party only inside a complete package (every `__init__.py`
    from the module's folder up, on disk when its batch runs): a package's `__init__.py` must be
    submitted with or before its modules.
    """

    def __init__(self, launcher: Launcher | None = None) -> None:
        """`launcher` starts the ruff processes (the caller's, started while it was small);
        without one, the formatter starts its own."""
        self._root: Path | None = None
        self._own_launcher = launcher is None
        self._launcher = launcher if launcher is not None else Launcher()
        parent = _scratch_parent()
        self._root = Path(tempfile.mkdtemp(prefix="generated-", dir=parent))
        self._in_memory = parent is not None
        # Every submitted path, in the order first submitted -> whether ruff formats it (a
        # Python file). Every text waits in the scratch folder, not in this process: GitHub's
        # MCP tool list alone is 5 MB.
        self._order: dict[str, bool] = {}
        self._settled: set[str] = set()  # Python files `ruff check` skips (see the class)
        self._pending: dict[str, int] = {}  # Python files not yet handed to ruff -> their size
        self._pending_bytes = 0
        self._folders: set[Path] = set()
        self._queue: queue.Queue[list[str] | None] = queue.Queue()
        self._error: BaseException | None = None
        self._cancelled = False
        self._worker: threading.Thread | None = None

    def __enter__(self) -> Formatter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __len__(self) -> int:
        return len(self._order)

    def submit(self, files: dict[str, str], settled: bool | Collection[str] = False) -> None:
        """`files` written to the scratch folder; batches of them handed to ruff.

        `settled`: the paths among `files` (True: all of them) whose text `ruff check --fix`
        would leave as it is; ruff only formats them.

        All of a submission is written before any of it goes to ruff: an import is first party
        to ruff only inside a complete package (every `__init__.py` from the module's folder
        up), and an emitter's package `__init__.py` may come after its modules.
        """
        for rel, text in files.items():
            if not rel.endswith(".py"):
                self._order[rel] = False
                self._write(rel, text, exact=True)
                continue
            if rel in self._order and rel not in self._pending:
                self._drain()  # handed to ruff before: no batch may still be formatting it
            self._order[rel] = True
            if settled is True or (settled is not False and rel in settled):
                self._settled.add(rel)
            else:
                self._settled.discard(rel)
            self._write(rel, text)
            self._pending_bytes += len(text) - self._pending.get(rel, 0)
            self._pending[rel] = len(text)
        if self._pending_bytes >= EARLY_BYTES:
            self._flush()

    def result(self) -> dict[str, str]:
        """Every submitted file, formatted; the scratch folder is removed."""
        try:
            if self._worker is None:  # nothing in the background: formatted here, no thread
                # A small document's output: ruff's result for the same files is kept
                # (generator/format_cache.py), so an edit that changes no Python file starts
                # no ruff process.
                for batch in self._batches():
                    self._format(batch, keep=True)
            self._flush()
            with timing.timed("format: waiting for the background batches"):
                self._drain()
            with timing.timed("format: files read back"):
                return {rel: self._read(rel, exact=not ruffs) for rel, ruffs in self._order.items()}
        finally:
            self.close()

    def close(self) -> None:
        """The background thread stopped (batches not started are dropped), the folder removed."""
        self._cancelled = True
        if self._worker is not None:
            self._queue.put(None)
            self._worker.join()
            self._worker = None
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None
        if self._own_launcher:
            self._launcher.close()

    def __del__(self) -> None:  # a formatter neither closed nor used as a context manager
        root = getattr(self, "_root", None)
        if root is not None and getattr(self, "_worker", None) is None:
            shutil.rmtree(root, ignore_errors=True)

    def _scratch(self) -> Path:
        if self._root is None:
            raise RuntimeError("the formatter was closed")
        return self._root

    def _write(self, rel: str, text: str, *, exact: bool = False) -> None:
        """`text` at `rel` in the scratch folder; `exact`: every character kept as given (a
        file ruff does not format: its line ends and any lone surrogate come back as they
        were written)."""
        with timing.timed("format: files written for ruff"):
            try:
                self._write_at(rel, text, exact)
            except OSError:
                if not self._in_memory:
                    raise
                self._move_to_disk()  # the memory folder filled up, or vanished
                self._write_at(rel, text, exact)

    def _write_at(self, rel: str, text: str, exact: bool) -> None:
        path = self._scratch() / rel
        if path.parent not in self._folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(path.parent)
        if exact:
            path.write_bytes(text.encode("utf-8", "surrogatepass"))
        else:
            _write_text(path, text)

    def _move_to_disk(self) -> None:
        """The files written so far copied to the ordinary temporary folder, to go on there."""
        self._drain()  # no batch may be formatting in the old folder
        old = self._scratch()
        new = Path(tempfile.mkdtemp(prefix="generated-"))
        shutil.copytree(old, new, dirs_exist_ok=True)
        shutil.rmtree(old, ignore_errors=True)
        self._root, self._in_memory = new, False
        self._folders = set()

    def _read(self, rel: str, *, exact: bool = False) -> str:
        if exact:
            return (self._scratch() / rel).read_bytes().decode("utf-8", "surrogatepass")
        return (self._scratch() / rel).read_text(encoding="utf-8")

    def _flush(self) -> None:
        """The pending files to the background thread (started on first use)."""
        batches = self._batches()
        if batches and self._worker is None:
            self._worker = threading.Thread(target=self._work, name="format", daemon=True)
            self._worker.start()
        for batch in batches:
            self._queue.put(batch)

    def _batches(self) -> list[list[str]]:
        """The pending files, taken: batches of at most `CHUNK_BYTES` of source and
        `CHUNK_FILES` files, in the order submitted; a file of more than `LARGE_FILE_BYTES` is
        a batch of its own."""
        batches: list[list[str]] = []
        batch: list[str] = []
        size = 0
        for rel, length in self._pending.items():
            if length > LARGE_FILE_BYTES:  # a batch of its own, where it comes
                if batch:
                    batches.append(batch)
                    batch, size = [], 0
                batches.append([rel])
                continue
            if batch and (size + length > CHUNK_BYTES or len(batch) >= CHUNK_FILES):
                batches.append(batch)
                batch, size = [], 0
            batch.append(rel)
            size += length
        if batch:
            batches.append(batch)
        self._pending = {}
        self._pending_bytes = 0
        return batches

    def _drain(self) -> None:
        """Every batch handed to the background formatted; its first error raised."""
        if self._worker is not None:
            self._queue.put(None)
            self._worker.join()
            self._worker = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _work(self) -> None:
        while (batch := self._queue.get()) is not None:
            if self._error is None and not self._cancelled:
                try:
                    self._format(batch)
                except BaseException as exc:  # handed to the caller by _drain()
                    self._error = exc

    def _format(self, batch: list[str], *, keep: bool = False) -> None:
        """ruff's passes over `batch`; with `keep`, its result taken from (or put in) the
        cache, which only the caller's thread may do (it reads every submitted path)."""
        try:
            ruff = find_ruff_bin()
        except FileNotFoundError as exc:
            raise FormattingError(f"ruff could not be found: {exc}") from None
        key = None
        if keep:
            present = [rel for rel, ruffs in self._order.items() if ruffs]
            texts = [(self._scratch() / rel).read_bytes() for rel in batch]
            # which files skip the check pass is part of what the output depends on
            passes = [*_PASSES, ["settled", *(rel for rel in batch if rel in self._settled)]]
            key = format_cache.batch_key(ruff, passes, present, batch, texts)
            found = format_cache.recall(key)
            if found is not None and len(found) == len(batch):
                for rel, text in zip(batch, found, strict=True):
                    self._write(rel, text)
                return
        for args in _PASSES:
            files = batch
            if args[0] == "check":
                files = [rel for rel in batch if rel not in self._settled]
                if not files:
                    continue
            with timing.timed(f"ruff {args[0]} (one process per batch)"):
                done = self._ruff(ruff, args, files)
            if done.returncode != 0:
                # --quiet keeps ruff's error to itself: asked again, it says where and why
                again = self._ruff(ruff, [a for a in args if a != "--quiet"], files)
                text = (again.stderr + again.stdout).strip()
                errors = [line for line in text.splitlines() if line.startswith("error")]
                said = "\n".join(errors) or text or f"exit status {done.returncode}"
                raise FormattingError(f"ruff {args[0]} failed on the generated code:\n{said}")
        if key is not None:
            format_cache.keep(key, [self._read(rel) for rel in batch])

    def _ruff(
        self, ruff: str, args: list[str], batch: list[str]
    ) -> subprocess.CompletedProcess[str]:
        try:
            self._launcher.start()  # the formatter's own: started at its first process
            return self._launcher.run([ruff, *args, "--", *batch], self._scratch())
        except OSError as exc:
            raise FormattingError(f"ruff could not be started: {exc}") from None


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _scratch_parent() -> str | None:
    """The memory folder when it has plenty of room, else the ordinary temporary folder."""
    try:
        if (
            os.access(_MEMORY_FOLDER, os.W_OK)
            and shutil.disk_usage(_MEMORY_FOLDER).free > _MEMORY_ROOM
        ):
            return _MEMORY_FOLDER
    except OSError:
        pass
    return None
