"""Start the formatter's processes from a small shell started early, not from this process.

Starting a process from Python forks (or vforks) the generator: until the child executes its
program it shares the generator's memory, and its resident set reads the same as the
generator's. A tool that sums the resident sets of a process tree (`make bench`'s sampler, a
container's accounting of a process group) sees the generator twice if it looks in that window;
on GitHub's description the generator holds 150 to 200 MiB while its ruff processes start.
So the ruff processes are started by a `/bin/sh` started before the document is loaded (the
generator is then about 25 MiB): the shell forks itself (about 1 MiB) for each command, and
the generator never forks while it is large. The shell and its children stay in the
generator's process group and session, and are counted with it.

Each command is one line to the shell's input: a subshell that changes to the folder and
executes the program (arguments quoted for the shell), its output and errors to files, then the
exit status printed. Where there is no `/bin/sh` (Windows), or the shell is gone, commands are
started directly, as before.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

SHELL = "/bin/sh"


class Launcher:
    """Runs commands to completion through one long-lived shell; `close()` ends it.

    Safe to use from several threads (one command at a time). Used as a context manager.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._shell: subprocess.Popen[bytes] | None = None
        self._folder: Path | None = None
        self.started_directly = 0  # commands started without the shell (none where it runs)

    def __enter__(self) -> Launcher:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        """The shell's process id (the parent of every command it starts), None without one."""
        return self._shell.pid if self._shell is not None else None

    def start(self) -> None:
        """The shell started, if it is not yet and this system has one (else: no shell)."""
        with self._lock:
            if self._shell is not None or os.name != "posix" or not os.access(SHELL, os.X_OK):
                return
            try:
                self._folder = Path(tempfile.mkdtemp(prefix="launcher-"))
                self._shell = subprocess.Popen(
                    [SHELL, "-s"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                )
            except OSError:
                self._end()

    def run(self, argv: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
        """`argv` run in `cwd` to its end: its exit status, output and errors (text).

        Raises OSError when the program cannot be started (as `subprocess.run` does).
        """
        with self._lock:
            if self._shell is None:
                self.started_directly += 1
                return subprocess.run(
                    list(argv), cwd=cwd, capture_output=True, text=True, check=False
                )
            return self._through_shell(list(argv), cwd)

    def close(self) -> None:
        with self._lock:
            self._end()

    def _end(self) -> None:
        shell, self._shell = self._shell, None
        if shell is not None:
            try:
                if shell.stdin is not None:
                    shell.stdin.close()  # end of input: the shell exits
                shell.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                shell.kill()
                shell.wait()
            if shell.stdout is not None:
                shell.stdout.close()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def _through_shell(self, argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
        assert self._shell is not None and self._shell.stdin is not None
        assert self._shell.stdout is not None and self._folder is not None
        # A program that cannot be started raises as subprocess would, not the shell's 127.
        program = argv[0] if os.sep in argv[0] else shutil.which(argv[0])
        if program is None or not os.access(program, os.X_OK):
            raise FileNotFoundError(2, "No such file or directory", argv[0])
        argv = [program, *argv[1:]]
        out, err = self._folder / "stdout", self._folder / "stderr"
        line = (
            f"(cd -- {shlex.quote(str(cwd))} && exec {shlex.join(argv)})"
            f" </dev/null >{shlex.quote(str(out))} 2>{shlex.quote(str(err))}; echo $?\n"
        )
        try:
            self._shell.stdin.write(line.encode("utf-8", "surrogateescape"))
            self._shell.stdin.flush()
            status = self._shell.stdout.readline()
        except OSError as exc:
            self._end()
            raise OSError(f"the launcher's shell is gone: {exc}") from None
        if not status.strip().isdigit():  # the shell ended: nothing ran to completion
            self._end()
            raise OSError("the launcher's shell ended unexpectedly")
        return subprocess.CompletedProcess(
            argv,
            int(status),
            out.read_text(encoding="utf-8", errors="replace"),
            err.read_text(encoding="utf-8", errors="replace"),
        )
