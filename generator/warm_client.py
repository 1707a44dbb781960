"""`openapi-contract generate` served by the warm generator: the side that asks it.

Most of a small contract's `make generate` is the interpreter importing the generator (about
0.3 s of 0.6 s for ServiceAi's). A project that opts in (`warm-generator = true` under
`[tool.openapi-contract]`) keeps those imports in a background process (generator.warm_server)
that forks a child for each run: the child has them already, and runs the command as this
process would have, with this process's arguments, working folder, environment, umask and its
very standard input, output and error (passed over a Unix socket), so that what the user sees
(colours, progress on a terminal, exit status) is what an in-process run shows.

Nothing here imports more than the standard library: a run that the warm generator serves
never pays the generator's imports. Anything unusual is run here, as without it:
- another command than `generate`, a profiled run (`--profile`'s fresh interpreter,
  `-X importtime`), Windows;
- CI (`CI=true`), unless `OPENAPI_CONTRACT_WARM_GENERATOR=on`; `=off` turns it off everywhere;
- no warm generator for this code, or one that cannot be reached;
- a child that ended without saying how (killed): the run is done again here, after a warning.

A run that finds no warm generator for its code starts one when it is done (so its start-up
never competes with the run); the next run is served. It leaves after 30 idle minutes
(`openapi-contract background stop` ends it sooner). Its name (the socket's) is a digest of
the generator's code (every module's path, size and modification time), of the installed
packages' folders and of the interpreter, so an edited generator or an upgraded dependency is
served by a new one and never by code that is no longer on disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import site
import socket
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator import background
from generator.background import WARM_SETTING, ProtocolError, prune, receive, send
from generator.progress import in_ci

WARM_ENV = "OPENAPI_CONTRACT_WARM_GENERATOR"
IDLE_ENV = "OPENAPI_CONTRACT_WARM_GENERATOR_IDLE"
IDLE_SECONDS = 1800.0
CONNECT_TIMEOUT = 1.0
# How long a run waits for its child to be forked (the warm generator reads one request at a
# time; a client that never sends its request holds it up to its read timeout, 5 s).
START_TIMEOUT = 15.0
MAX_MESSAGE = 16 << 20
# sockaddr_un holds 108 bytes on Linux, 104 on macOS: a longer path cannot be bound.
MAX_SOCKET_PATH = 100
PREFIX = "generator-"
_ON = ("1", "on", "true", "yes")
_OFF = ("0", "off", "false", "no")
_FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# Environment variables that change what a process does from its start (the server was started
# with its own): a run that sets them differently is not served by it.
_INTERPRETER_ENV = ("PYTHONHASHSEED", "PYTHONUTF8", "PYTHONIOENCODING", "LANG", "LC_ALL",
                    "LC_CTYPE", "PYTHONWARNINGS", "PYTHONDEVMODE")  # fmt: skip

# The warm generator to start once this run is done (set when none answered).
_to_start: Path | None = None


def served(argv: list[str]) -> int | None:
    """The exit status of `argv` run by the warm generator, or None: run it here.

    The child sends its process id, and runs only once this process answers `go`: a client
    that gave up waiting (it runs the command itself) never has it run twice. From the request
    on, the signals a terminal sends (Ctrl-C) go to the child's process group (the run and the
    formatter it started), as a terminal sends them to a run in process; one that comes before
    the child is known ends this process as it would have ended the run (status 130 for Ctrl-C).
    Ctrl-Z stops the child's group with this process, and continuing this one continues it.
    """
    global _to_start
    path = wanted(argv)
    if path is None:
        return None
    if not path.exists():
        _to_start = path
        return None
    child = 0
    pending: list[int] = []

    def forward(signum: int, _frame: object) -> None:
        if child <= 0:
            pending.append(signum)
            return
        _to_group(child, signum)

    def suspend(_signum: int, _frame: object) -> None:
        """Ctrl-Z: the run stopped with this process, as a terminal stops a job's group."""
        _to_group(child, signal.SIGTSTP)
        signal.signal(signal.SIGTSTP, signal.SIG_DFL)
        # Stopped here until continued; or not at all, in a process group no shell controls
        # (an orphaned one), where the system discards the signal: then neither would a run
        # in process have stopped, and the child goes on at once.
        os.kill(os.getpid(), signal.SIGTSTP)
        signal.signal(signal.SIGTSTP, suspend)
        _to_group(child, signal.SIGCONT)

    def resume(_signum: int, _frame: object) -> None:
        _to_group(child, signal.SIGCONT)

    previous = {sig: signal.signal(sig, forward) for sig in _FORWARDED}
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            try:
                conn.settimeout(CONNECT_TIMEOUT)
                conn.connect(os.fspath(path))
                conn.settimeout(START_TIMEOUT)
                with _standard_fds() as fds:
                    send(conn, _request(argv), fds=fds)
                started = json.loads(receive(conn, MAX_MESSAGE))
                pid = started.get("pid") if isinstance(started, dict) else None
                if not isinstance(pid, int) or pid <= 0 or pending:
                    raise ProtocolError("no run started")
                send(conn, b'"go"')
                child = pid
                for sig, job_control in ((signal.SIGTSTP, suspend), (signal.SIGCONT, resume)):
                    previous[sig] = signal.signal(sig, job_control)
                conn.settimeout(None)
            except (OSError, ValueError, ProtocolError):
                if pending:
                    return 128 + pending[0]
                _to_start = path  # a socket left by a warm generator that was killed: replaced
                return None
            return _wait(conn)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def _standard_fds() -> Iterator[list[int]]:
    """Standard input, output and error to pass on; the null device for one that is closed."""
    fds, opened = [], []
    try:
        for fd in (0, 1, 2):
            try:
                os.fstat(fd)
            except OSError:
                fd = os.open(os.devnull, os.O_RDWR)
                opened.append(fd)
            fds.append(fd)
        yield fds
    finally:
        for fd in opened:
            os.close(fd)


def _to_group(child: int, signum: int) -> None:
    """`signum` to the child's process group (the run and the processes it started), or to
    the child alone while its group is not yet made."""
    try:
        os.killpg(child, signum)
    except OSError:
        with contextlib.suppress(OSError):
            os.kill(child, signum)


def _wait(conn: socket.socket) -> int | None:
    """The child's exit status (None: it ended without one, and the run is done here)."""
    try:
        reply = json.loads(receive(conn, MAX_MESSAGE))
    except (OSError, ValueError, ProtocolError):
        reply = None
    code = reply.get("exit") if isinstance(reply, dict) else None
    if isinstance(code, int):
        return code
    print(
        "warning: the warm generator's run ended without finishing (see "
        "`openapi-contract background status`); generating in this process instead",
        file=sys.stderr,
    )
    return None


def wanted(argv: list[str]) -> Path | None:
    """The warm generator's socket for this run, or None when this run is not for it."""
    if not argv or argv[0] != "generate" or not _supported():
        return None
    if os.environ.get("OPENAPI_CONTRACT_PROFILE_OUT") or sys._xoptions:
        return None  # a profiled run measures its own imports
    override = os.environ.get(WARM_ENV, "").strip().lower()
    if override in _OFF:
        return None
    if override not in _ON and (in_ci() or not configured(_config_path(argv))):
        return None
    return socket_path()


def _supported() -> bool:
    return os.name == "posix" and hasattr(socket, "AF_UNIX") and hasattr(socket, "send_fds")


def _config_path(argv: list[str]) -> Path:
    """`--config`'s value, as `generate` reads it (its default: pyproject.toml)."""
    for i, arg in enumerate(argv):
        if arg == "--config" and i + 1 < len(argv):
            return Path(argv[i + 1])
        if arg.startswith("--config="):
            return Path(arg.partition("=")[2])
    return Path("pyproject.toml")


def configured(pyproject: Path) -> bool:
    """Whether the project opted in: `warm-generator = true` under `[tool.openapi-contract]`
    (a file that cannot be read says no; the run then reports it)."""
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    tool = data.get("tool", {})
    settings = tool.get("openapi-contract", {}) if isinstance(tool, dict) else {}
    return isinstance(settings, dict) and settings.get(WARM_SETTING) is True


def package_root() -> Path:
    """The folder the `generator` package is imported from (generator.background's)."""
    return background.package_root()


def identity() -> tuple[str, str]:
    """(the generator's installation, its code and dependencies as they are now): the first
    names every warm generator of this installation, the second the one for this code."""
    package = package_root() / "generator"
    where = hashlib.sha256(f"{package}\0{sys.executable}".encode()).hexdigest()[:12]
    digest = hashlib.sha256()
    # Not sys.path itself: `generate --link` adds the generated packages' folders to it, which
    # the generator never imports from.
    for part in (sys.version, repr(sys.flags), sys.prefix, os.environ.get("PYTHONPATH", "")):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    for name in _INTERPRETER_ENV:
        digest.update(f"{name}={os.environ.get(name)}\0".encode("utf-8", "surrogateescape"))
    # A package installed, upgraded or removed changes its folder's modification time.
    for entry in site.getsitepackages():
        with contextlib.suppress(OSError):
            stamp = f"{entry}:{os.stat(entry).st_mtime_ns}\0"
            digest.update(stamp.encode("utf-8", "surrogateescape"))
    for rel, size, mtime in _modules(package):
        digest.update(f"{rel}:{size}:{mtime}\0".encode("utf-8", "surrogateescape"))
    return where, digest.hexdigest()[:16]


def _modules(package: Path) -> list[tuple[str, int, int]]:
    """Every Python module of the generator: its path, size and modification time."""
    found = []
    folders = [package]
    while folders:
        folder = folders.pop()
        with contextlib.suppress(OSError), os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        folders.append(Path(entry.path))
                elif entry.name.endswith(".py"):
                    stat = entry.stat()
                    found.append((entry.path, stat.st_size, stat.st_mtime_ns))
    return sorted(found)


def socket_path() -> Path | None:
    folder = background.workers_folder()
    if folder is None:
        return None
    where, code = identity()
    path = folder / f"{PREFIX}{where}-{code}.sock"
    return path if len(os.fsencode(path)) <= MAX_SOCKET_PATH else None


def _request(argv: list[str]) -> bytes:
    streams = {}
    for name in ("stdin", "stdout", "stderr"):
        stream = getattr(sys, name)
        spec = [getattr(stream, "encoding", None), getattr(stream, "errors", None)]
        if all(isinstance(part, str) for part in spec):  # else the child's defaults
            streams[name] = spec
    request = {
        "op": "run",
        "argv": argv,
        "cwd": os.getcwd(),
        "env": dict(os.environ),
        "umask": _umask(),
        "streams": streams,
    }
    return json.dumps(request, ensure_ascii=False).encode("utf-8", "surrogateescape")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def start_if_wanted() -> None:
    """Start the warm generator this run found missing, in the background, for the next run
    (a second one, started beside it by another run, finds the first holding the lock and
    leaves)."""
    path = _to_start
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)  # the socket answers whoever can reach it: its user only
        prune(path.parent, PREFIX, keep=path.stem)
    except OSError:
        return
    background.start("generator.warm_server", path, path.with_suffix(".log"))


def idle_seconds() -> float:
    return background.seconds(IDLE_ENV, IDLE_SECONDS)


def ask(path: Path, request: dict[str, Any]) -> dict[str, Any] | None:
    """One request that is not a run (`ping`, `stop`) to the warm generator at `path`."""
    return background.ask(path, json.dumps(request).encode())


def running() -> dict[Path, object]:
    """The warm generators that answer (any code's): socket -> process id."""
    return background.running(PREFIX)


def stop_all() -> dict[Path, object]:
    """Ask every warm generator to leave: those that said they would, socket -> process id."""
    return background.stop_all(PREFIX)
