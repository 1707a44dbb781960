"""The formatter's processes are started by a small shell, never forked from the generator.

generator/launcher.py: a process started from Python shares the generator's memory until it
executes its program, and a sampler that sums a process tree's resident sets (`make bench`'s)
sees the generator twice in that window. The shell is started before the document is loaded;
it starts every ruff process. What must hold: the commands' parent is the shell, not this
process; arguments, folder, output, errors and status come through exactly; a program that
cannot be started, or a shell that is gone, is an error (never a hang); without a shell the
commands are started directly, as before.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import pytest

from generator import formatting, launcher, pipeline
from generator.cache_dir import CACHE_ENV
from generator.config import Target
from generator.formatting import Formatter, FormattingError
from generator.launcher import Launcher

PRINT_PARENT = [sys.executable, "-c", "import os; print(os.getppid())"]


def test_commands_are_started_by_the_shell_not_by_this_process(tmp_path: Path) -> None:
    with Launcher() as shell:
        assert shell.pid is not None and shell.pid != os.getpid()
        for _ in range(3):  # one shell for every command
            done = shell.run(PRINT_PARENT, tmp_path)
            assert done.returncode == 0
            assert int(done.stdout) == shell.pid
        assert shell.started_directly == 0
        pid = shell.pid
    assert shell.pid is None
    with pytest.raises(ProcessLookupError):  # closed: the shell has exited and been reaped
        os.kill(pid, 0)


def test_arguments_folder_output_errors_and_status_come_through_exactly(tmp_path: Path) -> None:
    folder = tmp_path / "a folder with 'quotes' and $dollars"
    folder.mkdir()
    args = ["plain", "two words", "it's", '"double"', "$HOME", "`date`", "a\nnewline", "ü €", ""]
    program = (
        "import json, os, sys; print(json.dumps([sys.argv[1:], os.getcwd()]));"
        " print('to stderr', file=sys.stderr); sys.exit(3)"
    )
    with Launcher() as shell:
        done = shell.run([sys.executable, "-c", program, *args], folder)
    assert done.returncode == 3
    assert json.loads(done.stdout) == [args, str(folder)]
    assert done.stderr == "to stderr\n"
    assert done.args[3:] == args


def test_a_program_that_cannot_be_started_is_an_os_error(tmp_path: Path) -> None:
    with Launcher() as shell:
        with pytest.raises(FileNotFoundError):
            shell.run([str(tmp_path / "no-such-program"), "x"], tmp_path)
        with pytest.raises(FileNotFoundError):
            shell.run(["no-such-program-on-the-path", "x"], tmp_path)
        assert shell.run(["sh", "-c", "echo found"], tmp_path).stdout == "found\n"  # by PATH
        assert shell.run(PRINT_PARENT, tmp_path).returncode == 0  # the shell goes on


def test_a_shell_that_is_gone_is_an_error_not_a_hang(tmp_path: Path) -> None:
    with Launcher() as shell:
        assert shell.pid is not None
        os.kill(shell.pid, signal.SIGKILL)
        with pytest.raises(OSError):
            shell.run(PRINT_PARENT, tmp_path)
        # ended: what follows is started directly
        assert int(shell.run(PRINT_PARENT, tmp_path).stdout) == os.getpid()
        assert shell.started_directly == 1


def test_without_a_shell_commands_are_started_directly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(launcher, "SHELL", str(tmp_path / "no-shell"))
    with Launcher() as shell:
        assert shell.pid is None
        assert int(shell.run(PRINT_PARENT, tmp_path).stdout) == os.getpid()
        assert shell.started_directly == 1


def _fake_ruff(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `ruff` that records its parent's process id and changes nothing."""
    log = tmp_path / "parents.log"
    fake = tmp_path / "ruff"
    fake.write_text(
        f"#!{sys.executable}\nimport os\n"
        f"with open({str(log)!r}, 'a') as f:\n    f.write(f'{{os.getppid()}}\\n')\n",
        encoding="utf-8",
    )
    fake.chmod(0o755)
    monkeypatch.setattr(formatting, "find_ruff_bin", lambda: str(fake))
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))  # ruff's result not yet kept
    return log


def test_the_formatters_ruff_processes_are_children_of_the_shell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = _fake_ruff(tmp_path, monkeypatch)
    monkeypatch.setattr(formatting, "EARLY_BYTES", 1)  # batches in the background thread too
    monkeypatch.setattr(formatting, "CHUNK_FILES", 2)
    files = {"pkg/__init__.py": "", **{f"pkg/m{i}.py": f"x = {i}\n" for i in range(5)}}
    with Launcher() as shell, Formatter(shell) as formatter:
        formatter.submit(files)
        assert formatter.result() == files
        parents = log.read_text(encoding="utf-8").split()
        assert len(parents) == 2 * 3  # two passes over three batches
        assert set(parents) == {str(shell.pid)}
    # A formatter without a launcher starts a shell of its own: still not this process.
    log.unlink()
    assert formatting.format_files(files) == files
    parents = log.read_text(encoding="utf-8").split()
    assert len(parents) == 2 * 3 and len(set(parents)) == 1 and str(os.getpid()) not in parents


def test_the_pipeline_starts_the_shell_before_it_loads_the_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = _fake_ruff(tmp_path, monkeypatch)
    events: list[str] = []
    shells: list[int | None] = []
    start, load = Launcher.start, pipeline.load_document

    def started(self: Launcher) -> None:
        start(self)
        if self.pid not in shells:
            shells.append(self.pid)
            events.append("shell started")

    def loading(*args: object, **kwargs: object) -> object:
        events.append("load")
        return load(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Launcher, "start", started)
    monkeypatch.setattr(pipeline, "load_document", loading)
    spec = Path(__file__).parent / "fixtures" / "edge-cases.yaml"
    target = Target("edge", spec, tmp_path / "out", "edge_api", "edge-api", None)
    pipeline.generate_target(target)
    assert events[:2] == ["shell started", "load"]
    assert len(shells) == 1 and shells[0] is not None
    parents = log.read_text(encoding="utf-8").split()
    assert parents and set(parents) == {str(shells[0])}


def test_a_ruff_that_cannot_be_started_is_a_formatting_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(formatting, "find_ruff_bin", lambda: str(tmp_path / "gone" / "ruff"))
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    with pytest.raises(FormattingError, match="ruff could not be started"):
        formatting.format_files({"pkg/__init__.py": "", "pkg/a.py": "a = 1\n"})
